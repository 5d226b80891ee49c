"""Every page a person reads, crawled as each role: no login names, no stored codes, no decimal points,
and an unknown address answers the Russian 404 page.

Each role follows the site's links breadth-first from «/»; every page's visible text (no scripts, styles,
form values or the sign-in form) is checked with lxml, an independent parser."""
import re
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.html
import pytest
import requests

from application.running import eventually, session_a_week_ahead
from shared.licenses import LICENSES
from shared.plugins import directions
from tests.integration.test_web_pages import signed_in

ROLES = (None, "methodist-kyshtym", "reviewer-chippkro", "school-kyshtym", "admin")
PAGES_PER_ROLE = 150
DOWNLOADS = (".docx", ".pdf", ".ics", ".xlsx", ".csv", ".atom", ".jsonld", ".json", ".xml")
NOT_PAGES = ("/api/", "/static/", "/feeds/", "/logout", "/metrics", "/health")
# Closed values as they are stored: a page shows their titles, never these.
STORED_CODES = {
    "in_person", "remote", "mixed", "basic", "main", "advanced", "best_practice", "career_trial",
    "draft", "submitted", "approved", "changes_requested", "rejected", "withdrawn", "archived",
    "confirmed", "waitlisted", "cancelled", "festival", "forum", "contest", "methodist", "reviewer",
    "queued", "building", "ready", "failed", *LICENSES}
DECIMAL = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")
# A licence's proper name keeps its point: «CC BY 4.0», «CC0 1.0».
LICENCE_NUMBER = re.compile(r"(?:CC[ -]?BY(?:-[A-Z]{2})*|CC0) \d\.\d")
ERROR_TITLES = {403: "Нет доступа", 404: "Не найдено"}
# An administrator works with logins and codes: the admin pages show them marked as identifiers (nowhere else).
ADMIN_PAGES = "/admin/"
IDENTIFIERS = "//code[@class='identifier']"


def visible_text(document):
    """What a reader sees: no scripts, styles, sign-in form or the text inside form fields."""
    for hidden in document.xpath("//script|//style|//template|//textarea|//form[@action='/login']"):
        hidden.drop_tree()
    return " ".join(document.text_content().split())


def page_key(url):
    parts = urlsplit(url)
    return parts.path, tuple(sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)}))


def worth_following(base, href):
    target = urlsplit(urljoin(base, href))
    if target.scheme not in ("http", "https") or target.netloc != urlsplit(base).netloc:
        return None
    if target.path.startswith(NOT_PAGES) or target.path.endswith(DOWNLOADS):
        return None
    return target._replace(fragment="").geturl()


def crawl(network, username):
    """Visit the role's pages breadth-first; answer (url, status, document) of each HTML page."""
    browser = signed_in(network, username) if username else requests.Session()
    start = network.url("/")
    queue, seen, visited = deque([start]), {page_key(start)}, []
    while queue and len(visited) < PAGES_PER_ROLE:
        url = queue.popleft()
        response = browser.get(url, timeout=30)
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        document = lxml.html.fromstring(response.content)
        visited.append((response.url, response.status_code, document))
        for href in document.xpath("//a/@href"):
            target = worth_following(response.url, href)
            if target and page_key(target) not in seen:
                seen.add(page_key(target))
                queue.append(target)
    return visited


def problems_of(url, status, document, logins, codes):
    path = urlsplit(url).path
    problems = []
    if status not in (200, *ERROR_TITLES):
        problems.append(f"{url}: answered {status}")
    if status in ERROR_TITLES and (document.get("lang") != "ru" or ERROR_TITLES[status] not in document.text_content()):
        problems.append(f"{url}: {status} is not the Russian error page")
    if path == "/login":  # the one page where a login belongs
        return problems
    if path.startswith(ADMIN_PAGES):
        for identifier in document.xpath(IDENTIFIERS):
            identifier.drop_tree()
    text = visible_text(document)
    words = set(re.findall(r"[\w.-]+", text))
    problems += [f"{url}: shows the login «{login}»" for login in sorted(logins & words)]
    problems += [f"{url}: shows the stored code «{code}»" for code in sorted(codes & words)]
    decimals = DECIMAL.findall(LICENCE_NUMBER.sub("", text))
    problems += [f"{url}: shows a decimal point «{number}»" for number in decimals]
    return problems


def rich_data(network):
    """A booking, an entry returned for changes with a comment, a collection: pages with people on them."""
    trials = network.api("GET", "/api/v1/practices", "methodist-kyshtym",
                         params={"kind": "career_trial", "status": "approved"}).json()["items"]
    trial = next(item for item in trials if item["municipality"] == "kyshtym")
    booked = network.api("POST", f"/api/v1/sessions/{session_a_week_ahead(network, trial['id'])}/bookings",
                         "school-kyshtym", json={"pupils": 3, "grade": trial["grades"][0], "contact": "каб. 5"})
    assert booked.status_code == 201, booked.text

    draft = network.api("POST", "/api/v1/practices", "methodist-kyshtym", json={
        "kind": "career_trial", "title": "Профпроба «Лаборант химического анализа»", "profession": "Лаборант",
        "grades": [8, 9], "duration_hours": 1.5, "format": "mixed", "profminimum_level": "advanced",
        "summary": "Анализ воды из озера Иртяш"}).json()
    network.api("POST", f"/api/v1/practices/{draft['id']}/submit", "methodist-kyshtym", json={})
    returned = network.api("POST", f"/api/v1/practices/{draft['id']}/request-changes", "reviewer-chippkro",
                           json={"comment": "Уточните оборудование и технику безопасности"})
    assert returned.status_code == 200, returned.text

    # Resubmitted after a return: the reviewer's page shows what changed since then.
    again = network.api("POST", "/api/v1/practices", "methodist-kyshtym", json={
        "kind": "career_trial", "title": "Профпроба «Оператор станков с ЧПУ»", "profession": "Оператор",
        "grades": [9, 10], "duration_hours": 2.5, "format": "remote", "profminimum_level": "basic",
        "summary": "Первая версия"}).json()
    for user, action, body in (("methodist-kyshtym", "submit", {}),
                               ("reviewer-chippkro", "request-changes", {"comment": "Добавьте длительность"})):
        network.api("POST", f"/api/v1/practices/{again['id']}/{action}", user, json=body)
    network.api("PATCH", f"/api/v1/practices/{again['id']}", "methodist-kyshtym",
                json={"summary": "Вторая версия", "duration_hours": 3.5})
    network.api("POST", f"/api/v1/practices/{again['id']}/submit", "methodist-kyshtym", json={})

    built = network.api("POST", "/api/v1/collections", "methodist-kyshtym",
                        json={"title": "Профпробы Кыштыма", "municipality": "kyshtym"})
    assert built.status_code in (201, 202), built.text
    # The read model takes the events a moment later: the crawl starts when the collection is listed.
    assert eventually(lambda: network.api("GET", "/api/v1/collections", "methodist-kyshtym").json()["items"])


@pytest.fixture(scope="module")
def crawled(module_network):
    network = module_network
    rich_data(network)
    accounts = network.api("GET", "/api/v1/accounts", "admin", params={"per_page": 100}).json()["items"]
    logins = {account["username"] for account in accounts}
    municipalities = {item["code"] for item in network.api("GET", "/api/v1/municipalities").json()["items"]}
    codes = STORED_CODES | set(directions()) | municipalities
    with ThreadPoolExecutor(len(ROLES)) as pool:
        pages = dict(zip(ROLES, pool.map(lambda role: crawl(network, role), ROLES)))
    return network, logins, codes, pages


@pytest.mark.parametrize("role", ROLES, ids=lambda role: role or "guest")
def test_no_page_shows_a_login_a_stored_code_or_a_decimal_point(crawled, role):
    _, logins, codes, pages = crawled
    assert len(pages[role]) > 10, "the crawl found too few pages"
    if role == "admin":
        assert {"/admin/accounts", "/admin/organizations", "/admin/municipalities", "/admin/accounts/new",
                "/account/password"} <= {urlsplit(url).path for url, _, _ in pages[role]}
    found = [problem for url, status, document in pages[role]
             for problem in problems_of(url, status, document, logins, codes)]
    assert not found, "\n".join(found)


def test_an_unknown_address_answers_the_russian_404_page(crawled):
    network = crawled[0]
    for path in ("/нет-такой-страницы", "/practices/999999", "/practices/abc", "/collections/999999"):
        response = requests.get(network.url(path), timeout=30)
        document = lxml.html.fromstring(response.content)
        assert response.status_code == 404, path
        assert response.headers["Content-Type"].startswith("text/html"), path
        assert document.get("lang") == "ru" and "Не найдено" in visible_text(document), path


def test_the_reading_flags_what_a_leaky_page_would_show():
    page = lxml.html.fromstring(
        '<html lang="ru"><body><p>Автор: methodist-kyshtym, формат in_person, 3.0 часа, CC BY 4.0, 10.12.2026</p>'
        '<script>var role = "main";</script><input value="draft"><textarea>remote</textarea></body></html>')
    found = problems_of("http://site/practices/1", 200, page, {"methodist-kyshtym"}, {"in_person", "main",
                                                                                     "draft", "remote"})
    assert found == ["http://site/practices/1: shows the login «methodist-kyshtym»",
                     "http://site/practices/1: shows the stored code «in_person»",
                     "http://site/practices/1: shows a decimal point «3.0»"]
