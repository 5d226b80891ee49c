"""Two replicas of every service and of the gateway on one RabbitMQ and one PostgreSQL (``make run-cluster``)."""
import json
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from kombu import Connection, Exchange, Queue
from prometheus_client.parser import text_string_to_metric_families

from application.running import RunningNetwork, eventually, rabbitmqctl
from tests.integration.test_registry_api import TURNER, publish, schedule

GATEWAYS = (1, 2)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    running = RunningNetwork("postgresql", tmp_path_factory.mktemp("cluster"), replicas=2)
    try:
        yield running.start()
    finally:
        running.close()


@pytest.fixture
def practices_events(cluster):
    """Every event the practices replicas publish, as seen by a queue of the test's own."""
    with Connection(cluster.config["AMQP_URI"]) as connection:
        queue = Queue("test-cluster-practices-events", Exchange("practices.events", type="topic"),
                      routing_key="#", auto_delete=True)
        received = []
        with connection.Consumer(queue, callbacks=[lambda body, message: (received.append(body), message.ack())]):
            yield lambda: drain(connection, received)


def drain(connection, received):
    while True:
        try:
            connection.drain_events(timeout=1)
        except TimeoutError:
            return received


def search_everywhere(cluster, **params):
    return [cluster.api("GET", "/api/v1/search", gateway=gateway, params=params).json() for gateway in GATEWAYS]


def test_every_process_runs_twice_and_both_gateways_answer(cluster):
    assert not cluster.processes.exited()
    assert sorted(cluster.processes.processes) == sorted(
        f"{name}{suffix}" for name in ("gateway", "projector", "catalog", "practices", "festivals")
        for suffix in ("", "-2"))
    for gateway in GATEWAYS:
        assert cluster.api("GET", "/health", gateway=gateway).status_code == 200


def test_both_gateways_answer_the_same_search_from_read_models_of_their_own(cluster):
    entry = {**TURNER, "title": "Профпроба «Сварщик» в кластере", "profession": "Электросварщик"}
    publish(cluster, entry)

    def same_answers():
        answers = search_everywhere(cluster, q="электросварщики")
        return answers[0]["total"] == 1 and answers[0] == answers[1] and answers

    answers = eventually(same_answers, timeout=15)
    assert answers, search_everywhere(cluster, q="электросварщики")
    assert answers[0]["items"][0]["title"] == entry["title"]
    demo_answers = search_everywhere(cluster, q="лазер")
    assert demo_answers[0]["total"] > 0 and demo_answers[0] == demo_answers[1]


def test_forty_bookings_over_both_gateways_take_exactly_the_ten_seats(cluster):
    entry_id = publish(cluster, {**TURNER, "title": "Профпроба «Слесарь» в кластере", "profession": "Слесарь"})
    session_id = schedule(cluster, entry_id, capacity=10)["id"]
    token = cluster.token("school-kyshtym")

    def book(attempt):
        url = cluster.url(f"/api/v1/sessions/{session_id}/bookings", gateway=GATEWAYS[attempt % 2])
        return requests.post(url, timeout=60, headers={"Authorization": "Bearer " + token},
                             json={"pupils": 1, "grade": 9}).status_code

    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(book, range(40)))
    assert statuses.count(201) == 10 and statuses.count(409) == 30, statuses

    def seats_left_everywhere():
        return {cluster.api("GET", f"/api/v1/practices/{entry_id}/sessions",
                            gateway=gateway).json()["items"][0]["seats_left"]
                for gateway in GATEWAYS}

    assert eventually(lambda: seats_left_everywhere() == {0}, timeout=15), seats_left_everywhere()


def test_commands_are_carried_out_once_and_each_event_is_published_once(cluster, practices_events):
    created = [cluster.api("POST", "/api/v1/practices", user="methodist-kopeysk", gateway=GATEWAYS[number % 2],
                           json={"kind": "best_practice", "title": f"Кластерная практика №{number}"})
               for number in range(20)]
    assert [response.status_code for response in created] == [201] * 20
    ids = [response.json()["id"] for response in created]
    assert len(set(ids)) == 20

    drafts = cluster.api("GET", "/api/v1/practices", user="methodist-kopeysk",
                         params={"status": "draft", "per_page": 100}).json()
    titles = Counter(item["title"] for item in drafts["items"])
    assert all(titles[f"Кластерная практика №{number}"] == 1 for number in range(20)), titles

    def announced():
        bodies = [json.loads(body) if isinstance(body, str) else body for body in practices_events()]
        return [body for body in bodies if body.get("data", {}).get("id") in ids]

    events = eventually(lambda: len(announced()) >= 20 and announced(), timeout=15) or announced()
    assert sorted(event["data"]["id"] for event in events) == sorted(ids)
    assert len({event["event_id"] for event in events}) == len(events) == 20


def test_the_owning_services_compete_for_their_queues_while_each_gateway_has_its_own(cluster):
    queues = rabbitmqctl("list_queues", "-p", cluster.vhost.name, "name", "consumers").stdout.splitlines()
    consumers = dict(line.split("\t") for line in queues if line.split("\t")[-1].isdigit())
    assert consumers["rpc-practices"] == "2" and consumers["rpc-catalog"] == "2" and consumers["rpc-festivals"] == "2"
    assert consumers["evt-practices-practice_approved--festivals.on_practice_approved"] == "2"
    # Each gateway's projector: one queue of its own, bound to every event it projects, taken in batches.
    per_gateway = [name for name in consumers if name.startswith("evt-batches--projector.project-")]
    assert len(per_gateway) == 2 and all(consumers[name] == "1" for name in per_gateway)


def approvals_handled(cluster, service, replica):
    text = requests.get(cluster.metrics_url(service, replica), timeout=10).text
    # A gateway's /metrics shows its projector's event handling (shared/metrics.py).
    label = "projector" if service == "gateway" else service
    return sum(sample.value for family in text_string_to_metric_families(text) for sample in family.samples
               if sample.name == "practice_network_events_handled_total"
               and sample.labels == {"service": label, "event": "practice_approved", "outcome": "ok"})


def test_each_approval_is_handled_once_by_festivals_and_once_by_every_gateway(cluster):
    def handled():
        return {(service, replica): approvals_handled(cluster, service, replica)
                for service in ("festivals", "gateway") for replica in (1, 2)}

    before = handled()
    for number in range(4):
        publish(cluster, {**TURNER, "title": f"Профпроба «Оператор станка» №{number}"})

    def delta():
        after = handled()
        return {key: after[key] - before[key] for key in after}

    def settled():
        change = delta()
        return change[("gateway", 1)] == change[("gateway", 2)] == 4 and \
            change[("festivals", 1)] + change[("festivals", 2)] == 4 and change

    assert eventually(settled, timeout=15), delta()
