"""Cross-city reads of the read model: search results people can act on, and network figures."""
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from services.festivals.contract import KINDS as FESTIVAL_KINDS
from services.festivals.contract import REGION
from services.gateway import search as search_engine
from services.gateway.models import (
    EntryStatusView,
    FestivalView,
    MunicipalityView,
    PersonView,
    SearchDocument,
    SearchFilters,
    SessionView,
)
from shared.db import paginate
from shared.errors import NotFound
from shared.plugins import entry_kinds
from shared.schemas import page_of

OTHER_KIND_TITLES = {**FESTIVAL_KINDS, "resource": "Методический ресурс"}
REGION_NAME = "Челябинская область (региональные)"
SESSIONS_SHOWN = 5
URLS = {"practice": "/api/v1/practices/{}", "festival": "/api/v1/festivals/{}", "resource": "/api/v1/resources/{}"}


def kind_title(kind):
    plugin = entry_kinds().get(kind)
    return plugin.title if plugin else OTHER_KIND_TITLES.get(kind, kind)


def search(session, page=1, per_page=20, **filters):
    """A page of published items matching ``filters``, with facets, city names and free seats."""
    found = search_engine.search(session, page=page, per_page=per_page, **filters)
    names = _municipality_names(session)
    sessions = _upcoming_sessions(session, [hit["ref_id"] for hit in found["items"] if hit["doc_type"] == "practice"])
    found["items"] = [_item(hit, names, sessions) for hit in found["items"]]
    return found


def _item(hit, names, sessions):
    item = {**hit["body"], "type": hit["doc_type"], "id": hit["ref_id"], "kind": hit["kind"],
            "kind_title": kind_title(hit["kind"]), "municipality": hit["municipality"],
            "municipality_name": names.get(hit["municipality"], hit["municipality"]),
            "href": URLS[hit["doc_type"]].format(hit["ref_id"]), "score": hit.get("score")}
    if hit["doc_type"] == "practice" and entry_kinds().get(hit["kind"]) and entry_kinds()[hit["kind"]].has_sessions:
        upcoming = sessions.get(hit["ref_id"], [])
        item["sessions"] = upcoming[:SESSIONS_SHOWN]
        item["seats_left"] = sum(s["seats_left"] for s in upcoming)
    return item


def _municipality_names(session):
    names = dict(session.connection().execute(select(MunicipalityView.code, MunicipalityView.name)).all())
    return {REGION: REGION_NAME, **names}


def municipality_names(session):
    return _municipality_names(session)


def festival_practice_ids(session, festival_id, winners_only=False):
    """The practices entered into a festival; ``winners_only``: those given a place or made laureates."""
    festival = session.get(FestivalView, festival_id)
    if festival is None:
        raise NotFound(f"Фестиваль №{festival_id} не найден")
    return sorted({entry["practice_id"] for entry in festival.state["entries"]
                   if entry.get("status", "submitted") == "submitted"
                   and (not winners_only or entry.get("place") or entry.get("laureate"))})


def festival_entry(session, festival_id, entry_id):
    """A festival entry with its nomination's title (for the jury's round page); None outside festivals."""
    festival = session.get(FestivalView, festival_id) if festival_id is not None else None
    entry = next((e for e in festival.state["entries"] if e["id"] == entry_id), None) if festival else None
    if entry is None:
        return None
    nominations = {n["id"]: n["title"] for n in festival.state["nominations"]}
    return {**entry, "nomination": nominations.get(entry["nomination_id"], ""),
            "festival_title": festival.state["title"]}


def jury_candidates(session, roles):
    """The people an organiser may name to a jury (``roles``), by city and then by name."""
    query = select(PersonView).where(PersonView.role.in_(roles))
    return sorted(session.scalars(query), key=lambda p: (p.municipality or "", p.full_name or p.username))


def municipality_name(session, code):
    return _municipality_names(session).get(code, code)


def festivals(session, municipality=None, date_from=None, date_to=None, page=1, per_page=20):
    """A page of festivals overlapping the dates, soonest first, from the read model."""
    query = _festival_query(municipality, date_from, date_to)
    items, total = paginate(session, query, FestivalView.starts_on, FestivalView.id, page=page, per_page=per_page)
    return page_of([item.state for item in items], total, page, per_page)


def festival_state(session, festival_id):
    """A festival's whole state as last announced, None if the read model has not heard of it."""
    festival = session.get(FestivalView, festival_id)
    return festival.state if festival else None


def festival_states(session, municipality=None):
    return [view.state for view in session.scalars(_festival_query(municipality).order_by(FestivalView.starts_on))]


def _festival_query(municipality=None, date_from=None, date_to=None):
    query = select(FestivalView)
    if municipality:
        query = query.where(FestivalView.municipality == municipality)
    if date_from:
        query = query.where(FestivalView.ends_on >= date_from)
    if date_to:
        query = query.where(FestivalView.starts_on <= date_to)
    return query


def trial_sessions(session, practice_id):
    """Every session of a trial, soonest first, with its free seats: what the practices service's
    ``list_sessions`` answers, from the read model."""
    query = select(SessionView).where(SessionView.practice_id == practice_id).order_by(SessionView.starts_at,
                                                                                       SessionView.id)
    return [{"id": row.id, "practice_id": row.practice_id, "starts_at": row.starts_at.isoformat(),
             "ends_at": row.ends_at.isoformat(), "capacity": row.capacity, "seats_left": row.seats_left,
             "place": row.place, "revision": row.revision} for row in session.scalars(query)]


def session_projected(session, session_id, revision):
    """Whether the read model shows session ``session_id`` at ``revision`` or later."""
    stored = session.scalar(select(SessionView.revision).where(SessionView.id == session_id))
    return stored is not None and stored >= revision


def _upcoming_sessions(session, practice_ids):
    """Upcoming sessions of the given trials, soonest first (Core rows: this runs on every search)."""
    if not practice_ids:
        return {}
    sessions = SessionView.__table__
    query = (select(sessions.c.practice_id, sessions.c.id, sessions.c.starts_at, sessions.c.ends_at,
                    sessions.c.capacity, sessions.c.seats_left, sessions.c.place)
             .where(sessions.c.practice_id.in_(practice_ids), sessions.c.starts_at > _now())
             .order_by(sessions.c.starts_at))
    grouped = {}
    for row in session.connection().execute(query).mappings():
        view = dict(row)
        practice_id = view.pop("practice_id")
        view["starts_at"], view["ends_at"] = view["starts_at"].isoformat(), view["ends_at"].isoformat()
        grouped.setdefault(practice_id, []).append(view)
    return grouped


def network_stats(session):
    """Per municipality: entries by kind and state, what is published, upcoming sessions and seats."""
    entries = session.execute(
        select(EntryStatusView.municipality, EntryStatusView.kind, EntryStatusView.status, func.count())
        .group_by(EntryStatusView.municipality, EntryStatusView.kind, EntryStatusView.status)).all()
    seats = {code: (count, free or 0) for code, count, free in session.execute(
        select(SessionView.municipality, func.count(), func.sum(SessionView.seats_left))
        .where(SessionView.starts_at > _now()).group_by(SessionView.municipality)).all()}
    festivals_ahead = dict(session.execute(
        select(FestivalView.municipality, func.count())
        .where(FestivalView.ends_on >= _now().date(), FestivalView.status != "cancelled")
        .group_by(FestivalView.municipality)).all())
    cities = session.scalars(select(MunicipalityView).order_by(MunicipalityView.name)).all()
    rows = [_city_stats(city, entries, seats, festivals_ahead.get(city.code, 0)) for city in cities]
    totals = {key: sum(row[key] for row in rows) for key in ("upcoming_sessions", "free_trial_seats",
                                                             "upcoming_festivals")}
    totals["published"] = sum(sum(row["published"].values()) for row in rows)
    totals["upcoming_regional_festivals"] = festivals_ahead.get(REGION, 0)
    return {"municipalities": rows, "totals": totals}


def _city_stats(city, entries, seats, upcoming_festivals):
    by_kind, published = {}, {}
    for code, kind, status, count in entries:
        if code != city.code:
            continue
        by_kind.setdefault(kind, {})[status] = count
        if status == "approved":
            published[kind] = count
    sessions, free = seats.get(city.code, (0, 0))
    return {"code": city.code, "name": city.name, "region": city.region, "entries": by_kind,
            "published": published, "upcoming_sessions": sessions, "free_trial_seats": free,
            "upcoming_festivals": upcoming_festivals}


def free_seats_by_week(session, weeks=8):
    """``[(monday, {municipality: free seats})]`` of upcoming trial sessions, week by week from this one."""
    now = _now()
    monday = now.date() - timedelta(days=now.weekday())
    rows = session.execute(select(SessionView.municipality, SessionView.starts_at, SessionView.seats_left).where(
        SessionView.starts_at > now, SessionView.starts_at < now + timedelta(weeks=weeks))).all()
    by_week = [(monday + timedelta(weeks=week), {}) for week in range(weeks)]
    for municipality, starts_at, seats_left in rows:
        seats = by_week[(starts_at.date() - monday).days // 7][1]
        seats[municipality] = seats.get(municipality, 0) + seats_left
    return by_week


def _now():
    return datetime.now(UTC)


def practice_resources(session, practice_id):
    """The published resources attached to a practice."""
    query = (select(SearchDocument.body).join(SearchFilters, SearchFilters.id == SearchDocument.id)
             .where(SearchFilters.doc_type == "resource",
                    SearchDocument.body["practice_id"].as_integer() == practice_id)
             .order_by(SearchDocument.title))
    return list(session.scalars(query))


def resource_indexed(session, resource_id):
    """Whether the read model has the resource yet (its ``resource_published`` event was applied)."""
    return session.scalar(select(SearchDocument.id).where(SearchDocument.key == f"resource:{resource_id}")) is not None


def practice_titles(session, practice_ids):
    """``{id: title}`` of published practices, for lists that only carry ids (bookings)."""
    if not practice_ids:
        return {}
    query = select(SearchDocument.ref_id, SearchDocument.title).where(
        SearchDocument.key.in_({f"practice:{practice_id}" for practice_id in practice_ids}))
    return dict(session.execute(query).all())


def published_entry(session, entry_id):
    """The published version of an entry as the public reads it, or None if it was never published."""
    return session.scalar(select(SearchDocument.body).where(SearchDocument.key == f"practice:{entry_id}"))
