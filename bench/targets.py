"""The targets of issue 14 and the table ``make bench`` prints: pure functions of the measured figures.

``figures`` is a dict filled by ``bench/run.py``; a figure a run could not take (no wrk, a stage that
failed) is missing, and its row says so instead of claiming the target met or missed.
"""
from dataclasses import dataclass

FULL_SCALE = 100_000  # the entry count the targets are stated for
IMPORT_SECONDS_AT_FULL_SCALE = 300
# An entry of the publish pipeline is three writes (create, submit, approve), each an HTTP request and an
# RPC like the write ceiling's one: its share of the ceiling per write is shown beside the target's.
COMMANDS_PER_ENTRY = 3


@dataclass(frozen=True)
class Row:
    what: str
    measured: str
    target: str
    met: bool | None  # None: not measured in this run


def ratio(value, base):
    """``value / base``, None when either is missing or the base is zero."""
    if value is None or not base:
        return None
    return value / base


def at_least(value, bound):
    return None if value is None else value >= bound


def below(value, bound):
    return None if value is None else value < bound


def all_of(*checks):
    """True when every check holds, False when one fails, None when one is unknown and none fails."""
    if any(check is False for check in checks):
        return False
    return None if any(check is None for check in checks) else True


def number(value, digits=0):
    """``1 234`` or ``0.42``; ``—`` for a figure not measured."""
    if value is None:
        return "—"
    return f"{value:,.{digits}f}".replace(",", " ")


def import_seconds_target(entries):
    """The import target scaled to ``entries``: the issue's 300 s is for 100 000 (≥ 333 entries/s)."""
    return IMPORT_SECONDS_AT_FULL_SCALE * entries / FULL_SCALE


def rows(figures):
    f = figures.get
    bare = f("bare")
    repeated, different = ratio(f("search_repeated"), bare), ratio(f("search_different"), bare)
    entries = f("entries", FULL_SCALE)
    import_bound = import_seconds_target(entries)
    table = [
        Row("повторяющийся поиск / голый обработчик, один прогон",
            f"{number(repeated, 2)} ({number(f('search_repeated'))} / {number(bare)} запросов/с)", "≥ 0.8",
            at_least(repeated, 0.8)),
        Row("поиск, все запросы разные / голый обработчик, демо-сеть",
            f"{number(different, 2)} ({number(f('search_different'))} / {number(bare)} запросов/с)", "≥ 0.3",
            at_least(different, 0.3)),
        Row(f"поиск при {number(entries)} записях, 16 соединений, все запросы разные",
            f"{number(f('big_search_rps'))} запросов/с, p99 {number(f('big_search_p99_ms'))} мс",
            "≥ 150 запросов/с, p99 < 200 мс",
            all_of(at_least(f("big_search_rps"), 150), below(f("big_search_p99_ms"), 200))),
    ]
    for backend, title in (("sqlite", "SQLite"), ("postgresql", "PostgreSQL")):
        rate, ceiling = f(f"pipeline_{backend}"), f(f"write_ceiling_{backend}")
        share, per_command = ratio(rate, ceiling), ratio(rate and rate * COMMANDS_PER_ENTRY, ceiling)
        table.append(Row(
            f"публикация → одобрение → в поиске, по одной реплике, {title}",
            f"{number(rate, 1)} записей/с; {number(share, 2)} потолка записи ({number(ceiling)} строк/с; "
            f"на каждую из {COMMANDS_PER_ENTRY} команд записи — {number(per_command, 2)})",
            "≥ 60 записей/с и ≥ 0.5 потолка записи", all_of(at_least(rate, 60), at_least(share, 0.5))))
    table += [
        Row(f"{number(entries)} записей импортировано → все в поиске",
            f"{number(f('import_seconds'))} с", f"< {number(import_bound)} с"
            + ("" if entries == FULL_SCALE else f" (300 с на {number(FULL_SCALE)}, пропорционально)"),
            below(f("import_seconds"), import_bound)),
        Row("страница опубликованной записи под смешанной нагрузкой (8 клиентов)",
            f"p50 {number(f('page_p50_ms'))} мс, p99 {number(f('page_p99_ms'))} мс", "p50 < 30 мс, p99 < 100 мс",
            all_of(below(f("page_p50_ms"), 30), below(f("page_p99_ms"), 100))),
        Row("наплыв записей: 400 школ одновременно, 50 занятий × 20 мест",
            f"занято {number(f('rush_seats'))} из {number(f('rush_capacity'))}, сверх мест "
            f"{number(f('rush_overbooked'))}, {number(f('rush_bookings_per_s'))} броней/с",
            "заняты все места, сверх мест 0, ≥ 150 броней/с",
            all_of(None if f("rush_seats") is None else f("rush_seats") == f("rush_capacity"),
                   None if f("rush_overbooked") is None else f("rush_overbooked") == 0,
                   at_least(f("rush_bookings_per_s"), 150))),
    ]
    return table


MET = {True: "да", False: "нет", None: "не измерено"}


def markdown(table):
    """The rows as a Markdown table: readable in a terminal and pasted as is into docs/benchmarks.md."""
    lines = ["| что | измерено | цель | выполнено? |", "|---|---|---|---|"]
    lines += [f"| {row.what} | {row.measured} | {row.target} | {MET[row.met]} |" for row in table]
    return "\n".join(lines)
