"""The public history of a registry entry, projected from its ``practice_*`` events, so that the entry
page shows it without asking the practices service.

It is what that service answers everyone but the entry's city, the experts and the administrators
(``history`` in services/practices/review.py): when which version was published or taken off the
registry, without who decided and without review comments. The time is the event's.
"""
from datetime import datetime

from sqlalchemy import select

from services.gateway.models import EntryHistoryLine
from shared.db import upsert

PUBLIC_REMOVALS = ("withdrawn", "archived")  # taking a published entry off the registry is public


def entry_changed(session, data, envelope):
    """Any practice_* event: one line per event (its id is the key, so a repeat changes nothing)."""
    upsert(session, EntryHistoryLine, {
        "event_id": envelope["event_id"], "entry_id": data["id"], "version": data["version"],
        "action": envelope["event_type"].removeprefix("practice_"), "status": data["status"],
        "occurred_at": datetime.fromisoformat(envelope["occurred_at"])})


def public_history(session, entry_id):
    """The entry's public lines, oldest first, shaped as the practices service's history items."""
    lines = session.execute(
        select(EntryHistoryLine.version, EntryHistoryLine.action, EntryHistoryLine.status,
               EntryHistoryLine.occurred_at)
        .where(EntryHistoryLine.entry_id == entry_id)
        .order_by(EntryHistoryLine.occurred_at, EntryHistoryLine.event_id)).all()
    shown, before = [], None
    for version, action, status, occurred_at in lines:
        if status == "approved" or (before == "approved" and action in PUBLIC_REMOVALS):
            shown.append({"version": version, "action": action, "from": before, "to": status, "who": None,
                          "when": occurred_at.isoformat(), "comment": ""})
        before = status
    return shown
