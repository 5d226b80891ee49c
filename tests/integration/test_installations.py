"""Secure by default and one namespace per installation, against the running network.

The ``network`` fixture starts without JWT_SECRET (as a fresh clone's ``make run`` does): its keys are
the ones generated into its VAR_DIR. Two ``practice-network run`` on one broker each get their own vhost.
"""
import os
import re
import stat
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import jwt
import requests
import yaml
from kombu import Connection, Exchange

from application.launcher import Network, announce, claim
from application.running import RunningNetwork, eventually, rabbitmqctl
from shared import config as settings
from shared.auth import Identity, issue_token
from shared.events import make_envelope
from shared.installation import broker_vhost

OLD_CONSTANT = "insecure-development-secret-change-me"


def repository_values():
    """Every string of the deploy files (and the key they used to carry): the keys an attacker has."""
    found = {OLD_CONSTANT}
    paths = [*(settings.REPO_ROOT / "deploy").rglob("*.yaml")]

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                walk(key)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, str) and node:
            found.add(node)

    for path in paths:
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            walk(document)
    text = "\n".join(path.read_text(encoding="utf-8") for path in paths)
    found.update(re.findall(r"\$\{[A-Z_]+:-?([^}]+)\}", text))  # the defaults inside ${NAME:default}
    return found


def test_a_token_signed_with_any_value_of_the_repository_is_refused(network):
    admin = Identity("admin", "admin")
    values = repository_values()
    assert len(values) > 50
    for value in values:
        token = issue_token(admin, value, 600)
        answer = network.api("GET", "/api/v1/audit", headers={"Authorization": "Bearer " + token})
        assert answer.status_code == 401, (value, answer.status_code)
    assert network.api("GET", "/api/v1/audit", user="admin").status_code == 200


def test_the_generated_keys_are_readable_by_their_owner_only_and_kept_over_a_restart(network):
    secrets = network.work_dir / "var" / "secrets"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o700
    for name in ("jwt_secret", "diploma_secret", "installation_id"):
        assert stat.S_IMODE((secrets / name).stat().st_mode) == 0o600
    token = network.token("methodist-kyshtym")
    # A new launcher for the same VAR_DIR (as a second `make run` after Ctrl-C) reads the same keys.
    restarted = Network(network.config, network.env, log_dir=str(network.work_dir))
    assert restarted.env["JWT_SECRET"] == network.processes.env["JWT_SECRET"] == (secrets / "jwt_secret").read_text().strip()
    network.processes.stop("gateway")
    network.processes.processes["gateway"] = restarted.start("gateway")
    network.processes.wait_healthy(timeout=60)
    assert network.api("GET", "/api/v1/notifications", user="methodist-kyshtym").status_code == 200, token


def publish_revocation(network, token, installation):
    """A token_revoked event on the network's broker, as a catalog of ``installation`` would publish it."""
    claims = jwt.decode(token, options={"verify_signature": False})
    envelope = make_envelope("token_revoked", {"token_id": claims["jti"], "username": claims["sub"],
                                               "expires_at": "2099-01-01T00:00:00+00:00"})
    with Connection(network.env["AMQP_URI"]) as connection:
        connection.Producer().publish({**envelope, "installation": installation}, serializer="json",
                                      exchange=Exchange("catalog.events", type="topic", durable=True),
                                      routing_key="token_revoked", retry=True)


def test_an_event_of_another_installation_is_refused_loudly(network):
    token = requests.post(network.url("/api/v1/auth/token"), json={"username": "school-kyshtym", "password": "demo"},
                          timeout=10).json()["access_token"]
    ours = network.processes.env["INSTALLATION_ID"]

    def answers():
        return network.api("GET", "/api/v1/notifications", headers={"Authorization": "Bearer " + token}).status_code

    publish_revocation(network, token, "another-installation")
    time.sleep(1)
    assert answers() == 200
    assert eventually(lambda: "of installation another-installation refused" in network.log("gateway"), timeout=5)
    publish_revocation(network, token, ours)  # the same event of this installation takes effect
    assert eventually(lambda: answers() == 401, timeout=5)


def test_two_installations_on_one_broker_see_only_their_own_data(tmp_path):
    """Both started as `practice-network run` starts them without AMQP_URI (the demo's accounts, no entries)."""
    networks = [RunningNetwork("sqlite", tmp_path / name, installation_vhost=True) for name in "ab"]

    def start_with_accounts(network):
        network.cli("migrate")
        network.cli("load-demo")
        network.processes.start_all(timeout=120)

    try:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(start_with_accounts, networks))
        a, b = networks
        vhosts = {broker_vhost(network.env["AMQP_URI"]) for network in networks}
        assert vhosts == {f"practice-network-{network.env['INSTALLATION_ID']}" for network in networks}
        assert len(vhosts) == 2
        title = f"Черновик только установки A {uuid.uuid4().hex[:6]}"
        created = a.api("POST", "/api/v1/practices", user="methodist-kyshtym", json={"kind": "best_practice", "title": title})
        assert created.status_code == 201, created.text

        def drafts(network):
            answer = network.api("GET", "/api/v1/practices", user="methodist-kyshtym", params={"status": "draft"})
            assert answer.status_code == 200, answer.text
            return {item["title"] for item in answer.json()["items"]}

        assert eventually(lambda: title in drafts(a))
        assert drafts(b) == set()
        # Each signs with its own key: A's token means nothing to B.
        assert b.api("GET", "/api/v1/notifications", headers={"Authorization": "Bearer " + a.token("admin")}).status_code == 401
        assert b.api("GET", "/api/v1/notifications", user="admin").status_code == 200
    finally:
        for network in networks:
            network.close()


def test_a_second_run_of_a_running_installation_refuses_naming_it(tmp_path):
    held = claim({"VAR_DIR": str(tmp_path / "var")})
    announce(held, ["http://127.0.0.1:8000"])
    env = {**os.environ, "VAR_DIR": str(tmp_path / "var"), "PYTHONWARNINGS": "ignore"}
    done = subprocess.run([sys.executable, "-m", "application.cli", "run"], cwd=settings.REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    held.close()
    assert done.returncode == 1
    assert f"Ошибка: Эта установка ({tmp_path / 'var'}) уже запущена: процесс {os.getpid()}, " \
           "http://127.0.0.1:8000" in done.stderr
    assert not (tmp_path / "var" / "catalog.db").exists(), "ничего не запущено наполовину"


def test_the_vhost_of_a_run_is_named_after_its_installation(tmp_path):
    # The URI a run gives its processes: the broker of AMQP_URI's default, its own vhost.
    from shared.installation import own_vhost_uri

    uri = own_vhost_uri("pyamqp://guest:guest@127.0.0.1:5672/", "test" + uuid.uuid4().hex[:8])
    try:
        assert broker_vhost(uri).startswith("practice-network-test")
        with Connection(uri, connect_timeout=5) as connection:
            connection.ensure_connection(max_retries=1)
    finally:
        rabbitmqctl("delete_vhost", broker_vhost(uri))
