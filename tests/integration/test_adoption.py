"""Adoption lineage, as the issue's acceptance tries it: Копейск adopts a Магнитогорск practice, the
original's page lists it, the spread chart shows the Магнитогорск → Копейск edge, and the adopter is
asked for a results report when it falls due (the due-check run «as of» a later date)."""
import uuid
from datetime import datetime, timedelta

from application.running import eventually
from tests.integration.test_registry_api import publish
from tests.integration.test_web_pages import csrf_of, signed_in

WHY = {"changes": "Занятия по средам вместо суббот, без выездов", "reason": "По субботам у нас работают кружки"}


def magnitogorsk_practice(network):
    title = f"Технопарк выходного дня {uuid.uuid4().hex[:6]}"
    return publish(network, {"kind": "best_practice", "title": title, "organization": "Лицей № 1",
                             "summary": "Субботние занятия на оборудовании технопарка"},
                   methodist="methodist-magnitogorsk"), title


def adopted_by_kopeysk(network):
    original_id, title = magnitogorsk_practice(network)
    adopted = network.api("POST", f"/api/v1/practices/{original_id}/adopt", user="methodist-kopeysk", json=WHY)
    assert adopted.status_code == 201, adopted.text
    return original_id, title, adopted.json()


def listed(network, original_id):
    return network.api("GET", f"/api/v1/practices/{original_id}/adoptions").json()["items"]


def test_kopeysk_adopts_a_magnitogorsk_practice_as_a_linked_draft_listed_on_the_original(network):
    original_id, title, adoption = adopted_by_kopeysk(network)
    # API.md: the answer is the new draft in the adopter's city, with what it is based on.
    assert (adoption["id"], adoption["municipality"], adoption["status"]) == (
        adoption["adaptation_entry_id"], "kopeysk", "draft")
    assert adoption["based_on"] == {"id": original_id, "version": 1, "municipality": "magnitogorsk"}
    adaptation = network.api("GET", f"/api/v1/practices/{adoption['id']}", user="methodist-kopeysk")
    assert adaptation.json()["municipality"] == "kopeysk" and adaptation.json()["status"] == "draft"
    assert adaptation.json()["title"] == title

    [shown] = eventually(lambda: listed(network, original_id))
    assert shown["adopter_municipality_name"] == "Копейск" and shown["changes"] == WHY["changes"]
    page = network.api("GET", f"/practices/{original_id}").text
    assert "Внедрения в других городах" in page and "Копейск" in page and WHY["changes"] in page
    audit = eventually(lambda: network.api("GET", "/api/v1/audit", user="admin", params={
        "action": "practice_adopted", "entry": original_id}).json()["items"])
    assert audit[0]["actor"] == "methodist-kopeysk" and audit[0]["municipality"] == "kopeysk"
    adaptation_page = signed_in(network, "methodist-kopeysk").get(
        network.url(f"/practices/{adoption['adaptation_entry_id']}"), timeout=30).text
    assert "Адаптация практики" in adaptation_page and title in adaptation_page


def test_only_another_citys_methodist_adopts_a_published_practice_once(network):
    original_id, _, _ = adopted_by_kopeysk(network)
    again = network.api("POST", f"/api/v1/practices/{original_id}/adopt", user="methodist-kopeysk", json=WHY)
    assert again.status_code == 409 and "уже внедряет" in again.json()["error"]["message"]
    own = network.api("POST", f"/api/v1/practices/{original_id}/adopt", user="methodist-magnitogorsk", json=WHY)
    assert own.status_code == 409 and "другого города" in own.json()["error"]["message"]
    school = network.api("POST", f"/api/v1/practices/{original_id}/adopt", user="school-kyshtym", json=WHY)
    assert school.status_code == 403
    empty = network.api("POST", f"/api/v1/practices/{original_id}/adopt", user="methodist-kyshtym", json={})
    assert empty.status_code == 422 and set(empty.json()["error"]["fields"]) == {"changes"}
    # The contract's body is {"changes"} alone: the reason is the project's own, optional.
    bare = network.api("POST", f"/api/v1/practices/{original_id}/adopt", user="methodist-kyshtym",
                       json={"changes": "Занятия по вторникам"})
    assert bare.status_code == 201 and bare.json()["municipality"] == "kyshtym", bare.text


def test_the_practice_page_offers_adoption_to_another_city_and_the_form_creates_it(network):
    original_id, title = magnitogorsk_practice(network)
    own = signed_in(network, "methodist-magnitogorsk").get(network.url(f"/practices/{original_id}"), timeout=30)
    assert "Внедрить у себя" not in own.text
    browser = signed_in(network, "methodist-snezhinsk")
    offered = browser.get(network.url(f"/practices/{original_id}"), timeout=30).text
    assert f'href="/practices/{original_id}/adopt"' in offered
    form = browser.get(network.url(f"/practices/{original_id}/adopt"), timeout=30)
    assert form.status_code == 200 and title in form.text
    refused = browser.post(network.url(f"/practices/{original_id}/adopt"),
                           data={"changes": "", "reason": "", "csrf_token": csrf_of(form)}, timeout=30)
    assert refused.status_code == 422 and 'id="changes-error"' in refused.text
    done = browser.post(network.url(f"/practices/{original_id}/adopt"),
                        data={**WHY, "csrf_token": csrf_of(form)}, timeout=30)
    assert done.status_code == 200 and "Практика внедряется" in done.text
    # The link to the original appears once the read model has the adoption's event.
    assert eventually(lambda: "Адаптация практики" in browser.get(done.url, timeout=30).text)


def test_the_spread_shows_the_magnitogorsk_to_kopeysk_edge_in_a_table_and_an_svg_chart(network):
    original_id, title, _ = adopted_by_kopeysk(network)

    def pair():
        spread = network.api("GET", "/api/v1/network/spread").json()
        pairs = [p for p in spread["city_pairs"] if (p["from"], p["to"]) == ("magnitogorsk", "kopeysk")]
        return pairs and [p for p in spread["practices"] if p["entry_id"] == original_id] and (pairs[0], spread)

    edge, spread = eventually(pair)
    assert (edge["from_name"], edge["to_name"]) == ("Магнитогорск", "Копейск") and edge["adoptions"] >= 1
    page = network.api("GET", "/network/spread").text
    svg = page[page.index("<svg"):page.index("</svg>")]
    assert "Магнитогорск → Копейск" in svg
    assert title in page


def test_the_adopter_is_asked_for_a_results_report_when_it_falls_due_and_the_original_shows_it(network):
    original_id, _, adoption = adopted_by_kopeysk(network)
    due = datetime.fromisoformat(adoption["report_due_at"])
    assert due - datetime.fromisoformat(adoption["adopted_at"]) == timedelta(days=182)

    def awaiting():
        found = network.api("GET", "/api/v1/adoptions", params={"adopter": "kopeysk", "awaiting_report": "true",
                                                                "per_page": 100}).json()["items"]
        return [item for item in found if item["id"] == adoption["adoption_id"]]

    network.cli("request-adoption-reports", "--as-of", (due - timedelta(days=1)).isoformat())
    assert not awaiting()  # a day early: not yet asked
    network.cli("request-adoption-reports", "--as-of", (due + timedelta(hours=1)).isoformat())
    [asked] = eventually(awaiting)
    assert asked["report_requested_at"]
    browser = signed_in(network, "methodist-kopeysk")
    assert "Пора рассказать о результатах" in browser.get(network.url("/adoptions"), timeout=30).text

    reported = network.api("POST", f"/api/v1/adoptions/{adoption['adoption_id']}/report", user="methodist-kopeysk",
                           json={"text": "За полугодие пришли 40 учеников из 6 школ"})
    assert reported.status_code == 200, reported.text
    assert network.api("POST", f"/api/v1/adoptions/{adoption['adoption_id']}/report",
                       user="methodist-magnitogorsk",
                       json={"text": "Чужой отчёт"}).status_code == 403
    eventually(lambda: listed(network, original_id)[0]["report_text"])
    assert "пришли 40 учеников" in network.api("GET", f"/practices/{original_id}").text


def test_a_school_sees_the_networks_adoptions_without_report_forms(network):
    adopted_by_kopeysk(network)
    page = signed_in(network, "school-kyshtym").get(network.url("/adoptions"), timeout=30)
    assert page.status_code == 200 and "Все внедрения" in page.text and "Отправить отчёт" not in page.text
