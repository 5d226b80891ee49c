"""An expert reviews in the browser's form (cookie session + CSRF): the other expert's review stays
hidden until both are in, then the scores stand side by side; a score outside the scale comes back
beside its criterion with everything typed kept."""
import re

from tests.integration.test_expert_workbench import new_rubric, open_round, submitted_entry
from tests.integration.test_web_pages import csrf_of, signed_in

HIDDEN = "Рецензия другого эксперта скрыта"


def review_form(browser, network, round_id):
    page = browser.get(network.url(f"/expertise/{round_id}"), timeout=30)
    assert page.status_code == 200 and f'action="/expertise/{round_id}/review"' in page.text
    return page


def post_review(browser, network, round_id, page, scores, comment="", remarks=()):
    data = {"csrf_token": csrf_of(page), "recommendation": "approve", "comment": comment,
            **{f"score-{code}": value for code, value in scores.items()}}
    for row, (field, text) in enumerate(remarks):
        data.update({f"remark-field-{row}": field, f"remark-text-{row}": text})
    return browser.post(network.url(f"/expertise/{round_id}/review"), data=data, timeout=30)


def test_the_second_expert_sees_the_first_review_only_after_submitting_through_the_form(network):
    expert_round = open_round(network, submitted_entry(network), new_rubric(network))
    round_id = expert_round["id"]
    first, second = (signed_in(network, a["reviewer"]) for a in expert_round["assignments"])

    page = review_form(first, network, round_id)
    assert HIDDEN in page.text and "шкала 1–5" in page.text and "Доработать и подать снова" in page.text
    done = post_review(first, network, round_id, page, {"novelty": "8", "evidence": "9", "transfer": "4"},
                       comment="Сильная практика", remarks=[("results", "Добавьте цифры охвата")])
    assert done.url.endswith(f"/expertise/{round_id}?done=reviewed")
    assert "Рецензия подана" in done.text and HIDDEN in done.text and "скрыта, пока он не подаст" in done.text
    assert f'action="/expertise/{round_id}/review"' not in done.text

    page = review_form(second, network, round_id)
    assert HIDDEN in page.text and "Баллы бок о бок" not in page.text
    assert "Сильная практика" not in page.text and "Добавьте цифры охвата" not in page.text
    done = post_review(second, network, round_id, page, {"novelty": "7", "evidence": "6", "transfer": "3"},
                       comment="Нужны данные за второй год")
    assert done.url.endswith("?done=reviewed") and HIDDEN not in done.text
    table = done.text[done.text.index("Баллы бок о бок"):]
    assert "Сильная практика" in table and "Нужны данные за второй год" in table and "Добавьте цифры охвата" in table
    assert re.search(r"Новизна.*?<td>8</td><td>7</td>|Новизна.*?<td>7</td><td>8</td>", table, re.S)


def test_a_score_outside_the_scale_comes_back_beside_its_criterion_with_the_input_kept(network):
    expert_round = open_round(network, submitted_entry(network), new_rubric(network))
    round_id = expert_round["id"]
    expert = signed_in(network, expert_round["assignments"][0]["reviewer"])
    page = review_form(expert, network, round_id)
    refused = post_review(expert, network, round_id, page, {"novelty": "11", "evidence": "6", "transfer": "3"},
                          comment="Мой черновой комментарий", remarks=[("goal", "Уточните цель")])
    assert refused.status_code == 422 and 'role="alert"' in refused.text
    error = re.search(r'id="score-novelty-error">([^<]+)<', refused.text)
    assert error and "от 0 до 10" in error.group(1)
    assert 'id="score-evidence-error"' not in refused.text
    assert 'name="score-novelty" type="number" value="11"' in refused.text
    assert 'value="6"' in refused.text and "Мой черновой комментарий" in refused.text
    assert '<option value="goal" selected>' in refused.text and "Уточните цель" in refused.text
    assert '<option value="approve" selected>' in refused.text

    unnamed = post_review(expert, network, round_id, page, {"novelty": "5", "evidence": "6", "transfer": "3"},
                          remarks=[("", "Замечание без поля")])
    assert unnamed.status_code == 422 and 'id="remark-0-error"' in unnamed.text
    still_open = network.api("GET", f"/api/v1/expertise/rounds/{round_id}", user="reviewer-chippkro").json()
    assert all(a["status"] == "assigned" for a in still_open["assignments"])
