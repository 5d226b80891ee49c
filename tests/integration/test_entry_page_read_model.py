"""The published entry page is read from the gateway's read model: it asks the practices service
nothing for a guest (it opens while that service is down), shows the seats a booking has just taken,
and keeps its public history through a rebuild of the read model."""
import re

import requests

from application.running import eventually
from tests.integration.test_school_and_people_pages import (
    book_on_page,
    kyshtym_trial,
    session_a_week_ahead,
    session_card,
)
from tests.integration.test_web_pages import signed_in

PAGE_CALLS = ("get_entry", "list_sessions", "history")  # what the page asked the practices service before
REBUILD_SECONDS = 90  # as in test_gateway_api.py: the shared network's logs are long by now


def guest_page(network, entry_id, query=""):
    return requests.get(network.url(f"/practices/{entry_id}{query}"), timeout=30)


def practices_calls(network):
    """``{method: calls}`` the practices service has answered, for the page's former calls."""
    text = requests.get(network.metrics_url("practices"), timeout=10).text
    calls = dict.fromkeys(PAGE_CALLS, 0.0)
    for method, value in re.findall(r'^practice_network_rpc_calls_total\{[^}]*method="(\w+)"[^}]*\} ([\d.e+]+)$',
                                    text, re.MULTILINE):
        if method in calls:
            calls[method] += float(value)
    return calls


def published_entry(network, marker):
    """A new best practice, approved (version 1); its id once the guest's page shows it."""
    created = network.api("POST", "/api/v1/practices", "methodist-kyshtym", json={
        "kind": "best_practice", "title": f"Практика «{marker}»", "summary": "Для проверки страницы"}).json()
    network.api("POST", f"/api/v1/practices/{created['id']}/submit", "methodist-kyshtym")
    approved = network.api("POST", f"/api/v1/practices/{created['id']}/approve", "reviewer-chippkro",
                           json={"comment": "Хорошо"})
    assert approved.status_code == 200, approved.text
    assert eventually(lambda: guest_page(network, created["id"]).status_code == 200, timeout=15)
    return created["id"]


def public_history(page):
    """The history table's «Что» cells, in order."""
    table = page.text[page.text.index("<h2>История</h2>"):]
    return re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td>", table)


def test_a_guest_view_of_a_published_entry_asks_the_practices_service_nothing(network):
    entry = kyshtym_trial(network)
    before = practices_calls(network)
    # With a query string the page is rendered anew (a guest's plain page may be a kept copy).
    for query in ("", "?utm_source=test", ""):
        page = guest_page(network, entry["id"], query)
        assert page.status_code == 200 and entry["title"] in page.text and "свободно:" in page.text
    assert practices_calls(network) == before


def test_the_published_entry_page_opens_even_while_the_practices_service_is_down(network):
    """«Страница опубликованной практики открывается, даже когда сервис практик недоступен»."""
    entry = kyshtym_trial(network)
    festival = network.api("GET", "/api/v1/festivals").json()["items"][0]
    network.processes.stop("practices")
    try:
        page = guest_page(network, entry["id"])
        assert page.status_code == 200, page.text
        assert entry["title"] in page.text and "Занятия и свободные места" in page.text
        assert "свободно:" in page.text and "Одобрено и опубликовано (версия" in page.text
        shown = requests.get(network.url(f"/festivals/{festival['id']}"), timeout=30)
        assert shown.status_code == 200 and festival["title"] in shown.text
    finally:
        network.processes.start("practices")
        network.processes.wait_healthy(timeout=60)


def test_the_page_a_booking_redirects_to_shows_the_seats_it_took(network):
    entry = kyshtym_trial(network)
    session_id = session_a_week_ahead(network, entry["id"], capacity=12)
    assert eventually(lambda: f'data-session="{session_id}"' in guest_page(network, entry["id"]).text)
    school = signed_in(network, "school-kyshtym")
    booked = book_on_page(school, network, entry["id"], session_id, pupils=3)
    assert booked.status_code == 200 and "Места забронированы" in booked.text
    # The redirected page, with no waiting on the test's side: the read model had the booking first.
    assert "свободно: 9" in session_card(booked, session_id)
    assert "свободно: 9" in session_card(guest_page(network, entry["id"]), session_id)


def test_the_public_history_lists_publications_only_as_the_api_does_and_survives_a_rebuild(network):
    entry_id = published_entry(network, "история публикаций")
    network.api("PATCH", f"/api/v1/practices/{entry_id}", "methodist-kyshtym", json={"summary": "Версия 2"})
    network.api("POST", f"/api/v1/practices/{entry_id}/submit", "methodist-kyshtym")
    approved = network.api("POST", f"/api/v1/practices/{entry_id}/approve", "reviewer-chippkro",
                           json={"comment": "Снова хорошо"})
    assert approved.status_code == 200, approved.text
    expected = ["Одобрено и опубликовано (версия 1)", "Одобрено и опубликовано (версия 2)"]
    assert eventually(lambda: public_history(guest_page(network, entry_id)) == expected, timeout=15)
    # The same lines as the practices service gives a guest; its city sees every change, with comments.
    api = network.api("GET", f"/api/v1/practices/{entry_id}/history").json()["items"]
    assert [(item["action"], item["version"]) for item in api] == [("approved", 1), ("approved", 2)]
    as_author = signed_in(network, "methodist-kyshtym").get(network.url(f"/practices/{entry_id}"), timeout=30)
    assert "Снова хорошо" in as_author.text and len(public_history(as_author)) == 6

    network.rebuild_read_model()
    assert eventually(lambda: public_history(guest_page(network, entry_id)) == expected, timeout=REBUILD_SECONDS)
