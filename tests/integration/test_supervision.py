"""``kill -9`` of each process of a running network, one after another, as a crash would: the launcher's
supervisor starts it again within seconds, the others never stop, and no write the gateway accepted
(2xx) is lost. The network is started as ``practice-network run`` starts it (application/launcher.py)."""
import os
import signal
import threading
import time

import pytest
import requests

from application.running import RunningNetwork, eventually
from application.supervision import RestartPolicy, seconds
from shared.config import SERVICES
from tests.integration.test_observability import scrape, value

METHODIST = "methodist-kyshtym"
BACK_WITHIN_SECONDS = 20
GAP_SECONDS = 4


class Writer(threading.Thread):
    """Keeps creating drafts through the gateway while a process is down; remembers those accepted."""

    def __init__(self, network, marker):
        super().__init__(daemon=True)
        self.network, self.marker = network, marker
        self.accepted, self.refused = [], 0
        self.stopping = threading.Event()

    def run(self):
        while not self.stopping.is_set():
            try:
                answer = self.network.api("POST", "/api/v1/practices", METHODIST, timeout=15, json={
                    "kind": "best_practice", "title": f"{self.marker} {len(self.accepted) + self.refused}"})
            except requests.RequestException:  # the gateway itself is down
                answer = None
            if answer is not None and answer.ok:
                self.accepted.append(answer.json()["id"])
            else:
                self.refused += 1
            time.sleep(0.2)

    def finish(self):
        self.stopping.set()
        self.join()
        return self.accepted


@pytest.fixture(scope="module")
def accounts_network(tmp_path_factory):
    """A network of this module only (its processes are killed), with the demo's accounts and no entries."""
    running = RunningNetwork("sqlite", tmp_path_factory.mktemp("supervision"))
    try:
        network = running.start(content=False)
        # The first restart waits longer than a /health probe does, so the gap is there to be seen (with the
        # default half a second a quick restart could answer the probe itself).
        network.processes.policy = RestartPolicy(first_delay=GAP_SECONDS)
        yield network
    finally:
        running.close()


def health(network):
    """``(status code, body)`` of /health; None while the gateway does not answer."""
    try:
        answer = requests.get(network.url("/health"), timeout=10)
    except requests.RequestException:
        return None
    return answer.status_code, answer.json()


def pids(network):
    return {name: process.pid for name, process in network.processes.processes.items()}


@pytest.mark.parametrize("name", [*SERVICES, "projector", "gateway"])
def test_a_process_killed_with_kill_9_is_back_by_itself_the_others_untouched_and_no_accepted_write_lost(
        accounts_network, name):
    network = accounts_network
    marker = f"Черновик при падении {name}"
    before = network.api("POST", "/api/v1/practices", METHODIST, json={"kind": "best_practice", "title": marker})
    assert before.status_code == 201, before.text
    running = pids(network)
    writer = Writer(network, marker)
    writer.start()

    os.kill(running[name], signal.SIGKILL)
    # The gap shows: a killed gateway does not answer, a killed service is reported unavailable.
    gap = health(network)
    if name == "gateway":
        assert gap is None or gap[0] != 200, gap
    elif name in SERVICES:  # (a projector is missed only after 10 s without its heartbeat)
        assert gap[0] == 503 and gap[1]["services"][name] == "unavailable", gap

    assert eventually(lambda: network.processes.restarts[name] == 1, timeout=5), network.processes.restarts
    assert eventually(lambda: (health(network) or (None,))[0] == 200, timeout=BACK_WITHIN_SECONDS), health(network)
    assert eventually(lambda: len(writer.accepted) >= 3, timeout=10), (writer.accepted, writer.refused)
    accepted = writer.finish()

    again = pids(network)
    assert again[name] != running[name]
    assert {other: pid for other, pid in again.items() if other != name} == \
        {other: pid for other, pid in running.items() if other != name}, "the other processes kept running"
    for entry_id in (before.json()["id"], *accepted):
        answer = network.api("GET", f"/api/v1/practices/{entry_id}", METHODIST)
        assert answer.status_code == 200, (entry_id, answer.text)
    assert f"Процесс {name} (pid {running[name]}) завершился: сигнал SIGKILL. Перезапуск № 1 через {seconds(GAP_SECONDS)} с" \
        in network.log("launcher")
    # (counted by the new process once it has set up, which may be a moment after it answers)
    assert eventually(lambda: value(scrape(network.metrics_url(name)), "practice_network_process_restarts") == 1,
                      timeout=BACK_WITHIN_SECONDS)
