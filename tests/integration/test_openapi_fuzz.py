"""schemathesis against the running network: whatever the OpenAPI document allows, the gateway
answers without a server error and with a response its document describes; whatever it does not allow
(schemathesis' negative mode), the gateway refuses without a server error, as every role.

Every operation of ``/api/v1/openapi.json`` gets a bounded number of generated requests, signed in as
a methodist of an account of its own (a fresh token, so that nothing another test uses is touched).
Operations are walked in one test because the document exists only once the network runs. The
fuzzer edits whatever its city owns, so the module gets a network of its own (SQLite: what is checked
is the HTTP contract, not the database); the negative mode runs on it after, as whatever state the
fuzzer left must not turn an invalid request into a server error either.
"""
import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance

EXAMPLES_PER_OPERATION = 12
# Negative mode: few examples, each operation as each role; derandomized, so a run repeats the last one.
NEGATIVE_EXAMPLES_PER_OPERATION_AND_ROLE = 3
ROLES = (None, "methodist-kyshtym", "methodist-kopeysk", "school-kyshtym", "reviewer-chippkro", "admin")
# Signing out would revoke the fuzzer's own token half-way (sign-out has tests of its own).
NOT_FUZZED = {"POST /api/v1/auth/sign-out"}


@pytest.fixture(scope="module")
def network(module_network):
    return module_network


@pytest.fixture
def fuzzer_token(network):
    username = f"methodist-fuzz-{uuid.uuid4().hex[:6]}"
    created = network.api("POST", "/api/v1/accounts", user="admin", json={
        "username": username, "password": "long-enough", "role": "methodist", "municipality": "kyshtym"})
    assert created.status_code == 201, created.text
    signed_in = network.api("POST", "/api/v1/auth/token", json={"username": username, "password": "long-enough"})
    return signed_in.json()["access_token"]


def fuzz(operation, token, mode=GenerationMode.POSITIVE):
    negative = mode is GenerationMode.NEGATIVE
    checks = [not_a_server_error] if negative else [not_a_server_error, response_schema_conformance]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=NEGATIVE_EXAMPLES_PER_OPERATION_AND_ROLE if negative else EXAMPLES_PER_OPERATION,
              deadline=None, phases=[Phase.explicit, Phase.generate], derandomize=negative,
              suppress_health_check=list(HealthCheck), database=None)
    def exercise(case):
        case.call_and_validate(headers={"Authorization": "Bearer " + token} if token else {}, checks=checks)

    try:
        exercise()
    except Unsatisfiable:
        # Negative mode found no value the document forbids (no parameters, or a free-text path
        # parameter and nothing else): there is nothing invalid to send to this operation.
        if not negative:
            raise


def test_every_operation_keeps_its_openapi_contract(network, fuzzer_token):
    api = schemathesis.openapi.from_url(network.url("/api/v1/openapi.json"))
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) > 40
    failures = {}
    for operation in operations:
        if operation.label in NOT_FUZZED:
            continue
        try:
            fuzz(operation, fuzzer_token)
        except Exception as failure:  # noqa: BLE001 (every operation is tried; all failures are reported)
            failures[operation.label] = failure
    assert not failures, "\n\n".join(f"{label}:\n{failure}" for label, failure in failures.items())


def test_invalid_requests_never_answer_a_server_error_as_any_role(network):
    """schemathesis' negative mode: values the document forbids, in every part of every request."""
    api = schemathesis.openapi.from_url(network.url("/api/v1/openapi.json"))
    operations = [result.ok() for result in api.get_all_operations()]
    tokens = {username: network.token(username) if username else None for username in ROLES}
    failures = {}
    for operation in operations:
        if operation.label in NOT_FUZZED:
            continue
        for username, token in tokens.items():
            try:
                fuzz(operation, token, GenerationMode.NEGATIVE)
            except Exception as failure:  # noqa: BLE001 (every operation is tried; all failures are reported)
                failures[f"{operation.label} as {username or 'guest'}"] = failure
    assert not failures, "\n\n".join(f"{label}:\n{failure}" for label, failure in failures.items())
