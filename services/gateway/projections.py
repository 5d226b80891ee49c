"""How each event changes the read model, and how the read model catches up or is rebuilt.

Events normally arrive from RabbitMQ, in batches, at the projector (service.py ``ProjectorService``,
the read model's only writer). Anything missed (the projector was down, a new replica starts, the read
model was lost) is read by its catch-up from the owners' event logs; both paths go through
:data:`READER`, which applies each event id at most once and raises the read model's version
(:func:`changed`) in the same transaction.
"""
from datetime import UTC, date, datetime, time

from sqlalchemy import delete, insert, select, update

from services.gateway import adoptions, audit, entry_history, notifications, people, search
from services.gateway.models import (
    EntryStatusView,
    FestivalView,
    MunicipalityView,
    NotificationRead,
    OrganizationView,
    ProcessedEvent,
    ReadModelBase,
    ReadModelState,
    ReplayCheckpoint,
    SessionView,
)
from shared.config import SERVICES
from shared.db import upsert
from shared.events import ADOPTION_EVENTS, BOOKING_EVENTS, EVENTS, FESTIVAL_EVENTS, PRACTICE_EVENTS
from shared.messaging import utcnow, with_envelope
from shared.plugins import SEARCH_CHOICE, SEARCH_RANGE, entry_kinds
from shared.replay import EventLogReader


def municipality_registered(session, data):
    upsert(session, MunicipalityView, data)


def organization_registered(session, data):
    upsert(session, OrganizationView, data)


@with_envelope
def practice_changed(session, data, envelope):
    """Any practice_* event: a line of the entry's history, its state for stats, and its public view for
    search and the entry page."""
    entry_history.entry_changed(session, data, envelope)  # every line, an older one arriving late too
    state = {"id": data["id"], "kind": data["kind"], "municipality": data["municipality"],
             "status": data["status"], "revision": data["revision"]}
    if not upsert(session, EntryStatusView, state, newer_only=True):
        return  # an older state arriving late (or replayed): what we have is newer
    if data["published"]:
        search.index_document(session, practice_document(data["published"]))
    elif data["revision"] > 1:  # an entry's first state has nothing in search yet
        search.remove_document(session, f"practice:{data['id']}")


def practice_document(published):
    kind = entry_kinds().get(published["kind"])
    extra_text = " ".join(str(published.get(name) or "") for name in (kind.searchable if kind else ()))
    return {
        "key": f"practice:{published['id']}", "doc_type": "practice", "kind": published["kind"],
        "ref_id": published["id"], "municipality": published["municipality"], "title": published["title"],
        # The kind's own searchable text rides along with the summary; results show ``body``.
        "summary": f"{published.get('summary', '')} {extra_text}".strip(),
        # The search's own dimensions, from the kind's fields of those names (see EntryKindPlugin).
        "direction": published.get("direction") or None, "format": published.get(SEARCH_CHOICE),
        "grades": published.get(SEARCH_RANGE) or [], "profession": published.get("profession"),
        "organization": published.get("organization") or None, "tags": published.get("tags") or [],
        "sort_date": datetime.fromisoformat(published.get("approved_at") or published["updated_at"]),
        "body": published,
    }


def session_changed(session, state):
    upsert(session, SessionView, {
        "id": state["session_id"], "practice_id": state["practice_id"], "municipality": state["municipality"],
        "starts_at": state["starts_at"], "ends_at": state["ends_at"], "capacity": state["capacity"],
        "seats_left": state["seats_left"], "place": state["place"], "revision": state["revision"]}, newer_only=True)


def booking_changed(session, data):
    session_changed(session, data["session"])


def festival_changed(session, data):
    """Any festival_* event: the festival for listings and calendars, and its search document."""
    state = data["festival"]
    row = {"id": data["id"], "municipality": state["municipality"], "status": state["status"],
           "starts_on": date.fromisoformat(state["starts_on"]), "ends_on": date.fromisoformat(state["ends_on"]),
           "state": state, "revision": data["revision"]}
    if not upsert(session, FestivalView, row, newer_only=True):
        return
    search.index_document(session, {
        "key": f"festival:{data['id']}", "doc_type": "festival", "kind": state["kind"], "ref_id": data["id"],
        "municipality": state["municipality"], "title": state["title"],
        "summary": " ".join([state["description"], *(n["title"] for n in state["nominations"])]),
        "organization": state["place"] or None,
        "sort_date": datetime.combine(date.fromisoformat(state["starts_on"]), time(), UTC),
        "body": state,
    })


def resource_published(session, data):
    resource = data["resource"]
    search.index_document(session, {
        "key": f"resource:{resource['id']}", "doc_type": "resource", "kind": "resource", "ref_id": resource["id"],
        "municipality": resource["municipality"], "title": resource["title"],
        "summary": " ".join(filter(None, [resource["description"], resource["filename"]])),
        "sort_date": datetime.fromisoformat(resource["created_at"]), "body": resource,
    })


PROJECTIONS = {
    "municipality_registered": municipality_registered,
    "organization_registered": organization_registered,
    "account_created": people.account_created,
    **{name: practice_changed for name in PRACTICE_EVENTS},
    "trial_session_scheduled": session_changed,
    **{name: booking_changed for name in BOOKING_EVENTS},
    **{name: festival_changed for name in FESTIVAL_EVENTS},
    "resource_published": resource_published,
    **{name: adoptions.adoption_changed for name in ADOPTION_EVENTS},
}


# Every audited event is also written to the audit log, in the same transaction as its projection.
AUDITED_PROJECTIONS = {name: audit.audited(PROJECTIONS.get(name)) for name in audit.AUDITED}
HANDLERS = {**PROJECTIONS, **AUDITED_PROJECTIONS}
# Events that concern someone also leave a notification, after their projection and audit record.
HANDLERS.update({name: notifications.notifying(HANDLERS.get(name)) for name in notifications.NOTIFIED})


def changed(session):
    """The read model changed in this transaction: raise its version (the row is made if missing)."""
    raised = session.execute(update(ReadModelState).where(ReadModelState.id == 1)
                             .values(version=ReadModelState.version + 1))
    if raised.rowcount == 0:
        session.execute(insert(ReadModelState).values(id=1, version=1))


READER = EventLogReader(ProcessedEvent, ReplayCheckpoint, SERVICES, HANDLERS, on_change=changed)
# The events the projector takes, each from the service that announces it.
SOURCES = {name: EVENTS[name].source for name in HANDLERS}
# Not emptied by a rebuild: read marks are the visitors' own (written by HTTP workers), the version
# only ever goes up (an HTTP worker must never take a rebuilt model for the one it stored answers of).
KEPT_ON_RESET = (NotificationRead.__table__, ReadModelState.__table__)


def state(sessions):
    """``(version, beat_at)`` of the read model: ``(0, None)`` before the projector ever wrote it."""
    with sessions() as session:
        row = session.execute(select(ReadModelState.version, ReadModelState.beat_at)
                              .where(ReadModelState.id == 1)).first()
    return tuple(row) if row else (0, None)


# Read before every stored answer is served (answers.py): one statement on a pooled connection, with
# no ORM session or statement compilation, which cost more than the answer's lookup itself.
VERSION_QUERY = f"SELECT version FROM {ReadModelState.__tablename__} WHERE id = 1"


def version(sessions):
    """The read model's version: 0 before the projector ever wrote it."""
    with sessions.kw["bind"].connect() as connection:
        return connection.exec_driver_sql(VERSION_QUERY).scalar() or 0


def beat(sessions):
    """The projector is alive: ``/health`` of every HTTP worker reads the time."""
    with sessions.begin() as session:
        beaten = session.execute(update(ReadModelState).where(ReadModelState.id == 1).values(beat_at=utcnow()))
        if beaten.rowcount == 0:
            session.execute(insert(ReadModelState).values(id=1, version=0, beat_at=utcnow()))


def caught_up(sessions):
    """Whether the read model has read every owner's event log at least once since it was (re)built."""
    return READER.has_read_every_log(sessions)


def checkpoints(sessions):
    """``{source: position}``: how far the read model has read each owner's event log."""
    with sessions() as session:
        return dict(session.execute(select(ReplayCheckpoint.source, ReplayCheckpoint.position)).all())


def reset(sessions):
    """Empty the read model so that the next catch-up rebuilds it from the owners' logs."""
    with sessions.begin() as session:
        search.clear(session)
        for table in reversed(ReadModelBase.metadata.sorted_tables):
            if table not in KEPT_ON_RESET:
                session.execute(delete(table))
        changed(session)
