"""Bad input, sent to every write operation of ``/api/v1/openapi.json`` as every role.

The corpus (control characters, an unpaired surrogate, huge and negative numbers, far dates, wrong
types, wrong content types, an empty body, a 1 MB string, bad path and query values) goes into one
place of an otherwise valid request at a time: a body field (or a field of the first item of a list
field), a form field, a path or a query parameter. Every answer must be below 500, a refusal must
carry ``{"error": {"code", "message"}}``, and the services' databases must not change: a 2xx to a bad
value, or a row written by a refused request, is a failure.

Which place gets which value is chosen by rotation (value index + role index), so that every place
meets values of every kind across the roles without sending the whole product. One test per kind of
value, on a network of this module's own (SQLite: what is checked is the HTTP behaviour; the fuzz
leaves things behind that other tests must not meet).
"""
import hashlib
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
import requests
from sqlalchemy import create_engine, inspect, text

from application.running import eventually
from shared import config as settings

PARALLEL_REQUESTS = 4  # the gateway serves requests concurrently; one at a time the run takes minutes
ROLES = {"guest": None, "methodist": "methodist-kyshtym", "other-city methodist": "methodist-kopeysk",
         "school": "school-kyshtym", "reviewer": "reviewer-chippkro", "admin": "admin"}
# Signing out has no input to attack and would revoke the role's token half-way.
NOT_ATTACKED = {"POST /api/v1/auth/sign-out"}
# Bookkeeping that a refused request may rightly touch: failed sign-ins, relayed events.
UNWATCHED_TABLES = {"alembic_version", "outbox", "processed_events", "replay_checkpoints", "login_failures",
                    "revoked_tokens"}
WATCHED_GATEWAY_TABLES = {"notification_reads"}
# Reads that whatever was sent must leave working (one stored bad value once broke a whole city's list).
READS_AFTERWARDS = (("methodist", "/api/v1/practices?status=draft"), ("reviewer", "/api/v1/review-queue"),
                    ("guest", "/api/v1/festivals.ics"), ("guest", "/api/v1/export/registry.csv"),
                    ("methodist", "/api/v1/bookings"))

CONTROL_CHARACTERS = {"NUL": "\x00", "SOH": "\x01", "ESC": "\x1b", "DEL": "\x7f", "NEL (C1)": "\x85"}
SURROGATE = "\ud800"  # sent as the JSON escape "\ud800": json.dumps writes it so
MEGABYTE_STRING = "я" * (1024 * 1024)
NUMBERS = {"2**63": 2 ** 63, "-1": -1, "1e308": 1e308}
FAR_DATES = {"date": ("0001-01-01", "9999-12-31"),
             "date-time": ("0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59+14:00")}
WRONG_TYPES = {"list": ["Проверка"], "object": {"value": "Проверка"}, "bool": True, "null": None}
BAD_PATH_IDS = ("-1", "0", str(2 ** 63), "1e308", "abc", "%00", "%ED%A0%80")
BAD_PATH_STRINGS = ("%00", "%1B", "%7F", "%C2%85", "%ED%A0%80", "..%2F..%2Fetc")
BAD_QUERY_VALUES = ("\x00", "\x1b", "\ud800", str(2 ** 63), "-1", "1e308", "[]")


# ----------------------------------------------------------------------------- the network and its objects

@pytest.fixture(scope="module")
def network(module_network):
    return module_network


@pytest.fixture(scope="module")
def document(network):
    return requests.get(network.url("/api/v1/openapi.json"), timeout=30).json()


def created(response):
    assert response.status_code in (200, 201, 202), response.text
    return response.json()


@pytest.fixture(scope="module")
def targets(network):
    """Objects for the path parameters, each owned by the role that may act on it: a Кыштым draft, a
    published Кыштым trial with a session and a booking, a Кыштым festival, a Копейск adoption, a Кыштым
    collection and an account for the admin's operations."""
    api = network.api
    draft = created(api("POST", "/api/v1/practices", user="methodist-kyshtym", json={
        "kind": "best_practice", "title": "Черновик для атаки", "summary": "Кратко"}))
    published = created(api("GET", "/api/v1/practices?municipality=kyshtym&kind=career_trial"))["items"][0]
    session = created(api("POST", f"/api/v1/practices/{published['id']}/sessions", user="methodist-kyshtym", json={
        "starts_at": "2027-05-10T10:00:00+05:00", "ends_at": "2027-05-10T12:00:00+05:00", "capacity": 20}))
    booking = created(api("POST", f"/api/v1/sessions/{session['id']}/bookings", user="school-kyshtym",
                          json={"pupils": 1, "grade": 9}))
    festival = created(api("POST", "/api/v1/festivals", user="methodist-kyshtym", json={
        "title": "Фестиваль для атаки", "starts_on": "2027-05-10", "ends_on": "2027-05-11",
        "nominations": [{"title": "Техсалон"}]}))
    adoption = created(api("POST", f"/api/v1/practices/{published['id']}/adopt", user="methodist-kopeysk", json={
        "changes": "Адаптировано для Копейска", "reason": "Другие условия"}))
    collection = created(api("POST", "/api/v1/collections", user="methodist-kyshtym", json={
        "title": "Сборник для атаки", "municipality": "kyshtym"}))
    account = created(api("POST", "/api/v1/accounts", user="admin", json={
        "username": "hostile-target", "password": "Надёжный-пароль-7", "role": "school",
        "municipality": "kyshtym", "full_name": "Мишень Атаки"}))
    # The сборник is built by a timer, which may start after the databases looked settled: a build
    # finishing during an attack would read as a refused request's change.
    assert eventually(lambda: api("GET", f"/api/v1/collections/{collection['id']}", user="methodist-kyshtym")
                      .json()["status"] in ("ready", "failed"), timeout=60), "сборник не собрался"
    settled(network)
    return {"entry_id": draft["id"], "published_id": published["id"], "session_id": session["id"],
            "booking_id": booking["id"], "festival_id": festival["id"], "adoption_id": adoption["adoption_id"],
            "collection_id": collection["id"], "username": account["username"],
            "round_id": 1, "code": "hostile-rubric", "action": "submit"}


@pytest.fixture(scope="module")
def tokens(network, targets):
    return {role: network.token(username) if username else None for role, username in ROLES.items()}


# ----------------------------------------------------------------------------- the operations

class Operation:
    """One write operation of the document: where values can be placed and a valid request around them."""

    def __init__(self, document, path, method, spec, targets):
        self.document, self.path, self.method, self.spec = document, path, method.upper(), spec
        self.label = f"{self.method} {path}"
        content = spec.get("requestBody", {}).get("content", {})
        self.media_type = next(iter(content), None)
        self.body_schema = self.resolve(content[self.media_type]["schema"]) if self.media_type else None
        parameters = spec.get("parameters", [])
        self.path_parameters = {p["name"]: p["schema"] for p in parameters if p["in"] == "path"}
        self.query_parameters = {p["name"]: p["schema"] for p in parameters if p["in"] == "query"}
        self.path_values = {name: str(self.path_value(name, targets)) for name in self.path_parameters}

    def resolve(self, schema):
        while "$ref" in schema:
            schema = self.document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
        return schema

    def path_value(self, name, targets):
        # Adopting and planning sessions act on a published entry; the rest on the city's draft.
        if name == "entry_id" and self.path.endswith(("/adopt", "/sessions", "/expertise")):
            return targets["published_id"]
        return targets[name]

    def url(self, network, path_values=None):
        path = self.path
        for name, value in {**self.path_values, **(path_values or {})}.items():
            path = path.replace("{" + name + "}", value)
        return network.url(path)

    @property
    def json_body(self):
        return self.media_type == "application/json"

    def valid_body(self):
        return self.example(self.body_schema) if self.body_schema else None

    def example(self, schema, name=""):
        """A valid value of ``schema``: objects get their required fields only."""
        schema = self.resolve(schema)
        if "enum" in schema:
            return schema["enum"][0]
        kind = schema.get("type")
        if kind == "object":
            return {key: self.example(value, key) for key, value in schema.get("properties", {}).items()
                    if key in schema.get("required", ())}
        if kind == "array":
            return [self.example(schema["items"], name) for _ in range(schema.get("minItems", 0))]
        if kind in ("integer", "number"):
            return valid_number(name, schema)
        if kind == "boolean":
            return False
        return valid_string(name, schema)

    def places(self):
        """``(path into the body, schema of the value there)`` for every field and first-item field."""
        found = []

        def walk(schema, prefix):
            schema = self.resolve(schema)
            for key, value in schema.get("properties", {}).items():
                value = self.resolve(value)
                found.append(((*prefix, key), value))
                if value.get("type") == "array" and len(prefix) < 2:
                    item = self.resolve(value["items"])
                    if item.get("type") == "object":
                        walk(item, (*prefix, key, 0))
                    else:
                        found.append(((*prefix, key, 0), item))
                elif isinstance(value.get("additionalProperties"), dict):
                    found.append(((*prefix, key, "critical"), self.resolve(value["additionalProperties"])))

        if self.body_schema:
            walk(self.body_schema, ())
        return [(place, schema) for place, schema in found if schema.get("format") != "binary"]

    def body_with(self, place, value):
        """The valid body with ``value`` at ``place``, every container on the way made valid first."""
        body = self.valid_body()
        node, schema = body, self.body_schema
        for step, _following in zip(place, place[1:]):
            schema = self.resolve(schema)
            child_schema = (schema["items"] if isinstance(step, int) else
                            schema.get("properties", {}).get(step) or schema.get("additionalProperties"))
            child_schema = self.resolve(child_schema)
            if isinstance(node, list):
                while len(node) <= step:
                    node.append(self.example(child_schema))
            elif step not in node or not isinstance(node[step], (dict, list)):
                node[step] = self.example(child_schema, step)
                if isinstance(node[step], list) and not node[step]:
                    node[step].append(self.example(child_schema["items"], step))
            node, schema = node[step], child_schema
        last = place[-1]
        if isinstance(node, list):
            while len(node) <= last:
                node.append(None)
        node[last] = value
        return body


def valid_number(name, schema):
    if name == "grade":
        return 9
    return schema.get("minimum", 1)


def valid_string(name, schema):
    formats = {"date": "2027-05-10", "date-time": "2027-05-10T10:00:00+05:00", "email": "hostile@example.org",
               "url": "https://example.org/hostile"}
    if schema.get("format") in formats:
        later = {"ends_on": "2027-05-11", "ends_at": "2027-05-10T12:00:00+05:00"}
        return later.get(name) or formats[schema["format"]]
    if "pattern" in schema:
        return "hostile-rubric"
    return {"username": "hostile-nobody", "password": "hostile-password", "nomination": "Техсалон"}.get(
        name, "Проверка значения")


def write_operations(document, targets):
    return [Operation(document, path, method, spec, targets)
            for path, methods in document["paths"].items() for method, spec in methods.items()
            if method in ("post", "put", "patch", "delete") and f"{method.upper()} {path}" not in NOT_ATTACKED]


# ----------------------------------------------------------------------------- what a request may change

def database_digest(network):
    """A digest of every watched table of every service (and the gateway's own writes)."""
    digest = {}
    for service in (*settings.SERVICES, "gateway"):
        engine = create_engine(settings.database_url(network.config, service))
        try:
            with engine.connect() as connection:
                for table in inspect(connection).get_table_names():
                    if table in UNWATCHED_TABLES or (service == "gateway" and table not in WATCHED_GATEWAY_TABLES):
                        continue
                    rows = connection.execute(text(f'SELECT * FROM "{table}"')).fetchall()
                    digest[f"{service}.{table}"] = hashlib.sha256(
                        repr(sorted(map(repr, rows))).encode()).hexdigest()
        finally:
            engine.dispose()
    return digest


def settled(network, timeout=20):
    """Wait until the databases stop changing: what arranging objects set off (events, notices) is done."""
    deadline = time.monotonic() + timeout
    previous = database_digest(network)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        current = database_digest(network)
        if current == previous:
            return
        previous = current
    raise AssertionError("the network's databases keep changing")


# ----------------------------------------------------------------------------- sending and judging

class Attack:
    """Sends the requests of one kind of value and collects every violation."""

    def __init__(self, network, tokens):
        self.network, self.tokens = network, tokens
        self.local = threading.local()
        self.pool = ThreadPoolExecutor(PARALLEL_REQUESTS)
        self.pending = []
        self.violations = []
        self.sent = 0

    def send(self, operation, role, what, **request):
        self.pending.append(self.pool.submit(self.send_now, operation, role, what, **request))

    @property
    def http(self):
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
        return self.local.session

    def send_now(self, operation, role, what, *, json_value=..., raw=None, content_type=None, form=None,
             files=None, path_values=None, query=None):
        """``query``: ``{name: text}``, percent-encoded by hand (a lone surrogate as its UTF-8 bytes)."""
        headers = {}
        if self.tokens[role]:
            headers["Authorization"] = "Bearer " + self.tokens[role]
        data = raw
        if json_value is not ...:
            data = json.dumps(json_value).encode()  # ensure_ascii: a lone surrogate goes as "\ud800"
            content_type = content_type or "application/json"
        if content_type:
            headers["Content-Type"] = content_type
        url = operation.url(self.network, path_values)
        if query:
            url += "?" + "&".join(f"{name}={quote(value.encode('utf-8', 'surrogatepass'))}"
                                  for name, value in query.items())
        try:
            response = self.http.request(operation.method, url, headers=headers, data=data if form is None else form,
                                         files=files, timeout=60)
        except requests.RequestException as exc:
            self.violations.append(f"{operation.label} as {role}, {what}: no answer ({exc})")
            return
        self.sent += 1
        self.judge(operation, role, what, response)

    def judge(self, operation, role, what, response):
        where = f"{operation.label} as {role}, {what}"
        if response.status_code >= 500:
            self.violations.append(f"{where}: {response.status_code} {response.text[:200]}")
        elif response.status_code < 400:
            self.violations.append(f"{where}: accepted with {response.status_code} {response.text[:200]}")
        elif not error_shaped(response):
            self.violations.append(f"{where}: {response.status_code} not in the error shape: {response.text[:200]}")

    def batch(self, operation, requests_of_operation):
        """Send one operation's requests; the databases must be as they were before."""
        before = database_digest(self.network)
        requests_of_operation()
        for sent in self.pending:
            sent.result()
        self.pending.clear()
        after = database_digest(self.network)
        changed = sorted(table for table in before.keys() | after.keys() if before.get(table) != after.get(table))
        if changed:
            self.violations.append(f"{operation.label}: refused input changed {', '.join(changed)}")
        for role, path in READS_AFTERWARDS:
            answer = self.http.get(self.network.url(path), timeout=60, headers={
                "Authorization": "Bearer " + self.tokens[role]} if self.tokens[role] else {})
            if answer.status_code != 200:
                self.violations.append(f"after {operation.label}: GET {path} as {role} answers {answer.status_code}")

    def verdict(self):
        self.pool.shutdown()
        assert self.sent, "nothing was sent"
        assert not self.violations, f"{len(self.violations)} of {self.sent} requests misbehaved:\n" + "\n".join(
            self.violations)


def error_shaped(response):
    try:
        error = response.json()["error"]
    except (ValueError, KeyError, TypeError):
        return False
    return isinstance(error, dict) and isinstance(error.get("code"), str) and isinstance(error.get("message"), str)


# Who may perform an operation on the objects of ``targets``: every bad value is sent as this role (it
# gets past the permission checks, deep into the services); every other role gets a sample.
OWNERS = {"POST /api/v1/practices/{entry_id}/adopt": "other-city methodist",
          "POST /api/v1/adoptions/{adoption_id}/report": "other-city methodist",
          "POST /api/v1/sessions/{session_id}/bookings": "school", "DELETE /api/v1/bookings/{booking_id}": "school",
          "POST /api/v1/rubrics": "reviewer", "PUT /api/v1/rubrics/{code}": "reviewer",
          "POST /api/v1/practices/{entry_id}/expertise": "reviewer",
          "POST /api/v1/expertise/rounds/{round_id}/review": "reviewer",
          "POST /api/v1/accounts": "admin", "POST /api/v1/auth/token": "guest",
          "POST /api/v1/accounts/{username}/disable": "admin", "POST /api/v1/accounts/{username}/enable": "admin"}


def attack_fields(network, document, targets, tokens, values_for):
    """``values_for(schema)``: the corpus values that are bad for a field of ``schema``. The first field
    gets them all, each further field one in turn, all as the operation's owner; the first value is
    sent as every other role too (permission checks must not trip over it either)."""
    attack = Attack(network, tokens)
    for operation in write_operations(document, targets):
        pairs = []
        for index, (place, schema) in enumerate(p for p in operation.places() if values_for(p[1])):
            values = values_for(schema)
            pairs += [(place, name, value) for name, value in (values if not index else [values[index % len(values)]])]
        if not pairs:
            continue

        def send_all(operation=operation, pairs=pairs):
            owner = OWNERS.get(operation.label, "methodist")
            for place, name, value in pairs:
                send_field(attack, operation, owner, place, name, value)
            for role in ROLES:
                if role != owner:
                    send_field(attack, operation, role, *pairs[0])
        attack.batch(operation, send_all)
    attack.verdict()


def send_field(attack, operation, role, place, name, value):
    what = f"{'.'.join(map(str, place))} = {name}"
    if operation.json_body:
        attack.send(operation, role, what, json_value=operation.body_with(place, value))
    elif operation.media_type == "multipart/form-data":
        form = {key: str(val) for key, val in operation.body_with(place, value).items()
                if key != "file" and not isinstance(val, (list, dict))}
        form[place[0]] = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else json.dumps(value)
        if operation.label == "POST /api/v1/resources" and place[0] != "url":
            form.setdefault("url", "https://example.org/hostile")
        files = {"file": ("list.xlsx", b"not a spreadsheet")} if operation.label.endswith("/import") else None
        attack.send(operation, role, what, form=form, files=files)


# ----------------------------------------------------------------------------- the corpus, kind by kind


def is_text(schema):
    return schema.get("type") == "string" and schema.get("format") not in ("date", "date-time", "binary")


def control_values(schema):
    return [(f"text with {name}", f"Проверка{char}значения") for name, char in CONTROL_CHARACTERS.items()] \
        if is_text(schema) else []


def surrogate_values(schema):
    return [("text with an unpaired surrogate", f"Проверка {SURROGATE}")] if is_text(schema) else []


def number_values(schema):
    return list(NUMBERS.items())


def date_values(schema):
    far = FAR_DATES.get(schema.get("format"), ())
    return [(f"far date {value}", value) for value in far]


def wrong_type_values(schema):
    kind = schema.get("type")
    refused = {"list": kind != "array", "object": kind != "object" and "additionalProperties" not in schema,
               "bool": kind != "boolean", "null": not schema.get("nullable")}
    return [(f"a {name}", value) for name, value in WRONG_TYPES.items() if refused[name]]


def test_huge_and_negative_numbers_are_refused_everywhere(network, document, targets, tokens):
    attack_fields(network, document, targets, tokens, number_values)


def test_values_of_a_wrong_type_are_refused_everywhere(network, document, targets, tokens):
    attack_fields(network, document, targets, tokens, wrong_type_values)


def test_a_megabyte_string_is_refused_everywhere(network, document, targets, tokens):
    """One text field per operation, one role per operation in turn: a megabyte is costly to send."""
    attack = Attack(network, tokens)
    for index, operation in enumerate(write_operations(document, targets)):
        texts = [place for place, schema in operation.places() if is_text(schema)]
        if texts:
            role = list(ROLES)[index % len(ROLES)]
            attack.batch(operation, lambda: send_field(attack, operation, role, texts[0], "a 1 MB string",
                                                       MEGABYTE_STRING))
    attack.verdict()


NOT_JSON_BODIES = {
    "text/plain (a JSON text)": ("text/plain", None),
    "application/xml": ("application/xml", b"<?xml version='1.0'?><title>x</title>"),
    "form-encoded": ("application/x-www-form-urlencoded", b"title=%D0%9F%D1%80%D0%BE%D0%B2%D0%B5%D1%80%D0%BA%D0%B0"),
    "malformed JSON": ("application/json", b'{"title": "\xff'),
    "a JSON array": ("application/json", b"[]"),
    "no body": ("application/json", b""),
}


def test_bodies_that_are_not_a_json_object_are_refused(network, document, targets, tokens):
    """A JSON operation answers 415 or 4xx to another content type, even when the text is valid JSON;
    an empty body is refused where the body has required fields."""
    attack = Attack(network, tokens)
    for operation in write_operations(document, targets):
        if not operation.json_body:
            continue
        has_required = bool(operation.body_schema.get("required"))

        def send_all(operation=operation, has_required=has_required):
            valid = json.dumps(operation.valid_body()).encode()
            # The body is optional where nothing is required: an empty one is a valid request there.
            bodies = [(name, body) for name, body in NOT_JSON_BODIES.items() if name != "no body" or has_required]
            owner = OWNERS.get(operation.label, "methodist")
            sent = [(owner, body) for body in bodies] + [
                (role, bodies[index % len(bodies)]) for index, role in enumerate(r for r in ROLES if r != owner)]
            for role, (name, (content_type, raw)) in sent:
                attack.send(operation, role, name, raw=valid if raw is None else raw, content_type=content_type)
        attack.batch(operation, send_all)
    attack.verdict()


def test_bad_path_and_query_values_are_refused(network, document, targets, tokens):
    attack = Attack(network, tokens)
    for operation in write_operations(document, targets):
        if not operation.path_parameters and not operation.query_parameters:
            continue

        def send_all(operation=operation):
            body = operation.valid_body()
            payload = {"json_value": body} if operation.json_body else {}
            for role_index, role in enumerate(ROLES):
                for name, schema in operation.path_parameters.items():
                    bad = BAD_PATH_IDS if schema.get("type") == "integer" else BAD_PATH_STRINGS
                    for value in bad[role_index % 2::2]:
                        attack.send(operation, role, f"path {name} = {value}", path_values={name: value}, **payload)
                for name in operation.query_parameters:
                    for value in BAD_QUERY_VALUES:
                        files = {"file": ("list.xlsx", b"not a spreadsheet")}
                        attack.send(operation, role, f"query {name} = {value!r}", query={name: value}, files=files)
        attack.batch(operation, send_all)
    attack.verdict()


# Last: until the fixes land, what these store breaks later reads (a stored surrogate makes the
# city's draft list answer 500, a festival ending in 9999 the calendars), failing every test after.

def test_control_characters_are_refused_everywhere(network, document, targets, tokens):
    attack_fields(network, document, targets, tokens, control_values)


def test_an_unpaired_surrogate_is_refused_everywhere(network, document, targets, tokens):
    attack_fields(network, document, targets, tokens, surrogate_values)


def test_far_dates_are_refused_everywhere(network, document, targets, tokens):
    attack_fields(network, document, targets, tokens, date_values)


def test_the_harness_reaches_every_write_operation(document, targets):
    """Taken from the document: a new write operation is attacked without a change here."""
    operations = write_operations(document, targets)
    labels = {operation.label for operation in operations}
    assert len(labels) >= 25
    assert {"POST /api/v1/practices", "PATCH /api/v1/festivals/{festival_id}",
            "DELETE /api/v1/bookings/{booking_id}", "POST /api/v1/resources"} <= labels
    assert all(operation.places() for operation in operations if operation.json_body)
