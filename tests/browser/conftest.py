"""A real browser on the running network: Debian's Chromium, headless, driven by Playwright.

Only the SQLite network is visited: the pages read the same read model whatever the database, and
the JSON API tests already cover PostgreSQL. Every page a test opens is watched for JavaScript errors.
"""
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from shared.config import REPO_ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SCREENSHOTS = Path(REPO_ROOT) / "var" / "screenshots"


def pytest_collection_modifyitems(config, items):
    """Deselect the PostgreSQL copies of browser tests before any network is started for them."""
    here = Path(__file__).parent
    skipped = [item for item in items if Path(item.fspath).is_relative_to(here)
               and getattr(item, "callspec", None) and item.callspec.params.get("network") != "sqlite"]
    if skipped:
        config.hook.pytest_deselected(items=skipped)
        items[:] = [item for item in items if item not in skipped]


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Нет {CHROMIUM}: make test ставит пакет chromium сам, или apt-get install chromium")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """One person's browser tab on the site, remembering every JavaScript error it meets."""

    def __init__(self, browser, base_url, mobile=False):
        size = {"width": 390, "height": 844} if mobile else {"width": 1280, "height": 900}
        self.context = browser.new_context(base_url=base_url, viewport=size, locale="ru-RU")
        self.page = self.context.new_page()
        self.errors = []
        self.page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        self.page.on("console", self._console)

    def _console(self, message):
        # A form answered 422 is the page working as meant; Chromium still logs the document's status.
        about_document = message.location.get("url") == self.page.url
        if message.type == "error" and not (about_document and message.text.startswith("Failed to load resource")):
            self.errors.append(f"console: {message.text}")

    def sign_in(self, username, password="demo"):
        self.page.goto("/login")
        self.page.get_by_label("Имя пользователя").fill(username)
        self.page.get_by_label("Пароль").fill(password)
        self.page.get_by_role("button", name="Войти").click()
        self.page.wait_for_url("**/cabinet")

    def screenshot(self, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, network):
    """``visit()`` opens a new tab (a new person); at the end no tab may have met a JavaScript error."""
    opened = []

    def open_tab(mobile=False):
        opened.append(Visit(browser, network.base_url, mobile))
        return opened[-1]

    yield open_tab
    errors = [error for tab in opened for error in tab.errors]
    for tab in opened:
        tab.close()
    assert errors == [], "JavaScript errors on the pages: " + "; ".join(errors)
