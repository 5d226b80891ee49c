"""What /health reports: the broker, each owning service and its database, the gateway's own database,
its read model and its projector. Services are asked in parallel under one deadline."""
from datetime import timedelta
from functools import partial

import eventlet
from nameko.rpc import Client
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from services.gateway import projections
from shared.config import SERVICES
from shared.installation import broker_answers
from shared.messaging import utcnow

OK, UNAVAILABLE, UNKNOWN, CATCHING_UP = "ok", "unavailable", "unknown", "catching_up"
READ_MODEL_PROBLEMS = {CATCHING_UP: "модель чтения ещё догоняет журналы событий",
                       UNKNOWN: "состояние модели чтения неизвестно"}
PROJECTOR_PROBLEMS = {UNAVAILABLE: "обработчик событий шлюза (projector) не работает: модель чтения не обновляется",
                      UNKNOWN: "состояние обработчика событий шлюза неизвестно"}
# The projector beats every second (service.py); this long without a beat it is taken for stopped.
PROJECTOR_SILENT = timedelta(seconds=10)


def ping_services(rpc, timeout):
    """``{service: its ping reply}``, None for a service that did not answer within ``timeout``.

    The probes expire in the queue of a stopped service after ``timeout`` too: given per call (the
    caller reads it when asked), so the expiration ``rpc`` was declared with at import does not count."""
    rpc = Client(partial(rpc.publish, expiration=timeout), rpc.register_for_reply, rpc.context_data)
    pending = {name: _ask(rpc, name) for name in SERVICES}
    replies = {}
    with eventlet.Timeout(timeout, False):
        for name, reply in pending.items():
            replies[name] = _result(reply)
    return {name: replies.get(name) for name in SERVICES}


def broker_status(amqp_uri):
    """Whether a new connection to RabbitMQ opens (the gateway's own ones may be stale)."""
    return OK if broker_answers(amqp_uri) else UNAVAILABLE


def database_status(sessions):
    try:
        with sessions() as session:
            session.execute(text("SELECT 1"))
        return OK
    except (SQLAlchemyError, OSError):
        return UNAVAILABLE


def read_model_status(sessions):
    try:
        return OK if projections.caught_up(sessions) else CATCHING_UP
    except (SQLAlchemyError, OSError):
        return UNKNOWN


def projector_status(sessions):
    """Whether the read model's projector (another process) beat recently."""
    try:
        _, beat_at = projections.state(sessions)
    except (SQLAlchemyError, OSError):
        return UNKNOWN
    return OK if beat_at is not None and utcnow() - beat_at < PROJECTOR_SILENT else UNAVAILABLE


def report(broker, replies, gateway_database, read_model, projector=OK):
    """``(healthy, body)`` of /health; a degraded body has a ``message`` naming everything down."""
    # Without the broker no service can answer: whether they run is then unknown, not "down".
    silent = UNAVAILABLE if broker == OK else UNKNOWN
    services = {name: OK if reply else silent for name, reply in replies.items()}
    databases = {name: reply.get("database", OK) if reply else UNKNOWN for name, reply in replies.items()}
    databases["gateway"] = gateway_database
    problems = [*(["брокер сообщений RabbitMQ недоступен"] if broker != OK else []),
                *(f"сервис «{name}» не отвечает" for name, status in services.items() if status == UNAVAILABLE),
                *(_database_problem(name) for name, status in databases.items() if status == UNAVAILABLE),
                *([READ_MODEL_PROBLEMS[read_model]] if read_model != OK else []),
                *([PROJECTOR_PROBLEMS[projector]] if projector != OK else [])]
    body = {"status": "degraded" if problems else "ok", "broker": broker, "services": services,
            "databases": databases, "read_model": read_model, "projector": projector}
    if problems:
        body["message"] = "Сеть работает не полностью: " + "; ".join(problems)
    return not problems, body


def _database_problem(name):
    return "база данных шлюза недоступна" if name == "gateway" else f"база данных сервиса «{name}» недоступна"


def _ask(rpc, name):
    try:
        return getattr(rpc, name).ping.call_async()
    except Exception:  # e.g. UnknownService: no queue for it has ever been declared
        return None


def _result(reply):
    if reply is None:
        return None
    try:
        return reply.result()
    except Exception:  # any failure of the probe means the service is not healthy
        return None
