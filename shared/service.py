"""What every data-owning service has in common: a health probe and the outbox relay."""
from nameko import config
from nameko.events import EventDispatcher
from nameko.rpc import rpc
from nameko.timer import timer
from sqlalchemy import text

from shared import compat  # noqa: F401  (nameko shims every service needs)
from shared.errors import NetworkError
from shared.messaging import events_after, outbox_backlog, relay
from shared.revocation import RefusesRevokedTokens


class OwningService(RefusesRevokedTokens):
    """Base of catalog, practices and festivals. Subclasses set ``name``, ``db`` and ``outbox_model``.

    Each refuses signed-out tokens (``RefusesRevokedTokens``)."""

    dispatch = EventDispatcher()

    @rpc(expected_exceptions=NetworkError)
    def ping(self):
        with self.db() as session:
            session.execute(text("SELECT 1"))
            backlog = outbox_backlog(session, self.outbox_model)
        return {"status": "ok", "outbox_backlog": backlog}

    @rpc(expected_exceptions=NetworkError)
    def replay_events(self, after_position, limit=500):
        """Committed events after ``after_position`` in outbox order, for rebuilding read models."""
        with self.db() as session:
            return events_after(session, self.outbox_model, after_position, limit)

    @timer(interval=config.get("OUTBOX_RELAY_INTERVAL", 0.1))
    def relay_outbox(self):
        relay(self.db, self.outbox_model, self.dispatch)
