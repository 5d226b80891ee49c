"""What every data-owning service has in common: a health probe, the outbox relay and its metrics."""
import logging

from amqp.exceptions import MessageNacked
from kombu import Connection, Producer
from nameko import config
from nameko.amqp.publish import PERSISTENT
from nameko.constants import AMQP_SSL_CONFIG_KEY, LOGIN_METHOD_CONFIG_KEY
from nameko.events import EventDispatcher
from nameko.messaging import encode_to_headers
from nameko.rpc import Rpc
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from shared import logs
from shared.compat import SignatureCheckedOnce, TolerantRpcConsumer
from shared.config import every
from shared.errors import NetworkError, known_error
from shared.events import stamped
from shared.messaging import event_index_after, events_after, outbox_backlog, relay
from shared.metrics import OUTBOX_BACKLOG, Instrumentation, MetricsServer
from shared.revocation import RefusesRevokedTokens

log = logging.getLogger(__name__)
# How long the relay waits for the broker to confirm its batch before it gives up (and publishes it again).
CONFIRM_TIMEOUT_SECONDS = 30


class OwnedDataRpc(SignatureCheckedOnce, Rpc):
    """The RPC entrypoint of the owning services: an error ``shared.errors`` knows goes back as that
    NetworkError, e.g. a database that cannot be reached as ServiceUnavailable (503 with a reason)
    instead of an unexpected error; the transaction of the call was rolled back, so nothing of it is
    stored."""

    rpc_consumer = TolerantRpcConsumer()

    def handle_result(self, message, worker_ctx, result, exc_info):
        error = known_error(exc_info[1], self.container.service_name) if exc_info is not None else None
        if error is not None and error is not exc_info[1]:
            exc_info = (type(error), error, exc_info[2])
        return super().handle_result(message, worker_ctx, result, exc_info)


rpc = OwnedDataRpc.decorator


class OutboxDispatcher(EventDispatcher):
    """``dispatch(event_type, envelope, correlation_id)`` publishes an event, carrying the correlation id
    of the request that caused it (kept with its outbox row), not that of the relay's timer, and this
    installation's id; ``dispatch.confirm()`` returns once the broker has confirmed every event
    published since, and raises if it refused one or the connection failed.

    One wait for a relay's batch instead of a broker round trip per event, which was a third of the
    practices service's time during an import: the events go out on a channel of the relay's own, in
    confirm mode, without waiting, and the relay marks them sent only after ``confirm()``. One relay
    runs at a time per process (a timer's next run waits for the last one), so the channel is its own.
    """

    def setup(self):
        super().setup()
        self.connection = self.producer = None
        self.pending = set()  # delivery tags published and not yet confirmed
        self.refused = False

    def stop(self):
        self._close()

    def get_dependency(self, worker_ctx):
        headers = encode_to_headers(worker_ctx.context_data)

        def dispatch(event_type, envelope, correlation_id=None):
            try:
                self._publish(stamped(envelope), event_type,
                              {**headers, **encode_to_headers({logs.CONTEXT_KEY: correlation_id})})
            except Exception:
                self._close()
                raise

        dispatch.confirm = self._confirm
        return dispatch

    def _publish(self, body, routing_key, headers):
        if self.producer is None:
            self._open()
        self.producer.publish(body, routing_key=routing_key, headers=headers, delivery_mode=PERSISTENT,
                              serializer=self.publisher.serializer, declare=[self.exchange], retry=False)
        self.published += 1
        self.pending.add(self.published)

    def _open(self):
        self.connection = Connection(self.amqp_uri, ssl=config.get(AMQP_SSL_CONFIG_KEY),
                                     login_method=config.get(LOGIN_METHOD_CONFIG_KEY))
        channel = self.connection.channel()
        channel.confirm_select()
        channel.events["basic_ack"].add(self._acknowledged)
        channel.events["basic_nack"].add(self._refused)
        self.producer = Producer(channel, exchange=self.exchange)
        self.published, self.pending, self.refused = 0, set(), False

    def _acknowledged(self, delivery_tag, multiple):
        self.pending -= {tag for tag in self.pending if tag <= delivery_tag} if multiple else {delivery_tag}

    def _refused(self, delivery_tag, multiple):
        self.refused = True
        self._acknowledged(delivery_tag, multiple)

    def _confirm(self):
        try:
            while self.pending:
                self.connection.drain_events(timeout=CONFIRM_TIMEOUT_SECONDS)
            if self.refused:
                raise MessageNacked("the broker refused an event")
        except Exception:
            self._close()
            raise

    def _close(self):
        if self.connection is not None:
            self.connection.collect()  # forcibly: it may be the broken one
        self.connection = self.producer = None


class OutboxMetricsServer(MetricsServer):
    """The service's metrics, with its outbox backlog counted at each scrape."""

    def before_scrape(self):
        database = next(dependency for dependency in self.container.dependencies if dependency.attr_name == "db")
        try:
            with database.sessions() as session:
                backlog = outbox_backlog(session, self.container.service_cls.outbox_model)
        except (SQLAlchemyError, OSError):
            backlog = float("nan")  # the database is down: /health says so, the gauge must not lie
        OUTBOX_BACKLOG.labels(self.container.service_name).set(backlog)


class OwningService(RefusesRevokedTokens):
    """Base of catalog, practices and festivals. Subclasses set ``name``, ``db`` and ``outbox_model``.

    Each refuses signed-out tokens (``RefusesRevokedTokens``)."""

    dispatch = OutboxDispatcher()
    instrumentation = Instrumentation()
    metrics = OutboxMetricsServer()

    @rpc(expected_exceptions=NetworkError)
    def ping(self):
        """The service answers; ``database`` tells whether its own database does too."""
        try:
            with self.db() as session:
                session.execute(text("SELECT 1"))
                backlog = outbox_backlog(session, self.outbox_model)
                last_position = session.scalar(select(func.max(self.outbox_model.position))) or 0
        except (SQLAlchemyError, OSError) as exc:
            log.error("health probe: the database does not answer: %s", exc)
            return {"status": "ok", "database": "unavailable"}
        return {"status": "ok", "database": "ok", "outbox_backlog": backlog, "last_position": last_position}

    @rpc(expected_exceptions=NetworkError)
    def replay_events(self, after_position, limit=500, event_ids=None):
        """Committed events after ``after_position`` in outbox order, for rebuilding read models; only
        those of ``event_ids`` when given (the ones a reader found missing in ``replay_index``)."""
        with self.db() as session:
            return events_after(session, self.outbox_model, after_position, limit, event_ids)

    @rpc(expected_exceptions=NetworkError)
    def replay_index(self, after_position, limit=500):
        """``[(position, event_id, event_type)]`` of the events ``replay_events`` gives, without bodies."""
        with self.db() as session:
            return event_index_after(session, self.outbox_model, after_position, limit)

    @every("OUTBOX_RELAY_INTERVAL", 0.1)
    def relay_outbox(self):
        relay(self.db, self.outbox_model, self.dispatch)
