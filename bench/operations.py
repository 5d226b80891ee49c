"""What ``make bench`` measures on a demo network: search against the bare handler, publish → approve →
searchable against the write ceiling, and the published entry page under a mixed load.

Each function takes a started network (``bench/network.py``) and returns figures; ``bench/run.py``
prints them.
"""
import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

from bench.ceilings import ReadCeiling, WriteCeiling
from bench.load import KeptAlive, all_different_searches, cycling, mixed_load, percentiles, posting, wrk
from bench.network import eventually

MARKER = "пропускная"
QUERIES = ["лазер", "токаря", "портного", "эколог", "сварщика", "повара", "программиста", "профпроба",
           "практика", "фестиваль"]
CONNECTIONS = 8


def search_rates(network, workdir, seconds):
    """Requests per second of the bare handler (the mean of one run before and one after), of searches
    that repeat (answered from the gateway's stored answers) and of searches that all differ."""
    with ReadCeiling(workdir, network.config["AMQP_URI"]) as ceiling:
        bare = wrk(ceiling.url, cycling(["/constant"]), workdir, CONNECTIONS, seconds).per_second
        repeated = wrk(network.base_url, cycling(f"/api/v1/search?q={quote(q)}" for q in QUERIES), workdir,
                       CONNECTIONS, seconds).per_second
        different = wrk(network.base_url, all_different_searches(QUERIES), workdir, CONNECTIONS, seconds).per_second
        bare_again = wrk(ceiling.url, cycling(["/constant"]), workdir, CONNECTIONS, seconds).per_second
    return {"bare": (bare + bare_again) / 2, "search_repeated": repeated, "search_different": different}


def write_ceiling(network, workdir, seconds):
    """Rows per second through the bare handler → one RPC → one insert, on the network's database kind."""
    with WriteCeiling(workdir, network.config["AMQP_URI"], network.backend) as ceiling:
        return wrk(ceiling.url, posting("/rows", "Запись нагрузочного замера"), workdir, CONNECTIONS,
                   seconds).per_second


def publish_pipeline(network, entries, clients=CONNECTIONS):
    """Entries per second from the first create until the gateway's search finds all of them
    (``clients`` at once, each on a kept-alive connection of its own: create, submit, approve)."""
    methodist, reviewer = network.token("methodist-kyshtym"), network.token("reviewer-chippkro")
    connections, started = threading.local(), time.monotonic()

    def publish(number):
        if not hasattr(connections, "client"):
            connections.client = KeptAlive(network.base_url)
        publish_one(connections.client, methodist, reviewer, number)

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(publish, range(entries)))

    def all_found():
        return network.api("GET", "/api/v1/search", params={"q": MARKER, "per_page": 1}).json()["total"] >= entries

    assert eventually(all_found, timeout=600, interval=0.05), "записи не появились в поиске"
    return entries / (time.monotonic() - started)


def publish_one(client, methodist, reviewer, number):
    status, created = client.call("POST", "/api/v1/practices", {
        "kind": "best_practice", "title": f"Практика № {number}: {MARKER} способность",
        "summary": "Запись нагрузочного замера"}, token=methodist)
    assert status == 201, created
    entry_id = json.loads(created)["id"]
    status, submitted = client.call("POST", f"/api/v1/practices/{entry_id}/submit", token=methodist)
    assert status == 200, submitted
    status, approved = client.call("POST", f"/api/v1/practices/{entry_id}/approve", {"comment": "Одобрено"},
                                   token=reviewer)
    assert status == 200, approved


def entry_page(network, seconds, clients=8):
    """p50 and p99 (ms) of published entry pages (``/practices/ID``) while ``clients`` request them mixed
    with searches, the JSON entry and the home page."""
    published = network.api("GET", "/api/v1/practices", params={"per_page": 20}).json()["items"]
    ids = [item["id"] for item in published]
    paths = []
    for n, entry_id in enumerate(ids):
        paths += [f"/practices/{entry_id}", f"/api/v1/search?q={quote(QUERIES[n % len(QUERIES)])}",
                  f"/api/v1/practices/{entry_id}", "/"]
    latencies = mixed_load(network.base_url, paths, clients, seconds, timed=lambda path: path.startswith("/practices/"))
    return percentiles(latencies)
