"""The running network's pages and files as a browser, a cache, an attacker and a strict parser see them:
security headers, the address after signing in, Russian 404 pages, and calendars, feeds and the CSV
export read back with parsers other than the libraries that write them."""
import csv
import io
import re

import requests

from application.running import eventually
from tests.integration.test_registry_api import TURNER, publish
from tests.integration.test_web_pages import csrf_of, signed_in
from tests.strict_parsers import assert_atom, assert_strict_calendar, formula_cells

PUBLIC_PAGES = ["/", "/search", "/search?q=лазер", "/login", "/network/spread", "/nope"]
METHODIST_PAGES = ["/cabinet", "/notifications", "/adoptions", "/collections/new", "/entries/new?kind=career_trial",
                   "/entries/import", "/resources/new"]
REVIEWER_PAGES = ["/cabinet", "/notifications"]


def some_published_pages(network):
    trial = network.api("GET", "/api/v1/search", params={"q": "лазер"}).json()["items"][0]
    festival = network.api("GET", "/api/v1/festivals").json()["items"][0]
    return [f"/practices/{trial['id']}", f"/festivals/{festival['id']}"]


def assert_page_headers(response, personal):
    headers = response.headers
    assert headers["Content-Type"].startswith("text/html"), response.url
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy and "base-uri 'self'" in policy and "form-action 'self'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"
    if personal:
        assert headers["Cache-Control"] == "no-store", response.url


def test_every_page_carries_the_security_headers_and_a_signed_in_persons_pages_are_not_cached(network):
    guest = requests.Session()
    for path in PUBLIC_PAGES + some_published_pages(network):
        response = guest.get(network.url(path), timeout=30)
        assert response.status_code in (200, 404), (path, response.status_code)
        assert_page_headers(response, personal=True)  # a guest has a session (its CSRF code) too
    for username, paths in (("methodist-kyshtym", METHODIST_PAGES), ("reviewer-chippkro", REVIEWER_PAGES)):
        browser = signed_in(network, username)
        for path in paths:
            response = browser.get(network.url(path), timeout=30)
            assert response.status_code == 200, (path, response.status_code)
            assert_page_headers(response, personal=True)


def test_api_answers_are_nosniff_and_personal_ones_are_not_cached(network):
    public = network.api("GET", "/api/v1/municipalities")
    assert public.headers["X-Content-Type-Options"] == "nosniff" and "Cache-Control" not in public.headers
    for path in ("/api/v1/bookings", "/api/v1/notifications", "/api/v1/audit"):
        response = network.api("GET", path, user="admin")
        assert response.status_code == 200, (path, response.text)
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    token = network.api("POST", "/api/v1/auth/token", json={"username": "school-kyshtym", "password": "demo"})
    assert token.headers["Cache-Control"] == "no-store"
    css = requests.get(network.url("/static/site.css"), timeout=30)
    assert css.headers["X-Content-Type-Options"] == "nosniff" and "public" in css.headers["Cache-Control"]


def test_next_never_leaves_the_site_and_never_breaks_the_sign_in(network):
    for asked in ("//evil.example", "https://evil.example", "/\\evil", "/ok\r\nSet-Cookie:x", "/\t/evil.example"):
        browser = requests.Session()
        form = browser.get(network.url("/login"), params={"next": asked}, timeout=30)
        assert form.status_code == 200 and "evil" not in form.text
        response = browser.post(network.url("/login"), data={
            "username": "school-kyshtym", "password": "demo", "csrf_token": csrf_of(form), "next": asked},
            allow_redirects=False, timeout=30)
        assert response.status_code == 303 and response.headers["Location"] == "/", (asked, response.status_code)
        assert "x" not in {cookie.name for cookie in browser.cookies}
    browser = requests.Session()
    form = browser.get(network.url("/login"), timeout=30)
    response = browser.post(network.url("/login"), data={"username": "school-kyshtym", "password": "demo",
                                                        "csrf_token": csrf_of(form), "next": "/search?q=лазер"},
                            allow_redirects=False, timeout=30)
    assert response.headers["Location"] == "/search?q=%D0%BB%D0%B0%D0%B7%D0%B5%D1%80"


def test_the_cookie_is_secure_when_the_proxy_says_the_site_is_https(network):
    response = requests.get(network.url("/login"), headers={"X-Forwarded-Proto": "https"}, timeout=30)
    assert "Secure" in response.headers["Set-Cookie"]
    assert "Secure" not in requests.get(network.url("/login"), timeout=30).headers["Set-Cookie"]


def test_an_unknown_page_is_russian_html_and_an_unknown_api_address_is_json(network):
    page = requests.get(network.url("/nope"), timeout=30)
    assert page.status_code == 404 and page.headers["Content-Type"].startswith("text/html")
    assert "Не найдено" in page.text and 'href="/"' in page.text and 'href="/search"' in page.text
    assert 'lang="ru"' in page.text and "Сеть практик" in page.text
    browser = signed_in(network, "school-kyshtym")
    assert "Наталья Владимировна Крылова" in browser.get(network.url("/no/such/page"), timeout=30).text
    api = requests.get(network.url("/api/v1/nope"), timeout=30)
    assert api.status_code == 404 and api.json()["error"]["code"] == "not_found"


def test_a_festival_calendar_holds_for_a_strict_parser_with_one_location_a_timezone_and_a_link(network):
    forum = network.api("POST", "/api/v1/festivals", user="methodist-kopeysk", json={
        "title": "Форум «Строгий календарь»", "kind": "forum", "starts_on": "2027-03-10", "ends_on": "2027-03-12",
        "place": "Копейск, ДК", "nominations": [{"title": "Техсалон"}]}).json()
    item = network.api("POST", f"/api/v1/festivals/{forum['id']}/programme", user="methodist-kopeysk", json={
        "title": "Открытие", "starts_at": "2027-03-10T05:00:00+00:00", "ends_at": "2027-03-10T06:00:00+00:00",
        "place": "Актовый зал"})
    assert item.status_code == 201, item.text
    one = network.api("GET", f"/api/v1/festivals/{forum['id']}.ics")
    parsed, used = assert_strict_calendar(one.text)
    assert used == {"Asia/Yekaterinburg"}
    assert {event.location for event in parsed.events} == {"Копейск, ДК", "Актовый зал"}
    assert {event.url for event in parsed.events} == {network.url(f"/festivals/{forum['id']}")}
    page = requests.get(next(iter(parsed.events)).url, timeout=30)
    assert page.status_code == 200 and "Строгий календарь" in page.text

    def in_the_feed():
        return "Строгий календарь" in network.api("GET", "/api/v1/festivals.ics").text

    assert eventually(in_the_feed, timeout=10)
    assert_strict_calendar(network.api("GET", "/api/v1/festivals.ics").text)


def test_the_notification_feed_names_its_own_address(network):
    url = network.api("GET", "/api/v1/notifications/feed", user="methodist-kyshtym").json()["url"]
    feed = requests.get(url, timeout=30)
    assert feed.status_code == 200 and feed.headers["Cache-Control"] == "no-store"
    assert_atom(feed.content, url)


def test_a_title_written_as_a_formula_is_exported_as_text(network):
    title = '=HYPERLINK("http://evil.example","Профпроба")'
    entry_id = publish(network, {**TURNER, "title": title, "tags": ["@SUM(1+1)", "-токарь"]})

    def exported():
        text = network.api("GET", "/api/v1/export/registry.csv").content.decode("utf-8-sig")
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        return rows if any(row["id"] == str(entry_id) for row in rows) else None

    rows = eventually(exported, timeout=10)
    row = next(row for row in rows if row["id"] == str(entry_id))
    assert row["title"] == "'" + title and row["tags"] == "'@SUM(1+1); -токарь"
    assert formula_cells(rows, number_columns={"duration_hours", "id", "version"}) == []
    assert re.fullmatch(r"\d+(\.\d+)?", row["duration_hours"])  # a number column is written as a number
