"""Entries of the registry: drafting, editing, versions, who may see what, and their announcements."""
from sqlalchemy import insert, select
from sqlalchemy.orm import joinedload

from services.practices.contract import STATUS_TITLES, content_schema
from services.practices.models import Entry, EntryTransition, EntryVersion, PracticesOutbox
from shared.auth import ADMIN, METHODIST, REVIEWER, require_city, require_role
from shared.db import get_row, paginate, require_revision
from shared.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed
from shared.messaging import record_all, utcnow
from shared.plugins import SEARCH_CHOICE, SEARCH_RANGE, entry_kinds
from shared.schemas import load, reused
from shared.wordforms import matches

EDITABLE_IN_PLACE = {"draft", "changes_requested"}
EDITABLE_AS_NEW_VERSION = {"approved"}


def create_entry(session, actor, kind_name, content):
    """A methodist drafts an entry of ``kind_name`` for their own city (version 1)."""
    return create_entries(session, actor, [(kind_name, content)])[0]


def create_entries(session, actor, drafts):
    """Draft several entries ``[(kind_name, content)]`` at once: one flush for all of them."""
    require_role(actor, METHODIST)
    return add_drafts(session, actor, [(kind_name, load(reused(content_schema(kind_name)), content))
                                       for kind_name, content in drafts])


def add_drafts(session, actor, drafts):
    """Draft several entries ``[(kind_name, content)]`` at once, their content already loaded by its
    kind's schema (one :func:`content_schema` instance per process): one flush for all of them."""
    require_role(actor, METHODIST)
    entries = []
    for kind_name, content in drafts:
        entry = Entry(kind=kind_name, municipality=actor.municipality, status="draft", version=1,
                      revision=1, author=actor.username)
        entry.versions.append(EntryVersion(number=1, content=content, author=actor.username))
        entries.append(entry)
    session.add_all(entries)
    session.flush()
    # Inserted at revision 1 and announced as they are: an UPDATE per new entry saved (a tenth of an
    # import's statements).
    _record_changes(session, [(entry, None) for entry in entries], "created", actor)
    return entries


def edit_entry(session, actor, entry_id, changes, expected_revisions=None):
    """Change some fields. A published entry gets a new draft version; the published one stays.

    With ``expected_revisions`` (the client's ``If-Match``) the change is made only to one of those
    revisions: an edit of what someone else has changed meanwhile is refused, not silently lost."""
    entry = get_entry(session, entry_id, for_update=True)
    require_city(actor, entry.municipality, METHODIST)
    require_revision(session, entry, expected_revisions, PreconditionFailed(
        "Запись изменил кто-то другой, пока вы редактировали: обновите страницу и внесите изменения заново",
        {"revision": [f"Сейчас у записи ревизия {entry.revision}"]}))
    previous_status = entry.status
    if entry.status in EDITABLE_AS_NEW_VERSION:
        base = working_version(entry)
        entry.version += 1
        entry.versions.append(EntryVersion(number=entry.version, content=dict(base.content),
                                           author=actor.username))
        entry.status = "draft"
    elif entry.status not in EDITABLE_IN_PLACE:
        raise Conflict(f"Запись в состоянии «{STATUS_TITLES[entry.status]}» нельзя изменить",
                       {"status": [entry.status]})
    version = working_version(entry)
    merged = {**version.content, **_only_declared(entry.kind, _without_same_kind(entry, changes))}
    version.content = load(reused(content_schema(entry.kind)), merged)
    version.author = actor.username
    announce(session, entry, "edited", actor, from_status=previous_status)
    return entry


def _without_same_kind(entry, changes):
    """A change may repeat the entry's ``kind`` (API.md lists it among the fields); it cannot alter it."""
    changes = dict(changes)
    if "kind" in changes and changes.pop("kind") != entry.kind:
        raise ValidationFailed("Вид записи нельзя изменить", {"kind": [
            f"Запись — «{entry_kinds()[entry.kind].title}» ({entry.kind}); для другого вида создайте новую запись"]})
    return changes


def _only_declared(kind_name, changes):
    """Validate a partial change on its own first, so unknown fields are named as such."""
    return load(content_schema(kind_name)(partial=True), changes)


def get_entry(session, entry_id, for_update=False):
    # Its versions in the same statement: every change reads them (its event carries the published
    # version), and a second round trip was a tenth of a review decision's statements on PostgreSQL.
    return get_row(session, Entry, entry_id, entry_not_found(entry_id), for_update,
                   loads=[joinedload(Entry.versions)])


def get_entries(session, entry_ids):
    """``{id: entry}`` of those of ``entry_ids`` that exist, locked for update."""
    query = select(Entry).where(Entry.id.in_(entry_ids)).with_for_update()
    return {entry.id: entry for entry in session.scalars(query)}


def entry_not_found(entry_id):
    return NotFound(f"Запись №{entry_id} не найдена")


def working_version(entry):
    return _version(entry, entry.version)


def published_version(entry):
    return _version(entry, entry.published_version) if entry.published_version else None


def _version(entry, number):
    return next(v for v in entry.versions if v.number == number)


def sees_working_copy(actor, entry):
    """The author's city methodists, reviewers and admins see drafts; everyone else the public view."""
    if actor is None:
        return False
    if actor.role in (REVIEWER, ADMIN):
        return True
    return actor.role == METHODIST and actor.municipality == entry.municipality


def get_visible_entry(session, actor, entry_id):
    """The entry if ``actor`` may see it in some version; 404 for others' unpublished drafts."""
    entry = get_entry(session, entry_id)
    if entry.published_version is None and not sees_working_copy(actor, entry):
        raise entry_not_found(entry_id)
    return entry


def visible_view(session, actor, entry_id):
    """The entry as ``actor`` may see it: the working copy for its editors, else the public one."""
    entry = get_visible_entry(session, actor, entry_id)
    if sees_working_copy(actor, entry):
        return entry_view(entry, working_version(entry))
    return public_view(entry)


def public_view(entry):
    published = published_version(entry)
    return entry_view(entry, published, status="approved") if published else None


def entry_view(entry, version, status=None):
    status = status or entry.status
    published = published_version(entry)
    return {
        **version.content,
        "id": entry.id, "kind": entry.kind, "kind_title": entry_kinds()[entry.kind].title,
        "municipality": entry.municipality, "status": status, "status_title": STATUS_TITLES[status],
        "version": version.number, "working_version": entry.version, "revision": entry.revision,
        "published_version": entry.published_version, "author": entry.author,
        "created_at": entry.created_at, "updated_at": entry.updated_at,
        "submitted_at": entry.submitted_at, "approved_at": published.approved_at if published else None,
    }


def list_entries(session, actor, kind=None, municipality=None, status=None, sort="updated", page=1, per_page=20,
                 **content):
    """Entries the caller may manage: a methodist's own city, or every city for reviewers/admins;
    ``content`` filters (q, direction, grade, format) look at the working copy."""
    require_role(actor, METHODIST, REVIEWER, ADMIN)
    query = select(Entry)
    if actor.role == METHODIST:
        query = query.where(Entry.municipality == actor.municipality)
    elif municipality:
        query = query.where(Entry.municipality == municipality)
    if kind:
        query = query.where(Entry.kind == kind)
    if status:
        query = query.where(Entry.status == status)
    recent = (Entry.updated_at.desc(), Entry.id.desc())
    order_by = (Entry.status, *recent) if sort == "status" else recent
    return page_of_views(session, query, order_by, page, per_page, by_title=sort == "title", **content)


def page_of_views(session, query, order_by, page, per_page, q=None, direction=None, grade=None, format=None,
                  by_title=False):
    """``(views, total)`` of one page of ``query``'s entries. The content filters (and the order by
    title) are applied here, over the working copies, as the stored content is a document; without
    them the database pages."""
    if not (q or direction or grade or format or by_title):
        entries, total = paginate(session, query, *order_by, page=page, per_page=per_page)
        return [entry_view(entry, working_version(entry)) for entry in entries], total
    views = [view for view in (entry_view(entry, working_version(entry))
                               for entry in session.scalars(query.order_by(*order_by)))
             if _content_matches(view, q, direction, grade, format)]
    if by_title:
        views.sort(key=lambda view: str(view.get("title") or "").casefold())
    return views[(page - 1) * per_page:page * per_page], len(views)


def _content_matches(view, q, direction, grade, format):
    searchable = " ".join(str(view.get(key) or "") for key in ("title", "summary", "profession", "organization"))
    return ((not q or matches(q, searchable + " " + " ".join(view.get("tags") or [])))
            and (not direction or view.get("direction") == direction)
            and (not grade or grade in (view.get(SEARCH_RANGE) or []))
            and (not format or view.get(SEARCH_CHOICE) == format))


def announce(session, entry, action, actor, from_status, comment=""):
    """Record the change in the entry's history and announce it, in the caller's transaction."""
    announce_all(session, [(entry, from_status)], action, actor, comment)


def announce_all(session, changed, action, actor, comment=""):
    """:func:`announce` for entries ``[(entry, from_status)]`` changed alike (an import, a bulk review):
    their history lines in one statement and their events in another, not two ORM objects each."""
    for entry, _ in changed:
        entry.revision += 1
        entry.updated_at = utcnow()
    _record_changes(session, changed, action, actor, comment)


def _record_changes(session, changed, action, actor, comment=""):
    """The history lines and the events of entries already at their new revision."""
    lines, events = [], []
    for entry, from_status in changed:
        lines.append({
            "entry_id": entry.id, "version": entry.version, "action": action, "from_status": from_status,
            "to_status": entry.status, "actor": actor.username, "actor_role": actor.role, "comment": comment,
            "content": dict(working_version(entry).content) if action == "changes_requested" else None})
        events.append((f"practice_{action}", {
            "id": entry.id, "kind": entry.kind, "municipality": entry.municipality, "status": entry.status,
            "version": entry.version, "published_version": entry.published_version,
            "revision": entry.revision, "author": entry.author, "actor": actor.username, "comment": comment,
            "published": _json_ready(public_view(entry)),
        }))
    if lines:
        session.execute(insert(EntryTransition), lines)
        record_all(session, PracticesOutbox, events)


def _json_ready(view):
    if view is None:
        return None
    return {key: value.isoformat() if hasattr(value, "isoformat") else value for key, value in view.items()}
