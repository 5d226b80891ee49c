"""The shared registry through the gateway: publish, review, search across cities, book places."""
import io
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import requests
from openpyxl import Workbook, load_workbook

from application.running import eventually

TURNER = {"kind": "career_trial", "title": "Профпроба «Токарь»", "profession": "Токарь-универсал",
          "summary": "Основы токарного дела: точение детали на токарном станке",
          "grades": [9, 10, 11], "duration_hours": 3, "format": "in_person", "profminimum_level": "advanced",
          "organization": "ЦДЮТТ г. Кыштыма", "direction": "Профессиональное самоопределение", "tags": ["металлообработка"]}


def search(network, **params):
    response = network.api("GET", "/api/v1/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()


def publish(network, entry, methodist="methodist-kyshtym"):
    created = network.api("POST", "/api/v1/practices", user=methodist, json=entry)
    assert created.status_code == 201, created.text
    entry_id = created.json()["id"]
    assert network.api("POST", f"/api/v1/practices/{entry_id}/submit", user=methodist).status_code == 200
    approved = network.api("POST", f"/api/v1/practices/{entry_id}/approve", user="reviewer-chippkro",
                           json={"comment": "Одобрено"})
    assert approved.status_code == 200, approved.text
    return entry_id


def schedule(network, entry_id, capacity, methodist="methodist-kyshtym"):
    starts = datetime.now(UTC) + timedelta(days=10)
    response = network.api("POST", f"/api/v1/practices/{entry_id}/sessions", user=methodist, json={
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=3)).isoformat(),
        "capacity": capacity, "place": "ЦДЮТТ, мастерская"})
    assert response.status_code == 201, response.text
    return response.json()


def test_trial_goes_from_draft_to_public_search_by_another_word_form(network):
    created = network.api("POST", "/api/v1/practices", user="methodist-kyshtym", json=TURNER)
    assert created.status_code == 201
    draft = created.json()
    assert (draft["status"], draft["version"], draft["municipality"]) == ("draft", 1, "kyshtym")
    entry_id = draft["id"]

    assert network.api("PATCH", f"/api/v1/practices/{entry_id}", user="methodist-kopeysk",
                       json={"title": "Чужая правка"}).status_code == 403
    assert network.api("POST", f"/api/v1/practices/{entry_id}/approve", user="reviewer-chippkro").status_code == 409
    assert network.api("GET", f"/api/v1/practices/{entry_id}").status_code == 404
    assert not search(network, q="токарный")["total"] or all(
        item["id"] != entry_id for item in search(network, q="токарный")["items"])

    assert network.api("POST", f"/api/v1/practices/{entry_id}/submit", user="methodist-kyshtym").status_code == 200
    approved_at = time.monotonic()
    assert network.api("POST", f"/api/v1/practices/{entry_id}/approve", user="reviewer-chippkro",
                       json={"comment": "Хорошая программа"}).status_code == 200

    def found():
        return [item for item in search(network, q="токарный")["items"] if item["id"] == entry_id]

    hits = eventually(found, timeout=5, interval=0.02)
    print(f"approve → searchable in {time.monotonic() - approved_at:.3f} s")
    assert hits and hits[0]["municipality_name"] == "Кыштым"
    assert hits[0]["kind_title"] == "Профессиональная проба"
    assert network.api("GET", f"/api/v1/practices/{entry_id}").json()["status"] == "approved"


def test_the_five_kyshtym_trial_programmes_are_published_in_the_demo_network(network):
    programmes = {"Оператор лазерного станка", "Портной", "Эколог", "Специалист по кибербезопасности",
                  "Оператор станков с числовым программным управлением"}
    found = search(network, municipality="kyshtym", kind="career_trial", type="practice", per_page=50)
    demo = [item for item in found["items"] if item["profession"] in programmes]
    assert {item["profession"] for item in demo} == programmes
    assert all(item["seats_left"] > 0 and len(item["sessions"]) == 2 for item in demo)


def test_a_typed_prefix_finds_the_laser_trial_and_filters_narrow_it(network):
    laser = search(network, q="лазер")
    assert any(item["title"] == "Профпроба «Оператор лазерного станка»" for item in laser["items"])
    assert search(network, q="лазерный", grade=8)["total"] >= 1
    assert search(network, q="лазерный", grade=6)["total"] == 0
    assert search(network, q="лазерный", municipality="kopeysk")["total"] == 0


def test_search_facets_count_cities_and_kinds_over_all_matches(network):
    everything = search(network, per_page=1)
    assert everything["facets"]["municipality"]["kyshtym"] >= 7
    assert everything["facets"]["kind"]["best_practice"] >= 6
    assert len(everything["items"]) == 1 and everything["total"] == sum(everything["facets"]["kind"].values())


def test_guests_list_published_practices_and_methodists_their_drafts(network):
    draft = network.api("POST", "/api/v1/practices", user="methodist-snezhinsk",
                        json={"kind": "best_practice", "title": "Черновик Снежинска"}).json()
    public = network.api("GET", "/api/v1/practices", params={"municipality": "snezhinsk", "per_page": 100}).json()
    assert draft["id"] not in [item["id"] for item in public["items"]]
    mine = network.api("GET", "/api/v1/practices", user="methodist-snezhinsk", params={"status": "draft"}).json()
    assert draft["id"] in [item["id"] for item in mine["items"]]
    # A guest sees what is published (status=approved is taken); drafts are for those who manage them.
    assert network.api("GET", "/api/v1/practices", params={"status": "draft"}).status_code == 403


def test_history_and_review_queue(network):
    entry = network.api("POST", "/api/v1/practices", user="methodist-magnitogorsk",
                        json={"kind": "best_practice", "title": "Наставничество в Магнитогорске"}).json()
    network.api("POST", f"/api/v1/practices/{entry['id']}/submit", user="methodist-magnitogorsk")
    queue = network.api("GET", "/api/v1/review-queue", user="reviewer-chippkro", params={"per_page": 100}).json()
    assert entry["id"] in [item["id"] for item in queue["items"]]
    assert network.api("GET", "/api/v1/review-queue", user="school-kyshtym").status_code == 403
    refused = network.api("POST", f"/api/v1/practices/{entry['id']}/request-changes", user="reviewer-chippkro")
    assert refused.status_code == 422 and "comment" in refused.json()["error"]["fields"]
    network.api("POST", f"/api/v1/practices/{entry['id']}/request-changes", user="reviewer-chippkro",
                json={"comment": "Опишите результаты"})
    history = network.api("GET", f"/api/v1/practices/{entry['id']}/history",
                          user="methodist-magnitogorsk").json()["items"]
    assert [(h["from"], h["to"]) for h in history] == [
        (None, "draft"), ("draft", "submitted"), ("submitted", "changes_requested")]
    assert history[-1]["comment"] == "Опишите результаты" and history[-1]["who"] == "reviewer-chippkro"


def test_forty_simultaneous_bookings_of_a_ten_seat_session_never_overbook(network):
    entry_id = publish(network, {**TURNER, "title": "Профпроба «Фрезеровщик»", "profession": "Фрезеровщик"})
    session_id = schedule(network, entry_id, capacity=10)["id"]
    token = network.token("school-kyshtym")

    def book(_):
        return requests.post(network.url(f"/api/v1/sessions/{session_id}/bookings"), timeout=60,
                             headers={"Authorization": "Bearer " + token}, json={"pupils": 1, "grade": 9}).status_code

    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(book, range(40)))
    assert statuses.count(201) == 10 and statuses.count(409) == 30, statuses
    sessions = network.api("GET", f"/api/v1/practices/{entry_id}/sessions").json()["items"]
    assert sessions[0]["seats_left"] == 0


def test_a_cancellation_frees_seats_for_the_waitlist(network):
    entry_id = publish(network, {**TURNER, "title": "Профпроба «Сварщик»", "profession": "Сварщик"})
    session_id = schedule(network, entry_id, capacity=5)["id"]
    first = network.api("POST", f"/api/v1/sessions/{session_id}/bookings", user="school-kyshtym",
                        json={"pupils": 5, "grade": 10}).json()
    full = network.api("POST", f"/api/v1/sessions/{session_id}/bookings", user="school-magnitogorsk",
                       json={"pupils": 3, "grade": 10})
    assert full.status_code == 409 and "pupils" in full.json()["error"]["fields"]
    waiting = network.api("POST", f"/api/v1/sessions/{session_id}/bookings", user="school-magnitogorsk",
                          json={"pupils": 3, "grade": 10, "waitlist": True}).json()
    assert waiting["status"] == "waitlisted"
    assert network.api("DELETE", f"/api/v1/bookings/{first['id']}", user="school-magnitogorsk").status_code == 403
    assert network.api("DELETE", f"/api/v1/bookings/{first['id']}", user="school-kyshtym").status_code == 200
    mine = network.api("GET", "/api/v1/bookings", user="school-magnitogorsk", params={"per_page": 100}).json()
    assert {(b["id"], b["status"]) for b in mine["items"]} >= {(waiting["id"], "confirmed")}
    assert network.api("GET", f"/api/v1/practices/{entry_id}/sessions").json()["items"][0]["seats_left"] == 2

    def trial_seats():
        items = search(network, q="сварщик")["items"]
        return items and items[0]["seats_left"] == 2

    assert eventually(trial_seats, timeout=5)


def workbook(rows):
    book = Workbook()
    book.active.append(["Вид записи", "Название", "Профессия", "Классы", "Длительность, ч", "Формат",
                        "Уровень профминимума"])
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def upload(network, data, dry_run):
    return network.api("POST", "/api/v1/practices/import", user="methodist-kopeysk",
                       params={"dry_run": str(dry_run).lower()}, files={"file": ("list.xlsx", data)})


def test_an_excel_file_with_one_bad_row_imports_nothing_until_fixed(network):
    good = ["Профессиональная проба", "Профпроба «Кондитер»", "Кондитер", "7, 8", 2, "in_person", "basic"]
    bad = ["Профессиональная проба", "Профпроба «Пекарь»", "Пекарь", "5, 8", 2, "in_person", "basic"]
    report = upload(network, workbook([good, bad]), dry_run=True)
    assert report.status_code == 200
    body = report.json()
    assert (body["valid"], body["invalid"], body["created"]) == (1, 1, 0)
    assert body["rows"][1]["row"] == 3 and "grades" in body["rows"][1]["errors"]

    refused = upload(network, workbook([good, bad]), dry_run=False)
    assert refused.status_code == 422 and "3" in refused.json()["error"]["fields"]["rows"]
    drafts = network.api("GET", "/api/v1/practices", user="methodist-kopeysk", params={"status": "draft"}).json()
    assert "Профпроба «Кондитер»" not in [item["title"] for item in drafts["items"]]

    fixed = upload(network, workbook([good, [*bad[:3], "8, 9", *bad[4:]]]), dry_run=False)
    assert fixed.status_code == 200 and fixed.json()["created"] == 2
    drafts = network.api("GET", "/api/v1/practices", user="methodist-kopeysk", params={"status": "draft"}).json()
    assert {"Профпроба «Кондитер»", "Профпроба «Пекарь»"} <= {item["title"] for item in drafts["items"]}


def test_the_import_template_is_a_workbook_with_every_column(network):
    response = network.api("GET", "/api/v1/practices/import/template.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in sheet[1]]
    assert {"Вид записи", "Название", "Профессия", "Классы"} <= set(header)
    assert sheet.max_row >= 3


def test_a_file_that_is_not_a_workbook_is_415(network):
    response = upload(network, b"MZ\x90\x00 not a spreadsheet", dry_run=True)
    assert response.status_code == 415


def test_network_stats_per_city(network):
    stats = network.api("GET", "/api/v1/network/stats").json()
    kyshtym = next(city for city in stats["municipalities"] if city["code"] == "kyshtym")
    assert kyshtym["name"] == "Кыштым"
    assert kyshtym["published"]["career_trial"] >= 5
    assert kyshtym["free_trial_seats"] > 0 and kyshtym["upcoming_sessions"] >= 10
    assert stats["totals"]["published"] >= 11
