"""The table `make bench` prints: ratios, targets met or missed, and figures a run did not take."""
import pytest

from bench.load import parse_wrk, percentiles
from bench.targets import FULL_SCALE, Row, all_of, import_seconds_target, markdown, number, ratio, rows

MET_EVERYWHERE = {
    "entries": FULL_SCALE, "bare": 3000, "search_repeated": 2700, "search_different": 1200,
    "big_search_rps": 180, "big_search_p99_ms": 150,
    "pipeline_sqlite": 70, "write_ceiling_sqlite": 120, "pipeline_postgresql": 65, "write_ceiling_postgresql": 110,
    "import_seconds": 250, "page_p50_ms": 12, "page_p99_ms": 60,
    "rush_seats": 1000, "rush_capacity": 1000, "rush_overbooked": 0, "rush_bookings_per_s": 200,
}


def by_what(table):
    return {row.what: row for row in table}


def test_every_target_met_when_every_figure_is_good():
    table = rows(MET_EVERYWHERE)
    assert len(table) == 8
    assert all(row.met is True for row in table), [row for row in table if row.met is not True]


def test_ratios_are_against_the_baseline_of_the_same_run():
    row = rows({**MET_EVERYWHERE, "bare": 4000, "search_repeated": 1600})[0]
    assert row.measured.startswith("0.40 ")
    assert row.met is False


def test_the_write_path_needs_both_its_rate_and_its_share_of_the_ceiling():
    fast_but_far = rows({**MET_EVERYWHERE, "pipeline_sqlite": 70, "write_ceiling_sqlite": 200})
    assert by_what(fast_but_far)["публикация → одобрение → в поиске, по одной реплике, SQLite"].met is False
    close_but_slow = rows({**MET_EVERYWHERE, "pipeline_postgresql": 40, "write_ceiling_postgresql": 50})
    row = by_what(close_but_slow)["публикация → одобрение → в поиске, по одной реплике, PostgreSQL"]
    assert row.met is False and "0.80 потолка записи" in row.measured
    assert "на каждую из 3 команд записи — 2.40" in row.measured  # shown, not what the target counts


def test_one_overbooked_seat_misses_the_rush_target_however_fast():
    rush = rows({**MET_EVERYWHERE, "rush_overbooked": 1, "rush_bookings_per_s": 900})[-1]
    assert rush.met is False


def test_a_figure_not_measured_is_neither_met_nor_missed():
    figures = {key: value for key, value in MET_EVERYWHERE.items() if key != "bare"}
    table = rows(figures)
    assert table[0].met is None and "—" in table[0].measured
    assert all_of(True, None) is None and all_of(False, None) is False
    assert ratio(5, 0) is None and ratio(None, 5) is None


def test_the_import_target_scales_with_the_entries_of_a_quick_run():
    assert import_seconds_target(FULL_SCALE) == 300 and import_seconds_target(5000) == 15
    quick = by_what(rows({**MET_EVERYWHERE, "entries": 5000, "import_seconds": 20}))
    row = quick["5 000 записей импортировано → все в поиске"]
    assert row.met is False and row.target.startswith("< 15 с")


def test_the_table_is_markdown_with_one_line_per_row():
    text = markdown([Row("поиск", "1 234 запросов/с", "≥ 150", True), Row("страница", "—", "< 30 мс", None)])
    assert text.splitlines() == ["| что | измерено | цель | выполнено? |", "|---|---|---|---|",
                                 "| поиск | 1 234 запросов/с | ≥ 150 | да |", "| страница | — | < 30 мс | не измерено |"]
    assert number(1234567) == "1 234 567" and number(0.4249, 2) == "0.42" and number(None) == "—"


WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8000
  2 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    95.11ms   40.20ms 545.00ms   70.00%
  Latency Distribution
     50%   87.50ms
     75%  110.00ms
     90%  150.00ms
     99%    1.20s
  1234 requests in 10.00s, 5.00MB read
Requests/sec:    123.40
Transfer/sec:    512.00KB
"""


def test_wrk_report_gives_the_rate_and_the_percentiles_in_milliseconds():
    rate = parse_wrk(WRK_OUTPUT)
    assert (rate.per_second, rate.p50_ms, rate.p99_ms) == (123.4, 87.5, 1200.0)
    assert parse_wrk(WRK_OUTPUT.replace("87.50ms", "870.00us")).p50_ms == 0.87


def test_percentiles_of_latencies_in_seconds():
    assert percentiles([n / 1000 for n in range(1, 101)]) == pytest.approx((51.0, 99.0))
    assert percentiles([]) == (None, None)
