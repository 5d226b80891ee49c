"""No lost updates: a change names the revision it was made to, and the owning service refuses it
(412) when the record has moved on since; the gateway's ETag / If-Match and the edit form's field."""
import pytest
from nameko.testing.services import worker_factory
from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from services.festivals.service import FestivalsService
from services.gateway.openapi import build_spec
from services.gateway.revisions import expected_revisions
from services.gateway.service import GatewayService  # noqa: F401  (declares the routes)
from services.gateway.web.forms import form_revisions
from services.practices.service import PracticesService
from shared.errors import PreconditionFailed, ValidationFailed
from tests.unit.test_festivals_service import KOPEYSK, ROST, learn
from tests.unit.test_practices_service import KYSHTYM, LASER_TRIAL, REVIEWER


@pytest.fixture
def practices(migrated):
    sessions = migrated("practices")
    return lambda identity=KYSHTYM: worker_factory(PracticesService, db=sessions, identity=lambda: identity)


@pytest.fixture
def festivals(migrated):
    sessions = migrated("festivals")
    learn(sessions, "municipality_registered", {"code": "kopeysk", "name": "Копейск",
                                                "region": "Челябинская область", "timezone": "Asia/Yekaterinburg"})
    return lambda identity=KOPEYSK: worker_factory(FestivalsService, db=sessions, identity=lambda: identity)


def test_an_edit_to_the_current_revision_is_saved_and_moves_the_revision_on(practices):
    entry = practices().create_entry(LASER_TRIAL)
    edited = practices().edit_entry(entry["id"], {"title": "Лазерная резка"}, expected_revisions=[entry["revision"]])
    assert edited["title"] == "Лазерная резка" and edited["revision"] > entry["revision"]
    assert practices().get_entry(entry["id"])["revision"] == edited["revision"]


def test_an_edit_to_a_revision_someone_else_moved_on_is_refused_and_changes_nothing(practices):
    entry = practices().create_entry(LASER_TRIAL)
    practices().edit_entry(entry["id"], {"title": "Первая правка"}, expected_revisions=[entry["revision"]])
    with pytest.raises(PreconditionFailed) as refused:
        practices().edit_entry(entry["id"], {"title": "Вторая правка"}, expected_revisions=[entry["revision"]])
    assert refused.value.status == 412 and "кто-то другой" in refused.value.message
    assert "revision" in refused.value.fields
    assert practices().get_entry(entry["id"])["title"] == "Первая правка"


def test_an_edit_without_a_condition_saves_as_before(practices):
    entry = practices().create_entry(LASER_TRIAL)
    practices().edit_entry(entry["id"], {"title": "Первая правка"})
    assert practices().edit_entry(entry["id"], {"title": "Вторая правка"})["title"] == "Вторая правка"


def test_any_of_several_revisions_matches_and_an_empty_list_matches_none(practices):
    entry = practices().create_entry(LASER_TRIAL)
    practices().edit_entry(entry["id"], {"title": "Правка"}, expected_revisions=[entry["revision"] - 1, entry["revision"]])
    with pytest.raises(PreconditionFailed):
        practices().edit_entry(entry["id"], {"title": "Ещё"}, expected_revisions=[])


def test_a_review_decision_moves_the_revision_so_an_edit_made_before_it_is_refused(practices):
    entry = practices().create_entry(LASER_TRIAL)
    practices().transition(entry["id"], "submit", {})
    practices(REVIEWER).transition(entry["id"], "request-changes", {"comment": "Уточните цель"})
    with pytest.raises(PreconditionFailed):
        practices().edit_entry(entry["id"], {"goal": "Цель"}, expected_revisions=[entry["revision"]])


def test_expected_revisions_that_are_not_revisions_are_refused_naming_the_field(practices):
    entry = practices().create_entry(LASER_TRIAL)
    with pytest.raises(ValidationFailed) as refused:
        practices().edit_entry(entry["id"], {"title": "Правка"}, expected_revisions=["7"])
    assert "revisions" in refused.value.fields


def test_festivals_refuse_a_change_to_a_stale_revision(festivals):
    rost = festivals().create_festival(ROST)
    changed = festivals().change_festival(rost["id"], {"place": "ДК"}, expected_revisions=[rost["revision"]])
    assert changed["revision"] > rost["revision"]
    with pytest.raises(PreconditionFailed) as refused:
        festivals().change_festival(rost["id"], {"place": "Школа №1"}, expected_revisions=[rost["revision"]])
    assert "Фестиваль изменил кто-то другой" in refused.value.message
    assert festivals().get_festival(rost["id"])["place"] == "ДК"
    assert festivals().change_festival(rost["id"], {"place": "Школа №1"})["place"] == "Школа №1"


def request_with(if_match):
    return Request(EnvironBuilder(method="PATCH", headers={} if if_match is None else {"If-Match": if_match})
                   .get_environ())


@pytest.mark.parametrize("header, expected", [
    (None, None), ("*", None), (' "7" ', [7]), ('"7", "9"', [7, 9]),
    ('W/"7"', []), ('"abc"', []), ('"99999999999"', []), ('"a,b", "3"', [3]),
])
def test_if_match_names_the_revisions_a_change_may_be_made_to(header, expected):
    assert expected_revisions(request_with(header)) == expected


@pytest.mark.parametrize("header", ["7", '"7', "*, \"7\"", '"7" "8"', "\x01"])
def test_a_malformed_if_match_is_refused_naming_the_header(header):
    with pytest.raises(ValidationFailed) as refused:
        expected_revisions(request_with(header))
    assert set(refused.value.fields) == {"If-Match"}


def test_the_edit_form_revision_is_optional_but_must_be_a_number():
    assert form_revisions(MultiDict({"revision": "5"})) == [5]
    assert form_revisions(MultiDict({})) is None and form_revisions(MultiDict({"revision": " "})) is None
    with pytest.raises(ValidationFailed) as refused:
        form_revisions(MultiDict({"revision": "пять"}))
    assert "revision" in refused.value.fields


def test_openapi_declares_etag_if_match_and_412_for_entries_and_festivals():
    paths = build_spec()["paths"]
    for path in ("/api/v1/practices/{entry_id}", "/api/v1/festivals/{festival_id}"):
        assert "ETag" in paths[path]["get"]["responses"]["200"]["headers"]
        patch = paths[path]["patch"]
        assert "ETag" in patch["responses"]["200"]["headers"] and "412" in patch["responses"]
        assert {"in": "header", "name": "If-Match"}.items() <= next(
            p for p in patch["parameters"] if p.get("name") == "If-Match").items()
        assert "412" not in paths[path]["get"]["responses"]
