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


@pytest.mark.restarts_broker
@pytest.mark.xfail(strict=False, reason=(
    "known fault, not yet fixed: after some restarts one of the gateway's 21 consumers never notices "
    "the lost connection and its RPC calls get no replies (see README, Known problems)"))
def test_services_reconnect_by_themselves_after_rabbitmq_restarts(own_network):
    """Commands and queries keep arriving while the broker restarts; no service may die of it."""
    network = own_network
    stop = threading.Event()

    def keep_working():
        while not stop.is_set():
            try:
                network.api("GET", "/health", timeout=15)
                network.api("GET", "/api/v1/practices/1/sessions", timeout=15)
            except requests.RequestException:
                time.sleep(0.1)

    workers = [threading.Thread(target=keep_working) for _ in range(3)]
    for worker in workers:
        worker.start()
    try:
        subprocess.run(["rabbitmqctl", "-q", "stop_app"], check=True, capture_output=True)
        subprocess.run(["rabbitmqctl", "-q", "start_app"], check=True, capture_output=True)
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    assert eventually(lambda: health(network)[0] == 200, timeout=60), health(network)
    signed_in = network.api("POST", "/api/v1/auth/token", json={"username": "admin", "password": "demo"})
    assert signed_in.status_code == 200
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
