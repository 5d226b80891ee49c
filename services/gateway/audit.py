"""The audit log: every change and review decision in the network, projected from the owners' events.

Each event family says who acted (``actor``), on what, and in which city; the log keeps that with
the event's own time and id. Region-wide festivals have no city (``municipality`` None).
"""
from datetime import datetime

from sqlalchemy import select

from services.gateway.models import AuditRecord
from shared.db import paginate, upsert
from shared.events import ACCOUNT_ACCESS_EVENTS, ADOPTION_EVENTS, BOOKING_EVENTS, FESTIVAL_EVENTS, PRACTICE_EVENTS
from shared.messaging import call_handler, with_envelope


def practice_fields(data):
    return {"actor": data["actor"], "municipality": data["municipality"], "object_type": "practice",
            "object_id": str(data["id"]), "practice_id": data["id"], "status": data["status"],
            "comment": data["comment"]}


def session_fields(data):
    return {"actor": data["actor"], "municipality": data["municipality"], "object_type": "session",
            "object_id": str(data["session_id"]), "practice_id": data["practice_id"]}


def booking_fields(data):
    state = data["session"]
    return {"actor": data["actor"], "municipality": state["municipality"], "object_type": "booking",
            "object_id": str(data["booking_id"]), "practice_id": state["practice_id"], "status": data["status"],
            "comment": f"{data['school']}: {data['pupils']} чел."}


def festival_fields(data):
    return {"actor": data["actor"], "municipality": data["festival"].get("municipality"),
            "object_type": "festival", "object_id": str(data["id"]), "status": data["festival"].get("status")}


def jury_fields(data):
    """A juror assigned to a festival entry, or the juror's scores (the total, never who else scored)."""
    return {"actor": data["actor"], "municipality": data["municipality"], "object_type": "festival_entry",
            "object_id": str(data["festival_entry_id"]), "practice_id": data["entry_id"],
            "comment": f"{data['juror']}: {data['total']} %" if "juror" in data else data["reviewer"]}


def resource_fields(data):
    resource = data["resource"]
    return {"actor": resource.get("created_by"), "municipality": resource.get("municipality"),
            "object_type": "resource", "object_id": str(resource["id"]), "practice_id": resource.get("practice_id")}


def account_fields(data):
    return {"actor": data["actor"], "municipality": data["municipality"], "object_type": "account",
            "object_id": data["username"], "status": data["role"]}


def adoption_fields(data):
    """In the adopter's city, on the original practice; a due report has no actor (the timer asked)."""
    return {"actor": data["actor"], "municipality": data["adopter_municipality"], "object_type": "adoption",
            "object_id": str(data["id"]), "practice_id": data["original_entry_id"],
            "comment": data["report_text"] or data["changes"]}


AUDITED = {
    **{name: practice_fields for name in PRACTICE_EVENTS},
    "trial_session_scheduled": session_fields,
    **{name: booking_fields for name in BOOKING_EVENTS},
    **{name: festival_fields for name in FESTIVAL_EVENTS},
    "festival_juror_assigned": jury_fields,
    "festival_jury_scored": jury_fields,
    "resource_published": resource_fields,
    "account_created": account_fields,
    **{name: account_fields for name in ACCOUNT_ACCESS_EVENTS},
    **{name: adoption_fields for name in ADOPTION_EVENTS},
}


def record(session, data, envelope):
    row = {"practice_id": None, "status": None, "comment": "", **AUDITED[envelope["event_type"]](data)}
    upsert(session, AuditRecord, {"event_id": envelope["event_id"], "action": envelope["event_type"],
                                  "occurred_at": datetime.fromisoformat(envelope["occurred_at"]), **row})


def audited(projection=None):
    """The event's projection (if any) followed by its audit record, in the same transaction."""
    @with_envelope
    def project(session, data, envelope):
        if projection is not None:
            call_handler(projection, session, data, envelope)
        record(session, data, envelope)
    return project


def entries(session, municipality=None, actor=None, entry=None, action=None, page=1, per_page=20):
    """A page of the log, newest first, filtered by city, actor, registry entry or action."""
    query = select(AuditRecord)
    for column, value in ((AuditRecord.municipality, municipality), (AuditRecord.actor, actor),
                          (AuditRecord.practice_id, entry), (AuditRecord.action, action)):
        if value is not None:
            query = query.where(column == value)
    return paginate(session, query, AuditRecord.occurred_at.desc(), AuditRecord.event_id.desc(),
                    page=page, per_page=per_page)
