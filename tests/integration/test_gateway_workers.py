"""Two HTTP workers of one gateway on one port, over one read model written by its projector: both
answer, and each sees at once what was written through the other (docs/gateway-processes.md)."""
import http.client
import json
import os
import signal
from collections import Counter
from urllib.parse import urlsplit

import pytest
import requests

from application.running import RunningNetwork, eventually
from tests.integration.test_registry_api import TURNER, publish


@pytest.fixture(scope="module")
def workers(tmp_path_factory):
    running = RunningNetwork("sqlite", tmp_path_factory.mktemp("workers"), http_workers=2)
    try:
        yield running.start()
    finally:
        running.close()


def pinned_sessions(network):
    """``{pid: requests.Session}``: a kept-alive connection to each HTTP worker (the kernel hands each
    new connection to one of them; a session keeps its connection, and so its worker)."""
    pinned = {}
    for _ in range(64):
        session = requests.Session()
        pid = session.get(network.url("/health"), timeout=30).json()["worker"]
        pinned.setdefault(pid, session)
        if len(pinned) == 2:
            return pinned
    raise AssertionError(f"only worker(s) {sorted(pinned)} answered 64 new connections")


def call(session, network, method, path, user=None, **kwargs):
    headers = {"Authorization": "Bearer " + network.token(user)} if user else {}
    return session.request(method, network.url(path), headers=headers, timeout=30, **kwargs)


def test_both_workers_answer_on_one_port_and_each_sees_what_was_written_through_the_other(workers):
    assert not workers.processes.exited()
    assert {"gateway", "gateway-worker2", "projector"} <= set(workers.processes.processes)
    pinned = pinned_sessions(workers)
    assert set(pinned) == {workers.processes.processes[name].pid for name in ("gateway", "gateway-worker2")}
    first, second = pinned.values()
    assert first.get(workers.url("/health"), timeout=30).json()["projector"] == "ok"

    def found(session, title):
        items = call(session, workers, "GET", "/api/v1/search", params={"q": "Фрезеровщик"}).json()["items"]
        return [item for item in items if item["title"] == title]

    # Each worker stores its answer to this search: the projector's change must reach both stores.
    assert found(first, "Профпроба «Фрезеровщик» у двух процессов") == []
    assert found(second, "Профпроба «Фрезеровщик» у двух процессов") == []
    title = "Профпроба «Фрезеровщик» у двух процессов"
    publish(workers, {**TURNER, "title": title, "profession": "Фрезеровщик"})
    assert eventually(lambda: found(second, title), timeout=15)
    assert found(first, title)

    # The visitor's own state (a read mark, written by an HTTP worker) is seen by the other worker.
    def unread(session):
        return call(session, workers, "GET", "/api/v1/notifications", user="methodist-kyshtym").json()["unread"]

    assert eventually(lambda: unread(second) >= 1, timeout=15)  # «одобрено», projected from the approval
    marked = call(first, workers, "POST", "/api/v1/notifications/read", user="methodist-kyshtym", json={})
    assert marked.status_code == 200 and marked.json()["marked"] >= 1
    assert unread(second) == 0


def test_kept_alive_connections_are_spread_evenly_over_the_workers(workers):
    """Each worker takes a new connection only if no other holds fewer (shared/listening.py): by the
    kernel's hash alone 16 connections came out 10/6 or 11/5, and the busier worker set every p99."""
    address = urlsplit(workers.base_url)
    connections = [http.client.HTTPConnection(address.hostname, address.port, timeout=30) for _ in range(16)]
    try:
        held = Counter()
        for connection in connections:
            connection.request("GET", "/health")
            held[json_of(connection)["worker"]] += 1
        assert len(held) == 2 and max(held.values()) - min(held.values()) <= 2, held
    finally:
        for connection in connections:
            connection.close()


def json_of(connection):
    answer = connection.getresponse()
    return json.loads(answer.read())


def test_a_worker_killed_with_kill_9_comes_back_on_the_shared_port_and_takes_its_share(workers):
    """What ``make run`` starts (several workers on one port the launcher holds): a crashed worker is
    started again on the same port, and connections are again spread over both."""
    killed = workers.processes.processes["gateway-worker2"].pid
    os.kill(killed, signal.SIGKILL)
    assert eventually(lambda: workers.processes.restarts["gateway-worker2"] == 1, timeout=10)
    assert eventually(lambda: workers.processes.processes["gateway-worker2"].pid in answering_workers(workers),
                      timeout=60, interval=0.5)
    assert killed not in answering_workers(workers)


def answering_workers(network, tries=8):
    """The workers that answered ``tries`` new connections held open at once."""
    address = urlsplit(network.base_url)
    connections = [http.client.HTTPConnection(address.hostname, address.port, timeout=30) for _ in range(tries)]
    try:
        for connection in connections:
            connection.request("GET", "/health")
        return {json_of(connection)["worker"] for connection in connections}
    except OSError:
        return set()
    finally:
        for connection in connections:
            connection.close()
