"""The network keeps working when parts of it stop, and grows by installing a plugin."""
import subprocess
import sys

from application.running import eventually
from shared.config import REPO_ROOT


def health(network):
    response = network.api("GET", "/health")
    return response.status_code, response.json()


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
        cities = network.api("GET", "/api/v1/municipalities").json()["items"]
        return next((city for city in cities if city["code"] == "sysert"), None)

    city = eventually(sysert, timeout=30)
    assert city == {"code": "sysert", "name": "Сысерть", "region": "Свердловская область",
                    "timezone": "Asia/Yekaterinburg", "oktmo": "65741000"}

    def organizations():  # announced one by one after the city itself
        found = network.api("GET", "/api/v1/organizations", params={"municipality": "sysert"}).json()
        return found if found["total"] == 2 else None

    assert eventually(organizations, timeout=30), "the plugin's two organizations never appeared"
