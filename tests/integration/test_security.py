"""Security as a user meets it: sign-in lockout, sign-out, uploads judged by their content."""
import uuid

import pytest


@pytest.fixture
def fresh_account(network):
    """A school account of its own, so that locking it out disturbs no other test."""
    username = f"school-{uuid.uuid4().hex[:8]}"
    created = network.api("POST", "/api/v1/accounts", user="admin", json={
        "username": username, "password": "long-enough", "role": "school", "municipality": "kyshtym"})
    assert created.status_code == 201
    return username


def sign_in(network, username, password):
    return network.api("POST", "/api/v1/auth/token", json={"username": username, "password": password})


def test_five_wrong_passwords_lock_the_account_with_429_and_retry_after(network, fresh_account):
    statuses = [sign_in(network, fresh_account, "wrong-password").status_code for _ in range(5)]
    assert statuses == [401, 401, 401, 401, 429]
    locked = sign_in(network, fresh_account, "long-enough")
    assert locked.status_code == 429
    assert 0 < int(locked.headers["Retry-After"]) <= 900
    assert "заблокирован" in locked.json()["error"]["message"]
    assert sign_in(network, "school-kyshtym", "demo").status_code == 200


def test_a_successful_sign_in_resets_the_count_of_failures(network, fresh_account):
    for _ in range(4):
        assert sign_in(network, fresh_account, "wrong-password").status_code == 401
    assert sign_in(network, fresh_account, "long-enough").status_code == 200
    for _ in range(4):
        assert sign_in(network, fresh_account, "wrong-password").status_code == 401
    assert sign_in(network, fresh_account, "long-enough").status_code == 200
