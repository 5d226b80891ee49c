"""Catching up from the owners' event logs: for read models and for services that mirror others' data.

Events normally arrive from RabbitMQ, in batches (shared/batches.py). Whatever a consumer missed (it
was not running when its queues were first declared, it lost its data, it is a new replica) it reads
from the owners' outboxes over RPC, page by page from a per-source checkpoint: the page's index first
(``replay_index``: positions, ids and types), then the bodies of the events it handles and has not
applied yet (``replay_events``). Both paths record each event id in the transaction that applies it,
so an event that came both ways takes effect once.
"""
from sqlalchemy import Integer, String, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from shared.compat import ClusterRpc
from shared.config import every
from shared.db import database_unavailable
from shared.dead_letters import DeadLetters
from shared.errors import NetworkError
from shared.messaging import apply_all_once, apply_once, claimed_event_id

# A page is applied in one transaction: small enough not to hold the read model long.
REPLAY_PAGE = 200


class ReplayCheckpointMixin:
    """Columns of a consumer's ``replay_checkpoints`` table: how far it read each owner's log."""

    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class EventLogReader:
    """Applies ``handlers`` (``{event name: apply(session, data)}``) to the events of ``sources``;
    ``on_change(session)``, if given, runs in the transaction of every change it applies (the gateway
    raises its read model's version there, for the stored answers of its HTTP workers)."""

    def __init__(self, processed_model, checkpoint_model, sources, handlers, on_change=None):
        self.processed_model, self.checkpoint_model = processed_model, checkpoint_model
        self.sources, self.handlers = tuple(sources), handlers
        self.on_change = on_change

    def apply(self, sessions, name, payload):
        return apply_once(sessions, self.processed_model, name, payload, self.handlers[name], self.on_change)

    def apply_batch(self, sessions, events, park):
        """Apply ``[(name, payload, ...)]`` (shared/batches.py ``Delivery``) in one transaction; returns
        how many took effect.

        Events handled before, and repeats within the batch, are left out first (one query). If the
        transaction fails (an invalid event, a handler's error, another delivery of one committed
        meanwhile), the batch goes one event at a time: each good one takes effect once, and each bad
        one is given to ``park(name, payload, error)`` (the dead letters) instead of holding up the rest.
        An unreachable database is raised: every event of the batch comes again with the catch-up.
        """
        seen = self._already_processed(sessions, [claimed_event_id(payload) for _, payload, *_ in events])
        fresh = []
        for name, payload, *_ in events:
            claimed = claimed_event_id(payload)
            if claimed is None or claimed not in seen:
                seen.add(claimed)
                fresh.append((name, payload))
        try:
            apply_all_once(sessions, self.processed_model, fresh, self.handlers, self.on_change)
            return len(fresh)
        except Exception as error:  # noqa: BLE001 - sorted out event by event below
            if database_unavailable(error):
                raise
        applied = 0
        for name, payload in fresh:
            try:
                applied += self.apply(sessions, name, payload)
            except Exception as error:  # a retry would fail the same way: park it and take the next one
                if database_unavailable(error):
                    raise
                park(name, payload, error)
        return applied

    def catch_up(self, sessions, fetch_index, fetch_events):
        """Read every source's log after our checkpoint. ``fetch_index(source, after, limit)`` returns
        ``[(position, event_id, event_type)]``, ``fetch_events(source, after, event_ids)`` the
        ``[(position, envelope)]`` of those ids. Only the events handled here and not applied yet are
        fetched whole: the broker has delivered almost every one of them already, and reading all the
        bodies again was a second transfer and decoding of the whole log. Returns how many events were read."""
        read = 0
        for source in self.sources:
            while True:
                after = self._checkpoint(sessions, source)
                index = fetch_index(source, after, REPLAY_PAGE)
                handled = [event_id for _, event_id, event_type in index if event_type in self.handlers]
                seen = self._already_processed(sessions, handled)
                missing = [event_id for event_id in handled if event_id not in seen]
                if missing:
                    envelopes = fetch_events(source, after, missing)
                    # The broker's batches went on while the bodies came: leave out what they applied
                    # meanwhile, or the page's transaction fails on it and falls back to one per event.
                    seen = self._already_processed(sessions, missing)
                    self._apply_page(sessions, [(envelope["event_type"], envelope) for _, envelope in envelopes
                                                if envelope["event_id"] not in seen])
                self._advance(sessions, source, after, index[-1][0] if index else after)
                read += len(index)
                if len(index) < REPLAY_PAGE:
                    break
        return read

    def _apply_page(self, sessions, events):
        """One transaction for the page. If that fails, one per event: a broker delivery of one of
        them committed meanwhile is then skipped, an invalid one stops the catch-up where it is."""
        try:
            apply_all_once(sessions, self.processed_model, events, self.handlers, self.on_change)
        except (NetworkError, IntegrityError):
            for name, payload in events:
                self.apply(sessions, name, payload)

    def has_read_every_log(self, sessions):
        with sessions() as session:
            read = session.scalars(select(self.checkpoint_model.source)).all()
        return set(self.sources) <= set(read)

    def _already_processed(self, sessions, event_ids):
        """Which of these events arrived from RabbitMQ already: one query for a whole page."""
        event_ids = [event_id for event_id in event_ids if event_id is not None]
        if not event_ids:
            return set()
        with sessions() as session:
            model = self.processed_model
            return set(session.scalars(select(model.event_id).where(model.event_id.in_(event_ids))))

    def _checkpoint(self, sessions, source):
        with sessions() as session:
            checkpoint = session.get(self.checkpoint_model, source)
            return checkpoint.position if checkpoint else 0

    def _advance(self, sessions, source, after, position):
        """Move the checkpoint from ``after`` to ``position``, unless it changed meanwhile: a rebuild
        (the gateway's ``projections.reset``) that emptied the checkpoints while this page was read
        must not be undone, or the log before ``position`` would never be read again."""
        model = self.checkpoint_model
        with sessions.begin() as session:
            moved = session.execute(update(model).where(model.source == source, model.position == after)
                                    .values(position=position)).rowcount
            if not moved and after == 0 and session.get(model, source) is None:
                session.add(model(source=source, position=position))


class CatchesUp:
    """Mixin for a nameko service that applies others' events through ``event_log`` (an
    EventLogReader) to the database dependency named ``event_log_db``: batches from the broker
    (``apply_delivered``, called by its ``@event_batches`` method) and, on a timer, the catch-up from
    the owners' logs."""

    event_log = None
    event_log_db = "db"
    replay = ClusterRpc()
    dead_letters = DeadLetters()

    def apply_delivered(self, events):
        """Apply a batch from the broker, each event once; an event that cannot be applied is parked."""
        self.event_log.apply_batch(getattr(self, self.event_log_db), events, self.dead_letters)

    @every("READ_MODEL_CATCH_UP_SECONDS", 5)
    def catch_up(self):
        self.event_log.catch_up(getattr(self, self.event_log_db), self._fetch_index, self._fetch_events)

    def _fetch_index(self, source, after, limit):
        return getattr(self.replay, source).replay_index(after, limit)

    def _fetch_events(self, source, after, event_ids):
        return getattr(self.replay, source).replay_events(after, len(event_ids), event_ids)
