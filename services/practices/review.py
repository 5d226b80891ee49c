"""The review workflow of DOMAIN.md: who may move an entry from which state to which.

draft → submitted → (changes_requested → submitted …) → approved | rejected;
submitted can be withdrawn back to draft, a published entry withdrawn from public view, and any
entry archived. Every move is recorded with who, when and why, and announced as an event.
"""
from sqlalchemy import select

from services.practices.contract import STATUS_TITLES, TRANSITIONS
from services.practices.models import Entry, EntryTransition
from services.practices.registry import (
    announce,
    announce_all,
    entry_not_found,
    get_entries,
    get_entry,
    get_visible_entry,
    page_of_views,
    sees_working_copy,
    working_version,
)
from shared.auth import METHODIST, REVIEWER, require_city, require_role
from shared.errors import Conflict, Forbidden, NetworkError, ValidationFailed
from shared.messaging import utcnow


def transition(session, actor, entry_id, name, comment=""):
    """Apply transition ``name`` (``submit``, ``approve``, …) to an entry; returns the entry."""
    entry = get_entry(session, entry_id, for_update=True)
    rule = TRANSITIONS[name]
    previous = _move(actor, entry, rule, comment)
    announce(session, entry, rule.action, actor, from_status=previous, comment=comment)
    return entry


def _move(actor, entry, rule, comment):
    """Check that ``actor`` may move ``entry`` by ``rule`` (raising before anything changes), then move it;
    returns the status it had. The caller announces the move."""
    _check_actor(actor, entry, rule)
    if entry.status not in rule.sources:
        allowed = ", ".join(f"«{STATUS_TITLES[s]}»" for s in sorted(rule.sources))
        raise Conflict(f"Действие недоступно в состоянии «{STATUS_TITLES[entry.status]}»; "
                       f"оно возможно из: {allowed}", {"status": [entry.status]})
    if rule.needs_comment and not comment.strip():
        raise ValidationFailed("Нужен комментарий", {"comment": ["Объясните автору, что изменить или почему"]})
    previous = entry.status
    _apply(entry, _target_status(entry, rule))
    return previous


def transition_many(session, actor, entry_ids, name, comment=""):
    """The same transition on many entries (a reviewer approving a selection, say).

    All are read in one query; each is checked before it changes, so one that cannot move is reported
    and the others go ahead.
    """
    rule = TRANSITIONS[name]
    require_role(actor, rule.role)  # a guest or a wrong role is refused as a whole, not entry by entry
    entries = get_entries(session, entry_ids)
    done, failed, moved = [], {}, []
    for entry_id in entry_ids:
        try:
            if entry_id not in entries:
                raise entry_not_found(entry_id)
            moved.append((entries[entry_id], _move(actor, entries[entry_id], rule, comment)))
            done.append(entry_id)
        except NetworkError as refused:
            failed[str(entry_id)] = refused.message
    announce_all(session, moved, rule.action, actor, comment)
    return {"done": done, "failed": failed}


def _target_status(entry, rule):
    if rule.action == "withdrawn" and entry.status == "submitted":
        return "draft"  # taken back from review: the author can edit it again
    return rule.action


def _check_actor(actor, entry, rule):
    if rule.role == METHODIST:
        require_city(actor, entry.municipality, METHODIST)
        return
    require_role(actor, REVIEWER)
    if actor.username in (entry.author, working_version(entry).author):
        raise Forbidden("Нельзя рецензировать собственную запись")
    if actor.municipality == entry.municipality:
        # The same rule as the expert rounds' (expertise._assign): no one judges their own city's work.
        raise Forbidden("Эксперт не принимает решений по записям своего муниципалитета: "
                        "запись рассмотрит эксперт другого города или ЧИППКРО", {"municipality": [entry.municipality]})


def _apply(entry, status):
    if status == "submitted":
        entry.submitted_at = utcnow()
    elif status == "approved":
        entry.published_version = entry.version
        working_version(entry).approved_at = utcnow()
    elif status in ("withdrawn", "archived"):
        entry.published_version = None
    entry.status = status


def review_queue(session, actor, kind=None, municipality=None, page=1, per_page=20, **content):
    """Entries of every city waiting for review, oldest submission first, with the registry's filters."""
    require_role(actor, REVIEWER)
    query = select(Entry).where(Entry.status == "submitted")
    if kind:
        query = query.where(Entry.kind == kind)
    if municipality:
        query = query.where(Entry.municipality == municipality)
    return page_of_views(session, query, (Entry.submitted_at, Entry.id), page, per_page, **content)


def history(session, actor, entry_id):
    """Every edit and transition of an entry, oldest first, for its city, reviewers and admins.

    Everyone else sees the public history: when which version was published or taken off the
    registry, without review comments and without who decided (the review itself is not public).
    """
    entry = get_visible_entry(session, actor, entry_id)
    query = select(EntryTransition).where(EntryTransition.entry_id == entry_id).order_by(EntryTransition.id)
    items = session.scalars(query).all()
    if sees_working_copy(actor, entry):
        return items
    return [_public_line(item) for item in items if _concerns_publication(item)]


def _concerns_publication(item):
    return item.to_status == "approved" or (item.from_status == "approved" and item.action in ("withdrawn", "archived"))


def _public_line(item):
    return {"version": item.version, "action": item.action, "from_status": item.from_status,
            "to_status": item.to_status, "actor": None, "actor_role": item.actor_role, "at": item.at,
            "comment": ""}
