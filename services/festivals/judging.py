"""Entries of published practices into nominations, and the results the organiser announces."""
from services.festivals import jury, season
from services.festivals.models import FestivalEntry, KnownPractice
from services.festivals.organising import announce, editable_festival, get_festival, require_organiser
from shared.auth import METHODIST, require_city, require_role
from shared.errors import Conflict, NotFound, ValidationFailed
from shared.messaging import utcnow


def enter_practice(session, actor, festival_id, data, open_rounds):
    """A methodist enters a published practice of their own city into a nomination while the call is
    open, with a short application and resources; once a jury is appointed its round opens at once."""
    require_role(actor, METHODIST)
    festival = editable_festival_for_entries(session, festival_id)
    nomination = _nomination(festival, data["nomination"])
    practice = session.get(KnownPractice, data["practice_id"])
    if practice is None or not practice.published:
        raise ValidationFailed("Можно заявить только опубликованную практику",
                               {"practice_id": ["Практика не найдена среди опубликованных"]})
    require_city(actor, practice.municipality, METHODIST)
    season.check_entry(festival, nomination, practice)
    entry = next((e for e in festival.entries
                  if e.nomination_id == nomination.id and e.practice_id == practice.id), None)
    if entry is not None and entry.status != "withdrawn":
        raise Conflict("Эта практика уже заявлена в номинацию", {"practice_id": ["Уже заявлена"]})
    if entry is None:
        entry = FestivalEntry(nomination_id=nomination.id, practice_id=practice.id, municipality=practice.municipality)
        festival.entries.append(entry)
    entry.practice_title, entry.entered_by, entry.entered_at = practice.title, actor.username, utcnow()
    entry.status, entry.application, entry.resources = "submitted", data["application"], data["resources"]
    entry.from_festival_id, entry.from_festival_title = _put_forward_from(session, festival, practice,
                                                                          data["from_entry_id"])
    session.flush()
    jury.open_entry_rounds(festival, [entry], open_rounds)
    announce(session, festival, "festival_entry_submitted", actor, entry_id=entry.id)
    return festival


def _put_forward_from(session, festival, practice, from_entry_id):
    """``(festival id, title)`` a regional entry is put forward from: an entry of the same practice
    that won a place or became laureate at a city festival; ``(None, "")`` for an entry of its own."""
    if from_entry_id is None:
        return None, ""
    won = session.get(FestivalEntry, from_entry_id)
    if won is None or won.practice_id != practice.id or won.status != "submitted" \
            or not (won.place or won.laureate):
        raise ValidationFailed("Выдвинуть можно только практику, занявшую место или ставшую лауреатом",
                               {"from_entry_id": ["Не победитель городского фестиваля"]})
    origin = get_festival(session, won.festival_id)
    if festival.municipality is not None or origin.municipality is None:
        raise ValidationFailed("Победителей городского фестиваля выдвигают на региональный фестиваль",
                               {"from_entry_id": ["Выдвигают с городского на региональный"]})
    return origin.id, origin.title


def editable_festival_for_entries(session, festival_id):
    festival = get_festival(session, festival_id, for_update=True)
    if festival.status == "cancelled":
        raise Conflict("Фестиваль отменён", {"status": ["cancelled"]})
    return festival


def announce_results(session, actor, festival_id, results):
    """The organiser sets places 1–3 and laureates per nomination; entries not named keep none. Entries
    the jury scored alike but placed differently (or one place given twice) need the organiser's reason,
    kept with the nomination."""
    festival = editable_festival(session, actor, festival_id)
    require_organiser(actor, festival)
    for result in results:
        nomination = _nomination(festival, result["nomination"])
        entries = {e.practice_id: e for e in festival.entries
                   if e.nomination_id == nomination.id and e.status == "submitted"}
        places = {award["practice_id"]: award["place"] for award in result["places"]}
        for practice_id in [*places, *result["laureates"]]:
            if practice_id not in entries:
                raise ValidationFailed("Место можно присудить только заявленной практике", {
                    "results": [f"Практика №{practice_id} не заявлена в «{nomination.title}»"]})
        tie = _unexplained_tie(entries, places, set(result["laureates"]))
        if tie and not result["tie_reason"]:
            raise ValidationFailed(f"В номинации «{nomination.title}» {tie}: укажите, почему вы решили так "
                                   "(tie_reason)", {"tie_reason": ["Обязательно при равенстве итогов"]})
        for practice_id, entry in entries.items():
            entry.place = places.get(practice_id)
            entry.laureate = practice_id in result["laureates"] and entry.place is None
        nomination.tie_reason = result["tie_reason"]
    announce(session, festival, "festival_results_announced", actor)
    return festival


def _unexplained_tie(entries, places, laureates):
    """What needs the organiser's reason: a place given twice, or equal jury totals awarded differently."""
    given = list(places.values())
    if len(given) != len(set(given)):
        return "одно место присуждено нескольким заявкам"
    ranked = {row["practice_id"]: row for row in map(jury.ranked, entries.values()) if row["total"] is not None}
    outcome = {practice_id: (places.get(practice_id), practice_id in laureates) for practice_id in ranked}
    for first in ranked:
        for second in ranked:
            if first < second and ranked[first]["total"] == ranked[second]["total"] \
                    and outcome[first] != outcome[second]:
                return f"у заявок №{ranked[first]['entry_id']} и №{ranked[second]['entry_id']} равные итоги жюри"
    return None


def _nomination(festival, title):
    for nomination in festival.nominations:
        if nomination.title == title:
            return nomination
    raise NotFound(f"В фестивале нет номинации «{title}»", {"nomination": ["Нет такой номинации"]})
