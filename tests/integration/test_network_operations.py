"""The network keeps working when parts of it stop, and grows by installing a plugin."""
import subprocess
import sys
import threading
import time

import pytest
import requests

from shared.config import REPO_ROOT
from tests.support import RunningNetwork, eventually


def health(network):
    response = network.api("GET", "/health")
    return response.status_code, response.json()


@pytest.fixture
def own_network(tmp_path):
    """A network started for one test only (the shared one is left alone by a broker restart)."""
    running = RunningNetwork("sqlite", tmp_path)
    try:
        yield running.start()
    finally:
        running.close()


RESTART_MARKER = "переподключение"


def draft_in_review(network, number):
    entry = {"kind": "best_practice", "title": f"Практика {number}: {RESTART_MARKER} после сбоя брокера",
             "summary": "Проверка того, что публикации переживают перезапуск RabbitMQ"}
    created = network.api("POST", "/api/v1/practices", user="methodist-kyshtym", json=entry)
    assert created.status_code == 201, created.text
    entry_id = created.json()["id"]
    assert network.api("POST", f"/api/v1/practices/{entry_id}/submit", user="methodist-kyshtym").status_code == 200
    return entry_id


def approve_until_done(network, entry_id, stop):
    """Approves through the restart; 409 means an earlier attempt was carried out but its reply was lost."""
    while not stop.is_set():
        try:
            response = network.api("POST", f"/api/v1/practices/{entry_id}/approve", user="reviewer-chippkro",
                                   json={"comment": "Одобрено"}, timeout=15)
            if response.status_code in (200, 409):
                return response.status_code
        except requests.RequestException:
            pass
        time.sleep(0.2)


def found(network):
    response = network.api("GET", "/api/v1/search", params={"q": RESTART_MARKER, "per_page": 50})
    return response.json()["total"] if response.status_code == 200 else -1


@pytest.mark.restarts_broker
def test_publications_survive_a_rabbitmq_restart_and_new_ones_are_searchable_within_seconds(own_network):
    """Approvals keep being made while the broker restarts; afterwards every one of them and a brand-new
    publication are found, without restarting any service."""
    network = own_network
    in_review = [draft_in_review(network, number) for number in range(6)]
    stop = threading.Event()
    outcomes = []
    approver = threading.Thread(target=lambda: outcomes.extend(
        approve_until_done(network, entry_id, stop) for entry_id in in_review))
    approver.start()
    try:
        subprocess.run(["rabbitmqctl", "-q", "stop_app"], check=True, capture_output=True)
        subprocess.run(["rabbitmqctl", "-q", "start_app"], check=True, capture_output=True)
        approver.join(timeout=60)
    finally:
        stop.set()
        approver.join()
    assert len(outcomes) == len(in_review), "approvals did not go through after the restart"
    assert eventually(lambda: found(network) == len(in_review), timeout=20), found(network)

    in_review.append(draft_in_review(network, len(in_review)))
    assert approve_until_done(network, in_review[-1], threading.Event()) == 200
    assert eventually(lambda: found(network) == len(in_review), timeout=10), found(network)
    assert health(network)[0] == 200
    assert not network.processes.exited()


def test_a_stopped_service_makes_health_503_naming_it_and_recovers_on_restart(network):
    network.processes.stop("festivals")
    status, body = health(network)
    assert status == 503
    assert body["services"]["festivals"] == "unavailable"
    assert body["databases"]["festivals"] == "unknown"
    assert "сервис «festivals» не отвечает" in body["message"]
    assert body["services"]["catalog"] == "ok" and body["services"]["practices"] == "ok"

    network.processes.start("festivals")
    assert eventually(lambda: health(network)[0] == 200, timeout=30)


def test_a_command_to_a_stopped_service_answers_503_instead_of_hanging(network):
    network.processes.stop("practices")
    try:
        response = network.api("POST", "/api/v1/practices", user="methodist-kyshtym",
                               json={"kind": "best_practice", "title": "Пока сервис остановлен"})
        assert response.status_code == 503
        assert "practices" in response.json()["error"]["message"]
    finally:
        network.processes.start("practices")
    assert eventually(lambda: health(network)[0] == 200, timeout=30)
    drafts = network.api("GET", "/api/v1/practices", user="methodist-kyshtym", params={"status": "draft"}).json()
    assert "Пока сервис остановлен" not in [item["title"] for item in drafts["items"]]


def test_installing_a_city_plugin_adds_the_city_without_changing_any_service(network, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                    "--target", str(target), str(REPO_ROOT / "plugins" / "sysert")],
                   check=True, capture_output=True)
    network.processes.stop("catalog")
    network.processes.start("catalog", env={"PYTHONPATH": str(target)})

    def sysert():
        cities = network.api("GET", "/api/v1/municipalities").json()
        return next((city for city in cities if city["code"] == "sysert"), None)

    city = eventually(sysert, timeout=30)
    assert city == {"code": "sysert", "name": "Сысерть", "region": "Свердловская область",
                    "timezone": "Asia/Yekaterinburg"}
    organizations = network.api("GET", "/api/v1/organizations", params={"municipality": "sysert"}).json()
    assert organizations["total"] == 2
