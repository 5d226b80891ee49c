"""Open data without a network: JSON-LD builders against the schema.org vocabulary, licences, export lines."""
import csv
import dataclasses
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from services.catalog.directory import register_installed_municipalities
from services.catalog.models import CatalogOutbox
from services.gateway import linked_data, opendata
from services.gateway.models import MunicipalityView, SessionView
from services.gateway.web.rendering import script_json
from services.practices.contract import content_schema
from services.practices.schemas import ResourceInputSchema
from shared.db import session_factory
from shared.errors import ValidationFailed
from shared.events import open_envelope
from shared.migrations import upgrade
from shared.plugins import municipalities
from shared.schemas import load
from tests import schema_org

BASE = "https://practices.example.ru"
KYSHTYM = MunicipalityView(code="kyshtym", name="Кыштым", region="Челябинская область",
                           timezone="Asia/Yekaterinburg", oktmo="75734000")
TRIAL = {"id": 7, "kind": "career_trial", "title": "Профпроба «Портной»", "summary": "Шьём фартук",
         "direction": "Профессиональное самоопределение", "organization": "ЦДЮТТ г. Кыштыма",
         "tags": ["швейное дело"], "profession": "Портной", "grades": [8, 9], "duration_hours": 3.5,
         "format": "in_person", "profminimum_level": "main", "license": "cc-by-sa-4.0",
         "updated_at": "2026-11-20T10:00:00+00:00", "approved_at": "2026-11-20T10:00:00+00:00", "municipality": "kyshtym"}
PRACTICE = {"id": 8, "kind": "best_practice", "title": "Наставничество «Мастер — ученик»",
            "summary": "Как школа и колледж ведут ученика", "goal": "Выбор профессии", "audience": "Педагоги",
            "authors": ["Иванова А. А."], "tags": [], "organization": "", "municipality": "kyshtym",
            "updated_at": "2026-11-21T10:00:00+00:00", "approved_at": None}


def trial_session(session_id, seats_left, capacity=10):
    starts = datetime(2026, 12, 10, 5, 0, tzinfo=UTC) + timedelta(days=session_id)
    return SessionView(id=session_id, practice_id=7, municipality="kyshtym", starts_at=starts,
                       ends_at=starts + timedelta(hours=4), capacity=capacity, seats_left=seats_left,
                       place="ЦДЮТТ, швейная мастерская", revision=1)


def test_a_trial_is_a_schema_org_course_with_each_sessions_remaining_capacity():
    document = linked_data.entry_document(TRIAL, KYSHTYM, [trial_session(1, 4), trial_session(2, 0)], BASE)
    assert schema_org.problems(document) == []
    assert (document["@type"], document["@id"]) == ("Course", f"{BASE}/practices/7")
    instances = document["hasCourseInstance"]
    assert [item["remainingAttendeeCapacity"] for item in instances] == [4, 0]
    assert [item["offers"]["availability"] for item in instances] == [
        "https://schema.org/InStock", "https://schema.org/SoldOut"]
    assert instances[0]["courseMode"] == "onsite" and instances[0]["startDate"].startswith("2026-12-11T05:00")
    assert document["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert document["timeRequired"] == "PT3H30M"
    city = document["provider"]["areaServed"]
    assert city["name"] == "Кыштым" and city["identifier"] == {
        "@type": "PropertyValue", "propertyID": "ОКТМО", "value": "75734000"}


def test_a_best_practice_is_a_learning_resource_under_cc_by_when_it_names_no_licence():
    document = linked_data.entry_document(PRACTICE, KYSHTYM, [], BASE)
    assert schema_org.problems(document) == []
    assert document["@type"] == "LearningResource" and "hasCourseInstance" not in document
    assert document["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert document["author"] == [{"@type": "Person", "name": "Иванова А. А."}]
    assert document["provider"]["name"] == "Кыштым"  # no organisation given: the city publishes it


def test_a_festival_is_an_event_with_its_programme_as_sub_events():
    state = {"title": "Форум «РОСТ»", "description": "", "starts_on": "2027-03-10", "ends_on": "2027-03-12",
             "place": "ДК", "status": "cancelled", "programme": [
                 {"title": "Открытие", "starts_at": "2027-03-10T10:00:00+05:00",
                  "ends_at": "2027-03-10T11:00:00+05:00", "place": "", "speaker": "Петров П. П.", "practice_id": 7}]}
    document = linked_data.festival_document(state, 3, KYSHTYM, BASE)
    assert schema_org.problems(document) == []
    assert document["eventStatus"] == "https://schema.org/EventCancelled"
    assert document["subEvent"][0]["about"] == {"@id": f"{BASE}/practices/7"}
    regional = linked_data.festival_document({**state, "programme": []}, 4, None, BASE)
    assert schema_org.problems(regional) == [] and "address" not in regional["location"]


def test_the_checker_refuses_what_schema_org_does_not_define():
    document = linked_data.entry_document(TRIAL, KYSHTYM, [trial_session(1, 4)], BASE)
    document["hasCourseInstance"][0]["seatsLeft"] = 4
    document["hasCourseInstance"][0]["remainingAttendeeCapacity"] = "four"
    document["hasCourseInstance"].append({"@type": "Event", "name": "x"})
    found = schema_org.problems({**document, "@context": "http://schema.org/", "courseMode": "onsite"})
    assert len(found) == 5, found


def test_every_installed_city_has_an_eight_digit_oktmo_code():
    codes = {plugin.code: plugin.oktmo for plugin in municipalities().values()}
    assert {key: codes[key] for key in ("magnitogorsk", "snezhinsk", "kopeysk", "kyshtym")} == {
        "magnitogorsk": "75738000", "snezhinsk": "75746000", "kopeysk": "75728000", "kyshtym": "75734000"}
    assert all(len(code) == 8 and code.isdigit() for code in codes.values())



def test_a_city_registered_before_oktmo_codes_gets_its_code_announced(tmp_path):
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    upgrade("catalog", url)
    sessions = session_factory(url)
    kyshtym = municipalities()["kyshtym"]
    register_installed_municipalities(sessions, {"kyshtym": dataclasses.replace(kyshtym, oktmo="")})
    register_installed_municipalities(sessions, {"kyshtym": kyshtym})
    with sessions() as session:
        announced = [open_envelope(row.event_type, row.envelope)[1] for row in session.scalars(
            select(CatalogOutbox).where(CatalogOutbox.event_type == "municipality_registered")
            .order_by(CatalogOutbox.position))]
    assert [item["oktmo"] for item in announced] == ["", "75734000"]
    sessions.kw["bind"].dispose()


def test_an_event_recorded_before_oktmo_codes_still_reads():
    old = {"code": "kyshtym", "name": "Кыштым", "region": "Челябинская область", "timezone": "Asia/Yekaterinburg"}
    envelope = {"event_id": "3f0c1d8e-4d52-4f7e-9a57-5f7f3c1e2b10", "event_type": "municipality_registered",
                "source": "catalog", "occurred_at": "2026-11-01T00:00:00+00:00", "data": old}
    assert open_envelope("municipality_registered", envelope)[1] == {**old, "oktmo": ""}


@pytest.mark.parametrize("schema, data", [
    (content_schema("best_practice"), {"title": "Практика"}),
    (ResourceInputSchema, {"title": "Ресурс", "url": "https://example.ru/video"}),
])
def test_a_licence_defaults_to_cc_by_and_an_unknown_one_is_refused_in_russian(schema, data):
    assert load(schema(), data)["license"] == "cc-by-4.0"
    assert load(schema(), {**data, "license": "cc0-1.0"})["license"] == "cc0-1.0"
    with pytest.raises(ValidationFailed) as refused:
        load(schema(), {**data, "license": "gpl-3.0"})
    assert refused.value.status == 422
    assert "Неизвестная лицензия «gpl-3.0»" in refused.value.fields["license"][0]


def test_the_csv_export_starts_with_a_bom_and_keeps_its_columns_in_order():
    rows = [opendata.export_row(TRIAL, KYSHTYM, BASE), opendata.export_row(PRACTICE, None, BASE)]
    text = "".join(opendata.csv_lines(iter(rows)))
    assert text.startswith("\ufeffid,kind,kind_title,title,")
    parsed = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    assert list(parsed[0]) == list(opendata.COLUMNS)
    assert (parsed[0]["oktmo"], parsed[0]["license"], parsed[0]["grades"]) == ("75734000", "cc-by-sa-4.0", "8; 9")
    assert parsed[1]["license_title"].startswith("CC BY 4.0")
    lines = list(opendata.jsonl_lines(iter(rows)))
    assert json.loads(lines[0])["grades"] == [8, 9] and len(lines) == 2


def test_json_in_a_script_element_cannot_close_it():
    text = script_json({"name": "</script><script>alert(1)</script> & <!--"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"name": "</script><script>alert(1)</script> & <!--"}
