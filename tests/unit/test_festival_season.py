"""The festival season in the festivals service: the call's deadline and rules, withdrawals, the jury
(two jurors not of the entry's city, rounds opened on the practices service), scores learnt from its
events, the ranking, ties that need a reason, certificates and their archive."""
from datetime import UTC, datetime, timedelta

import pytest

from services.festivals.models import Festival
from shared.errors import Conflict, ValidationFailed
from tests.unit.test_festivals_service import KOPEYSK, REVIEWER, ROST, festivals, learn, open_call, publish_practice

JURY = [{"username": "reviewer-chippkro", "municipality": None, "full_name": "Эксперт"},
        {"username": "methodist-magnitogorsk", "municipality": "magnitogorsk", "full_name": "Методист"},
        {"username": "methodist-kopeysk", "municipality": "kopeysk", "full_name": "Организатор"}]


def season(db):
    learn(db, "municipality_registered", {"code": "kopeysk", "name": "Копейск", "region": "Челябинская область",
                                                "timezone": "Asia/Yekaterinburg"})
    rost = festivals(db, KOPEYSK).create_festival(ROST)
    open_call(db, rost["id"], rubric="festival")
    for practice_id in (7, 8):
        publish_practice(db, practice_id, title=f"Практика {practice_id}")
    return rost


def service(db, identity=KOPEYSK):
    worker = festivals(db, identity)
    worker.catalog.jury_candidates.return_value = JURY
    worker.practices.open_festival_rounds.side_effect = lambda data: {
        str(e["festival_entry_id"]): 100 + e["festival_entry_id"] for e in data["entries"]}
    return worker


def enter(db, practice_id, nomination="Техсалон"):
    return service(db).enter_practice(1, {"practice_id": practice_id, "nomination": nomination,
                                           "application": "Коротко о практике",
                                           "resources": [{"url": "https://video.example/1", "title": "Видео"}]})


def scored(db, entry_id, juror, total):
    learn(db, "festival_jury_scored", {"round_id": 100 + entry_id, "festival_id": 1, "festival_entry_id": entry_id,
                                       "entry_id": 7, "municipality": "kopeysk", "juror": juror, "total": total,
                                       "scores": {"idea": 3}, "round_status": "complete", "actor": juror})


def test_an_entry_after_the_deadline_is_refused_in_russian_naming_the_deadline(migrated):
    db = migrated("festivals")
    season(db)
    enter(db, 7)
    with db.begin() as session:
        session.get(Festival, 1).call_deadline = datetime.now(UTC) - timedelta(minutes=1)
    with pytest.raises(Conflict) as refused:
        enter(db, 8)
    assert "Приём заявок закончился" in refused.value.args[0] and "Asia/Yekaterinburg" in refused.value.args[0]
    with pytest.raises(Conflict):
        service(db).withdraw_entry(1, 1)


def test_a_nomination_takes_only_the_kinds_of_its_rules(migrated):
    db = migrated("festivals")
    season(db)
    open_call(db, 1, nominations=[{"title": "ПрофСтарт", "kinds": ["career_trial"]}])
    with pytest.raises(ValidationFailed):
        enter(db, 7, "ПрофСтарт")


def test_entries_are_withdrawn_until_the_deadline_and_listed_as_mine(migrated):
    db = migrated("festivals")
    season(db)
    enter(db, 7)
    withdrawn = service(db).withdraw_entry(1, 1)
    assert withdrawn["entries"][0]["status"] == "withdrawn" and withdrawn["entries_count"] == 0
    mine = service(db).my_entries({})
    assert mine["total"] == 1 and mine["items"][0]["status"] == "withdrawn"


def test_the_jury_opens_rounds_and_needs_two_jurors_not_of_the_city(migrated):
    db = migrated("festivals")
    season(db)
    enter(db, 7)
    worker = service(db)
    worker.catalog.jury_candidates.return_value = JURY[1:]
    with pytest.raises(Conflict):
        worker.appoint_jury(1, {"jurors": ["methodist-magnitogorsk", "methodist-kopeysk"]})
    appointed = service(db).appoint_jury(1, {"jurors": [j["username"] for j in JURY]})
    assert {j["username"] for j in appointed["jury"]} == {j["username"] for j in JURY}
    sent = service(db)
    enter_worker = sent.enter_practice(1, {"practice_id": 8, "nomination": "Техсалон"})
    assert enter_worker["entries_count"] == 2
    panel = sent.practices.open_festival_rounds.call_args[0][0]
    assert [e["rubric"] for e in panel["entries"]] == ["festival"] and len(panel["panel"]) == 3


def test_the_ranking_and_a_tie_needs_a_reason(migrated):
    db = migrated("festivals")
    season(db)
    enter(db, 7)
    enter(db, 8)
    service(db).appoint_jury(1, {"jurors": [j["username"] for j in JURY]})
    for entry_id in (1, 2):
        scored(db, entry_id, "reviewer-chippkro", 80.0)
        scored(db, entry_id, "methodist-magnitogorsk", 70.0)
    ranking = service(db).ranking(1)
    techsalon = ranking["nominations"][0]["entries"]
    assert [(e["total"], e["spread"], e["tied"]) for e in techsalon] == [(75.0, 10.0, True)] * 2
    results = {"results": [{"nomination": "Техсалон", "places": [{"practice_id": 7, "place": 1},
                                                                 {"practice_id": 8, "place": 2}]}]}
    with pytest.raises(ValidationFailed) as refused:
        service(db).announce_results(1, results)
    assert "tie_reason" in refused.value.args[1]
    results["results"][0]["tie_reason"] = "Практика 7 уже внедрена в двух школах"
    announced = service(db).announce_results(1, results)
    assert announced["nominations"][0]["tie_reason"].startswith("Практика 7")


def test_a_city_winner_is_put_forward_to_the_regional_festival_keeping_the_link(migrated):
    db = migrated("festivals")
    season(db)
    enter(db, 7)
    enter(db, 8)
    service(db).announce_results(1, {"results": [{"nomination": "Техсалон",
                                                  "places": [{"practice_id": 7, "place": 1}]}]})
    regional = festivals(db, REVIEWER).create_festival({**ROST, "title": "Региональный фестиваль обмена опытом",
                                                        "nominations": [{"title": "Лучшие практики"}]})
    open_call(db, regional["id"], identity=REVIEWER)

    def put_forward(practice_id, from_entry_id):
        return service(db).enter_practice(regional["id"], {"practice_id": practice_id, "nomination": "Лучшие практики",
                                                           "from_entry_id": from_entry_id})
    with pytest.raises(ValidationFailed) as refused:
        put_forward(8, 2)  # no place, no laureate
    assert "from_entry_id" in refused.value.args[1]
    with pytest.raises(ValidationFailed):
        put_forward(8, 1)  # the winning entry is another practice's
    [entry] = put_forward(7, 1)["entries"]
    assert (entry["from_festival_id"], entry["from_festival_title"]) == (1, ROST["title"])
    with pytest.raises(ValidationFailed):  # only from a city festival to a regional one
        service(db).enter_practice(1, {"practice_id": 7, "nomination": "ПрофСтарт", "from_entry_id": 1})
