"""The audit log: who changed what, when and where, and every review decision; for admins and reviewers."""
from application.running import eventually

ENTRY = {"kind": "best_practice", "title": "Практика для журнала", "summary": "Проверка журнала аудита"}


def audit(network, user="reviewer-chippkro", **params):
    response = network.api("GET", "/api/v1/audit", user=user, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def test_a_review_round_is_logged_newest_first_with_actor_city_and_comment(network):
    entry_id = network.api("POST", "/api/v1/practices", user="methodist-kyshtym", json=ENTRY).json()["id"]
    network.api("POST", f"/api/v1/practices/{entry_id}/submit", user="methodist-kyshtym")
    network.api("POST", f"/api/v1/practices/{entry_id}/request-changes", user="reviewer-chippkro",
                json={"comment": "Добавьте результаты"})
    page = eventually(lambda: (p := audit(network, entry=entry_id))["total"] == 3 and p, timeout=15)
    assert [item["action"] for item in page["items"]] == [
        "practice_changes_requested", "practice_submitted", "practice_created"]
    decision = page["items"][0]
    assert decision["actor"] == "reviewer-chippkro" and decision["comment"] == "Добавьте результаты"
    assert decision["municipality"] == "kyshtym" and decision["status"] == "changes_requested"
    assert all(item["occurred_at"] for item in page["items"])


def test_bookings_festivals_and_accounts_are_logged_with_who_did_them(network):
    festival = network.api("POST", "/api/v1/festivals", user="methodist-kopeysk", json={
        "title": "Фестиваль для журнала", "kind": "festival", "starts_on": "2027-05-01", "ends_on": "2027-05-02"}).json()
    network.api("POST", "/api/v1/accounts", user="admin", json={
        "username": "school-audit", "password": "long-enough", "role": "school", "municipality": "kopeysk"})

    def logged():
        kopeysk = audit(network, user="admin", municipality="kopeysk", per_page=100)["items"]
        return {(item["action"], item["actor"]) for item in kopeysk}
    assert eventually(lambda: {("festival_published", "methodist-kopeysk"), ("account_created", "admin")} <= logged(),
                      timeout=15)
    assert any(item["object_id"] == str(festival["id"])
               for item in audit(network, actor="methodist-kopeysk", action="festival_published")["items"])


def test_only_admins_and_reviewers_read_the_audit_log(network):
    assert network.api("GET", "/api/v1/audit").status_code == 401
    assert network.api("GET", "/api/v1/audit", user="methodist-kyshtym").status_code == 403
    assert network.api("GET", "/api/v1/audit", user="school-kyshtym").status_code == 403
    assert audit(network, user="admin", per_page=2)["per_page"] == 2


def test_audit_filters_are_validated(network):
    response = network.api("GET", "/api/v1/audit", user="admin", params={"entry": "не число"})
    assert response.status_code == 422 and "entry" in response.json()["error"]["fields"]
