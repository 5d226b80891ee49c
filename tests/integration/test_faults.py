"""Faults the network must live through: a service killed mid-write, a RabbitMQ restart, a database
that is down, and an event no handler can take."""
import json
import subprocess
import threading
import time

import pytest
import requests
from kombu import Connection, Exchange, Producer
from sqlalchemy import text

from application.running import eventually
from shared.config import database_url
from shared.db import session_factory
from shared.dead_letters import DEAD_LETTER_QUEUE


def health(network):
    response = network.api("GET", "/health")
    return response.status_code, response.json()


def draft_in_review(network, marker, number):
    entry = {"kind": "best_practice", "title": f"Практика {number}: {marker}",
             "summary": "Проверка того, что публикации переживают сбои"}
    created = network.api("POST", "/api/v1/practices", user="methodist-kyshtym", json=entry)
    assert created.status_code == 201, created.text
    entry_id = created.json()["id"]
    assert network.api("POST", f"/api/v1/practices/{entry_id}/submit", user="methodist-kyshtym").status_code == 200
    return entry_id


def approve_until_done(network, entry_id, stop):
    """Approves through the fault; 409 means an earlier attempt was carried out but its reply was lost."""
    while not stop.is_set():
        try:
            response = network.api("POST", f"/api/v1/practices/{entry_id}/approve", user="reviewer-chippkro",
                                   json={"comment": "Одобрено"}, timeout=15)
            if response.status_code in (200, 409):
                return response.status_code
        except requests.RequestException:
            pass
        time.sleep(0.2)


def found(network, marker):
    response = network.api("GET", "/api/v1/search", params={"q": marker, "per_page": 50})
    return response.json()["total"] if response.status_code == 200 else -1


class Approver(threading.Thread):
    """Approves entries one after another in the background, whatever happens meanwhile."""

    def __init__(self, network, entry_ids):
        super().__init__()
        self.network, self.entry_ids = network, entry_ids
        self.stopping, self.outcomes = threading.Event(), []

    def run(self):
        for entry_id in self.entry_ids:
            self.outcomes.append(approve_until_done(self.network, entry_id, self.stopping))

    def finish(self, timeout):
        self.join(timeout)
        self.stopping.set()
        self.join()
        return self.outcomes


def test_a_service_killed_with_kill_9_mid_approvals_loses_nothing_once_it_is_back(network):
    marker = "живучесть"
    in_review = [draft_in_review(network, marker, number) for number in range(8)]
    approver = Approver(network, in_review)
    approver.start()
    assert eventually(lambda: found(network, marker) >= 2, timeout=30)
    network.processes.kill("practices")
    time.sleep(1)
    network.processes.start("practices")
    assert len(approver.finish(timeout=90)) == len(in_review), "approvals did not go through after the restart"
    assert eventually(lambda: found(network, marker) == len(in_review), timeout=30), found(network, marker)
    history = network.api("GET", f"/api/v1/practices/{in_review[-1]}/history", user="methodist-kyshtym",
                          params={"per_page": 100}).json()["items"]
    assert [step["to"] for step in history].count("approved") == 1, history


def test_a_database_that_is_down_gives_503_naming_it_and_stores_nothing_half_way(network):
    if network.backend != "postgresql":
        pytest.skip("an open SQLite file cannot be taken away from a running process")
    title = "Черновик, отправленный при недоступной базе"
    with network.database_refusing_connections("practices"):
        refused = network.api("POST", "/api/v1/practices", user="methodist-kyshtym",
                              json={"kind": "best_practice", "title": title})
        assert refused.status_code == 503, refused.text
        assert refused.json()["error"]["message"] == \
            "База данных сервиса «practices» недоступна, повторите запрос позже"
        assert network.api("GET", "/api/v1/search", params={"q": "лазер"}).status_code == 200
    assert eventually(lambda: health(network)[0] == 200, timeout=30), health(network)
    drafts = network.api("GET", "/api/v1/practices", user="methodist-kyshtym",
                         params={"status": "draft", "per_page": 100}).json()
    assert title not in [item["title"] for item in drafts["items"]]
    created = network.api("POST", "/api/v1/practices", user="methodist-kyshtym",
                          json={"kind": "best_practice", "title": title})
    assert created.status_code == 201, created.text


def parked_letters(network):
    with Connection(network.config["AMQP_URI"]) as connection:
        channel = connection.default_channel
        letters = []
        while (message := channel.basic_get(DEAD_LETTER_QUEUE.name, no_ack=True)) is not None:
            letters.append(json.loads(message.body))
        return letters


def test_a_poison_event_is_parked_in_the_dead_letter_queue_and_the_next_events_flow(network):
    poison = {"event_id": "not-a-uuid", "event_type": "practice_approved", "data": {"id": "семь"}}
    with Connection(network.config["AMQP_URI"]) as connection:
        Producer(connection.default_channel).publish(
            poison, exchange=Exchange("practices.events", type="topic"), routing_key="practice_approved",
            serializer="json")

    marker = "противоядие"
    entry_id = draft_in_review(network, marker, 1)
    assert approve_until_done(network, entry_id, threading.Event()) == 200
    assert eventually(lambda: found(network, marker) == 1, timeout=15)

    letters = []
    assert eventually(lambda: letters.extend(parked_letters(network)) or
                      {letter["service"] for letter in letters} == {"projector", "festivals"}, timeout=15), letters
    assert len(letters) == 2
    assert all(letter["event"] == "practice_approved" and letter["payload"] == poison for letter in letters)
    assert all("event_id" in letter["error"] or "id" in letter["error"] for letter in letters)
    assert parked_letters(network) == [], "a parked event must not come back"


# The festivals' queue for approvals, shared by their replicas (shared/batches.py, competing).
FESTIVALS_APPROVALS = "evt-practices-practice_approved--festivals.on_practice_approved"


def waiting_in(network, queue):
    with Connection(network.config["AMQP_URI"]) as connection:
        return connection.default_channel.queue_declare(queue, passive=True).message_count


def festivals_know_published(network, entry_id):
    with session_factory(database_url(network.config, "festivals"))() as session:
        return bool(session.scalar(text("SELECT published FROM known_practices WHERE id = :id"), {"id": entry_id}))


def test_festivals_learn_from_the_practices_log_an_approval_made_while_they_were_down_and_lost_by_the_broker(network):
    entry_id = draft_in_review(network, "пока фестивали стоят", 1)
    network.processes.stop("festivals")
    try:
        assert approve_until_done(network, entry_id, threading.Event()) == 200
        assert eventually(lambda: waiting_in(network, FESTIVALS_APPROVALS) >= 1, timeout=15)
        with Connection(network.config["AMQP_URI"]) as connection:  # only the practices' log has it now
            connection.default_channel.queue_purge(FESTIVALS_APPROVALS)
    finally:
        network.processes.start("festivals")
    assert eventually(lambda: festivals_know_published(network, entry_id), timeout=30)


@pytest.mark.restarts_broker
def test_publications_survive_a_rabbitmq_restart_and_new_ones_are_searchable_within_seconds(own_network):
    """Approvals keep being made while the broker restarts; afterwards every one of them and a brand-new
    publication are found, without restarting any service."""
    network, marker = own_network, "переподключение"
    in_review = [draft_in_review(network, marker, number) for number in range(6)]
    approver = Approver(network, in_review)
    approver.start()
    try:
        subprocess.run(["rabbitmqctl", "-q", "stop_app"], check=True, capture_output=True)
        subprocess.run(["rabbitmqctl", "-q", "start_app"], check=True, capture_output=True)
    finally:
        outcomes = approver.finish(timeout=60)
    assert len(outcomes) == len(in_review), "approvals did not go through after the restart"
    assert eventually(lambda: found(network, marker) == len(in_review), timeout=20), found(network, marker)

    in_review.append(draft_in_review(network, marker, len(in_review)))
    assert approve_until_done(network, in_review[-1], threading.Event()) == 200
    assert eventually(lambda: found(network, marker) == len(in_review), timeout=10), found(network, marker)
    assert health(network)[0] == 200
    assert not network.processes.exited() and not network.processes.restarts, "no process died"
