"""Entries of published practices into nominations, and the results the organiser announces."""
from services.festivals.models import FestivalEntry, KnownPractice
from services.festivals.organising import announce, editable_festival, get_festival, require_organiser
from shared.auth import METHODIST, require_city, require_role
from shared.errors import Conflict, NotFound, ValidationFailed


def enter_practice(session, actor, festival_id, practice_id, nomination_title):
    """A methodist enters a published practice of their own city into a nomination."""
    require_role(actor, METHODIST)
    festival = editable_festival_for_entries(session, festival_id)
    nomination = _nomination(festival, nomination_title)
    practice = session.get(KnownPractice, practice_id)
    if practice is None or not practice.published:
        raise ValidationFailed("Можно заявить только опубликованную практику",
                               {"practice_id": ["Практика не найдена среди опубликованных"]})
    require_city(actor, practice.municipality, METHODIST)
    if any(e.nomination_id == nomination.id and e.practice_id == practice_id for e in festival.entries):
        raise Conflict("Эта практика уже заявлена в номинацию", {"practice_id": ["Уже заявлена"]})
    festival.entries.append(FestivalEntry(
        nomination_id=nomination.id, practice_id=practice_id, practice_title=practice.title,
        municipality=practice.municipality, entered_by=actor.username))
    session.flush()
    announce(session, festival, "festival_changed", actor)
    return festival


def editable_festival_for_entries(session, festival_id):
    festival = get_festival(session, festival_id, for_update=True)
    if festival.status == "cancelled":
        raise Conflict("Фестиваль отменён", {"status": ["cancelled"]})
    return festival


def announce_results(session, actor, festival_id, results):
    """The organiser sets places per nomination; entries not named keep no place."""
    festival = editable_festival(session, actor, festival_id)
    require_organiser(actor, festival)
    for result in results:
        nomination = _nomination(festival, result["nomination"])
        entries = {e.practice_id: e for e in festival.entries if e.nomination_id == nomination.id}
        for award in result["places"]:
            entry = entries.get(award["practice_id"])
            if entry is None:
                raise ValidationFailed("Место можно присудить только заявленной практике", {
                    "results": [f"Практика №{award['practice_id']} не заявлена в «{nomination.title}»"]})
            entry.place = award["place"]
    announce(session, festival, "festival_results", actor)
    return festival


def _nomination(festival, title):
    for nomination in festival.nominations:
        if nomination.title == title:
            return nomination
    raise NotFound(f"В фестивале нет номинации «{title}»", {"nomination": ["Нет такой номинации"]})
