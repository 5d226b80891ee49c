"""The call for entries: its deadline and per-nomination rules, entries checked against them, withdrawn
until the deadline, and each applicant's own entries."""
from sqlalchemy import select

from services.festivals.contract import call_state, local_time
from services.festivals.models import Festival, FestivalEntry
from services.festivals.organising import announce, editable_festival, get_festival
from shared.auth import METHODIST, ROLES, require_role
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from shared.messaging import utcnow
from shared.plugins import entry_kinds


def open_call(session, actor, festival_id, data):
    """Open the call (or move its deadline) with the jury's rubric and the nominations' rules."""
    festival = editable_festival(session, actor, festival_id)
    if data["deadline"] <= utcnow():
        raise ValidationFailed("Срок приёма заявок должен быть в будущем", {"deadline": ["Срок уже прошёл"]})
    known_kinds = set(entry_kinds())
    by_title = {nomination.title: nomination for nomination in festival.nominations}
    for rules in data["nominations"]:
        nomination = by_title.get(rules["title"])
        if nomination is None:
            raise ValidationFailed(f"В фестивале нет номинации «{rules['title']}»",
                                   {"nominations": [f"Нет номинации «{rules['title']}»"]})
        unknown = sorted(set(rules["kinds"]) - known_kinds)
        if unknown:
            raise ValidationFailed("Неизвестный вид записи в правилах номинации",
                                   {"nominations": [f"«{rules['title']}»: нет вида {', '.join(unknown)}"]})
        nomination.kinds, nomination.rubric = rules["kinds"], rules["rubric"]
    if festival.call_opened_at is None:
        festival.call_opened_at = utcnow()
    festival.call_deadline, festival.rubric = data["deadline"], data["rubric"] or festival.rubric
    announce(session, festival, "festival_call_opened", actor)
    return festival


def check_entry(festival, nomination, practice):
    """The call must be open, the deadline not past and the practice of a kind and city the nomination
    takes: a city festival's own city, a regional festival's any city."""
    state = call_state(festival)
    if state == "not_open":
        raise Conflict("Приём заявок на этот фестиваль ещё не открыт", {"festival": ["Приём заявок не открыт"]})
    if state == "closed":
        deadline = local_time(festival, festival.call_deadline)
        raise Conflict(f"Приём заявок закончился {deadline}: заявку подать уже нельзя",
                       {"deadline": [f"Срок приёма заявок: {deadline}"]})
    if nomination.kinds and practice.kind not in nomination.kinds:
        raise ValidationFailed(f"В номинацию «{nomination.title}» принимаются только записи видов: "
                               f"{', '.join(nomination.kinds)}", {"practice_id": ["Вид записи не подходит"]})
    if festival.municipality is not None and practice.municipality != festival.municipality:
        raise ValidationFailed("На городской фестиваль заявляются только практики этого города",
                               {"practice_id": [f"Практика не из {festival.municipality}"]})


def withdraw_entry(session, actor, festival_id, entry_id, withdraw_round):
    """The applicant (or their city's methodist) withdraws an entry until the deadline;
    ``withdraw_round(entry_id)`` takes it off its jurors' lists."""
    require_role(actor, *ROLES)
    festival = get_festival(session, festival_id, for_update=True)
    entry = next((e for e in festival.entries if e.id == entry_id), None)
    if entry is None:
        raise NotFound(f"В фестивале №{festival_id} нет заявки №{entry_id}")
    if actor.username != entry.entered_by and actor.municipality != entry.municipality:
        raise Forbidden("Отозвать заявку может только её автор или методист её города")
    if entry.status == "withdrawn":
        raise Conflict("Заявка уже отозвана", {"status": ["withdrawn"]})
    if call_state(festival) != "open":
        deadline = local_time(festival, festival.call_deadline) if festival.call_deadline else "—"
        raise Conflict(f"Приём заявок закончился {deadline}: отозвать заявку уже нельзя",
                       {"deadline": [f"Срок приёма заявок: {deadline}"]})
    entry.status = "withdrawn"
    if entry.round_id is not None:
        withdraw_round(entry.id)
    announce(session, festival, "festival_entry_withdrawn", actor, entry_id=entry.id)
    return festival


def my_entries(session, actor, page=1, per_page=20):
    """The entries ``actor`` submitted (a methodist: their city's), newest first, with their state."""
    require_role(actor, *ROLES)
    mine = FestivalEntry.entered_by == actor.username
    if actor.role == METHODIST:
        mine = mine | (FestivalEntry.municipality == actor.municipality)
    query = select(FestivalEntry).where(mine)
    total = len(session.scalars(query).all())
    rows = session.scalars(query.order_by(FestivalEntry.id.desc()).offset((page - 1) * per_page).limit(per_page))
    items = []
    for entry in rows:
        festival = session.get(Festival, entry.festival_id)
        nomination = next(n.title for n in festival.nominations if n.id == entry.nomination_id)
        items.append({**{key: getattr(entry, key) for key in (
            "id", "nomination_id", "practice_id", "practice_title", "municipality", "entered_by", "entered_at",
            "status", "application", "resources", "place", "laureate", "from_festival_id",
            "from_festival_title")},
            "festival_id": festival.id, "festival_title": festival.title, "nomination": nomination,
            "deadline": local_time(festival, festival.call_deadline) if festival.call_deadline else None,
            "scores_in": len(entry.scores)})
    return items, total
