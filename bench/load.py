"""Load generators of the benchmarks: wrk for one kind of request, threads for mixed ones."""
import http.client
import json
import re
import shutil
import subprocess
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import requests

TIME_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


@dataclass(frozen=True)
class Rate:
    per_second: float
    p50_ms: float | None = None
    p99_ms: float | None = None


class KeptAlive:
    """One kept-alive HTTP connection of one load thread, speaking JSON. ``requests`` opens a connection a
    call and costs the load generator ~3 ms of CPU each, taken from the cores the network runs on."""

    def __init__(self, base_url, token=None):
        address = urlsplit(base_url)
        self.connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60)
        self.headers = {"Content-Type": "application/json"}
        if token:
            self.headers["Authorization"] = "Bearer " + token

    def call(self, method, path, body=None, token=None):
        """``(status, body bytes)``; ``token`` signs this call instead of the connection's."""
        headers = {**self.headers, "Authorization": "Bearer " + token} if token else self.headers
        self.connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
        answer = self.connection.getresponse()
        return answer.status, answer.read()

    def close(self):
        self.connection.close()


def have_wrk():
    return shutil.which("wrk") is not None


def parse_wrk(output):
    """Requests per second and the p50/p99 latencies (ms) of wrk's ``--latency`` report."""
    latencies = {percent: float(value) * TIME_UNITS[unit]
                 for percent, value, unit in re.findall(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$",
                                                        output, re.M)}
    per_second = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    return Rate(per_second, latencies.get("50"), latencies.get("99"))


def wrk(url, script, workdir, connections, seconds):
    """Run wrk against ``url`` with the Lua ``script`` (it builds each request)."""
    lua = workdir / "requests.lua"
    lua.write_text(script)
    finished = subprocess.run(["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency",
                               "-s", str(lua), url], capture_output=True, text=True, check=True)
    # wrk reports a broken script on stderr and goes on requesting the bare URL: that figure would
    # measure another page. Answers other than 2xx/3xx would measure the errors.
    refused = re.search(r"Non-2xx or 3xx responses: \d+", finished.stdout)
    if finished.stderr.strip() or refused:
        raise RuntimeError(f"wrk: {finished.stderr.strip() or refused.group(0)}")
    return parse_wrk(finished.stdout)


def cycling(paths):
    """A wrk script sending ``paths`` (GET) in turn."""
    listed = ", ".join(f'"{path}"' for path in paths)
    return (f"local paths = {{{listed}}}\nlocal i = 0\n"
            "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n")


def all_different_searches(queries):
    """A wrk script whose every search differs (a new page of one of ``queries`` each time; pages past
    the last cost the same ranking and facets), so no stored answer helps."""
    listed = ", ".join(f'"{quote(q)}"' for q in queries)
    return (f"local queries = {{{listed}}}\nlocal i = 0\n"
            "request = function()\n  i = i + 1\n"
            "  local path = '/api/v1/search?q=' .. queries[i % #queries + 1]"
            " .. '&page=' .. (math.floor(i / #queries) % 5000 + 1)\n"
            "  return wrk.format('GET', path)\nend\n")


def posting(path, body):
    """A wrk script sending the same JSON ``body`` to ``path`` (POST)."""
    return ("wrk.method = 'POST'\nwrk.headers['Content-Type'] = 'application/json'\n"
            f"wrk.body = '{body}'\nrequest = function()\n  return wrk.format(nil, '{path}')\nend\n")


def percentiles(latencies_s):
    """p50 and p99 in milliseconds of latencies in seconds."""
    ordered = sorted(latencies_s)
    if not ordered:
        return None, None
    return ordered[len(ordered) // 2] * 1000, ordered[max(0, int(len(ordered) * 0.99) - 1)] * 1000


def mixed_load(base_url, paths, clients, seconds, timed=lambda path: True):
    """``clients`` threads, each requesting ``paths`` in turn (from a different start) for ``seconds``;
    the latencies (s) of the requests for which ``timed(path)`` holds."""
    latencies, lock, deadline = [], threading.Lock(), time.monotonic() + seconds

    def client(offset):
        with requests.Session() as http:
            n = offset
            while time.monotonic() < deadline:
                path = paths[n % len(paths)]
                started = time.perf_counter()
                http.get(base_url + path, timeout=30).raise_for_status()
                if timed(path):
                    with lock:
                        latencies.append(time.perf_counter() - started)
                n += 1

    threads = [threading.Thread(target=client, args=(n * len(paths) // clients,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies
