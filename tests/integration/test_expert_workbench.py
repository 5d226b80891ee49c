"""The regional institute's expert workbench through the gateway: rubrics, assignment of experts from
other cities, reviews hidden from each other until both are in, a third expert on disagreement."""
import uuid

from tests.integration.test_web_pages import signed_in

CRITERIA = [
    {"code": "novelty", "title": "Новизна", "min": 0, "max": 10, "weight": 1},
    {"code": "evidence", "title": "Доказанность результатов", "min": 0, "max": 10, "weight": 2},
    {"code": "transfer", "title": "Переносимость в другой город", "min": 1, "max": 5, "weight": 1},
]
PRACTICE = {"kind": "best_practice", "title": "Практика на экспертизу", "summary": "Наставничество в школах",
            "goal": "Проверить экспертизу", "results": "Рост участия"}
EXPERTS = {"reviewer-chippkro", "reviewer-snezhinsk", "reviewer-magnitogorsk", "reviewer-kopeysk"}


def new_rubric(network, criteria=CRITERIA):
    code = f"rubric-{uuid.uuid4().hex[:8]}"
    created = network.api("POST", "/api/v1/rubrics", user="reviewer-chippkro",
                          json={"code": code, "title": "Рубрика фестиваля", "criteria": criteria})
    assert created.status_code == 201, created.text
    return created.json()


def submitted_entry(network, methodist="methodist-snezhinsk", title=PRACTICE["title"]):
    created = network.api("POST", "/api/v1/practices", user=methodist, json={**PRACTICE, "title": title})
    assert created.status_code == 201, created.text
    entry_id = created.json()["id"]
    assert network.api("POST", f"/api/v1/practices/{entry_id}/submit", user=methodist).status_code == 200
    return entry_id


def open_round(network, entry_id, rubric):
    opened = network.api("POST", f"/api/v1/practices/{entry_id}/expertise", user="reviewer-chippkro",
                         json={"rubric": rubric["code"]})
    assert opened.status_code == 201, opened.text
    return opened.json()


def review(network, round_id, reviewer, novelty, evidence, transfer, **extra):
    return network.api("POST", f"/api/v1/expertise/rounds/{round_id}/review", user=reviewer, json={
        "scores": {"novelty": novelty, "evidence": evidence, "transfer": transfer},
        "recommendation": "approve", **extra})


def test_a_rubric_edit_is_a_new_version_and_a_round_keeps_the_version_it_used(network):
    rubric = new_rubric(network)
    expert_round = open_round(network, submitted_entry(network), rubric)
    revised = network.api("PUT", f"/api/v1/rubrics/{rubric['code']}", user="reviewer-snezhinsk",
                          json={"title": "Рубрика, версия 2", "criteria": CRITERIA[:1]})
    assert revised.status_code == 201 and revised.json()["version"] == 2
    listed = network.api("GET", "/api/v1/rubrics", user="reviewer-kopeysk", params={"per_page": 100}).json()["items"]
    assert next(r for r in listed if r["code"] == rubric["code"])["title"] == "Рубрика, версия 2"
    kept = network.api("GET", f"/api/v1/expertise/rounds/{expert_round['id']}", user="reviewer-chippkro").json()
    assert kept["rubric"]["version"] == 1 and len(kept["rubric"]["criteria"]) == 3


def test_a_rubric_with_a_broken_scale_is_422_naming_the_field(network):
    response = network.api("POST", "/api/v1/rubrics", user="reviewer-chippkro", json={
        "code": "broken", "title": "Плохая шкала", "criteria": [{"code": "x", "title": "Икс", "min": 5, "max": 3}]})
    assert response.status_code == 422 and "criteria" in response.json()["error"]["fields"]
    methodist = network.api("POST", "/api/v1/rubrics", user="methodist-kopeysk",
                            json={"code": "mine", "title": "Моя рубрика", "criteria": CRITERIA})
    assert methodist.status_code == 403


def test_a_snezhinsk_reviewer_is_never_assigned_a_snezhinsk_entry(network):
    rubric = new_rubric(network)
    rounds = [open_round(network, submitted_entry(network, title=f"Снежинская практика {n}"), rubric)
              for n in range(5)]
    for expert_round in rounds:
        assigned = {a["reviewer"] for a in expert_round["assignments"]}
        assert len(assigned) == 2 and assigned <= EXPERTS - {"reviewer-snezhinsk"}
        assert all(a["reviewer_municipality"] != "snezhinsk" for a in expert_round["assignments"])
    mine = network.api("GET", "/api/v1/expertise/assignments", user="reviewer-snezhinsk",
                       params={"per_page": 100}).json()["items"]
    assert not {r["id"] for r in mine} & {r["id"] for r in rounds}
    # A Магнитогорск entry may go to the Снежинск expert, never to the Магнитогорск one.
    magnitogorsk = open_round(network, submitted_entry(network, "methodist-magnitogorsk"), rubric)
    assert "reviewer-magnitogorsk" not in {a["reviewer"] for a in magnitogorsk["assignments"]}


def test_the_second_reviewer_sees_the_first_review_only_after_submitting_their_own(network):
    expert_round = open_round(network, submitted_entry(network), new_rubric(network))
    first, second = (a["reviewer"] for a in expert_round["assignments"])
    round_id = expert_round["id"]
    submitted = review(network, round_id, first, 8, 9, 4, comment="Сильная практика",
                       field_comments={"results": "Добавьте цифры охвата"})
    assert submitted.status_code == 200, submitted.text

    hidden = network.api("GET", f"/api/v1/expertise/rounds/{round_id}/reviews", user=second)
    assert hidden.status_code == 403 and "подадите свою" in hidden.json()["error"]["message"]
    seen = network.api("GET", f"/api/v1/expertise/rounds/{round_id}", user=second).json()
    assert seen["reviews"] == [] and seen["reviews_hidden"] and "Сильная практика" not in str(seen)
    waiting = network.api("GET", f"/api/v1/expertise/rounds/{round_id}/reviews", user=first)
    assert waiting.status_code == 403 and "обе" in waiting.json()["error"]["message"]

    assert review(network, round_id, second, 7, 8, 4).status_code == 200
    both = network.api("GET", f"/api/v1/expertise/rounds/{round_id}/reviews", user=second)
    assert both.status_code == 200
    by_reviewer = {r["reviewer"]: r for r in both.json()["items"]}
    assert by_reviewer[first]["comment"] == "Сильная практика"
    assert by_reviewer[first]["field_comments"] == {"results": "Добавьте цифры охвата"}
    decided = network.api("GET", f"/api/v1/expertise/rounds/{round_id}", user="reviewer-snezhinsk").json()
    assert decided["status"] == "complete" and len(decided["reviews"]) == 2


def test_only_assigned_experts_review_and_scores_must_fit_the_rubric(network):
    expert_round = open_round(network, submitted_entry(network), new_rubric(network))
    first = expert_round["assignments"][0]["reviewer"]
    assert review(network, expert_round["id"], "reviewer-snezhinsk", 5, 5, 3).status_code == 403
    out_of_scale = review(network, expert_round["id"], first, 11, 5, 0)
    assert out_of_scale.status_code == 422
    assert set(out_of_scale.json()["error"]["fields"]["scores"]) == {"novelty", "transfer"}
    unknown_field = review(network, expert_round["id"], first, 5, 5, 3, field_comments={"colour": "Ярче"})
    assert unknown_field.status_code == 422 and "colour" in unknown_field.json()["error"]["fields"]["field_comments"]
    assert review(network, expert_round["id"], first, 5, 5, 3).status_code == 200
    assert review(network, expert_round["id"], first, 5, 5, 3).status_code == 409


def test_a_disagreement_beyond_the_threshold_brings_a_third_expert_not_of_the_entry_city(network):
    expert_round = open_round(network, submitted_entry(network), new_rubric(network))
    first, second = (a["reviewer"] for a in expert_round["assignments"])
    assert review(network, expert_round["id"], first, 10, 10, 5).status_code == 200
    after = review(network, expert_round["id"], second, 1, 2, 1).json()
    assert after["status"] == "third_review"
    third = after["assignments"][2]
    assert third["reviewer"] not in {first, second, "reviewer-snezhinsk"}
    assert review(network, expert_round["id"], third["reviewer"], 6, 6, 3).status_code == 200
    final = network.api("GET", f"/api/v1/expertise/rounds/{expert_round['id']}", user=first).json()
    assert final["status"] == "complete" and len(final["reviews"]) == 3


def test_the_decision_page_shows_the_scores_side_by_side_and_hides_them_from_an_expert_still_to_review(network):
    expert_round = open_round(network, submitted_entry(network, title="Практика для страницы решения"),
                              new_rubric(network))
    first, second = (a["reviewer"] for a in expert_round["assignments"])
    page_url = network.url(f"/expertise/{expert_round['id']}")
    assert review(network, expert_round["id"], first, 9, 7, 4, comment="Видна система работы").status_code == 200
    waiting = signed_in(network, second).get(page_url, timeout=30)
    assert waiting.status_code == 200 and "когда вы подадите свою" in waiting.text
    assert "Видна система работы" not in waiting.text

    assert review(network, expert_round["id"], second, 8, 8, 3,
                  field_comments={"goal": "Уточните цель"}).status_code == 200
    decision = signed_in(network, "reviewer-snezhinsk").get(page_url, timeout=30)
    assert decision.status_code == 200 and "Баллы бок о бок" in decision.text
    table = decision.text[decision.text.index("<table"):decision.text.index("</table>")]
    accounts = network.api("GET", "/api/v1/accounts", user="admin", params={"role": "reviewer", "per_page": 100})
    names = {account["username"]: account["full_name"] for account in accounts.json()["items"]}
    # The experts are shown by name (pages never show logins), before the rubric's rows.
    assert table.index(names[first]) < table.index("Новизна") and table.index(names[second]) < table.index("Новизна")
    assert "<td>9</td><td>8</td>" in table.replace("\n", "") or "<td>8</td><td>9</td>" in table.replace("\n", "")
    assert "Уточните цель" in decision.text and "Одобрить и опубликовать" in decision.text


def test_the_author_city_reads_the_field_remarks_without_names_and_resubmits_for_a_new_round(network):
    entry_id = submitted_entry(network, title="Практика на доработку")
    rubric = new_rubric(network)
    expert_round = open_round(network, entry_id, rubric)
    first, second = (a["reviewer"] for a in expert_round["assignments"])
    early = network.api("GET", f"/api/v1/practices/{entry_id}/expert-remarks", user="methodist-snezhinsk")
    assert early.status_code == 200 and early.json()["items"] == []
    for reviewer in (first, second):
        assert review(network, expert_round["id"], reviewer, 4, 3, 2, recommendation="revise",
                      field_comments={"results": "Нет данных о результатах"}).status_code == 200
    remarks = network.api("GET", f"/api/v1/practices/{entry_id}/expert-remarks", user="methodist-snezhinsk")
    assert [r["field_comments"] for r in remarks.json()["items"]] == [{"results": "Нет данных о результатах"}] * 2
    assert first not in remarks.text and second not in remarks.text
    other_city = network.api("GET", f"/api/v1/practices/{entry_id}/expert-remarks", user="methodist-kopeysk")
    assert other_city.status_code == 403

    again = network.api("POST", f"/api/v1/practices/{entry_id}/expertise", user="reviewer-chippkro",
                        json={"rubric": rubric["code"]})
    assert again.status_code == 409
    assert network.api("POST", f"/api/v1/practices/{entry_id}/request-changes", user="reviewer-chippkro",
                       json={"comment": "См. замечания экспертов"}).status_code == 200
    network.api("PATCH", f"/api/v1/practices/{entry_id}", user="methodist-snezhinsk",
                json={"results": "Охват вырос до 400 учеников"})
    assert network.api("POST", f"/api/v1/practices/{entry_id}/submit", user="methodist-snezhinsk").status_code == 200
    open_round(network, entry_id, rubric)
