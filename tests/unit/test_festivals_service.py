"""Festivals through the festivals service's entrypoints (nameko.testing, SQLite)."""
from datetime import UTC, datetime, timedelta

import pytest
from nameko.testing.services import worker_factory
from sqlalchemy import select

from services.festivals import knowledge
from services.festivals.models import FestivalsOutbox
from services.festivals.service import FestivalsService
from shared.auth import Identity
from shared.errors import Conflict, Forbidden, NotFound, ValidationFailed
from shared.events import make_envelope

KOPEYSK = Identity("methodist-kopeysk", "methodist", "kopeysk")
KYSHTYM = Identity("methodist-kyshtym", "methodist", "kyshtym")
REVIEWER = Identity("reviewer-chippkro", "reviewer")
ROST = {"title": "РОСТ: развитие, образование, стратегия, творчество", "kind": "forum",
        "starts_on": "2026-12-10", "ends_on": "2026-12-12", "place": "Копейск",
        "nominations": [{"title": "Техсалон"}, {"title": "ПрофСтарт"}, {"title": "IQ-марафон"}]}


@pytest.fixture
def db(migrated):
    sessions = migrated("festivals")
    learn(sessions, "municipality_registered", {"code": "kopeysk", "name": "Копейск",
                                                "region": "Челябинская область", "timezone": "Asia/Yekaterinburg"})
    return sessions


def learn(db, name, data):
    knowledge.READER.apply(db, name, make_envelope(name, data))


def publish_practice(db, practice_id, municipality="kopeysk", title="Сетевые договоры"):
    learn(db, "practice_approved", {
        "id": practice_id, "kind": "best_practice", "municipality": municipality, "status": "approved",
        "version": 1, "published_version": 1, "revision": 3, "author": "m", "actor": "r",
        "published": {"id": practice_id, "title": title}})


def festivals(db, identity):
    return worker_factory(FestivalsService, db=db, identity=lambda: identity)


def open_call(db, festival_id, identity=KOPEYSK, **changes):
    deadline = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    return festivals(db, identity).open_call(festival_id, {"deadline": deadline, **changes})


def test_kopeysk_creates_rost_with_its_nominations_in_its_time_zone(db):
    rost = festivals(db, KOPEYSK).create_festival(ROST)
    assert rost["municipality"] == "kopeysk" and rost["timezone"] == "Asia/Yekaterinburg"
    assert [n["title"] for n in rost["nominations"]] == ["Техсалон", "ПрофСтарт", "IQ-марафон"]
    with db() as session:
        assert session.scalars(select(FestivalsOutbox.event_type)).all() == ["festival_published"]


def test_another_city_cannot_change_the_festival(db):
    rost = festivals(db, KOPEYSK).create_festival(ROST)
    with pytest.raises(Forbidden):
        festivals(db, KYSHTYM).change_festival(rost["id"], {"place": "Кыштым"})
    with pytest.raises(Forbidden):
        festivals(db, REVIEWER).cancel_festival(rost["id"])


def test_a_festival_ending_before_it_starts_is_refused(db):
    with pytest.raises(ValidationFailed) as refused:
        festivals(db, KOPEYSK).create_festival({**ROST, "ends_on": "2026-12-01"})
    assert "ends_on" in refused.value.fields
    rost = festivals(db, KOPEYSK).create_festival(ROST)
    with pytest.raises(ValidationFailed):
        festivals(db, KOPEYSK).change_festival(rost["id"], {"ends_on": "2026-12-09"})


def test_a_reviewer_organises_regional_festivals(db):
    regional = festivals(db, REVIEWER).create_festival({**ROST, "title": "Фестиваль обмена опытом ЧИППКРО"})
    assert regional["municipality"] == "region"
    with pytest.raises(Forbidden):
        festivals(db, KOPEYSK).change_festival(regional["id"], {"place": "Копейск"})


def test_a_regional_festival_is_changed_only_by_its_organiser_or_an_admin(db):
    regional = festivals(db, REVIEWER).create_festival({**ROST, "title": "Фестиваль обмена опытом ЧИППКРО"})
    city_reviewer = Identity("reviewer-snezhinsk", "reviewer", "snezhinsk")
    for change in (lambda f: f.change_festival(regional["id"], {"place": "Снежинск"}),
                   lambda f: f.cancel_festival(regional["id"]),
                   lambda f: f.announce_results(regional["id"], {"results": [{"nomination": "Техсалон",
                                                                              "places": []}]})):
        with pytest.raises(Forbidden) as refused:
            change(festivals(db, city_reviewer))
        assert "организатор" in refused.value.message
    assert festivals(db, REVIEWER).change_festival(regional["id"], {"place": "Челябинск"})["place"] == "Челябинск"
    admin = festivals(db, Identity("admin", "admin"))
    assert admin.cancel_festival(regional["id"])["status"] == "cancelled"


def test_an_admin_may_change_a_city_festival_a_reviewer_may_not(db):
    rost = festivals(db, KOPEYSK).create_festival(ROST)
    with pytest.raises(Forbidden):
        festivals(db, REVIEWER).change_festival(rost["id"], {"place": "Челябинск"})
    assert festivals(db, Identity("admin", "admin")).change_festival(rost["id"], {"place": "ДК"})["place"] == "ДК"


def test_only_published_practices_of_ones_own_city_are_entered(db):
    rost = festivals(db, KOPEYSK).create_festival(ROST)
    open_call(db, rost["id"])
    with pytest.raises(ValidationFailed):
        festivals(db, KOPEYSK).enter_practice(rost["id"], {"practice_id": 7, "nomination": "ПрофСтарт"})
    publish_practice(db, 7)
    with pytest.raises(Forbidden):
        festivals(db, KYSHTYM).enter_practice(rost["id"], {"practice_id": 7, "nomination": "ПрофСтарт"})
    with pytest.raises(NotFound):
        festivals(db, KOPEYSK).enter_practice(rost["id"], {"practice_id": 7, "nomination": "Нет такой"})
    entered = festivals(db, KOPEYSK).enter_practice(rost["id"], {"practice_id": 7, "nomination": "ПрофСтарт"})
    assert entered["entries"][0]["practice_title"] == "Сетевые договоры"
    with pytest.raises(Conflict):
        festivals(db, KOPEYSK).enter_practice(rost["id"], {"practice_id": 7, "nomination": "ПрофСтарт"})


def test_results_give_places_to_entered_practices(db):
    rost = festivals(db, KOPEYSK).create_festival(ROST)
    open_call(db, rost["id"])
    publish_practice(db, 7)
    festivals(db, KOPEYSK).enter_practice(rost["id"], {"practice_id": 7, "nomination": "Техсалон"})
    results = {"results": [{"nomination": "Техсалон", "places": [{"practice_id": 7, "place": 1}]}]}
    assert festivals(db, KOPEYSK).announce_results(rost["id"], results)["entries"][0]["place"] == 1
    with pytest.raises(ValidationFailed):
        festivals(db, KOPEYSK).announce_results(rost["id"], {"results": [
            {"nomination": "Техсалон", "places": [{"practice_id": 99, "place": 2}]}]})


def test_a_cancelled_festival_stays_listed_as_cancelled(db):
    rost = festivals(db, KOPEYSK).create_festival(ROST)
    festivals(db, KOPEYSK).cancel_festival(rost["id"])
    listed = festivals(db, None).list_festivals({"municipality": "kopeysk"})
    assert [f["status"] for f in listed["items"]] == ["cancelled"]
    with pytest.raises(Conflict):
        festivals(db, KOPEYSK).change_festival(rost["id"], {"place": "Онлайн"})


def test_programme_items_must_end_after_they_start(db):
    rost = festivals(db, KOPEYSK).create_festival(ROST)
    item = {"title": "Открытие", "starts_at": "2026-12-10T10:00:00+05:00", "ends_at": "2026-12-10T11:00:00+05:00",
            "speaker": "Начальник управления образования"}
    assert festivals(db, KOPEYSK).add_programme_item(rost["id"], item)["programme"][0]["title"] == "Открытие"
    with pytest.raises(ValidationFailed):
        festivals(db, KOPEYSK).add_programme_item(rost["id"], {**item, "ends_at": item["starts_at"]})
