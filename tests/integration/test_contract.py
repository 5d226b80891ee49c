"""The public contract, ``../shared/API.md``, line by line against the running network: every operation
it names exists in ``/api/v1/openapi.json`` and answers, every list is the envelope and pages, every
query parameter it lists is taken, every operation has its own operationId, every error its three keys.
The document is read by tests/contract_doc.py, so a new line there is checked here without an edit."""
import csv
import io
import json
import uuid

import pytest
import requests

from application.running import eventually
from tests.contract_doc import concrete, openapi_pattern, operations
from tests.integration.test_registry_api import TURNER, publish, schedule

DOCUMENTED = operations()
# Named in the December additions and built elsewhere: checked as soon as they exist.
BUILT_ELSEWHERE = {
    "POST /api/v1/accounts/{username}/disable": "учётные записи (issue #12, п. 6)",
    "POST /api/v1/accounts/{username}/enable": "учётные записи (issue #12, п. 6)",
    "POST /api/v1/auth/password": "учётные записи (issue #12, п. 6)",
}
# A plausible value of each query parameter the document lists.
SAMPLE_QUERY = {"q": "лазерный", "kind": "career_trial", "municipality": "kyshtym",
                "direction": "Профессиональное самоопределение", "grade": "9", "format": "in_person",
                "status": "approved", "from": "2026-01-01", "to": "2030-12-31", "page": "1", "per_page": "5"}
# Who is asked, in turn, until one may read: a guest first (published content needs no token).
READERS = (None, "reviewer-chippkro", "methodist-kyshtym", "school-kyshtym", "admin")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture(scope="module")
def openapi(network):
    response = network.api("GET", "/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


@pytest.fixture(scope="module")
def samples(network):
    """An id for every ``{…}`` of the document's paths: a published trial with a session, a festival,
    a resource with a file and a built collection."""
    # A profession of its own: the demo's five Кыштым programmes are counted by other tests.
    trial = publish(network, {**TURNER, "title": f"Профпроба «Наладчик станков» {uuid.uuid4().hex[:6]}",
                              "profession": "Наладчик станков для проверки контракта"})
    session = schedule(network, trial, capacity=5)
    festival = network.api("GET", "/api/v1/festivals", params={"per_page": 1}).json()["items"][0]
    resource = network.api("POST", "/api/v1/resources", user="methodist-kyshtym",
                           files={"file": ("programma.pdf", PDF)}, data={"title": "Программа профпробы"})
    assert resource.status_code == 201, resource.text
    collection = network.api("POST", "/api/v1/collections", user="methodist-kyshtym",
                             json={"title": "Сборник для проверки контракта", "municipality": "kyshtym"})
    assert collection.status_code == 202, collection.text
    collection_id = collection.json()["id"]
    ready = eventually(lambda: network.api("GET", f"/api/v1/collections/{collection_id}").json()["status"] == "ready",
                       timeout=120, interval=0.5)
    assert ready, network.api("GET", f"/api/v1/collections/{collection_id}").text
    return {"practices": trial, "sessions": session["id"], "festivals": festival["id"],
            "resources": resource.json()["id"], "collections": collection_id, "accounts": "school-kyshtym",
            "rounds": 1, "bookings": 1}


def read(network, path, **params):
    """The first answer 200 among the readers, or the last one's answer."""
    for user in READERS:
        response = network.api("GET", path, user=user, params=params)
        if response.status_code == 200:
            return response
    return response


def documented_operation(openapi, operation):
    """``(template, method)`` of the OpenAPI document that serves ``operation``, or None."""
    sample = concrete(operation.path, {segment: 1 for segment in _segments(operation.path)})
    for template, methods in openapi["paths"].items():
        for method, described in methods.items():
            if operation.method not in (None, method.upper()):
                continue
            if openapi_pattern(template, described).match(sample):
                return template, method
    return None


def _segments(path):
    parts = path.split("/")
    return {parts[i - 1] for i, part in enumerate(parts) if part.startswith("{")}


@pytest.mark.parametrize("operation", DOCUMENTED, ids=[o.key for o in DOCUMENTED])
def test_every_documented_operation_is_in_the_openapi_document(openapi, operation):
    if documented_operation(openapi, operation) is None and operation.key in BUILT_ELSEWHERE:
        pytest.skip(f"ещё не в этой ветке: {BUILT_ELSEWHERE[operation.key]}")
    assert documented_operation(openapi, operation), f"{operation.key} ({operation.section}) нет в openapi.json"


def test_every_operation_has_its_own_operation_id(openapi):
    ids = [described.get("operationId") for methods in openapi["paths"].values() for described in methods.values()]
    assert all(ids) and len(ids) == len(set(ids)), [i for i in ids if not i or ids.count(i) > 1]
    assert all(identifier.isidentifier() for identifier in ids)


GETS = [o for o in DOCUMENTED if o.method == "GET"]


@pytest.mark.parametrize("operation", GETS, ids=[o.key for o in GETS])
def test_every_documented_read_answers(network, samples, operation):
    response = read(network, concrete(operation.path, samples))
    if response.status_code == 404 and operation.key in BUILT_ELSEWHERE:
        pytest.skip(f"ещё не в этой ветке: {BUILT_ELSEWHERE[operation.key]}")
    assert response.status_code == 200, response.text


def json_gets(openapi):
    """Every GET of the OpenAPI document answering JSON, with the path parameters it needs."""
    for template, methods in openapi["paths"].items():
        described = methods.get("get")
        if described and "application/json" in described["responses"].get("200", {}).get("content", {}):
            yield template, described


def test_no_list_is_a_bare_array_and_every_list_pages(network, openapi, samples):
    exercised, lists = [], []
    for template, _described in json_gets(openapi):
        if template.startswith("/api/v1/diplomas/") or template.startswith("/api/v1/municipalities/"):
            continue  # one record each, addressed by a code
        path = _openapi_concrete(template, samples)
        response = read(network, path)
        if response.status_code != 200:
            continue
        exercised.append(template)
        body = response.json()
        assert not isinstance(body, list), f"{template}: голый массив вместо {{items, total, page, per_page}}"
        if isinstance(body, dict) and "items" in body:
            lists.append(template)
            assert {"items", "total", "page", "per_page"} <= body.keys(), template
            one = read(network, path, page=1, per_page=1).json()
            assert (one["page"], one["per_page"], len(one["items"])) == (1, 1, min(1, one["total"])), template
            if one["total"] >= 2:
                second = read(network, path, page=2, per_page=1).json()
                assert second["page"] == 2 and second["items"] != one["items"], template
            assert read(network, path, per_page=101).status_code == 422, template
    documented_lists = {"/api/v1/municipalities", "/api/v1/organizations", "/api/v1/practices",
                        "/api/v1/practices/{entry_id}/history", "/api/v1/review-queue",
                        "/api/v1/practices/{entry_id}/sessions", "/api/v1/bookings", "/api/v1/festivals",
                        "/api/v1/resources", "/api/v1/search", "/api/v1/practices/{entry_id}/adoptions"}
    assert documented_lists <= set(lists), documented_lists - set(lists)


def _openapi_concrete(template, samples):
    by_name = {"entry_id": samples["practices"], "festival_id": samples["festivals"],
               "resource_id": samples["resources"], "collection_id": samples["collections"],
               "round_id": 1, "session_id": samples["sessions"], "code": "kyshtym"}
    return template.format(**{name: by_name.get(name, 1) for name in _names(template)})


def _names(template):
    return [part.split("}")[0] for part in template.split("{")[1:]]


WITH_QUERY = [o for o in GETS if o.query]


@pytest.mark.parametrize("operation", WITH_QUERY, ids=[o.key for o in WITH_QUERY])
def test_every_documented_query_parameter_is_taken_and_described(network, openapi, samples, operation):
    template, method = documented_operation(openapi, operation)
    described = {p["name"] for p in openapi["paths"][template][method].get("parameters", []) if p["in"] == "query"}
    assert set(operation.query) <= described, set(operation.query) - described
    path = concrete(operation.path, samples)
    for name in operation.query:
        response = read(network, path, **{name: SAMPLE_QUERY[name]})
        assert response.status_code == 200, (name, response.text)
    together = read(network, path, **{name: SAMPLE_QUERY[name] for name in operation.query})
    assert together.status_code == 200, together.text


def test_the_review_queue_takes_the_registry_filters(network):
    marker = f"контрактный{uuid.uuid4().hex[:6]}"
    entries = {}
    for city, kind in (("kopeysk", "best_practice"), ("snezhinsk", "career_trial")):
        fields = {"kind": kind, "title": f"Практика {marker} {city}", "direction": "Техническое творчество"}
        if kind == "career_trial":
            fields.update({key: TURNER[key] for key in ("profession", "grades", "duration_hours", "format",
                                                         "profminimum_level")})
        created = network.api("POST", "/api/v1/practices", user=f"methodist-{city}", json=fields)
        assert created.status_code == 201, created.text
        entries[city] = created.json()["id"]
        network.api("POST", f"/api/v1/practices/{entries[city]}/submit", user=f"methodist-{city}")

    def queued(**params):
        response = network.api("GET", "/api/v1/review-queue", user="reviewer-chippkro",
                               params={"q": marker, "per_page": 100, **params})
        assert response.status_code == 200, response.text
        return {item["id"] for item in response.json()["items"]}

    assert queued() == set(entries.values())
    assert queued(kind="career_trial") == {entries["snezhinsk"]}
    assert queued(municipality="kopeysk") == {entries["kopeysk"]}
    assert queued(direction="Техническое творчество", page=1) == set(entries.values())
    assert queued(direction="Другое") == set()
    assert queued(q=marker + "ничего") == set()
    for city, entry_id in entries.items():  # out of the queue again: other tests page through it
        network.api("POST", f"/api/v1/practices/{entry_id}/withdraw", user=f"methodist-{city}")


def test_a_guest_or_a_school_may_ask_for_approved_or_published_and_a_guest_nothing_else(network):
    everything = network.api("GET", "/api/v1/practices", params={"per_page": 1}).json()["total"]
    for status, user in (("approved", None), ("published", None), ("approved", "school-kyshtym")):
        listed = network.api("GET", "/api/v1/practices", user=user, params={"status": status, "per_page": 1})
        assert listed.status_code == 200 and listed.json()["total"] == everything, listed.text
    drafts = network.api("GET", "/api/v1/practices", params={"status": "draft"})
    assert drafts.status_code == 403 and "status" in drafts.json()["error"]["fields"]
    own = network.api("GET", "/api/v1/practices", user="methodist-kyshtym", params={"status": "draft"}).json()
    assert all(item["status"] == "draft" and item["municipality"] == "kyshtym" for item in own["items"])


def post_practice(network, body, content_type):
    return requests.post(network.url("/api/v1/practices"), data=body, timeout=30, headers={
        "Authorization": "Bearer " + network.token("methodist-kyshtym"), **(
            {"Content-Type": content_type} if content_type else {})})


def drafts_titled(network, title):
    return network.api("GET", "/api/v1/practices", user="methodist-kyshtym",
                       params={"status": "draft", "q": title, "per_page": 100}).json()["items"]


def test_a_body_not_declared_json_is_415_and_nothing_is_stored(network):
    title = f"Практика без типа {uuid.uuid4().hex[:6]}"
    body = json.dumps({"kind": "best_practice", "title": title}).encode()
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        refused = post_practice(network, body, content_type)
        assert refused.status_code == 415, (content_type, refused.text)
        assert "Content-Type" in refused.json()["error"]["fields"]
    assert drafts_titled(network, title) == []
    assert post_practice(network, b'{"kind": "best_practice", "title": ', "application/json").status_code == 400
    accepted = post_practice(network, body, "application/json; charset=utf-8")
    assert accepted.status_code == 201, accepted.text
    assert [item["id"] for item in drafts_titled(network, title)] == [accepted.json()["id"]]


def test_patch_takes_the_entrys_own_kind_and_refuses_another(network):
    created = network.api("POST", "/api/v1/practices", user="methodist-kyshtym",
                          json={"kind": "best_practice", "title": "Практика для правки вида"}).json()
    same = network.api("PATCH", f"/api/v1/practices/{created['id']}", user="methodist-kyshtym",
                       json={"kind": "best_practice", "title": "Практика, вид тот же"})
    assert same.status_code == 200 and same.json()["title"] == "Практика, вид тот же", same.text
    other = network.api("PATCH", f"/api/v1/practices/{created['id']}", user="methodist-kyshtym",
                        json={"kind": "career_trial", "title": "Стала бы пробой"})
    assert other.status_code == 422 and "нельзя изменить" in other.json()["error"]["message"]
    assert "kind" in other.json()["error"]["fields"]
    kept = network.api("GET", f"/api/v1/practices/{created['id']}", user="methodist-kyshtym").json()
    assert (kept["kind"], kept["title"]) == ("best_practice", "Практика, вид тот же")


def test_the_registry_is_exported_at_the_contracts_paths_and_the_old_ones(network, samples):
    exported = {}
    for path in ("/api/v1/export/practices.csv", "/api/v1/export/registry.csv"):
        response = network.api("GET", path)
        assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
        exported[path] = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert exported["/api/v1/export/practices.csv"] == exported["/api/v1/export/registry.csv"]
    assert exported["/api/v1/export/practices.csv"]
    for path in ("/api/v1/export/practices.jsonl", "/api/v1/export/registry.jsonl"):
        response = network.api("GET", path)
        assert response.status_code == 200
        rows = [json.loads(line) for line in response.text.splitlines() if line.strip()]
        assert len(rows) == len(exported["/api/v1/export/practices.csv"])


ERRORS = {
    "unknown path": lambda n: n.api("GET", "/api/v1/nothing-here"),
    "wrong method": lambda n: n.api("DELETE", "/api/v1/municipalities"),
    "no token": lambda n: n.api("GET", "/api/v1/bookings"),
    "bad token": lambda n: n.api("GET", "/api/v1/bookings", headers={"Authorization": "Bearer x.y.z"}),
    "not allowed": lambda n: n.api("GET", "/api/v1/review-queue", user="school-kyshtym"),
    "no such entry": lambda n: n.api("GET", "/api/v1/practices/999999"),
    "bad json": lambda n: n.api("POST", "/api/v1/auth/token", data=b"{",
                                headers={"Content-Type": "application/json"}),
    "not json": lambda n: n.api("POST", "/api/v1/auth/token", data=b"{}", headers={"Content-Type": "text/plain"}),
    "invalid": lambda n: n.api("POST", "/api/v1/auth/token", json={}),
    "bad page": lambda n: n.api("GET", "/api/v1/municipalities", params={"per_page": 101}),
    "wrong state": lambda n: n.api("POST", "/api/v1/practices/{}/submit".format(
        publish(n, {"kind": "best_practice", "title": "Уже опубликована"})), user="methodist-kyshtym"),
}


@pytest.mark.parametrize("case", ERRORS)
def test_every_error_carries_code_message_and_fields(network, case):
    response = ERRORS[case](network)
    assert 400 <= response.status_code < 500, response.text
    error = response.json()["error"]
    assert set(error) == {"code", "message", "fields"}, error
    assert isinstance(error["code"], str) and error["message"] and isinstance(error["fields"], dict)


def test_the_answers_carry_the_fields_the_document_names(network, samples):
    trial = samples["practices"]
    cities = network.api("GET", "/api/v1/municipalities").json()["items"]
    assert cities and all({"code", "name", "region"} <= city.keys() for city in cities)
    history = network.api("GET", f"/api/v1/practices/{trial}/history").json()["items"]
    assert history and all({"who", "when", "from", "to", "comment"} <= step.keys() for step in history)
    sessions = network.api("GET", f"/api/v1/practices/{trial}/sessions").json()["items"]
    assert sessions and all({"starts_at", "ends_at", "capacity", "place", "seats_left"} <= s.keys() for s in sessions)
    facets = network.api("GET", "/api/v1/search", params={"q": "лазерный"}).json()["facets"]
    assert {"municipality", "kind"} <= facets.keys() and facets["kind"].get("career_trial")
    assert network.api("GET", f"/api/v1/practices/{trial}.jsonld").json()["@type"] in ("Course", "LearningResource")
    signed_in = network.api("POST", "/api/v1/auth/token", json={"username": "school-kyshtym", "password": "demo"})
    assert signed_in.json()["token_type"] == "bearer" and signed_in.json()["expires_in"] > 0
    assert signed_in.json()["user"] == {**signed_in.json()["user"], "username": "school-kyshtym", "role": "school",
                                        "municipality": "kyshtym"}
