"""Reliable events: the transactional outbox on the publishing side, once-only handling on the other.

A service records an event in its ``outbox`` table in the same transaction as the change it announces;
the relay later publishes committed rows to RabbitMQ and marks them sent. A crash between publishing and
marking makes the relay publish the row again, so handlers must tolerate repeats: :func:`apply_once`
records each handled event id in the handler's own transaction and skips ids it has seen.
"""
import functools
import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import JSON, Integer, String, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from shared import logs
from shared.db import UtcDateTime
from shared.events import make_envelope, open_envelope

log = logging.getLogger(__name__)
RELAY_BATCH = 200
REPLAY_SETTLE_SECONDS = 2


def utcnow():
    return datetime.now(UTC)


class OutboxMixin:
    """Columns of a service's ``outbox`` table (the service's model adds ``__tablename__``)."""

    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    event_type: Mapped[str] = mapped_column(String(80))
    envelope: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    # The request that caused the event (shared/logs.py): its handlers' log lines carry the same id.
    correlation_id: Mapped[str | None] = mapped_column(String(128))


class ProcessedEventMixin:
    """Columns of a service's ``processed_events`` table: ids of the events it has handled."""

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    event_type: Mapped[str] = mapped_column(String(80))
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


def record(session, outbox_model, name, data):
    """Store event ``name`` in the outbox; it is published only if ``session`` commits."""
    return record_all(session, outbox_model, [(name, data)])[0]


def record_all(session, outbox_model, events):
    """:func:`record` for many events ``[(name, data)]`` in one statement; returns their envelopes."""
    envelopes = [make_envelope(name, data) for name, data in events]
    correlation_id = logs.correlation_id.get()
    # The table's insert, not the ORM's: the ORM's bulk path costs more than the row (a booking's 0.2 ms).
    session.execute(insert(outbox_model.__table__), [
        {"event_id": envelope["event_id"], "event_type": envelope["event_type"], "envelope": envelope,
         "correlation_id": correlation_id} for envelope in envelopes])
    return envelopes


def relay(sessions, outbox_model, dispatch, batch=RELAY_BATCH):
    """Publish unsent outbox rows in order with ``dispatch(event_type, envelope, correlation_id)``;
    returns the count. ``dispatch`` may publish without waiting for the broker if it has a ``confirm()``
    that waits for all of them at the end (shared/service.py ``OutboxDispatcher``). Rows are marked sent
    only after all of them are published and confirmed: if anything fails half-way the whole batch
    stays unsent and is published again on the next run.

    PostgreSQL: replicas of one service share the outbox, so the rows stay locked while they are
    published and each goes to one relay at a time. SQLite: a process has one connection, and every
    request of the service waits for it; it is not held while the broker confirms each event, the
    rows are read, published, then marked sent in a second short transaction.
    """
    query = (select(outbox_model.position, outbox_model.event_type, outbox_model.envelope,
                    outbox_model.correlation_id)
             .where(outbox_model.published_at.is_(None)).order_by(outbox_model.position).limit(batch))
    with sessions.begin() as session:
        if session.bind.dialect.name == "postgresql":
            rows = session.execute(query.with_for_update(skip_locked=True)).all()
            _publish(rows, dispatch)
            _mark_sent(session, outbox_model, rows)
            return len(rows)
        rows = session.execute(query).all()
    _publish(rows, dispatch)
    with sessions.begin() as session:
        _mark_sent(session, outbox_model, rows)
    return len(rows)


def _publish(rows, dispatch):
    for _, event_type, envelope, correlation_id in rows:
        dispatch(event_type, envelope, correlation_id)
    confirm = getattr(dispatch, "confirm", None)
    if confirm is not None:
        confirm()


def _mark_sent(session, outbox_model, rows):
    if rows:
        session.execute(update(outbox_model).where(outbox_model.position.in_([row[0] for row in rows]))
                        .values(published_at=utcnow()))


def outbox_backlog(session, outbox_model):
    query = select(func.count()).select_from(outbox_model).where(outbox_model.published_at.is_(None))
    return session.scalar(query)


def events_after(session, outbox_model, after_position, limit, event_ids=None,
                 settle_seconds=REPLAY_SETTLE_SECONDS):
    """``[(position, envelope)]`` of events stored after ``after_position``, oldest first; only those of
    ``event_ids`` when given.

    The outbox is kept as the service's event log, so any read model can be rebuilt from it. Rows
    younger than ``settle_seconds`` are held back: with concurrent writers a lower position can commit
    after a higher one, and a reader that moved past it would never see it.
    """
    query = _settled_after(select(outbox_model.position, outbox_model.envelope), outbox_model, after_position,
                           limit, settle_seconds)
    if event_ids is not None:
        query = query.where(outbox_model.event_id.in_(event_ids))
    return [list(row) for row in session.execute(query)]


def event_index_after(session, outbox_model, after_position, limit, settle_seconds=REPLAY_SETTLE_SECONDS):
    """``[(position, event_id, event_type)]`` of the events :func:`events_after` gives, without their
    envelopes: a reader that has most of them already asks for the bodies of the others only."""
    query = _settled_after(select(outbox_model.position, outbox_model.event_id, outbox_model.event_type),
                           outbox_model, after_position, limit, settle_seconds)
    return [list(row) for row in session.execute(query)]


def _settled_after(query, outbox_model, after_position, limit, settle_seconds):
    settled = utcnow() - timedelta(seconds=settle_seconds)
    return (query.where(outbox_model.position > after_position, outbox_model.created_at <= settled)
            .order_by(outbox_model.position).limit(limit))


def apply_once(sessions, processed_model, name, payload, apply, after=None):
    """Validate event ``name`` and run ``apply(session, data)`` unless this event id was handled;
    ``after(session)``, if given, runs in the same transaction once it was applied.

    Returns True when applied, False for a repeated delivery.
    """
    claimed = claimed_event_id(payload)
    try:
        with sessions.begin() as session:
            # Repeats are common (the broker and the replay both deliver): skip them before validating.
            if claimed is not None and _handled(session, processed_model, claimed):
                return False
            event_id, data = open_envelope(name, payload)
            if event_id != claimed and _handled(session, processed_model, event_id):
                return False
            session.connection().execute(_processed_insert(processed_model),
                                         {"event_id": event_id, "event_type": name, "processed_at": utcnow()})
            call_handler(apply, session, data, payload)
            if after is not None:
                after(session)
    except IntegrityError:
        # A concurrent delivery of the same event committed first.
        if _seen(sessions, processed_model, event_id):
            log.info("event %s %s already handled", name, event_id)
            return False
        raise
    return True


def apply_all_once(sessions, processed_model, events, handlers, after=None):
    """Apply ``[(name, payload)]`` not handled before, all in one transaction (a page of an event log,
    a batch from the broker), then ``after(session)`` if given.

    The caller leaves out events it knows were handled. Raises like :func:`apply_once` on an invalid
    event, and IntegrityError if another delivery of one of them committed meanwhile: the caller then
    goes through them one by one.
    """
    opened = [(name, *open_envelope(name, payload), payload) for name, payload in events]
    if not opened:
        return
    with sessions.begin() as session:
        session.execute(insert(processed_model), [
            {"event_id": event_id, "event_type": name, "processed_at": utcnow()} for name, event_id, _, _ in opened])
        for name, _, data, payload in opened:
            call_handler(handlers[name], session, data, payload)
        if after is not None:
            after(session)


def with_envelope(handler):
    """Mark ``handler(session, data, envelope)``: it is given the (validated) envelope too, for the
    event's id and time (the audit log records when a change happened, not when it was projected)."""
    handler.wants_envelope = True
    return handler


def call_handler(handler, session, data, envelope):
    if getattr(handler, "wants_envelope", False):
        return handler(session, data, envelope)
    return handler(session, data)


def claimed_event_id(payload):
    """The id an event says it has, before it is validated (None if it says none)."""
    claimed = payload.get("event_id") if isinstance(payload, dict) else None
    return claimed if isinstance(claimed, str) else None


def _seen(sessions, processed_model, event_id):
    with sessions() as session:
        return _handled(session, processed_model, event_id)


def _handled(session, processed_model, event_id):
    return session.connection().scalar(_processed_query(processed_model), {"event_id": event_id}) is not None


# apply_once takes one event in a transaction of its own (what a batch or a page that failed as a whole
# falls back to): these statements are built once per table, as building and keying them cost more than
# running them.
@functools.cache
def _processed_query(processed_model):
    table = processed_model.__table__
    return select(table.c.event_id).where(table.c.event_id == bindparam("event_id"))


@functools.cache
def _processed_insert(processed_model):
    return insert(processed_model.__table__)
