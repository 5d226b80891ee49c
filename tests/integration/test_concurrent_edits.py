"""No lost updates, on the running network: an entry's and a festival's ETag, PATCH with If-Match,
concurrent edits of one revision (exactly one wins), and the web edit form with a stale revision."""
import threading
import uuid

import lxml.html

from tests.integration.test_web_pages import csrf_of, signed_in

TRIAL = {"kind": "career_trial", "profession": "Токарь", "grades": [9, 10], "duration_hours": 3,
         "format": "in_person", "profminimum_level": "main", "organization": "ЦДЮТТ г. Кыштыма"}
FORUM = {"kind": "forum", "starts_on": "2027-04-10", "ends_on": "2027-04-11", "nominations": [{"title": "Техсалон"}]}


def new_entry(network):
    response = network.api("POST", "/api/v1/practices", user="methodist-kyshtym",
                           json={**TRIAL, "title": f"Профпроба «Токарь» {uuid.uuid4().hex[:6]}"})
    assert response.status_code == 201, response.text
    return f"/api/v1/practices/{response.json()['id']}", "methodist-kyshtym"


def new_festival(network):
    response = network.api("POST", "/api/v1/festivals", user="methodist-kopeysk",
                           json={**FORUM, "title": f"Форум {uuid.uuid4().hex[:6]}"})
    assert response.status_code == 201, response.text
    return f"/api/v1/festivals/{response.json()['id']}", "methodist-kopeysk"


def patch(network, path, user, body, etag=None):
    return network.api("PATCH", path, user=user, json=body, headers={"If-Match": etag} if etag else {})


def at_once(count, call):
    """``call(i)`` in ``count`` threads released together; their answers."""
    barrier, answers = threading.Barrier(count), [None] * count

    def run(index):
        barrier.wait()
        answers[index] = call(index)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_an_entry_and_a_festival_answer_a_strong_etag_of_their_revision(network):
    for path, _ in (new_entry(network), new_festival(network)):
        response = network.api("GET", path)  # a guest sees the festival; the draft only its city
        if response.status_code == 404:
            response = network.api("GET", path, user="methodist-kyshtym")
        etag = response.headers["ETag"]
        assert etag == f'"{response.json()["revision"]}"' and not etag.startswith("W/")


def test_patch_with_the_current_etag_saves_and_a_stale_one_is_refused_changing_nothing(network):
    for (path, user), field in ((new_entry(network), "title"), (new_festival(network), "place")):
        etag = network.api("GET", path, user=user).headers["ETag"]
        saved = patch(network, path, user, {field: "Первая правка"}, etag)
        assert saved.status_code == 200, saved.text
        assert saved.headers["ETag"] not in ("", etag) and saved.headers["ETag"] == f'"{saved.json()["revision"]}"'

        refused = patch(network, path, user, {field: "Вторая правка"}, etag)
        assert refused.status_code == 412, refused.text
        error = refused.json()["error"]
        assert error["code"] == "precondition_failed" and "изменил кто-то другой" in error["message"]
        current = network.api("GET", path, user=user)
        assert current.json()[field] == "Первая правка" and current.headers["ETag"] == saved.headers["ETag"]

        assert patch(network, path, user, {field: "С любой ревизией"}, "*").status_code == 200
        assert patch(network, path, user, {field: "Без условия"}).status_code == 200  # as before If-Match
        assert network.api("GET", path, user=user).json()[field] == "Без условия"


def test_a_malformed_if_match_answers_422_naming_the_header(network):
    path, user = new_entry(network)
    refused = patch(network, path, user, {"title": "Правка"}, "7")
    assert refused.status_code == 422 and "If-Match" in refused.json()["error"]["fields"]


def test_of_two_concurrent_edits_of_one_revision_exactly_one_is_saved(network):
    for path, user in (new_entry(network), new_festival(network)):
        field = "title" if "practices" in path else "place"
        etag = network.api("GET", path, user=user).headers["ETag"]
        answers = at_once(2, lambda index: patch(network, path, user, {field: f"Правка №{index}"}, etag))
        assert sorted(answer.status_code for answer in answers) == [200, 412], [a.text for a in answers]
        winner = next(answer for answer in answers if answer.status_code == 200)
        assert network.api("GET", path, user=user).json()[field] == winner.json()[field]


def test_of_ten_concurrent_edits_of_one_revision_exactly_one_is_saved(network):
    for path, user in (new_entry(network), new_festival(network)):
        field = "title" if "practices" in path else "place"
        etag = network.api("GET", path, user=user).headers["ETag"]
        answers = at_once(10, lambda index: patch(network, path, user, {field: f"Правка №{index}"}, etag))
        statuses = [answer.status_code for answer in answers]
        assert statuses.count(200) == 1 and statuses.count(412) == 9, statuses
        current = network.api("GET", path, user=user).json()
        assert current["revision"] == next(a for a in answers if a.status_code == 200).json()["revision"]


def form_values(page, entry_id):
    """The edit form's fields as a browser would submit them (lxml, not the template's own code)."""
    form = next(form for form in lxml.html.fromstring(page.text).forms if form.action == f"/entries/{entry_id}/edit")
    return dict(form.form_values())


def test_the_edit_form_with_a_stale_revision_says_so_and_keeps_what_was_typed(network):
    path, _ = new_entry(network)
    entry_id = path.rsplit("/", 1)[1]
    browser = signed_in(network, "methodist-kyshtym")
    opened = browser.get(network.url(f"/entries/{entry_id}/edit"), timeout=30)
    typed = {**form_values(opened, entry_id), "title": "Токарь: то, что набрал человек", "profession": "Фрезеровщик"}
    assert typed["revision"] == str(network.api("GET", path, user="methodist-kyshtym").json()["revision"])

    assert patch(network, path, "methodist-kyshtym", {"summary": "Коллега успел раньше"}).status_code == 200
    shown = browser.post(network.url(f"/entries/{entry_id}/edit"), data=typed, timeout=30)
    assert shown.status_code == 412
    alert = lxml.html.fromstring(shown.text).xpath('//p[@role="alert"]')[0]
    assert "изменил кто-то другой" in alert.text_content()
    assert alert.xpath(".//a/@href") == [f"/practices/{entry_id}"]
    kept = form_values(shown, entry_id)
    assert kept["title"] == typed["title"] and kept["profession"] == "Фрезеровщик"
    stored = network.api("GET", path, user="methodist-kyshtym").json()
    assert stored["summary"] == "Коллега успел раньше" and stored["title"] != typed["title"]

    # The form now carries the current revision: saving it again knowingly replaces the other change.
    saved = browser.post(network.url(f"/entries/{entry_id}/edit"), data={**kept, "csrf_token": csrf_of(shown)},
                         allow_redirects=False, timeout=30)
    assert saved.status_code == 303
    assert network.api("GET", path, user="methodist-kyshtym").json()["title"] == typed["title"]
