"""Adoption in the browser: «Внедрить у себя», the author city's notification, the spread chart."""
import uuid

from playwright.sync_api import expect

from application.running import eventually
from tests.integration.test_registry_api import publish


def test_kopeysk_adopts_in_the_browser_magnitogorsk_is_notified_and_the_chart_shows_the_edge(network, visit):
    title = f"Родительский клуб профориентации {uuid.uuid4().hex[:4]}"
    original_id = publish(network, {"kind": "best_practice", "title": title, "summary": "Встречи с родителями"},
                          methodist="methodist-magnitogorsk")
    adopter = visit()
    adopter.sign_in("methodist-kopeysk")
    page = adopter.page
    page.goto(f"/practices/{original_id}")
    page.get_by_role("link", name="Внедрить у себя").click()
    page.get_by_label("Что вы меняете в практике").fill("Встречи онлайн, раз в месяц")
    page.get_by_label("Почему").fill("Родители работают посменно")
    page.get_by_role("button", name="Внедрить у себя").click()
    expect(page.get_by_role("status")).to_contain_text("Практика внедряется")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    adopter.screenshot("adoption-draft")

    author = visit()
    author.sign_in("methodist-magnitogorsk")
    mine = author.page
    assert eventually(lambda: network.api("GET", f"/api/v1/practices/{original_id}/adoptions").json()["items"])
    mine.get_by_role("link", name="Уведомления").click()
    expect(mine.get_by_role("link", name=f"Практику «{title}» внедряет Копейск")).to_be_visible()
    author.screenshot("notifications")

    guest = visit().page
    guest.goto("/")
    guest.get_by_role("link", name="Распространение").click()
    chart = guest.get_by_role("img", name="Внедрения практик по парам городов: откуда → куда")
    expect(chart.locator("text").filter(has_text="Магнитогорск → Копейск")).to_have_count(1)
    expect(guest.get_by_role("link", name=title)).to_be_visible()
