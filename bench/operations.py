"""Benchmark of operations: `make bench` runs it after bench/registry.py (or alone: `make bench-operations`).

Prints, from one run on this machine:
  - publish → approve → searchable throughput (entries per second), with the same load on a network of
    one replica of every process and on one of two (`make run-cluster`), both on PostgreSQL;
  - the search rate of one gateway (the `make run` setup, SQLite) and, in the same run, that of a bare
    nameko `http` handler returning a constant (bench/ceiling.py): the ceiling; and the ratio, for
    searches that repeat (answered from the gateway's stored answers) and for searches that all differ
    (each one ranked in the read model).
BENCH_PIPELINE_ENTRIES, BENCH_CLIENTS and BENCH_SECONDS scale it.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import requests

from application.running import RunningNetwork, eventually, free_port
from shared.config import REPO_ROOT

ENTRIES = int(os.environ.get("BENCH_PIPELINE_ENTRIES", 300))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", 8))
SECONDS = int(os.environ.get("BENCH_SECONDS", 10))
CONNECTIONS = 8
MARKER = "пропускная"
QUERIES = ["лазер", "токаря", "портного", "эколог", "сварщика", "повара", "программиста", "профпроба",
           "практика", "фестиваль"]


def publish_one(network, number):
    gateway = 1 + number % network.replicas
    created = network.api("POST", "/api/v1/practices", user="methodist-kyshtym", gateway=gateway, json={
        "kind": "best_practice", "title": f"Практика № {number}: {MARKER} способность",
        "summary": "Запись нагрузочного замера"})
    entry_id = created.json()["id"]
    network.api("POST", f"/api/v1/practices/{entry_id}/submit", user="methodist-kyshtym", gateway=gateway)
    approved = network.api("POST", f"/api/v1/practices/{entry_id}/approve", user="reviewer-chippkro",
                           gateway=gateway, json={"comment": "Одобрено"})
    assert approved.status_code == 200, approved.text


def searchable_everywhere(network, count):
    return all(network.api("GET", "/api/v1/search", gateway=gateway, params={"q": MARKER}).json()["total"] == count
               for gateway in range(1, network.replicas + 1))


def pipeline(network):
    """Entries per second from the first create until the last approval is answered, and until every
    gateway finds all of them."""
    network.token("methodist-kyshtym"), network.token("reviewer-chippkro")
    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        list(pool.map(lambda number: publish_one(network, number), range(ENTRIES)))
    approved = time.monotonic() - started
    assert eventually(lambda: searchable_everywhere(network, ENTRIES), timeout=300, interval=0.05)
    return ENTRIES / approved, ENTRIES / (time.monotonic() - started)


def throughput(replicas, workdir):
    (workdir / f"replicas-{replicas}").mkdir()
    network = RunningNetwork("postgresql", workdir / f"replicas-{replicas}", replicas=replicas,
                             env={"OUTBOX_RELAY_INTERVAL": "0.1", "READ_MODEL_CATCH_UP_SECONDS": "5"})
    try:
        return pipeline(network.start())
    finally:
        network.close()


def wrk(url, script, workdir):
    return wrk_figures(url, script, workdir)["rate"]


LATENCY_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def wrk_figures(url, script, workdir, connections=CONNECTIONS, name="requests"):
    """``{"rate": requests/s, "p50": ms, "p99": ms}`` of ``script``'s requests for SECONDS seconds."""
    lua = workdir / f"{name}.lua"
    lua.write_text(script)
    output = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{SECONDS}s", "--latency", "-s", str(lua), url],
                            capture_output=True, text=True, check=True).stdout
    figures = {"rate": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    for percentile in ("50", "99"):
        found = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
        assert found, f"wrk printed no {percentile}% latency:\n{output}"
        figures[f"p{percentile}"] = float(found.group(1)) * LATENCY_UNITS[found.group(2)]
    return figures


def cycling(paths):
    listed = ", ".join(f'"{path}"' for path in paths)
    return (f"local paths = {{{listed}}}\nlocal i = 0\n"
            "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n")


def all_different(queries):
    listed = ", ".join(f'"{quote(q)}"' for q in queries)
    return (f"local queries = {{{listed}}}\nlocal i = 0\n"
            "request = function()\n  i = i + 1\n"
            "  local path = '/api/v1/search?q=' .. queries[i % #queries + 1] .. '&page=' .. (i // #queries % 5000 + 1)\n"
            "  return wrk.format('GET', path)\nend\n")


class Ceiling:
    """bench/ceiling.py under ``nameko run``, on a port of its own."""

    def __init__(self, workdir, amqp_uri):
        self.port = free_port()
        config = workdir / "ceiling.yaml"
        config.write_text(f"AMQP_URI: {amqp_uri}\nWEB_SERVER_ADDRESS: 127.0.0.1:{self.port}\n")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "nameko", "run", "--config", str(config), "bench.ceiling:CeilingService"],
            cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONWARNINGS": "ignore"})
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        assert eventually(self._answers, timeout=30), "bench/ceiling.py не запустился"
        return self

    def _answers(self):
        try:
            return requests.get(self.url + "/constant", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:  # seen on a loaded machine: it is only a constant, kill it
            self.process.kill()
            self.process.wait()


def search_rates(workdir):
    (workdir / "search").mkdir()
    network = RunningNetwork("sqlite", workdir / "search")
    try:
        network.start()
        with Ceiling(workdir, network.config["AMQP_URI"]) as ceiling:
            bare = wrk(ceiling.url, cycling(["/constant"]), workdir)
            repeated = wrk(network.base_url, cycling(f"/api/v1/search?q={quote(q)}" for q in QUERIES), workdir)
            different = wrk(network.base_url, all_different(QUERIES), workdir)
            bare_again = wrk(ceiling.url, cycling(["/constant"]), workdir)
        return (bare + bare_again) / 2, repeated, different
    finally:
        network.close()


def main():
    workdir = Path(tempfile.mkdtemp(prefix="bench-operations-"))
    try:
        print(f"Публикация → одобрение → поиск: {ENTRIES} записей, {CLIENTS} клиентов, PostgreSQL")
        for replicas in (1, 2):
            approved, searchable = throughput(replicas, workdir)
            print(f"  {replicas} реплик(и) каждого процесса: одобрено {approved:.1f} записей/с, "
                  f"найдено всеми шлюзами {searchable:.1f} записей/с")
        if shutil.which("wrk") is None:
            print("wrk не установлен (apt-get install wrk): замер скорости поиска пропущен")
            return
        bare, repeated, different = search_rates(workdir)
        print(f"\nСкорость ответов (wrk, {CONNECTIONS} соединений, {SECONDS} с на замер, SQLite, демо-сеть):")
        print(f"  голый обработчик nameko http (потолок):  {bare:.0f} запросов/с")
        print(f"  поиск шлюза, повторяющиеся запросы:      {repeated:.0f} запросов/с ({repeated / bare:.0%} потолка)")
        print(f"  поиск шлюза, все запросы разные:         {different:.0f} запросов/с ({different / bare:.0%} потолка)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
