"""The pages under their Content-Security-Policy in Chromium: the policy is enforced (an inline script is
refused), and the pages people use most meet no violation and still work. Any violation Chromium
reports lands in the console, which the ``visit`` fixture turns into a failure."""
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

GUEST_PAGES = ["/", "/search?q=лазер", "/network/spread", "/login", "/nope"]
SIGNED_IN_PAGES = ["/cabinet", "/notifications", "/adoptions", "/collections/new", "/entries/new?kind=career_trial"]


def test_an_inline_script_is_refused_by_the_policy(visit):
    tab = visit()
    tab.page.goto("/")
    with pytest.raises(PlaywrightError, match="Content Security Policy"):
        tab.page.add_script_tag(content="document.body.dataset.ran = 'yes'")
    assert tab.page.evaluate("document.body.dataset.ran") is None
    assert any("Content Security Policy" in error for error in tab.errors)
    tab.errors.clear()  # the refusal was the point here


def test_key_pages_work_under_the_policy_without_a_violation(visit, network):
    tab = visit()
    page = tab.page
    for path in GUEST_PAGES:
        response = page.goto(path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
    expect(page.get_by_role("heading", name="Не найдено")).to_be_visible()
    page.get_by_role("link", name="К поиску").click()
    expect(page).to_have_title("Поиск профпроб — Сеть практик")

    trial = network.api("GET", "/api/v1/search", params={"q": "лазер"}).json()["items"][0]
    page.goto(f"/practices/{trial['id']}")  # carries a JSON-LD data block, which is no script to run
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    tab.sign_in("methodist-kyshtym")  # a form posted to the site itself (form-action 'self') and a redirect
    for path in SIGNED_IN_PAGES:
        assert page.goto(path).headers["cache-control"] == "no-store"
    page.get_by_role("button", name="Выйти").click()
    expect(page.get_by_role("status")).to_contain_text("Вы вышли из системы")
