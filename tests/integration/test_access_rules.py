"""Who may do what, as people meet it: own-city reviewers, regional festivals, the public history,
bookings' contacts, sign-in throttling, disabled accounts and password changes (docs/roles-and-access.md)."""
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
from requests.adapters import HTTPAdapter

from application.running import eventually
from tests.integration.test_expert_workbench import new_rubric

ENTRY = {"kind": "best_practice", "title": "Практика для проверки прав", "summary": "Кратко", "direction": "it"}
TRIAL = {"kind": "career_trial", "title": "Профпроба «Электромонтёр» для проверки контактов",
         "profession": "Электромонтёр", "grades": [9], "duration_hours": 2, "format": "in_person",
         "profminimum_level": "basic", "organization": "ЦДЮТТ"}
REVIEW_COMMENT = "Замечание эксперта: уточните результаты"


def made(response, status=(200, 201)):
    assert response.status_code in status, response.text
    return response.json()


def submitted(network, city, entry=ENTRY):
    methodist = f"methodist-{city}"
    entry_id = made(network.api("POST", "/api/v1/practices", user=methodist, json=entry))["id"]
    made(network.api("POST", f"/api/v1/practices/{entry_id}/submit", user=methodist, json={}))
    return entry_id


def decide(network, reviewer, entry_id, action="approve", comment="Одобрено"):
    return network.api("POST", f"/api/v1/practices/{entry_id}/{action}", user=reviewer, json={"comment": comment})


def new_account(network, role="school", municipality="kyshtym", password="long-enough-2026", **extra):
    username = f"{role}-{uuid.uuid4().hex[:8]}"
    made(network.api("POST", "/api/v1/accounts", user="admin", json={
        "username": username, "password": password, "role": role, "municipality": municipality,
        "full_name": "Ольга Ивановна Смирнова", "position": "заместитель директора", **extra}))
    return username


def sign_in(network, username, password, session=requests):
    return session.post(network.url("/api/v1/auth/token"), json={"username": username, "password": password},
                        timeout=30)


def bearer(token):
    return {"Authorization": "Bearer " + token}


class FromAddress(HTTPAdapter):
    """Connections from another loopback address: another client, as far as the gateway can tell."""

    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=(self.address, 0), **kwargs)


def client_at(address):
    session = requests.Session()
    session.mount("http://", FromAddress(address))
    return session


def test_a_snezhinsk_reviewer_decides_on_other_cities_never_on_snezhinsk(network):
    own = submitted(network, "snezhinsk")
    for action in ("approve", "request-changes", "reject"):
        refused = decide(network, "reviewer-snezhinsk", own, action, "Комментарий")
        assert refused.status_code == 403, refused.text
        assert "своего муниципалитета" in refused.json()["error"]["message"]
    assert made(network.api("GET", f"/api/v1/practices/{own}", user="methodist-snezhinsk"))["status"] == "submitted"
    assert made(decide(network, "reviewer-snezhinsk", submitted(network, "kyshtym")))["status"] == "approved"
    assert made(decide(network, "reviewer-chippkro", own))["status"] == "approved"


def test_a_city_reviewer_cannot_change_or_cancel_a_regional_festival_of_another_organiser(network):
    festival = made(network.api("POST", "/api/v1/festivals", user="reviewer-chippkro", json={
        "title": "Региональный форум наставников", "kind": "forum", "starts_on": "2027-05-10",
        "ends_on": "2027-05-11", "nominations": [{"title": "Наставничество"}]}))
    assert festival["municipality"] == "region"
    path = f"/api/v1/festivals/{festival['id']}"
    for method, suffix, body in (("PATCH", "", {"place": "Снежинск"}), ("POST", "/cancel", {})):
        refused = network.api(method, path + suffix, user="reviewer-snezhinsk", json=body)
        assert refused.status_code == 403, refused.text
        assert "организатор" in refused.json()["error"]["message"]
    assert made(network.api("GET", path))["status"] != "cancelled"
    changed = made(network.api("PATCH", path, user="reviewer-chippkro", json={"place": "Челябинск"}))
    assert changed["place"] == "Челябинск"


def test_a_guest_reads_when_an_entry_was_published_and_the_authors_city_reads_the_review(network):
    entry_id = submitted(network, "kopeysk")
    made(decide(network, "reviewer-chippkro", entry_id, "request-changes", REVIEW_COMMENT))
    made(network.api("POST", f"/api/v1/practices/{entry_id}/submit", user="methodist-kopeysk", json={}))
    made(decide(network, "reviewer-chippkro", entry_id, "approve", "Одобрено после доработки"))

    def history(user=None):
        body = made(network.api("GET", f"/api/v1/practices/{entry_id}/history", user=user))
        return body["items"] if isinstance(body, dict) else body  # the list envelope, where it is in place

    public = history()
    assert [(item["action"], item["version"], item["who"], item["comment"]) for item in public] == [
        ("approved", 1, None, "")]
    assert history("methodist-kyshtym") == public
    full = history("methodist-kopeysk")
    assert REVIEW_COMMENT in [item["comment"] for item in full]
    assert "reviewer-chippkro" in [item["who"] for item in full]
    page = requests.get(network.url(f"/practices/{entry_id}"), timeout=30)
    assert page.status_code == 200
    assert REVIEW_COMMENT not in page.text and "reviewer-chippkro" not in page.text


def test_a_reviewer_lists_bookings_without_contacts_the_sessions_city_with_them(network):
    trial = submitted(network, "kyshtym", TRIAL)
    made(decide(network, "reviewer-chippkro", trial))
    starts = datetime.now(UTC) + timedelta(days=30)
    session_id = made(network.api("POST", f"/api/v1/practices/{trial}/sessions", user="methodist-kyshtym", json={
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(), "capacity": 20}))["id"]
    contact = f"8-900-{uuid.uuid4().int % 10**7:07d}"
    booking = made(network.api("POST", f"/api/v1/sessions/{session_id}/bookings", user="school-kyshtym",
                               json={"pupils": 2, "grade": 9, "contact": contact}))

    def contacts(user):
        items = made(network.api("GET", "/api/v1/bookings", user=user, params={"per_page": 100}))["items"]
        return [item["contact"] for item in items if item["id"] == booking["id"]]

    assert contacts("methodist-kyshtym") == [contact]
    assert contacts("school-kyshtym") == [contact]
    assert contacts("admin") == [contact]
    assert contacts("reviewer-chippkro") == [None]
    every = made(network.api("GET", "/api/v1/bookings", user="reviewer-snezhinsk", params={"per_page": 100}))
    assert all(item["contact"] is None for item in every["items"])


def test_the_rightful_user_signs_in_from_another_address_after_an_attackers_failures(network):
    username = new_account(network)
    attacker = client_at("127.0.0.2")
    statuses = [sign_in(network, username, "guessed-wrong", attacker).status_code for _ in range(6)]
    assert statuses[:4] == [401] * 4 and set(statuses[4:]) == {429}
    assert sign_in(network, username, "long-enough-2026", attacker).status_code == 429
    rightful = sign_in(network, username, "long-enough-2026", client_at("127.0.0.3"))
    assert rightful.status_code == 200, rightful.text


def test_guessing_from_many_addresses_only_slows_the_username_down_for_seconds(network):
    username = new_account(network)
    for number in range(10):  # LOGIN_SLOWDOWN_AFTER_FAILURES
        assert sign_in(network, username, "guessed-wrong", client_at(f"127.0.1.{number + 1}")).status_code == 401
    slowed = sign_in(network, username, "long-enough-2026", client_at("127.0.2.1"))
    assert slowed.status_code == 429
    assert 0 < int(slowed.headers["Retry-After"]) <= 8
    assert eventually(lambda: sign_in(network, username, "long-enough-2026",
                                      client_at("127.0.2.1")).status_code == 200, timeout=10, interval=0.5)


def test_the_token_response_names_the_person(network):
    user = made(sign_in(network, "methodist-kyshtym", "demo"))["user"]
    assert user["username"] == "methodist-kyshtym" and user["full_name"] == "Татьяна Николаевна Горина"
    assert user["position"]
    listed = made(network.api("GET", "/api/v1/accounts", user="admin", params={"role": "reviewer", "per_page": 100}))
    assert {"reviewer-chippkro", "reviewer-snezhinsk"} <= {item["username"] for item in listed["items"]}
    assert all(item["full_name"] for item in listed["items"] if item["username"].startswith("reviewer-chippkro"))


def test_a_disabled_account_cannot_sign_in_and_its_tokens_stop_working_until_enabled(network):
    username = new_account(network)
    token = made(sign_in(network, username, "long-enough-2026"))["access_token"]
    assert network.api("GET", "/api/v1/bookings", headers=bearer(token)).status_code == 200
    disabled = made(network.api("POST", f"/api/v1/accounts/{username}/disable", user="admin"))
    assert disabled["disabled"] is True
    refused = sign_in(network, username, "long-enough-2026")
    assert refused.status_code == 403 and "отключена" in refused.json()["error"]["message"]
    assert eventually(lambda: network.api("GET", "/api/v1/bookings", headers=bearer(token)).status_code == 401,
                      timeout=5)
    assert network.api("POST", "/api/v1/auth/sign-out", headers=bearer(token)).status_code == 401
    assert made(network.api("POST", f"/api/v1/accounts/{username}/enable", user="admin"))["disabled"] is False
    renewed = made(sign_in(network, username, "long-enough-2026"))["access_token"]
    assert network.api("GET", "/api/v1/bookings", headers=bearer(renewed)).status_code == 200
    assert network.api("GET", "/api/v1/bookings", headers=bearer(token)).status_code == 401


def test_a_disabled_reviewer_leaves_the_expert_pool(network):
    reviewers = [new_account(network, "reviewer", None, full_name="Эксперт пула") for _ in range(2)]
    rubric = new_rubric(network)["code"]
    for username in reviewers:
        made(network.api("POST", f"/api/v1/accounts/{username}/disable", user="admin"))
    entry_id = submitted(network, "kyshtym")
    expert_round = made(network.api("POST", f"/api/v1/practices/{entry_id}/expertise", user="reviewer-chippkro",
                                    json={"rubric": rubric}), (200, 201))
    assigned = {assignment["reviewer"] for assignment in expert_round["assignments"]}
    assert assigned and not assigned & set(reviewers)


def test_a_password_change_keeps_the_person_signed_in_and_retires_the_old_password(network):
    username = new_account(network)
    old_token = made(sign_in(network, username, "long-enough-2026"))["access_token"]
    path = "/api/v1/auth/password"
    wrong = network.api("POST", path, headers=bearer(old_token),
                        json={"current_password": "not-it", "new_password": "Новый-пароль-2026"})
    assert wrong.status_code == 403 and "current_password" in wrong.json()["error"]["fields"]
    weak = network.api("POST", path, headers=bearer(old_token),
                       json={"current_password": "long-enough-2026", "new_password": "12345678"})
    assert weak.status_code == 422 and "new_password" in weak.json()["error"]["fields"]
    changed = made(network.api("POST", path, headers=bearer(old_token),
                               json={"current_password": "long-enough-2026", "new_password": "Новый-пароль-2026"}))
    assert changed["user"]["username"] == username and changed["user"]["full_name"]
    assert network.api("GET", "/api/v1/bookings", headers=bearer(changed["access_token"])).status_code == 200
    assert eventually(lambda: network.api("GET", "/api/v1/bookings", headers=bearer(old_token)).status_code == 401,
                      timeout=5)
    assert sign_in(network, username, "long-enough-2026").status_code == 401
    assert sign_in(network, username, "Новый-пароль-2026").status_code == 200


@pytest.mark.parametrize("username", ["bad\x00name", "../../etc", "Имя"])
def test_admins_cannot_create_usernames_outside_the_pattern(network, username):
    refused = network.api("POST", "/api/v1/accounts", user="admin", json={
        "username": username, "password": "long-enough-2026", "role": "school", "municipality": "kyshtym"})
    assert refused.status_code == 422 and "username" in refused.json()["error"]["fields"]
