"""What every data-owning service has in common: a health probe, the outbox relay and its metrics."""
import logging

from nameko.events import EventDispatcher
from nameko.messaging import encode_to_headers
from nameko.rpc import Rpc
from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError

from shared import logs
from shared.compat import TolerantRpcConsumer
from shared.config import every
from shared.errors import NetworkError, known_error
from shared.events import stamped
from shared.messaging import events_after, outbox_backlog, relay
from shared.metrics import OUTBOX_BACKLOG, Instrumentation, MetricsServer
from shared.revocation import RefusesRevokedTokens

log = logging.getLogger(__name__)


class OwnedDataRpc(Rpc):
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
    """``dispatch(event_type, envelope, correlation_id)``: an event carries the correlation id of the
    request that caused it (kept with its outbox row), not that of the relay's timer, and this
    installation's id."""

    def get_dependency(self, worker_ctx):
        headers = encode_to_headers(worker_ctx.context_data)

        def dispatch(event_type, envelope, correlation_id=None):
            self.publisher.publish(stamped(envelope), exchange=self.exchange, routing_key=event_type,
                                   extra_headers={**headers, **encode_to_headers({logs.CONTEXT_KEY: correlation_id})})

        return dispatch


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
    def replay_events(self, after_position, limit=500):
        """Committed events after ``after_position`` in outbox order, for rebuilding read models."""
        with self.db() as session:
            return events_after(session, self.outbox_model, after_position, limit)

    @every("OUTBOX_RELAY_INTERVAL", 0.1)
    def relay_outbox(self):
        relay(self.db, self.outbox_model, self.dispatch)
