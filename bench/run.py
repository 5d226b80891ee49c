"""``make bench``: every figure of issue 14's targets in one run, each against its baseline measured in
the same run on the same machine, printed as one table (docs/benchmarks.md says what limits each).

Three networks in turn, each on its own RabbitMQ vhost with ``make run``'s intervals:
  demo, SQLite      — the bare handler, search repeated and all different, the entry page under a mixed
                      load, the write ceiling and publish → approve → searchable, the booking rush;
  demo, PostgreSQL  — the write ceiling and publish → approve → searchable;
  registry, SQLite  — BENCH_ENTRIES entries imported until all are searchable, then search at that size.
BENCH_ENTRIES (100 000), BENCH_CITIES (50), BENCH_SECONDS (10 per wrk run), BENCH_PIPELINE_ENTRIES (300)
scale it; BENCH_ONLY=demo,postgresql,registry runs some of the networks only.
"""
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench import booking, operations, registry
from bench.load import have_wrk
from bench.network import network_like_make_run
from bench.targets import markdown, number, rows

ENTRIES = int(os.environ.get("BENCH_ENTRIES", 100_000))
SECONDS = int(os.environ.get("BENCH_SECONDS", 10))
PIPELINE_ENTRIES = int(os.environ.get("BENCH_PIPELINE_ENTRIES", 300))
ONLY = set(filter(None, os.environ.get("BENCH_ONLY", "demo,postgresql,registry").split(",")))
# What `make run` uses (deploy/config.yaml), not the tests' quicker intervals.
PRODUCTION = {"OUTBOX_RELAY_INTERVAL": "0.1", "READ_MODEL_CATCH_UP_SECONDS": "5", "RPC_TIMEOUT_SECONDS": "30"}


class Stages:
    """Runs each measurement, keeping its figures; a failed one is reported and the run goes on."""

    def __init__(self):
        self.figures, self.failed = {}, []

    def run(self, title, measure):
        print(f"— {title}…", flush=True)
        started = time.monotonic()
        try:
            self.figures.update(measure())
        except Exception:  # noqa: BLE001  (one failed figure must not hide the others)
            self.failed.append(title)
            traceback.print_exc()
        print(f"  {time.monotonic() - started:.0f} с", flush=True)


def demo_network(stages, workdir, backend):
    network = network_like_make_run(backend, workdir / f"demo-{backend}", PRODUCTION)
    try:
        network.start()
        if backend == "sqlite":
            stages.run("поиск и голый обработчик (wrk)", lambda: operations.search_rates(network, workdir, SECONDS))
            stages.run("страница записи под смешанной нагрузкой", lambda: dict(zip(
                ("page_p50_ms", "page_p99_ms"), operations.entry_page(network, SECONDS))))
        stages.run(f"потолок записи, {backend}",
                   lambda: {f"write_ceiling_{backend}": operations.write_ceiling(network, workdir, SECONDS)})
        stages.run(f"публикация → одобрение → поиск, {PIPELINE_ENTRIES} записей, {backend}",
                   lambda: {f"pipeline_{backend}": operations.publish_pipeline(network, PIPELINE_ENTRIES)})
        if backend == "sqlite":
            stages.run("наплыв записей на занятия", lambda: booking.rush(network))
    finally:
        network.close()


def registry_network(stages, workdir):
    network, cities = registry.registry_network(workdir / "registry")
    try:
        network.start()

        def imported():
            loaded, elapsed = registry.load(network, cities, ENTRIES)
            return {"entries": loaded, "import_seconds": elapsed}

        def searched():
            rate = registry.search_at_scale(network, workdir, SECONDS)
            floor_p50, floor_p99 = registry.floor_ms(network)
            return {"big_search_rps": rate.per_second, "big_search_p50_ms": rate.p50_ms,
                    "big_search_p99_ms": rate.p99_ms, "floor_p50_ms": floor_p50, "floor_p99_ms": floor_p99}

        stages.run(f"импорт {number(ENTRIES)} записей в {len(cities)} муниципалитетах до поиска", imported)
        stages.run("поиск при этом числе записей (wrk, 16 соединений)", searched)
    finally:
        network.close()


def main():
    if not have_wrk():
        print("wrk не установлен (apt-get install wrk): замеры по HTTP будут пропущены", file=sys.stderr)
    workdir = Path(tempfile.mkdtemp(prefix="bench-"))
    stages = Stages()
    try:
        for name, network in (("demo", lambda: demo_network(stages, workdir, "sqlite")),
                              ("postgresql", lambda: demo_network(stages, workdir, "postgresql")),
                              ("registry", lambda: registry_network(stages, workdir))):
            if name in ONLY:
                stages.run(f"сеть «{name}»", lambda start=network: start() or {})
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    figures = {"entries": ENTRIES, **stages.figures}
    print("\n" + markdown(rows(figures)))
    print("\n" + details(figures))
    if stages.failed:
        print("\nНе удались: " + "; ".join(stages.failed), file=sys.stderr)
        return 1
    return 0


def details(figures):
    """The figures behind the table that it does not show."""
    f = figures.get
    return "\n".join([
        f"поиск при {number(f('entries'))} записях: p50 {number(f('big_search_p50_ms'))} мс; те же запросы прямо "
        f"в базе модели чтения (нижняя граница): p50 {number(f('floor_p50_ms'), 1)} мс, "
        f"p99 {number(f('floor_p99_ms'), 1)} мс",
        f"наплыв: отказов, кроме «мест нет», — {number(f('rush_failures'))}",
    ])


if __name__ == "__main__":
    sys.exit(main())
