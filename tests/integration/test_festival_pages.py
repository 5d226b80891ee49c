"""The festival season's pages where they refuse, with a form posted as a browser posts it: a late entry
is refused in Russian beside the form, results with a tie and no reason show the service's message at
the nomination, and a city festival's winner is put forward to the regional one, keeping the link."""
import time
import uuid
from datetime import UTC, datetime, timedelta

from application.running import eventually
from tests.integration.test_festival_season import ok
from tests.integration.test_registry_api import publish
from tests.integration.test_web_pages import csrf_of, signed_in


def city_festival(network, deadline, nominations=("Техсалон",)):
    festival = ok(network.api("POST", "/api/v1/festivals", user="methodist-kopeysk", json={
        "title": f"Форум «РОСТ» {uuid.uuid4().hex[:4]}", "kind": "forum", "starts_on": "2027-04-10",
        "ends_on": "2027-04-11", "nominations": [{"title": title} for title in nominations]}), 201)
    ok(network.api("POST", f"/api/v1/festivals/{festival['id']}/call", user="methodist-kopeysk",
                   json={"deadline": deadline.isoformat()}))
    return festival["id"]


def entered(network, festival_id, practice_id, user="methodist-kopeysk"):
    """Enter once the festivals service has learnt that the practice is published."""
    def attempt():
        response = network.api("POST", f"/api/v1/festivals/{festival_id}/entries", user=user,
                               json={"practice_id": practice_id, "nomination": "Техсалон"})
        return response.status_code == 201 and response.json()
    festival = eventually(attempt, timeout=30)
    assert festival, "практика не стала известна сервису фестивалей"
    return next(e for e in festival["entries"] if e["practice_id"] == practice_id)


def test_an_entry_after_the_deadline_is_refused_in_russian_beside_the_form(network):
    practice_id = publish(network, {"kind": "best_practice", "title": f"Поздняя практика {uuid.uuid4().hex[:4]}"},
                          "methodist-kopeysk")
    festival_id = city_festival(network, datetime.now(UTC) + timedelta(seconds=3))
    browser = signed_in(network, "methodist-kopeysk")
    form = browser.get(network.url(f"/festivals/{festival_id}/enter"), timeout=30)
    assert form.status_code == 200 and "Подать заявку" in form.text
    time.sleep(4)
    refused = browser.post(network.url(f"/festivals/{festival_id}/enter"), timeout=30, data={
        "csrf_token": csrf_of(form), "nomination": "Техсалон", "practice_id": str(practice_id),
        "application": "Опоздали"})
    assert refused.status_code == 409, refused.text
    assert "Приём заявок закончился" in refused.text and 'role="alert"' in refused.text
    assert "Опоздали" in refused.text  # what was typed stays in the form


def test_results_with_a_tie_need_a_reason_and_a_winner_is_put_forward_to_the_regional_festival(network):
    rubric = f"tie-{uuid.uuid4().hex[:8]}"
    ok(network.api("POST", "/api/v1/rubrics", user="reviewer-chippkro", json={
        "code": rubric, "title": "Рубрика ничьей", "criteria": [{"code": "idea", "title": "Идея", "max": 5}]}), 201)
    festival_id = city_festival(network, datetime.now(UTC) + timedelta(hours=2))
    ok(network.api("POST", f"/api/v1/festivals/{festival_id}/call", user="methodist-kopeysk", json={
        "deadline": (datetime.now(UTC) + timedelta(hours=2)).isoformat(), "rubric": rubric}))
    practices = [publish(network, {"kind": "best_practice", "title": f"Равная практика {n} {uuid.uuid4().hex[:4]}"},
                         "methodist-kopeysk") for n in range(2)]
    entries = [entered(network, festival_id, practice_id) for practice_id in practices]
    ok(network.api("POST", f"/api/v1/festivals/{festival_id}/jury", user="methodist-kopeysk",
                   json={"jurors": ["reviewer-chippkro", "methodist-magnitogorsk"]}))
    for user in ("reviewer-chippkro", "methodist-magnitogorsk"):
        rounds = ok(network.api("GET", "/api/v1/expertise/assignments", user=user))["items"]
        for item in rounds:
            if item["festival_id"] == festival_id:
                ok(network.api("POST", f"/api/v1/expertise/rounds/{item['id']}/review", user=user,
                               json={"scores": {"idea": 4}}))
    browser = signed_in(network, "methodist-kopeysk")

    def ranking_page():
        response = browser.get(network.url(f"/festivals/{festival_id}/ranking"), timeout=30)
        return response if response.text.count("получены (2)") == 2 else None
    page = eventually(ranking_page, timeout=30)
    assert page and page.text.count("равный итог") == 2

    form = {"csrf_token": csrf_of(page), f"place-n0-{practices[0]}": "1", f"place-n0-{practices[1]}": "laureate",
            "tie_reason-n0": ""}
    refused = browser.post(network.url(f"/festivals/{festival_id}/results"), data=form, timeout=30)
    assert refused.status_code == 422, refused.text
    assert "равные итоги жюри" in refused.text and 'aria-invalid="true"' in refused.text
    announced = browser.post(network.url(f"/festivals/{festival_id}/results"), timeout=30,
                             data={**form, "tie_reason-n0": "Практика уже внедрена в трёх школах"})
    assert announced.status_code == 200 and "Итоги объявлены" in announced.text

    regional = ok(network.api("POST", "/api/v1/festivals", user="reviewer-chippkro", json={
        "title": f"Региональный фестиваль обмена опытом {uuid.uuid4().hex[:4]}", "starts_on": "2027-05-20",
        "ends_on": "2027-05-21", "nominations": [{"title": "Лучшие практики городов"}]}), 201)
    ok(network.api("POST", f"/api/v1/festivals/{regional['id']}/call", user="reviewer-chippkro",
                   json={"deadline": (datetime.now(UTC) + timedelta(days=3)).isoformat()}))

    def offered():
        response = browser.get(network.url("/festival-entries"), timeout=30)
        return response if "Выдвинуть на региональный фестиваль" in response.text else None
    mine = eventually(offered, timeout=30)
    assert mine, "победителю не предложено выдвижение"
    forward = browser.post(network.url(f"/festival-entries/{entries[0]['id']}/put-forward"), timeout=30, data={
        "csrf_token": csrf_of(mine), "target": f"{regional['id']}:Лучшие практики городов"})
    assert forward.status_code == 200 and "выдвинута на региональный фестиваль" in forward.text, forward.text
    state = ok(network.api("GET", f"/api/v1/festivals/{regional['id']}"))
    [entry] = state["entries"]
    assert entry["practice_id"] == practices[0] and entry["from_festival_id"] == festival_id
    # The festival page is read from the read model: the entry is there once its event is projected.
    assert eventually(lambda: "выдвинута с фестиваля" in browser.get(
        network.url(f"/festivals/{regional['id']}"), timeout=30).text)

    again = browser.post(network.url(f"/festival-entries/{entries[0]['id']}/put-forward"), timeout=30, data={
        "csrf_token": csrf_of(mine), "target": f"{regional['id']}:Лучшие практики городов"})
    assert again.status_code == 409 and "уже заявлена" in again.text
