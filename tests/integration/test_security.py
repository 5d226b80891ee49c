"""Security as a user meets it: sign-in lockout, sign-out, uploads judged by their content."""
import uuid

import pytest
from nameko.constants import AUTH_TOKEN_CONTEXT_KEY
from nameko.standalone.rpc import ClusterRpcClient

from application.running import eventually
from shared.errors import Unauthorized


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


def own_token(network, username):
    """A token of its own (``network.token`` caches one per user for the other tests)."""
    response = sign_in(network, username, "demo")
    assert response.status_code == 200
    return {"Authorization": "Bearer " + response.json()["access_token"]}


DRAFT = {"kind": "best_practice", "title": "Практика после выхода", "summary": "Кратко", "direction": "it"}


def test_after_sign_out_the_token_is_refused_for_writes_and_for_reads(network):
    methodist = own_token(network, "methodist-kyshtym")
    assert network.api("GET", "/api/v1/review-queue", headers=own_token(network, "reviewer-chippkro")).status_code == 200
    assert network.api("POST", "/api/v1/auth/sign-out", headers=dict(methodist)).status_code == 204
    write = network.api("POST", "/api/v1/practices", headers=dict(methodist), json=DRAFT)
    assert write.status_code == 401
    assert "вышли" in write.json()["error"]["message"]
    read = network.api("GET", "/api/v1/practices", headers=dict(methodist), params={"status": "draft"})
    assert read.status_code == 401
    assert network.api("GET", "/api/v1/practices", user="methodist-kyshtym", params={"status": "draft"}).ok


def practices_answer(network, token):
    """A call straight to the practices service over RabbitMQ, past the gateway, signed with ``token``."""
    with ClusterRpcClient(context_data={AUTH_TOKEN_CONTEXT_KEY: token}, uri=network.vhost.uri, timeout=10) as rpc:
        try:
            return rpc.practices.review_queue({})
        except Unauthorized as refused:
            return refused


def test_a_signed_out_token_is_refused_by_the_services_themselves(network):
    """Not only the gateway: the announcement reaches the practices service, which refuses the token too."""
    token = own_token(network, "reviewer-chippkro")["Authorization"].split()[1]
    assert "items" in practices_answer(network, token)
    assert network.api("POST", "/api/v1/auth/sign-out", headers={"Authorization": "Bearer " + token}).status_code == 204
    refused = eventually(lambda: isinstance(practices_answer(network, token), Unauthorized), timeout=10)
    assert refused


def test_signing_out_without_a_token_is_401(network):
    assert network.api("POST", "/api/v1/auth/sign-out").status_code == 401


def upload(network, filename, content, content_type):
    return network.api("POST", "/api/v1/resources", user="methodist-kyshtym",
                       files={"file": (filename, content, content_type)}, data={"title": "Проверка загрузки"})


def test_a_renamed_exe_and_a_fake_pdf_are_refused_with_415_and_a_reason(network):
    renamed = upload(network, "programma.pdf", b"MZ\x90\x00" + b"\x00" * 4000, "application/pdf")
    assert renamed.status_code == 415
    assert "Исполняемые файлы" in renamed.json()["error"]["fields"]["file"][0]
    fake = upload(network, "otchet.pdf", "Это не PDF, а текст".encode(), "application/pdf")
    assert fake.status_code == 415
    assert "не похоже" in fake.json()["error"]["fields"]["file"][0]


def test_a_picture_declared_as_a_pdf_is_refused(network):
    picture = upload(network, "foto.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, "application/pdf")
    assert picture.status_code == 415 and "PNG" in picture.json()["error"]["fields"]["file"][0]


def test_a_pdf_sent_for_import_is_refused_as_not_a_spreadsheet(network):
    response = network.api("POST", "/api/v1/practices/import", user="methodist-kyshtym", params={"dry_run": "true"},
                           files={"file": ("spisok.xlsx", b"%PDF-1.4\n%%EOF\n", "application/pdf")})
    assert response.status_code == 415
