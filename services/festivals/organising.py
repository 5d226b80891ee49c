"""Festivals, forums and contests: who organises them, their dates, nominations and programme."""
from sqlalchemy import select

from services.festivals.contract import REGION, REGION_TIMEZONE, FestivalSchema
from services.festivals.models import Festival, FestivalsOutbox, KnownMunicipality, Nomination, ProgrammeItem
from shared.auth import ADMIN, METHODIST, REVIEWER, require_city, require_role
from shared.db import get_row, paginate, require_revision
from shared.errors import Conflict, Forbidden, NotFound, PreconditionFailed, ValidationFailed
from shared.messaging import record, utcnow


def create_festival(session, actor, data):
    """A methodist creates a festival of their city; a reviewer, one of the whole region."""
    require_role(actor, METHODIST, REVIEWER)
    municipality = actor.municipality if actor.role == METHODIST else None
    known = session.get(KnownMunicipality, municipality) if municipality else None
    festival = Festival(
        kind=data["kind"], title=data["title"], description=data["description"], place=data["place"],
        starts_on=data["starts_on"], ends_on=data["ends_on"], municipality=municipality,
        timezone=known.timezone if known else REGION_TIMEZONE, created_by=actor.username)
    festival.nominations = [Nomination(title=item["title"]) for item in data["nominations"]]
    session.add(festival)
    session.flush()
    announce(session, festival, "festival_published", actor)
    return festival


def get_festival(session, festival_id, for_update=False):
    return get_row(session, Festival, festival_id, NotFound(f"Фестиваль №{festival_id} не найден"), for_update)


def require_organiser(actor, festival):
    """A city festival is changed by its city's methodists, a regional one by the account that created
    it (its organiser); an administrator may change either."""
    require_role(actor, METHODIST, REVIEWER, ADMIN)
    if actor.role == ADMIN:
        return
    if festival.municipality is not None:
        require_city(actor, festival.municipality, METHODIST)
    elif actor.username != festival.created_by:
        raise Forbidden("Изменять региональный фестиваль может только его организатор или администратор",
                        {"festival": [f"Организатор: {festival.created_by}"]})


def editable_festival(session, actor, festival_id):
    festival = get_festival(session, festival_id, for_update=True)
    require_organiser(actor, festival)
    if festival.status == "cancelled":
        raise Conflict("Фестиваль отменён: изменить его нельзя", {"status": ["cancelled"]})
    return festival


def change_festival(session, actor, festival_id, changes, expected_revisions=None):
    """Change some fields; with ``expected_revisions`` (the client's ``If-Match``) only if nobody
    changed the festival since the client read one of those revisions."""
    festival = editable_festival(session, actor, festival_id)
    require_revision(session, festival, expected_revisions, PreconditionFailed(
        "Фестиваль изменил кто-то другой, пока вы редактировали: обновите страницу и внесите изменения заново",
        {"revision": [f"Сейчас у фестиваля ревизия {festival.revision}"]}))
    starts_on = changes.get("starts_on", festival.starts_on)
    ends_on = changes.get("ends_on", festival.ends_on)
    if ends_on < starts_on:
        raise ValidationFailed("Даты не согласованы",
                               {"ends_on": ["Фестиваль не может закончиться раньше, чем начался."]})
    for key, value in changes.items():
        setattr(festival, key, value)
    announce(session, festival, "festival_changed", actor)
    return festival


def cancel_festival(session, actor, festival_id):
    festival = editable_festival(session, actor, festival_id)
    festival.status = "cancelled"
    announce(session, festival, "festival_cancelled", actor)
    return festival


def add_nomination(session, actor, festival_id, title):
    festival = editable_festival(session, actor, festival_id)
    if any(nomination.title == title for nomination in festival.nominations):
        raise Conflict(f"Номинация «{title}» уже есть", {"title": ["Уже есть"]})
    festival.nominations.append(Nomination(title=title))
    session.flush()
    announce(session, festival, "festival_changed", actor)
    return festival


def add_programme_item(session, actor, festival_id, data):
    festival = editable_festival(session, actor, festival_id)
    festival.programme.append(ProgrammeItem(**data))
    session.flush()
    announce(session, festival, "festival_changed", actor)
    return festival


def list_festivals(session, municipality=None, date_from=None, date_to=None, page=1, per_page=20):
    """Festivals of a city (``region`` for the regional ones) overlapping the dates, soonest first."""
    query = select(Festival)
    if municipality:
        query = query.where(Festival.municipality.is_(None) if municipality == REGION
                            else Festival.municipality == municipality)
    if date_from:
        query = query.where(Festival.ends_on >= date_from)
    if date_to:
        query = query.where(Festival.starts_on <= date_to)
    return paginate(session, query, Festival.starts_on, Festival.id, page=page, per_page=per_page)


def announce(session, festival, name, actor, entry_id=None):
    """Tell the network the festival's whole new state (and who changed it, and the entry concerned),
    in the caller's transaction."""
    festival.revision += 1
    festival.updated_at = utcnow()
    session.flush()
    session.refresh(festival)  # entries and jurors added through their tables, not the relationships
    record(session, FestivalsOutbox, name, {"id": festival.id, "revision": festival.revision, "actor": actor.username,
                                            "festival": FestivalSchema().dump(festival), "entry_id": entry_id})
