"""Collections (сборники) of approved practices: requested in one call, built in the background."""
import logging

from sqlalchemy import select

from services.practices import book_docx, book_pdf, typesetting
from services.practices.models import Collection, Entry, Resource
from services.practices.registry import public_view
from shared.auth import ADMIN, METHODIST, REVIEWER, require_role
from shared.db import paginate
from shared.errors import NotFound, ValidationFailed
from shared.messaging import utcnow

log = logging.getLogger(__name__)
PROGRESS_STEPS = 20  # how many times a build reports progress
SCOPE = ("municipality", "direction", "festival_id", "winners_only", "practice_ids", "city_names")
EDITION = ("compilers", "annotation", "foreword", "order")


def request_collection(session, actor, data):
    """Queue a collection of the approved practices matching ``data``; the builder picks it up."""
    require_role(actor, METHODIST, REVIEWER, ADMIN)
    scope = {key: data[key] for key in SCOPE if data.get(key) is not None}
    if not _matching(session, scope):
        raise ValidationFailed("Под эти условия не подходит ни одна опубликованная практика",
                               {"municipality": ["Нет опубликованных практик"]})
    edition = {key: data[key] for key in EDITION}
    publisher = data.get("publisher") or {}
    edition.update(publisher=publisher.get("name") or typesetting.NETWORK, place=publisher.get("place", ""),
                   timezone=publisher.get("timezone") or typesetting.REGION_TIMEZONE)
    collection = Collection(title=data["title"], scope=scope, edition=edition, rebuilt_from=data.get("rebuilt_from"),
                            created_by=actor.username,
                            created_by_name=getattr(actor, "full_name", None) or actor.username)
    session.add(collection)
    session.flush()
    return collection


def get_collection(session, collection_id):
    collection = session.get(Collection, collection_id)
    if collection is None:
        raise NotFound(f"Сборник №{collection_id} не найден")
    return collection


def list_collections(session, page=1, per_page=20):
    """Collections built before, the newest first: ``(items, total)``."""
    return paginate(session, select(Collection), Collection.id.desc(), page=page, per_page=per_page)


def _matching(session, scope):
    query = select(Entry).where(Entry.published_version.is_not(None)).order_by(Entry.municipality, Entry.id)
    if scope.get("municipality"):
        query = query.where(Entry.municipality == scope["municipality"])
    if scope.get("practice_ids") is not None:
        query = query.where(Entry.id.in_(scope["practice_ids"]))
    entries = session.scalars(query).all()
    if scope.get("direction"):
        entries = [e for e in entries if public_view(e).get("direction") == scope["direction"]]
    return entries


def build_next(sessions, store, base_url):
    """Build the oldest queued collection, if any; returns its id. ``base_url``: the public site that
    the book's links point to."""
    with sessions.begin() as session:
        query = select(Collection).where(Collection.status == "queued").order_by(Collection.id).limit(1)
        if session.bind.dialect.name == "postgresql":
            query = query.with_for_update(skip_locked=True)  # replicas build different collections
        collection = session.scalars(query).first()
        if collection is None:
            return None
        collection.status = "building"
        collection_id, scope = collection.id, collection.scope
        edition = typesetting.Edition(title=collection.title, **(collection.edition or {}))
    try:
        book = _gather(sessions, collection_id, edition, scope, base_url)
        docx, pdf = book_docx.render(book), book_pdf.render(book)
        _finish(sessions, collection_id, status="ready", contents=book.contents,
                docx_sha256=store.put(docx), pdf_sha256=store.put(pdf), progress=100)
    except Exception as failure:  # a broken build is reported on the collection, never lost
        log.exception("collection %s failed", collection_id)
        _finish(sessions, collection_id, status="failed", error=str(failure))
    return collection_id


def _gather(sessions, collection_id, edition, scope, base_url):
    # One session throughout: on SQLite a process has a single connection, so a second session
    # opened here for the progress updates would wait for this one forever.
    with sessions() as session:
        entries = _matching(session, scope)
        book = typesetting.Book(edition, city_names=scope.get("city_names", {}), base_url=base_url)
        step = max(1, len(entries) // PROGRESS_STEPS)
        for number, entry in enumerate(entries, 1):
            book.add(public_view(entry), _resources(session, entry.id))
            if number % step == 0:
                session.get(Collection, collection_id).progress = 90 * number // len(entries)
                session.commit()
    return book


def _resources(session, entry_id):
    return session.scalars(select(Resource).where(Resource.practice_id == entry_id).order_by(Resource.id)).all()


def _finish(sessions, collection_id, **values):
    with sessions.begin() as session:
        collection = session.get(Collection, collection_id)
        for key, value in values.items():
            setattr(collection, key, value)
        collection.finished_at = utcnow()
