"""Notifications: each person sees what concerns them — on the API, on the «Уведомления» page and in an
Atom feed addressed by a secret feed token (not the access token)."""
from datetime import datetime, timedelta
from xml.etree import ElementTree

import requests

from application.running import eventually
from tests.integration.test_adoption import adopted_by_kopeysk
from tests.integration.test_registry_api import TURNER, publish, schedule
from tests.integration.test_web_pages import signed_in

ATOM = "{http://www.w3.org/2005/Atom}"


def notified(network, user, link, **params):
    """``user``'s notifications leading to ``link``."""
    found = network.api("GET", "/api/v1/notifications", user=user, params={"per_page": 100, **params}).json()
    return [item for item in found["items"] if item["link"] == link]


def test_the_author_is_told_the_review_decision_and_nobody_else(network):
    entry_id = publish(network, {**TURNER, "title": "Профпроба «Фрезеровщик»", "profession": "Фрезеровщик"})
    [told] = eventually(lambda: notified(network, "methodist-kyshtym", f"/practices/{entry_id}"))
    assert told["kind"] == "practice_approved" and "одобрена" in told["title"] and told["text"] == "Одобрено"
    assert not told["read"]
    assert not notified(network, "methodist-kopeysk", f"/practices/{entry_id}")


def test_a_school_is_told_its_booking_was_promoted_from_the_waitlist(network):
    entry_id = publish(network, {**TURNER, "title": "Профпроба «Электрик»", "profession": "Электрик"})
    session_id = schedule(network, entry_id, capacity=4)["id"]
    first = network.api("POST", f"/api/v1/sessions/{session_id}/bookings", user="school-kyshtym",
                        json={"pupils": 4, "grade": 10}).json()
    network.api("POST", f"/api/v1/sessions/{session_id}/bookings", user="school-magnitogorsk",
                json={"pupils": 2, "grade": 10, "waitlist": True})
    assert network.api("DELETE", f"/api/v1/bookings/{first['id']}", user="school-kyshtym").status_code == 200
    [told] = eventually(lambda: notified(network, "school-magnitogorsk", f"/practices/{entry_id}#sessions"))
    assert told["kind"] == "booking_promoted" and "Учеников: 2" in told["text"]


def test_adoption_tells_the_authors_city_and_the_due_report_the_adopter(network):
    original_id, title, adoption = adopted_by_kopeysk(network)
    link = f"/practices/{original_id}#adoptions"
    [told] = eventually(lambda: notified(network, "methodist-magnitogorsk", link))
    assert told["title"] == f"Практику «{title}» внедряет Копейск"
    due = datetime.fromisoformat(adoption["report_due_at"]) + timedelta(hours=1)
    network.cli("request-adoption-reports", "--as-of", due.isoformat())

    def asked():
        return [item for item in notified(network, "methodist-kopeysk", "/adoptions")
                if title in item["title"]]

    assert eventually(asked)[0]["kind"] == "adoption_report_due"
    page = signed_in(network, "methodist-kopeysk").get(network.url("/notifications"), timeout=30).text
    assert f"Пора рассказать о результатах внедрения «{title}»" in page


def test_notifications_are_marked_read_and_served_as_an_atom_feed_by_a_feed_token(network):
    entry_id = publish(network, {**TURNER, "title": "Профпроба «Слесарь»", "profession": "Слесарь"})
    eventually(lambda: notified(network, "methodist-kyshtym", f"/practices/{entry_id}"))
    url = network.api("GET", "/api/v1/notifications/feed", user="methodist-kyshtym").json()["url"]
    assert network.token("methodist-kyshtym") not in url
    feed = requests.get(url, timeout=30)
    assert feed.status_code == 200 and feed.headers["Content-Type"].startswith("application/atom+xml")
    titles = [entry.findtext(f"{ATOM}title") for entry in ElementTree.fromstring(feed.content).iter(f"{ATOM}entry")]
    assert "Запись «Профпроба «Слесарь»» одобрена и опубликована" in titles
    forged = url.replace(".atom", "0.atom")
    assert requests.get(forged, timeout=30).status_code == 404
    assert network.api("GET", "/api/v1/notifications").status_code == 401

    marked = network.api("POST", "/api/v1/notifications/read", user="methodist-kyshtym", json={})
    assert marked.status_code == 200 and marked.json()["marked"] >= 1
    after = network.api("GET", "/api/v1/notifications", user="methodist-kyshtym", params={"unread": "true"}).json()
    assert after["unread"] == 0 and after["items"] == []
