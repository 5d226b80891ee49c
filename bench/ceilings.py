"""The ceilings of ``bench/ceiling.py`` as processes beside a running network (its broker vhost)."""
import os
import subprocess
import sys
import uuid

import requests
from sqlalchemy import create_engine, text

from bench.network import POSTGRES_ADMIN_URL, eventually, free_port
from shared.config import REPO_ROOT


class NamekoProcess:
    """``nameko run`` of ``services`` (``module:Class``) with ``config`` (YAML text, the broker and
    web address added), stopped on exit."""

    def __init__(self, workdir, amqp_uri, services, config=""):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        path = workdir / f"nameko-{uuid.uuid4().hex[:8]}.yaml"
        path.write_text(f"AMQP_URI: {amqp_uri}\nWEB_SERVER_ADDRESS: 127.0.0.1:{self.port}\n{config}")
        self.command = [sys.executable, "-m", "nameko", "run", "--config", str(path), *services]

    def __enter__(self):
        self.process = subprocess.Popen(self.command, cwd=REPO_ROOT, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL,
                                        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONWARNINGS": "ignore"})
        return self

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:  # nameko waits for idle keep-alive connections: no need here
            self.process.kill()
            self.process.wait()


def answers(method, url):
    try:
        return requests.request(method, url, timeout=2).status_code < 500
    except requests.ConnectionError:
        return False


class ReadCeiling(NamekoProcess):
    def __init__(self, workdir, amqp_uri):
        super().__init__(workdir, amqp_uri, ["bench.ceiling:CeilingService"])

    def __enter__(self):
        super().__enter__()
        assert eventually(lambda: answers("GET", self.url + "/constant"), timeout=60), "потолок чтения не запустился"
        return self


class WriteCeiling:
    """The write ceiling: its HTTP handler and its store, two processes; the store's database is a
    fresh SQLite file in ``workdir`` or a fresh PostgreSQL database on the tests' server."""

    def __init__(self, workdir, amqp_uri, backend):
        self.backend, self.database = backend, f"bench_ceiling_{uuid.uuid4().hex[:8]}"
        url = (f"sqlite:///{workdir / self.database}.db" if backend == "sqlite"
               else f"{POSTGRES_ADMIN_URL.rsplit('/', 1)[0]}/{self.database}")
        self.store = NamekoProcess(workdir, amqp_uri, ["bench.ceiling:CeilingStore"], f"DATABASES:\n  ceiling: {url}\n")
        self.handler = NamekoProcess(workdir, amqp_uri, ["bench.ceiling:WriteCeilingService"])
        self.url = self.handler.url

    def _admin(self, statement):
        engine = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(text(statement))
        engine.dispose()

    def __enter__(self):
        if self.backend == "postgresql":
            self._admin(f'CREATE DATABASE "{self.database}"')
        self.store.__enter__()
        self.handler.__enter__()
        assert eventually(lambda: answers("POST", self.url + "/rows"), timeout=60), "потолок записи не запустился"
        return self

    def __exit__(self, *exc):
        self.handler.__exit__(*exc)
        self.store.__exit__(*exc)
        if self.backend == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
