"""The web's safety rules and the exports by their standards, read back with parsers the project does
not write with: ``ics`` for calendars (not built on icalendar), feedparser and ElementTree for Atom,
the csv module for the export."""
import csv
import io
from datetime import UTC, datetime

import ics
import pytest
from nameko import config
from werkzeug.wrappers import Request, Response

from services.gateway import calendar, notifications, opendata
from services.gateway.web import session
from services.gateway.web.forms import next_path
from services.gateway.web.headers import add_security_headers
from shared.auth import Identity
from tests.strict_parsers import assert_atom, assert_strict_calendar, formula_cells

BASE = "https://practices.example.org"
FESTIVAL = {"id": 7, "title": "Форум «РОСТ»", "starts_on": "2027-03-10", "ends_on": "2027-03-12",
            "description": "Форум профориентации", "nominations": [{"title": "Техсалон"}], "place": "Копейск, ДК",
            "updated_at": "2027-01-01T10:00:00+00:00", "revision": 3, "status": "scheduled",
            "timezone": "Asia/Yekaterinburg", "programme": [
                {"id": 1, "title": "Открытие", "starts_at": "2027-03-10T05:00:00+00:00",
                 "ends_at": "2027-03-10T06:00:00+00:00", "speaker": "Ведущий", "place": "Зал 2"},
                {"id": 2, "title": "Мастер-классы", "starts_at": "2027-03-11T05:00:00+00:00",
                 "ends_at": "2027-03-11T08:00:00+00:00", "speaker": "", "place": ""}]}


def test_a_festival_calendar_has_one_location_a_timezone_and_a_link_per_event_for_a_strict_parser():
    body = calendar.calendar_of([FESTIVAL], FESTIVAL["title"], BASE, with_programme=True).decode()
    parsed, used = assert_strict_calendar(body)
    events = {event.uid: event for event in parsed.events}
    assert used == {"Asia/Yekaterinburg"}
    assert events["festival-7-item-1@practice-network"].location == "Зал 2"  # the item's room, not both
    assert events["festival-7-item-2@practice-network"].location == "Копейск, ДК"  # no room: the festival's
    assert {event.url for event in parsed.events} == {f"{BASE}/festivals/7"}
    assert events["festival-7-item-1@practice-network"].begin.hour == 10  # local time of Копейск
    again = calendar.calendar_of([FESTIVAL], FESTIVAL["title"], BASE, with_programme=True).decode()
    assert {event.uid for event in ics.Calendar(again).events} == set(events)  # stable for subscribers


def test_the_festivals_feed_without_a_programme_is_valid_too():
    body = calendar.calendar_of([FESTIVAL, {**FESTIVAL, "id": 8, "place": ""}], "Фестивали", BASE).decode()
    parsed, _ = assert_strict_calendar(body)
    assert len(parsed.events) == 2 and all(event.url.startswith(BASE + "/festivals/") for event in parsed.events)


def test_the_notification_feed_names_its_own_address_and_is_atom_by_rfc_4287():
    identity = Identity("school-kyshtym", "school", "kyshtym")
    items = [{"id": "2b1c7e4e-0000-4000-8000-000000000001", "title": "Бронь подтверждена", "text": "3 места",
              "occurred_at": datetime(2027, 1, 5, 9, 0, tzinfo=UTC), "link": "/cabinet"}]
    self_url = f"{BASE}/feeds/secret-token.atom"
    body = notifications.atom(identity, items, BASE, self_url)

    entry = assert_atom(body, self_url).entries[0]
    assert entry.title == "Бронь подтверждена" and entry.link == BASE + "/cabinet"


FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"Подробнее\")", "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3",
            "\t=1+1", "\r=1+1"]


def test_a_csv_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text():
    rows = [{**{name: None for name in opendata.COLUMNS}, "id": 1, "title": formula, "tags": [formula, "ок"],
             "duration_hours": -3, "version": 2} for formula in FORMULAS]
    text = "".join(opendata.csv_lines(rows)).removeprefix(opendata.CSV_BOM)
    read = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [row["title"] for row in read] == ["'" + formula for formula in FORMULAS]
    assert formula_cells(read, number_columns={"duration_hours"}) == []
    assert all(row["tags"].startswith("'") and row["duration_hours"] == "-3" for row in read)  # numbers stay


def test_plain_text_cells_are_left_as_they_are():
    assert opendata.neutralised("Токарь — 3 часа") == "Токарь — 3 часа"
    assert opendata.neutralised("a=b") == "a=b"


@pytest.mark.parametrize("asked", ["//evil.example", "https://evil.example", "/\\evil", "/ok\r\nSet-Cookie:x",
                                   "/\t/evil.example", "javascript:alert(1)", "evil.example", "/" + "x" * 3000])
def test_next_never_leaves_the_site(asked):
    assert next_path(asked, "/cabinet") == "/"


def test_next_keeps_a_path_of_the_site_encoded_for_the_location_header():
    assert next_path("/practices/5?done=booked", "/cabinet") == "/practices/5?done=booked"
    assert next_path("/search?q=лазер", "/cabinet") == "/search?q=%D0%BB%D0%B0%D0%B7%D0%B5%D1%80"
    assert next_path("", "/cabinet") == "/cabinet" and next_path(None, "/cabinet") == "/cabinet"


def answer_headers(path="/", method="GET", content_type="text/html; charset=utf-8", cookie=None, extra=()):
    environ = {"PATH_INFO": path, "REQUEST_METHOD": method}
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    headers = [("Content-Type", content_type), *extra]
    add_security_headers(environ, headers)
    return dict(headers)


def test_every_page_has_a_policy_without_inline_script_and_is_not_framed():
    headers = answer_headers()
    policy = dict(part.strip().split(" ", 1) for part in headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'" and "unsafe-inline" not in headers["Content-Security-Policy"]
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"
    assert "Cache-Control" not in headers  # a guest's first look at a public page may be cached


def test_what_is_personal_is_never_stored_by_a_cache_and_static_files_are():
    assert answer_headers(cookie=f"{session.COOKIE}=abc")["Cache-Control"] == "no-store"
    assert answer_headers(extra=[("Set-Cookie", "pn_session=x")])["Cache-Control"] == "no-store"
    assert answer_headers("/feeds/t.atom", content_type="application/atom+xml")["Cache-Control"] == "no-store"
    assert answer_headers("/api/v1/auth/token", "POST", "application/json")["Cache-Control"] == "no-store"
    api = answer_headers("/api/v1/bookings", content_type="application/json", cookie=f"{session.COOKIE}=abc")
    assert api["Cache-Control"] == "no-store" and "Content-Security-Policy" not in api
    assert api["X-Content-Type-Options"] == "nosniff"
    static = answer_headers("/static/site.css", content_type="text/css", cookie=f"{session.COOKIE}=abc",
                            extra=[("Cache-Control", "public, max-age=3600")])
    assert static["Cache-Control"] == "public, max-age=3600"


@pytest.mark.parametrize("public_url, environ, secure", [
    ("https://practices.example.org", {}, True),
    ("", {"HTTP_X_FORWARDED_PROTO": "https"}, True),
    ("", {"wsgi.url_scheme": "https"}, True),
    ("", {"HTTP_X_FORWARDED_PROTO": "http"}, False),
    ("http://localhost:8000", {}, False),
])
def test_the_session_cookie_is_secure_when_the_site_is_served_over_https(public_url, environ, secure):
    with config.patch({"JWT_SECRET": "unit-test-secret-of-the-web-interface-32+", "TOKEN_TTL_SECONDS": 600,
                       "PUBLIC_BASE_URL": public_url}):
        request = Request({"wsgi.url_scheme": "http", **environ})
        cookie = session.remember(Response(), session.new_session(), request).headers["Set-Cookie"]
    assert ("Secure" in cookie) is secure and "HttpOnly" in cookie


def test_a_static_file_meant_for_any_cache_starts_no_session():
    with config.patch({"JWT_SECRET": "unit-test-secret-of-the-web-interface-32+"}):
        answer = session.remember(Response(headers={"Cache-Control": "public, max-age=3600"}), session.new_session())
    assert "Set-Cookie" not in answer.headers
