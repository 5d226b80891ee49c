"""Festivals through the gateway: organisers' rights, dates, entries, results and calendar feeds."""
import io
from datetime import date

from icalendar import Calendar
from pypdf import PdfReader

from application.running import eventually

FORUM = {"title": "Форум «Проверка календаря»", "kind": "forum", "starts_on": "2027-03-10",
         "ends_on": "2027-03-12", "place": "Копейск, ДК", "nominations": [{"title": "Техсалон"}, {"title": "ПрофСтарт"}]}


def create(network, festival=FORUM, user="methodist-kopeysk"):
    response = network.api("POST", "/api/v1/festivals", user=user, json=festival)
    assert response.status_code == 201, response.text
    return response.json()


def feed(network, params=None):
    response = network.api("GET", "/api/v1/festivals.ics", params=params)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/calendar")
    return {str(event["summary"]): event for event in Calendar.from_ical(response.content).walk("VEVENT")}


def test_kopeysk_holds_rost_with_its_nominations_in_the_demo_network(network):
    listed = network.api("GET", "/api/v1/festivals", params={"municipality": "kopeysk"}).json()
    rost = next(item for item in listed["items"] if "РОСТ" in item["title"])
    assert {"Техсалон", "ПрофСтарт", "IQ-марафон"} <= {n["title"] for n in rost["nominations"]}


def test_only_the_organising_city_changes_a_festival(network):
    forum = create(network)
    assert network.api("PATCH", f"/api/v1/festivals/{forum['id']}", user="methodist-kyshtym",
                       json={"place": "Кыштым"}).status_code == 403
    changed = network.api("PATCH", f"/api/v1/festivals/{forum['id']}", user="methodist-kopeysk",
                          json={"place": "Копейск, гимназия №1"})
    assert changed.status_code == 200 and changed.json()["place"] == "Копейск, гимназия №1"


def test_a_festival_ending_before_it_starts_is_422_naming_ends_on(network):
    response = network.api("POST", "/api/v1/festivals", user="methodist-kopeysk",
                           json={**FORUM, "starts_on": "2027-03-12", "ends_on": "2027-03-10"})
    assert response.status_code == 422 and "ends_on" in response.json()["error"]["fields"]


def test_the_kopeysk_feed_opens_in_a_calendar_library_with_the_right_dates(network):
    forum = create(network, {**FORUM, "title": "Форум «Даты в календаре»"})
    events = eventually(lambda: feed(network, {"municipality": "kopeysk"}).get(forum["title"]), timeout=10)
    assert events["dtstart"].dt == date(2027, 3, 10)
    assert events["dtend"].dt == date(2027, 3, 13)  # all-day events end the day after the last day
    assert str(events["status"]) == "CONFIRMED"
    assert forum["title"] not in feed(network, {"municipality": "kyshtym"})


def test_a_cancelled_festival_stays_in_the_feed_as_cancelled(network):
    forum = create(network, {**FORUM, "title": "Форум «Будет отменён»"})
    assert network.api("POST", f"/api/v1/festivals/{forum['id']}/cancel", user="methodist-kopeysk").status_code == 200

    def cancelled():
        event = feed(network).get(forum["title"])
        return event is not None and str(event["status"]) == "CANCELLED"

    assert eventually(cancelled, timeout=10)


def test_a_festival_calendar_carries_its_programme_in_the_city_time_zone(network):
    forum = create(network, {**FORUM, "title": "Форум «Программа»"})
    network.api("POST", f"/api/v1/festivals/{forum['id']}/programme", user="methodist-kopeysk", json={
        "title": "Открытие", "starts_at": "2027-03-10T05:00:00+00:00", "ends_at": "2027-03-10T06:00:00+00:00",
        "speaker": "Начальник управления образования"})
    response = network.api("GET", f"/api/v1/festivals/{forum['id']}.ics")
    opening = next(e for e in Calendar.from_ical(response.content).walk("VEVENT") if "Открытие" in str(e["summary"]))
    assert opening["dtstart"].dt.hour == 10 and str(opening["dtstart"].dt.tzinfo) == "Asia/Yekaterinburg"


def test_a_published_practice_is_entered_and_wins_a_place(network):
    forum = create(network, {**FORUM, "title": "Форум «Итоги»"})
    practices = network.api("GET", "/api/v1/search",
                            params={"municipality": "kopeysk", "kind": "best_practice"}).json()["items"]
    practice_id = practices[0]["id"]
    opened = network.api("POST", f"/api/v1/festivals/{forum['id']}/call", user="methodist-kopeysk",
                         json={"deadline": "2027-03-01T18:00:00+05:00"})
    assert opened.status_code == 200, opened.text
    entered = network.api("POST", f"/api/v1/festivals/{forum['id']}/entries", user="methodist-kopeysk",
                          json={"practice_id": practice_id, "nomination": "ПрофСтарт"})
    assert entered.status_code == 201, entered.text
    foreign = network.api("POST", f"/api/v1/festivals/{forum['id']}/entries", user="methodist-kyshtym",
                          json={"practice_id": practice_id, "nomination": "ПрофСтарт"})
    assert foreign.status_code == 403
    results = network.api("POST", f"/api/v1/festivals/{forum['id']}/results", user="methodist-kopeysk", json={
        "results": [{"nomination": "ПрофСтарт", "places": [{"practice_id": practice_id, "place": 1}]}]})
    assert results.status_code == 200 and results.json()["entries"][0]["place"] == 1
    entry_id = results.json()["entries"][0]["id"]
    diploma = network.api("GET", f"/api/v1/festivals/{forum['id']}/diplomas/{entry_id}.pdf")
    assert diploma.status_code == 200 and diploma.content.startswith(b"%PDF")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(diploma.content)).pages).split())
    assert "ДИПЛОМ" in text and "ПрофСтарт" in text and "Копейск" in text


def test_festivals_are_found_in_the_cross_city_search_and_counted_in_stats(network):
    found = network.api("GET", "/api/v1/search", params={"q": "инженеры будущего", "type": "festival"}).json()
    assert found["total"] >= 1 and found["items"][0]["municipality_name"] == "Снежинск"
    stats = network.api("GET", "/api/v1/network/stats").json()
    assert all(city["upcoming_festivals"] >= 1 for city in stats["municipalities"]
               if city["code"] in ("magnitogorsk", "snezhinsk", "kopeysk", "kyshtym"))
    assert stats["totals"]["upcoming_regional_festivals"] >= 1
