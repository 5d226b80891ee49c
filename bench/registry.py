"""The registry at scale, for ``make bench`` (BENCH_ENTRIES, BENCH_CITIES scale it).

A private network (SQLite, its own RabbitMQ vhost) gets synthetic cities as a municipality plugin and
the entries through the real services (Excel import, bulk submit, bulk approve, events into the
gateway's read model); measured: the seconds until all are searchable, searches that all differ over
HTTP (wrk), and the same searches straight against the read-model database (the floor).
"""
import io
import os
import time

from openpyxl import Workbook
from sqlalchemy import text

from bench.load import all_different_searches, percentiles, wrk
from bench.network import eventually, network_like_make_run, rabbitmqctl
from services.gateway import views
from shared.config import database_url
from shared.db import session_factory

CITIES = int(os.environ.get("BENCH_CITIES", 50))
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


def load(network, cities, entries):
    for city in cities:
        created = network.api("POST", "/api/v1/accounts", user="admin", json={
            "username": f"methodist-{city}", "password": "bench-password", "role": "methodist",
            "municipality": city})
        assert created.status_code in (201, 409), created.text
        network.token(f"methodist-{city}", "bench-password")  # signed in before the load, not during it
    per_city = entries // len(cities)
    # The files are ready before the clock starts, as a methodist's are: building them is the load
    # generator's work (~0.1 ms of CPU an entry), which would take the cores from the network measured.
    files = {(city, start): workbook(city, number * per_city + start, min(BATCH, per_city - start))
             for number, city in enumerate(cities) for start in range(0, per_city, BATCH)}
    before = career_trials(network)  # the demo network's own
    started = time.monotonic()
    for city in cities:
        methodist = f"methodist-{city}"
        for start in range(0, per_city, BATCH):
            step = time.monotonic()
            report = network.api("POST", "/api/v1/practices/import", user=methodist, params={"dry_run": "false"},
                                 timeout=600, files={"file": ("entries.xlsx", files.pop((city, start)))})
            assert report.status_code == 200, report.text
            ids = [row["id"] for row in report.json()["rows"]]
            imported = time.monotonic()
            bulk(network, methodist, "submit", ids)
            submitted = time.monotonic()
            bulk(network, "reviewer-chippkro", "approve", ids)
            if os.environ.get("BENCH_VERBOSE"):
                print(f"    импорт {imported - step:.1f} с, отправка {submitted - imported:.1f} с, "
                      f"одобрение {time.monotonic() - submitted:.1f} с", flush=True)
        if os.environ.get("BENCH_VERBOSE"):
            print(f"  {city}: {per_city} записей загружено, {time.monotonic() - started:.0f} с", flush=True)
    expected = per_city * len(cities)
    assert eventually(lambda: career_trials(network) >= before + expected, timeout=3600, interval=0.5), \
        "модель чтения не догнала загрузку"
    elapsed = time.monotonic() - started
    # Measure a network at rest: the gateway has read the owners' logs through, and the broker has
    # delivered every event (those the log replay applied first are then skipped one by one).
    assert eventually(lambda: log_read_through(network), timeout=3600, interval=2)
    assert eventually(lambda: queues_empty(network), timeout=3600, interval=2)
    return expected, elapsed


def career_trials(network):
    return network.api("GET", "/api/v1/search", params={"kind": "career_trial", "per_page": 1}).json()["total"]


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


def search_at_scale(network, workdir, seconds, connections=16):
    """Searches that all differ (no stored answer helps), ``connections`` at once: req/s, p50, p99."""
    return wrk(network.base_url, all_different_searches(QUERIES), workdir, connections, seconds)


def direct_search(network, rounds=300):
    sessions = database(network, "gateway")
    latencies = []
    with sessions() as session:
        for n in range(rounds):
            started = time.perf_counter()
            views.search(session, q=QUERIES[n % len(QUERIES)])
            latencies.append(time.perf_counter() - started)
    return latencies


def floor_ms(network):
    """p50 and p99 (ms) of the same searches run straight against the read-model database."""
    return percentiles(direct_search(network))


def registry_network(workdir):
    """A network of CITIES synthetic cities (the demo's too), with ``make run``'s intervals."""
    cities = synthetic_cities(workdir / "plugins")
    network = network_like_make_run("sqlite", workdir, {
        "PYTHONPATH": str(workdir / "plugins"), "OUTBOX_RELAY_INTERVAL": "0.1",
        "READ_MODEL_CATCH_UP_SECONDS": "5", "RPC_TIMEOUT_SECONDS": "300"})
    return network, cities
