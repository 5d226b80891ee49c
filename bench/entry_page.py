"""Benchmark of the most visited page, a published entry (``/practices/ID``), under a mixed load.

Prints, from one run on this machine (the `make run` setup: one gateway, SQLite, the demo network):
  - a bare nameko `http` handler returning a constant (bench/ceiling.py), 8 connections: the ceiling;
  - the entry page as a guest sees it, alone on 8 connections: its rate and the share of the ceiling;
  - 8 clients at once, 4 on entry pages and 4 on searches: p50/p99 of each;
  - the same with the JSON API's ``GET /api/v1/practices/ID`` instead of the page.
Latencies are wrk's, in milliseconds. ``measure()`` returns the figures (for `make bench`); BENCH_SECONDS
sets how long each measurement runs.
"""
import shutil
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

from application.running import RunningNetwork
from bench.operations import CONNECTIONS, QUERIES, SECONDS, Ceiling, cycling, wrk_figures

TARGET = {"p50": 30.0, "p99": 100.0}  # the entry page under the mixed load, ms (issue 14)


def published_entries(network):
    found = network.api("GET", "/api/v1/search", params={"type": "practice", "per_page": 100}).json()["items"]
    return [item["id"] for item in found if item["type"] == "practice"]


def mixed(base_url, paths, workdir):
    """``paths`` on half the connections while searches run on the other half, at the same time."""
    searches = cycling(f"/api/v1/search?q={quote(q)}" for q in QUERIES)
    half = CONNECTIONS // 2
    with ThreadPoolExecutor(2) as pool:
        measured = pool.submit(wrk_figures, base_url, cycling(paths), workdir, half, "measured")
        searched = pool.submit(wrk_figures, base_url, searches, workdir, half, "searches")
        return measured.result(), searched.result()


def measure(workdir=None):
    """Every figure of the run: ``{name: {"rate", "p50", "p99"}}`` plus ``entry_page_share`` of the ceiling."""
    own = workdir is None
    workdir = Path(workdir or tempfile.mkdtemp(prefix="bench-entry-page-"))
    network = RunningNetwork("sqlite", workdir / "network")
    try:
        network.start()
        entries = published_entries(network)
        pages = [f"/practices/{entry_id}" for entry_id in entries]
        api = [f"/api/v1/practices/{entry_id}" for entry_id in entries]
        figures = {}
        with Ceiling(workdir, network.config["AMQP_URI"]) as ceiling:
            figures["bare"] = wrk_figures(ceiling.url, cycling(["/constant"]), workdir)
            figures["entry_page"] = wrk_figures(network.base_url, cycling(pages), workdir)
            figures["entry_page_mixed"], figures["search_with_pages"] = mixed(network.base_url, pages, workdir)
            figures["api_mixed"], figures["search_with_api"] = mixed(network.base_url, api, workdir)
        figures["entry_page_share"] = figures["entry_page"]["rate"] / figures["bare"]["rate"]
        return figures
    finally:
        network.close()
        if own:
            shutil.rmtree(workdir, ignore_errors=True)


def line(title, figures):
    return (f"  {title:<44} {figures['rate']:>6.0f} запросов/с, "
            f"p50 {figures['p50']:6.1f} мс, p99 {figures['p99']:6.1f} мс")


def main():
    if shutil.which("wrk") is None:
        print("wrk не установлен (apt-get install wrk): замер страницы записи пропущен")
        return 0
    figures = measure()
    print(f"Страница опубликованной записи (wrk, {SECONDS} с на замер, SQLite, демо-сеть, гость):")
    print(line(f"голый обработчик nameko http, {CONNECTIONS} соединений", figures["bare"]))
    print(line(f"страница записи, {CONNECTIONS} соединений", figures["entry_page"])
          + f" ({figures['entry_page_share']:.0%} потолка)")
    half = CONNECTIONS // 2
    print(f"Смешанная нагрузка, {CONNECTIONS} клиентов ({half} + {half} на поиск):")
    print(line("страница записи", figures["entry_page_mixed"]))
    print(line("  поиск рядом с ней", figures["search_with_pages"]))
    print(line("JSON API GET /api/v1/practices/ID", figures["api_mixed"]))
    print(line("  поиск рядом с ним", figures["search_with_api"]))
    met = all(figures["entry_page_mixed"][key] < limit for key, limit in TARGET.items())
    print(f"Цель для страницы под смешанной нагрузкой: p50 < {TARGET['p50']:.0f} мс, p99 < {TARGET['p99']:.0f} мс — "
          + ("достигнута" if met else "не достигнута"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
