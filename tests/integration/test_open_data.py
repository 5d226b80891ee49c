"""Open data through the gateway: schema.org JSON-LD, ОКТМО codes, licences, and the registry export."""
import csv
import io
import json
import re

from application.running import eventually
from tests import schema_org
from tests.integration.test_registry_api import TURNER, publish, schedule

SCRIPT = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def json_ld(network, path):
    response = network.api("GET", path)
    if response.status_code != 200:
        return None
    assert response.headers["Content-Type"].startswith("application/ld+json")
    return response.json()


def test_a_trial_is_published_as_a_schema_org_course_with_its_sessions_remaining_capacity(network):
    entry_id = publish(network, {**TURNER, "title": "Профпроба «Фрезеровщик»", "license": "cc-by-nc-4.0"})
    session = schedule(network, entry_id, capacity=5)
    booked = network.api("POST", f"/api/v1/sessions/{session['id']}/bookings", user="school-kyshtym",
                         json={"pupils": 3, "grade": 9})
    assert booked.status_code == 201, booked.text

    def booked_course():
        document = json_ld(network, f"/api/v1/practices/{entry_id}.jsonld")
        instances = document["hasCourseInstance"] if document else []
        return document if [item["remainingAttendeeCapacity"] for item in instances] == [2] else None

    course = eventually(booked_course, timeout=10)
    assert course, json_ld(network, f"/api/v1/practices/{entry_id}.jsonld")
    assert schema_org.problems(course) == []
    assert course["@type"] == "Course" and course["name"] == "Профпроба «Фрезеровщик»"
    instance = course["hasCourseInstance"][0]
    assert (instance["@type"], instance["maximumAttendeeCapacity"], instance["courseMode"]) == (
        "CourseInstance", 5, "onsite")
    assert course["license"] == "https://creativecommons.org/licenses/by-nc/4.0/"
    assert course["provider"]["areaServed"]["identifier"]["value"] == "75734000"
    assert course["url"] == network.url(f"/practices/{entry_id}")

    page = network.api("GET", f"/practices/{entry_id}")
    assert json.loads(SCRIPT.search(page.text).group(1)) == course
    assert "CC BY-NC 4.0" in page.text


def test_only_what_is_published_has_json_ld(network):
    draft = network.api("POST", "/api/v1/practices", user="methodist-kyshtym", json={**TURNER, "title": "Черновик"})
    assert draft.status_code == 201
    response = network.api("GET", f"/api/v1/practices/{draft.json()['id']}.jsonld")
    assert response.status_code == 404 and "не опубликована" in response.json()["error"]["message"]
    assert network.api("GET", "/api/v1/festivals/999999.jsonld").status_code == 404


def test_an_unknown_licence_is_refused_with_the_reason_in_russian(network):
    refused = network.api("POST", "/api/v1/practices", user="methodist-kyshtym",
                          json={**TURNER, "license": "all-rights-reserved"})
    assert refused.status_code == 422
    assert "Неизвестная лицензия" in refused.json()["error"]["fields"]["license"][0]
    resource = network.api("POST", "/api/v1/resources", user="methodist-kyshtym", json={
        "title": "Видеозапись мастер-класса", "url": "https://example.ru/video", "license": "cc0-1.0"})
    assert resource.status_code == 201 and resource.json()["license"] == "cc0-1.0"
    bad = network.api("POST", "/api/v1/resources", user="methodist-kyshtym", json={
        "title": "Видео", "url": "https://example.ru/video", "license": "cc-by-3.0"})
    assert bad.status_code == 422 and "license" in bad.json()["error"]["fields"]


def test_a_festival_is_an_event_with_its_programme_as_sub_events_in_json_ld_and_on_its_page(network):
    created = network.api("POST", "/api/v1/festivals", user="methodist-kopeysk", json={
        "title": "Фестиваль открытых данных", "kind": "festival", "starts_on": "2027-04-01",
        "ends_on": "2027-04-02", "place": "ДК «Угольщик»"})
    assert created.status_code == 201, created.text
    festival_id = created.json()["id"]
    added = network.api("POST", f"/api/v1/festivals/{festival_id}/programme", user="methodist-kopeysk", json={
        "title": "Защита проектов", "starts_at": "2027-04-01T10:00:00+05:00",
        "ends_at": "2027-04-01T12:00:00+05:00", "speaker": "Жюри фестиваля"})
    assert added.status_code == 201, added.text

    def with_programme():
        document = json_ld(network, f"/api/v1/festivals/{festival_id}.jsonld")
        return document if document and document["subEvent"] else None

    event = eventually(with_programme, timeout=10)
    assert event and schema_org.problems(event) == []
    assert (event["@type"], event["startDate"], event["subEvent"][0]["name"]) == (
        "Event", "2027-04-01", "Защита проектов")
    assert event["organizer"]["areaServed"]["identifier"]["value"] == "75728000"
    page = network.api("GET", f"/festivals/{festival_id}")
    assert json.loads(SCRIPT.search(page.text).group(1)) == event


def test_municipalities_carry_their_oktmo_codes(network):
    cities = {city["code"]: city["oktmo"] for city in network.api("GET", "/api/v1/municipalities").json()["items"]}
    assert {code: cities[code] for code in ("magnitogorsk", "snezhinsk", "kopeysk", "kyshtym")} == {
        "magnitogorsk": "75738000", "snezhinsk": "75746000", "kopeysk": "75728000", "kyshtym": "75734000"}


def test_the_published_registry_exports_as_csv_for_excel_and_as_json_lines(network):
    response = network.api("GET", "/api/v1/export/registry.csv")
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    assert "Content-Length" not in response.headers  # streamed, not built whole
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    tailor = next(row for row in rows if row["title"] == "Профпроба «Портной»")
    assert (tailor["municipality_name"], tailor["oktmo"], tailor["license"]) == ("Кыштым", "75734000", "cc-by-4.0")
    assert tailor["license_url"] == "https://creativecommons.org/licenses/by/4.0/"
    assert tailor["kind_title"] == "Профессиональная проба" and tailor["grades"]

    lines = network.api("GET", "/api/v1/export/registry.jsonl")
    assert lines.status_code == 200 and lines.headers["Content-Type"].startswith("application/x-ndjson")
    entries = [json.loads(line) for line in lines.text.splitlines()]
    assert [entry["id"] for entry in entries] == [int(row["id"]) for row in rows]
    mentoring = next(entry for entry in entries
                     if entry["title"] == "Наставничество специалистов градообразующего предприятия")
    assert (mentoring["oktmo"], mentoring["license"], mentoring["kind"]) == ("75746000", "cc-by-4.0", "best_practice")
    published = network.api("GET", "/api/v1/practices", params={"per_page": 1}).json()["total"]
    assert len(entries) == published
