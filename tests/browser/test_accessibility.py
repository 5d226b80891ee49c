"""Every page as each role sees it, checked by axe-core in Chromium; and the phone layout: the menu folds
under «Меню» and a wide table becomes cards, each cell naming its column.

axe-core comes from npm (``make test`` installs it into var/axe); the accessibility tab alone bypasses
the CSP so that the checker can be injected, the pages themselves are tested under it elsewhere."""
from pathlib import Path

import pytest
from playwright.sync_api import expect

from shared.config import REPO_ROOT

AXE = Path(REPO_ROOT) / "var" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# The one known finding: /notifications groups its items under h3 with no h2 between (kept on purpose).
ALLOWED = {"/notifications": {"heading-order"}}

GUEST = ["/", "/search?q=лазер", "/search?direction=mentoring", "/network/spread", "/login", "/nope",
         "/collections", "{trial}", "{practice}", "/login/code", "/password/reset/a-link-that-was-never-issued"]
PAGES = {
    "methodist-kyshtym": ["/cabinet", "/notifications", "/adoptions", "/entries/new?kind=career_trial",
                          "/entries/new?kind=best_practice", "/entries/import", "/resources/new", "{trial}",
                          "/festivals/mine", "/festivals/new", "/festival-entries", "{festival}", "{festival}/edit",
                          "{festival}/call", "{festival}/enter", "{festival}/jury", "{festival}/ranking",
                          "{festival}/cancel"],
    "reviewer-chippkro": ["/cabinet", "/collections/new", "/collections", "/notifications", "{practice}",
                          "/festivals/mine"],
    "school-kyshtym": ["/cabinet", "{trial}", "/entries/new?kind=career_trial", "/notifications", "/account/password"],
    "admin": ["/cabinet", "/admin/accounts", "/admin/accounts?role=methodist&disabled=false", "/admin/accounts/new",
              "/admin/organizations", "/admin/municipalities"],
}


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.exists():
        pytest.fail(f"Нет {AXE}: make test ставит axe-core сам, или npm install --prefix var/axe axe-core")
    return AXE.read_text(encoding="utf-8")


def _examples(network):
    trial = network.api("GET", "/api/v1/search", params={"q": "лазер"}).json()["items"][0]
    practice = network.api("GET", "/api/v1/search", params={"kind": "best_practice"}).json()["items"][0]
    festival = network.api("GET", "/api/v1/festivals", params={"municipality": "kyshtym"}).json()["items"][0]
    return {"trial": f"/practices/{trial['id']}", "practice": f"/practices/{practice['id']}",
            "festival": f"/festivals/{festival['id']}"}


def _violations(page, axe_source, path):
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)
    found = page.evaluate("async () => (await axe.run(document)).violations"
                          ".map(v => ({id: v.id, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)}))")
    allowed = ALLOWED.get(path.split("?")[0], set())
    return [f"{path}: {v['id']} {v['nodes']}" for v in found if v["id"] not in allowed]


def _check(tab, axe_source, paths, examples):
    problems = []
    for path in paths:
        path = path.format(**examples)
        tab.page.goto(path)
        problems += _violations(tab.page, axe_source, path)
    return problems


def test_axe_finds_nothing_on_any_page_of_any_role(browser, network, axe_source):
    examples = _examples(network)
    problems = []
    for username in [None, *PAGES]:
        context = browser.new_context(base_url=network.base_url, locale="ru-RU", bypass_csp=True)
        tab = type("Tab", (), {"page": context.new_page()})()
        if username:
            tab.page.goto("/login")
            tab.page.get_by_label("Имя пользователя").fill(username)
            tab.page.get_by_label("Пароль").fill("demo")
            tab.page.get_by_role("button", name="Войти").click()
            tab.page.wait_for_url("**/cabinet")
        problems += _check(tab, axe_source, PAGES.get(username, GUEST), examples)
        if username == "methodist-kyshtym":  # a failed save: the form with its errors, focus on the summary
            tab.page.goto("/entries/new?kind=best_practice")
            tab.page.get_by_role("button", name="Сохранить черновик").click()
            expect(tab.page.locator(".error-text[role=alert]")).to_be_focused()
            problems += _violations(tab.page, axe_source, "/entries (ошибки формы)")
        if username == "admin":  # the new-account form with its errors, and the one-time code it hands over
            tab.page.goto("/admin/accounts/new")
            tab.page.get_by_role("button", name="Создать учётную запись").click()
            problems += _violations(tab.page, axe_source, "/admin/accounts/new (ошибки формы)")
            tab.page.get_by_label("ФИО").fill("Анна Сергеевна Котова")
            tab.page.get_by_label("Имя для входа").fill("methodist-axe-check")
            # A methodist of a city, not an expert: an expert without a password would join the expert pool
            # the review tests of this shared network draw from.
            tab.page.get_by_label("Роль").select_option(label="Методист муниципалитета")
            tab.page.get_by_label("Муниципалитет (для методиста и школы обязательно)").select_option(label="Снежинск")
            tab.page.get_by_role("button", name="Создать учётную запись").click()
            problems += _violations(tab.page, axe_source, "/admin/accounts/new (код для входа)")
        context.close()
    assert problems == []


def test_on_a_phone_the_menu_folds_and_a_table_becomes_cards(visit):
    tab = visit(mobile=True)
    page = tab.page
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/")
    menu = page.locator("details.menu")
    expect(page.get_by_text("Меню", exact=True)).to_be_visible()
    expect(menu).not_to_have_attribute("open", "")
    expect(page.get_by_role("link", name="Поиск", exact=True)).to_be_hidden()
    cell = page.locator("table.stack tbody td[data-label]").first
    assert cell.evaluate("td => getComputedStyle(td).display") == "block"
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert cell.get_attribute("data-label") in label
    assert page.locator("table.stack thead").evaluate("h => h.getBoundingClientRect().height") <= 1
    tab.screenshot("phone-home-cards")
    page.get_by_text("Меню", exact=True).click()
    expect(page.get_by_role("link", name="Поиск", exact=True)).to_be_visible()
    tab.screenshot("phone-menu-open")


def test_on_a_wide_screen_the_menu_is_a_plain_row(visit):
    tab = visit()
    tab.page.goto("/")
    expect(tab.page.get_by_role("link", name="Поиск", exact=True)).to_be_visible()
    expect(tab.page.get_by_text("Меню", exact=True)).to_be_hidden()
    cell = tab.page.locator("table.stack tbody td").first
    assert cell.evaluate("td => getComputedStyle(td).display") == "table-cell"
