"""Benchmark of the shared registry: `make bench` (BENCH_ENTRIES, BENCH_CITIES, BENCH_SECONDS to scale).

Starts a private network (SQLite, fresh RabbitMQ vhost), adds synthetic cities as a municipality
plugin, loads the entries through the real services (Excel import, bulk submit, bulk approve, events
into the gateway's read model), then prints:
  - load throughput (entries per second until all are searchable);
  - search requests per second and p50/p99 latency over HTTP (wrk against the gateway);
  - approve → searchable latency p50/p99;
  - the same searches run directly against the read-model database: the floor.
"""
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from openpyxl import Workbook
from sqlalchemy import text

from application.running import RunningNetwork, eventually, rabbitmqctl
from services.gateway import views
from shared.config import database_url
from shared.db import session_factory

ENTRIES = int(os.environ.get("BENCH_ENTRIES", 100_000))
CITIES = int(os.environ.get("BENCH_CITIES", 50))
SECONDS = int(os.environ.get("BENCH_SECONDS", 15))
BATCH = 1000
PROFESSIONS = ["Оператор лазерного станка", "Токарь", "Портной", "Эколог", "Сварщик", "Повар", "Программист",
               "Электромонтажник", "Фрезеровщик", "Кондитер", "Специалист по кибербезопасности", "Агроном"]
# Each finds its profession in another word form or as a typed prefix: about 1/12 of all entries.
QUERIES = ["лазер", "токаря", "портного", "эколог", "сварщика", "повара", "программиста", "электро",
           "фрезеровщику", "кондитеров"]
HEADER = ["kind", "title", "summary", "profession", "grades", "duration_hours", "format", "profminimum_level",
          "organization", "tags"]


def synthetic_cities(root):
    """A municipality plugin package with CITIES cities, visible to the services through PYTHONPATH."""
    package = root / "bench_cities"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(
        "from shared.plugins import MunicipalityPlugin\n"
        f"for _i in range(1, {CITIES} + 1):\n"
        "    globals()[f'city{_i:02d}'] = MunicipalityPlugin(\n"
        "        f'city{_i:02d}', f'Город {_i:02d}', 'Синтетическая область', 'Asia/Yekaterinburg')\n")
    dist = root / "bench_cities-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: bench-cities\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[practice_network.municipalities]\n" + "".join(
        f"city{i:02d} = bench_cities:city{i:02d}\n" for i in range(1, CITIES + 1)))
    return [f"city{i:02d}" for i in range(1, CITIES + 1)]


def workbook(city, start, count):
    book = Workbook()
    book.active.append(HEADER)
    for n in range(start, start + count):
        profession = PROFESSIONS[n % len(PROFESSIONS)]
        book.active.append(["career_trial", f"{profession}: профпроба №{n} ({city})",
                            f"Практическое занятие по профессии «{profession}» для школьников", profession,
                            f"{6 + n % 4}, {7 + n % 4}", 2 + n % 6, ["in_person", "remote", "mixed"][n % 3],
                            ["basic", "main", "advanced"][n % 3], f"Центр №{n % 17} ({city})", "профпроба"])
    data = io.BytesIO()
    book.save(data)
    return data.getvalue()


def load(network, cities):
    for city in cities:
        created = network.api("POST", "/api/v1/accounts", user="admin", json={
            "username": f"methodist-{city}", "password": "bench-password", "role": "methodist",
            "municipality": city})
        assert created.status_code in (201, 409), created.text
        network.token(f"methodist-{city}", "bench-password")  # signed in before the load, not during it
    per_city = ENTRIES // len(cities)
    started = time.monotonic()
    for number, city in enumerate(cities):
        methodist = f"methodist-{city}"
        for start in range(0, per_city, BATCH):
            count = min(BATCH, per_city - start)
            step = time.monotonic()
            report = network.api("POST", "/api/v1/practices/import", user=methodist, params={"dry_run": "false"},
                                 timeout=600,
                                 files={"file": ("entries.xlsx", workbook(city, number * per_city + start, count))})
            assert report.status_code == 200, report.text
            ids = [row["id"] for row in report.json()["rows"]]
            imported = time.monotonic()
            bulk(network, methodist, "submit", ids)
            submitted = time.monotonic()
            bulk(network, "reviewer-chippkro", "approve", ids)
            if os.environ.get("BENCH_VERBOSE"):
                print(f"    импорт {imported - step:.1f} с, отправка {submitted - imported:.1f} с, "
                      f"одобрение {time.monotonic() - submitted:.1f} с", flush=True)
        print(f"  {city}: {per_city} записей загружено, {time.monotonic() - started:.0f} с", flush=True)
    expected = per_city * len(cities)

    def searchable():
        return network.api("GET", "/api/v1/search", params={"kind": "career_trial",
                                                            "per_page": 1}).json()["total"] >= expected

    assert eventually(searchable, timeout=3600, interval=2), "read model did not catch up"
    elapsed = time.monotonic() - started
    # Measure a network at rest: the gateway has read the owners' logs through, and the broker has
    # delivered every event (those the log replay applied first are then skipped one by one).
    assert eventually(lambda: log_read_through(network), timeout=3600, interval=2)
    assert eventually(lambda: queues_empty(network), timeout=3600, interval=2)
    print(f"  очереди событий разобраны через {time.monotonic() - started:.0f} с", flush=True)
    return expected, elapsed


def queues_empty(network):
    listed = rabbitmqctl("list_queues", "-p", network.vhost.name, "messages").stdout.split()
    return all(count == "0" for count in listed if count.isdigit())


def log_read_through(network):
    with database(network, "practices")() as practices, database(network, "gateway")() as gateway:
        newest = practices.scalar(text("SELECT max(position) FROM outbox"))
        read = gateway.scalar(text("SELECT position FROM replay_checkpoints WHERE source = 'practices'"))
    return read is not None and newest is not None and read >= newest


def database(network, service):
    return session_factory(database_url(network.config, service))


def bulk(network, user, action, ids):
    response = network.api("POST", f"/api/v1/practices/bulk/{action}", user=user, json={"ids": ids}, timeout=600)
    assert response.status_code == 200 and not response.json()["failed"], response.text[:500]


def http_search(network, workdir, connections):
    if shutil.which("wrk") is None:
        return None
    script = workdir / "queries.lua"
    paths = ", ".join(f'"/api/v1/search?q={quote(q)}"' for q in QUERIES)
    script.write_text(f"local paths = {{{paths}}}\nlocal i = 0\n"
                      "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n")
    output = subprocess.run(["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{SECONDS}s", "--latency",
                             "-s", str(script), network.base_url], capture_output=True, text=True, check=True).stdout
    return output


def approve_to_searchable(network, cities, samples=40):
    methodist = f"methodist-{cities[0]}"
    latencies = []
    for n in range(samples):
        profession = f"Стеклодув{n}"
        created = network.api("POST", "/api/v1/practices", user=methodist, json={
            "kind": "career_trial", "title": f"Профпроба «{profession}»", "profession": profession,
            "grades": [9], "duration_hours": 2, "format": "in_person", "profminimum_level": "basic"}).json()
        network.api("POST", f"/api/v1/practices/{created['id']}/submit", user=methodist)
        started = time.monotonic()
        network.api("POST", f"/api/v1/practices/{created['id']}/approve", user="reviewer-chippkro")
        found = eventually(lambda: network.api("GET", "/api/v1/search", params={"q": profession.lower()})
                           .json()["total"] == 1, timeout=30, interval=0.005)
        assert found
        latencies.append(time.monotonic() - started)
    return latencies


def direct_search(network, rounds=300):
    sessions = database(network, "gateway")
    latencies = []
    with sessions() as session:
        for n in range(rounds):
            started = time.perf_counter()
            views.search(session, q=QUERIES[n % len(QUERIES)])
            latencies.append(time.perf_counter() - started)
    return latencies


def percentiles(values):
    ordered = sorted(values)
    return ordered[len(ordered) // 2] * 1000, ordered[int(len(ordered) * 0.99) - 1] * 1000


def main():
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    cities = synthetic_cities(workdir / "plugins")
    # Production intervals rather than the tests' quicker ones; imports of 1000 rows take a while.
    network = RunningNetwork("sqlite", workdir, env={
        "PYTHONPATH": str(workdir / "plugins"), "OUTBOX_RELAY_INTERVAL": "0.1",
        "READ_MODEL_CATCH_UP_SECONDS": "5", "RPC_TIMEOUT_SECONDS": "300"})
    try:
        network.start()
        print(f"Загрузка: {ENTRIES} записей, {CITIES} муниципалитетов (импорт Excel → отправка → одобрение)…")
        loaded, elapsed = load(network, cities)
        print(f"\nЗагружено и доступно в поиске: {loaded} записей за {elapsed:.0f} с "
              f"({loaded / elapsed:.0f} записей/с от импорта до поиска)")
        for connections in (1, 16):
            print(f"\nПоиск по HTTP (wrk, {connections} соединений, {SECONDS} с, {len(QUERIES)} запросов по кругу):")
            print(http_search(network, workdir, connections) or "  wrk не установлен (apt-get install wrk) — пропущено")
        p50, p99 = percentiles(approve_to_searchable(network, cities))
        print(f"Одобрение → видно в поиске: p50 {p50:.0f} мс, p99 {p99:.0f} мс")
        p50, p99 = percentiles(direct_search(network))
        print(f"Тот же поиск прямо в базе модели чтения (нижняя граница): p50 {p50:.1f} мс, p99 {p99:.1f} мс")
    finally:
        network.close()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
