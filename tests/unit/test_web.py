"""The web interface's own parts, without a network: the session cookie, entry forms, charts, dates."""
import pytest
from nameko import config
from werkzeug.datastructures import MultiDict
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

from services.gateway.web import session
from services.gateway.web.charts import stacked_bars
from services.gateway.web.forms import entry_fields, entry_input
from services.gateway.web.rendering import ru_date
from shared.auth import Identity, issue_token
from shared.wording import grades_text as grade_range

SECRET = "unit-test-secret-of-the-web-interface-32+"


@pytest.fixture(autouse=True)
def secret():
    with config.patch({"JWT_SECRET": SECRET, "TOKEN_TTL_SECONDS": 600}):
        yield


def test_a_session_cookie_reads_back_only_if_nobody_changed_it():
    token = issue_token(Identity("school-kyshtym", "school", "kyshtym"), SECRET, 600)
    value = session.encode(token, "csrf-code")
    assert session.decode(value) == {"token": token, "csrf": "csrf-code"}
    payload, _, signature = value.rpartition(".")
    assert session.decode(payload + "." + signature[::-1]) is None
    assert session.decode(payload[:-4] + "AAAA." + signature) is None
    assert session.decode("") is None and session.decode("garbage") is None


def test_a_cookie_signed_with_another_secret_is_not_accepted():
    value = session.encode("token", "csrf")
    with config.patch({"JWT_SECRET": "another-secret"}):
        assert session.decode(value) is None


def test_a_career_trial_form_is_built_from_its_schema_title_first():
    fields = {field.name: field for field in entry_fields("career_trial")}
    assert list(fields)[0] == "title"
    assert fields["grades"].widget == "checks"
    assert [value for value, _ in fields["grades"].choices] == ["6", "7", "8", "9", "10", "11"]
    assert fields["format"].widget == "select" and ("in_person", "Очно") in fields["format"].choices
    assert fields["duration_hours"].widget == "number" and fields["summary"].widget == "textarea"
    assert fields["tags"].widget == "list" and fields["profession"].required


def test_an_entry_form_reports_each_bad_field_and_reads_lists_and_checkboxes():
    form = MultiDict([("title", "Профпроба «Токарь»"), ("profession", "Токарь"), ("grades", "9"), ("grades", "10"),
                      ("duration_hours", "3"), ("format", "in_person"), ("profminimum_level", "main"),
                      ("tags", "металл, станки,")])
    data, errors = entry_input("career_trial", form)
    assert errors == {} and data["grades"] == [9, 10] and data["tags"] == ["металл", "станки"]
    _, errors = entry_input("career_trial", MultiDict([("title", "ab"), ("duration_hours", "много")]))
    assert {"title", "duration_hours", "grades", "profession", "format"} <= set(errors)


def test_the_chart_labels_every_city_with_its_total():
    svg = stacked_bars("Опубликовано", [("Кыштым", {"a": 2, "b": 5}), ("Копейск", {"a": 1})], {"a": "А", "b": "Б"})
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "Кыштым" in svg and ">7</text>" in svg and ">1</text>" in svg and svg.count("<rect") == 3 + 2


def test_dates_and_grades_read_as_russian():
    assert ru_date("2026-12-10T05:00:00+00:00", with_time=True) == "10 декабря 2026, 10:00"
    assert ru_date("2027-03-01") == "1 марта 2027"
    assert grade_range([8, 9, 10, 11]) == "8–11 классы" and grade_range([6, 9]) == "6, 9 классы"


def request_with_cookie(value):
    return Request(EnvironBuilder(path="/", headers={"Cookie": f"{session.COOKIE}={value}"}).get_environ())


def test_an_expired_sign_in_leaves_a_guest_whose_open_forms_still_work():
    expired = issue_token(Identity("methodist-kyshtym", "methodist", "kyshtym"), SECRET, -10)
    visitor = session.visitor_of(request_with_cookie(session.encode(expired, "open-form-code")))
    assert visitor.identity is None and visitor.token is None
    assert visitor.csrf == "open-form-code" and visitor.fresh


def test_a_page_that_starts_a_session_is_not_overwritten_by_the_old_one():
    signed_in = session.new_session(issue_token(Identity("admin", "admin"), SECRET, 600))
    response = session.remember(Response(status=303), signed_in)
    session.remember(response, session.new_session())
    cookies = response.headers.getlist("Set-Cookie")
    assert len(cookies) == 1 and "HttpOnly" in cookies[0] and "SameSite=Lax" in cookies[0]
    value = cookies[0].split(";")[0].split("=", 1)[1]
    assert session.decode(value.strip('"'))["token"] == signed_in.token
