"""The festival's jury: appointed by the organiser, each entry scored on the practices service's expert
workbench by two jurors not of its city (a third on disagreement, as in expert rounds), and the ranking
per nomination the organiser announces results from.

The rounds are opened over RPC (``open_rounds``: the practices service owns rounds and rubrics); the
scores come back as ``festival_jury_scored`` events and are kept here, so the ranking needs no call.
"""
from services.festivals.models import FestivalEntry, Juror, JuryScore
from services.festivals.organising import announce, editable_festival, get_festival, require_organiser
from shared.db import upsert
from shared.errors import Conflict

JURORS_PER_ENTRY = 2


def appoint_jury(session, actor, festival_id, candidates, open_rounds):
    """Name the jury (``candidates``: the catalog's ``[{username, municipality, full_name}]``) and open the
    rounds of the entries submitted so far; jurors already named stay. Every city that may enter needs
    two jurors not of it."""
    festival = editable_festival(session, actor, festival_id)
    if festival.call_deadline is None:
        raise Conflict("Сначала откройте приём заявок: жюри оценивает по рубрике приёма", {"call": ["Не открыт"]})
    known = {juror.username for juror in festival.jury}
    for candidate in candidates:
        if candidate["username"] not in known:
            session.add(Juror(festival_id=festival.id, **candidate))
    session.flush()
    session.refresh(festival)
    cities = {e.municipality for e in festival.entries} | ({festival.municipality} if festival.municipality else set())
    for city in sorted(cities):
        outsiders = [j for j in festival.jury if j.municipality != city]
        if len(outsiders) < JURORS_PER_ENTRY:
            raise Conflict(f"В жюри нужно хотя бы {JURORS_PER_ENTRY} человека не из города {city}: свой город "
                           f"жюри не оценивает", {"jurors": [f"Не из {city}: {len(outsiders)}"]})
    open_entry_rounds(festival, [e for e in festival.entries if e.status == "submitted"], open_rounds)
    announce(session, festival, "festival_jury_appointed", actor)
    return festival


def open_entry_rounds(festival, entries, open_rounds):
    """Open the jury rounds of ``entries`` (when the festival has a jury) and remember their ids."""
    entries = [e for e in entries if e.round_id is None]
    if not festival.jury or not entries:
        return
    by_nomination = {n.id: n for n in festival.nominations}
    for entry in entries:
        if not (by_nomination[entry.nomination_id].rubric or festival.rubric):
            raise Conflict("Выберите рубрику жюри: для фестиваля или для номинации «"
                           f"{by_nomination[entry.nomination_id].title}»", {"rubric": ["Рубрика не выбрана"]})
    rounds = open_rounds({
        "id": festival.id, "title": festival.title,
        "panel": [{"username": j.username, "municipality": j.municipality} for j in festival.jury],
        "entries": [{"festival_entry_id": e.id, "practice_id": e.practice_id,
                     "rubric": by_nomination[e.nomination_id].rubric or festival.rubric} for e in entries]})
    for entry in entries:
        entry.round_id, entry.round_status = rounds[str(entry.id)], "in_review"


def juror_scored(session, data):
    """A juror's score of an entry (an event of the practices service): kept once per juror."""
    entry = session.get(FestivalEntry, data["festival_entry_id"])
    if entry is None:
        return
    upsert(session, JuryScore, {"entry_id": entry.id, "juror": data["juror"], "total": data["total"],
                                "scores": data["scores"]})
    entry.round_status = data["round_status"]


def ranking(session, actor, festival_id):
    """Per nomination, the entries with the mean of their jurors' weighted totals (% of the scale) and
    the spread between jurors, best first; an entry whose scores are not all in is ``pending``."""
    festival = get_festival(session, festival_id)
    require_organiser(actor, festival)
    nominations = []
    for nomination in festival.nominations:
        rows = [ranked(entry) for entry in festival.entries
                if entry.nomination_id == nomination.id and entry.status == "submitted"]
        totals = [row["total"] for row in rows if row["total"] is not None]
        for row in rows:
            row["tied"] = row["total"] is not None and totals.count(row["total"]) > 1
        rows.sort(key=lambda row: (row["total"] is None, -(row["total"] or 0), row["entry_id"]))
        nominations.append({"nomination": nomination.title, "rubric": nomination.rubric or festival.rubric,
                            "tie_reason": nomination.tie_reason, "entries": rows})
    complete = all(row["status"] == "scored" for n in nominations for row in n["entries"])
    return {"festival_id": festival.id, "complete": complete, "nominations": nominations}


def ranked(entry):
    totals = [score.total for score in entry.scores]
    scored = entry.round_status == "complete" and len(totals) >= JURORS_PER_ENTRY
    return {"entry_id": entry.id, "practice_id": entry.practice_id, "practice_title": entry.practice_title,
            "municipality": entry.municipality, "status": "scored" if scored else "pending",
            "total": round(sum(totals) / len(totals), 1) if scored else None,
            "spread": round(max(totals) - min(totals), 1) if scored else None, "jurors": len(totals),
            "place": entry.place, "laureate": entry.laureate}
