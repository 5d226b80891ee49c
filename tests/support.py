"""The running network used by integration and API tests: its processes, broker vhost and databases."""
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from unittest import mock

import requests
from sqlalchemy import create_engine, text

from shared import config as settings
from shared.demo import load_demo_content
from shared.launcher import Network, ensure_broker

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+pg8000://postgres@127.0.0.1:5432/test")
DATABASES = (*settings.SERVICES, "gateway")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rabbitmqctl(*args):
    return subprocess.run(["rabbitmqctl", "-q", *args], capture_output=True, text=True, check=True)


class BrokerVhost:
    """A RabbitMQ virtual host of one test run, so tests never meet another network's queues."""

    def __init__(self, base_uri):
        self.name = f"pn-test-{uuid.uuid4().hex[:10]}"
        rabbitmqctl("add_vhost", self.name)
        rabbitmqctl("set_permissions", "-p", self.name, "guest", ".*", ".*", ".*")
        self.uri = base_uri.rstrip("/") + "/" + self.name

    def delete(self):
        rabbitmqctl("delete_vhost", self.name)


class PostgresDatabases:
    """Fresh PostgreSQL databases, one per service, on the machine's server."""

    def __init__(self, prefix):
        self.admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        self.urls = {}
        base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        with self.admin.connect() as connection:
            for service in DATABASES:
                name = f"{prefix}_{service}"
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                connection.execute(text(f'CREATE DATABASE "{name}"'))
                self.urls[service] = f"{base}/{name}"

    def drop(self):
        with self.admin.connect() as connection:
            for url in self.urls.values():
                connection.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
        self.admin.dispose()


class RunningNetwork:
    """Every service and the gateway, started as ``make run`` starts them, on a private vhost."""

    def __init__(self, backend, work_dir, env=None):
        self.backend = backend
        self.work_dir = Path(work_dir)
        base_config = settings.load()
        ensure_broker(base_config["AMQP_URI"])
        self.vhost = BrokerVhost(base_config["AMQP_URI"])
        self.postgres = PostgresDatabases(f"pn_{self.vhost.name[8:]}") if backend == "postgresql" else None
        self.env = {
            "AMQP_URI": self.vhost.uri,
            "VAR_DIR": str(self.work_dir / "var"),
            "GATEWAY_PORT": str(free_port()),
            "PYTHONWARNINGS": "ignore::DeprecationWarning",
            "OUTBOX_RELAY_INTERVAL": "0.05",
            "READ_MODEL_CATCH_UP_SECONDS": "2",
            "RPC_TIMEOUT_SECONDS": "10",
            # Every test signs in from 127.0.0.1: the per-address lockout (tests/unit) must not stop them.
            "LOGIN_MAX_FAILURES_PER_ADDRESS": "100000",
        }
        for service, url in (self.postgres.urls.items() if self.postgres else ()):
            self.env[f"{service.upper()}_DB_URL"] = url
        self.env.update(env or {})
        self.config = self.load_config()
        self.processes = Network(self.config, self.env, log_dir=str(self.work_dir))
        self.base_url = self.processes.base_url
        self._tokens = {}

    def load_config(self):
        with mock.patch.dict(os.environ, self.env):
            return settings.load()

    def cli(self, *args):
        command = [sys.executable, "-m", "shared.cli", *args]
        subprocess.run(command, env={**os.environ, **self.env}, cwd=settings.REPO_ROOT, check=True,
                       capture_output=True)

    def start(self):
        self.cli("migrate")
        self.cli("load-demo")
        self.processes.start_all()
        self.processes.wait_healthy(timeout=90)
        load_demo_content(self.base_url)
        return self

    def close(self):
        self.processes.stop_all()
        self.vhost.delete()
        if self.postgres:
            self.postgres.drop()

    def url(self, path):
        return self.base_url + path

    def token(self, username, password="demo"):
        if username not in self._tokens:
            response = requests.post(self.url("/api/v1/auth/token"),
                                     json={"username": username, "password": password}, timeout=10)
            response.raise_for_status()
            self._tokens[username] = response.json()["access_token"]
        return self._tokens[username]

    def api(self, method, path, user=None, **kwargs):
        """An HTTP call to the gateway, signed in as ``user`` (a demo username) if given."""
        headers = kwargs.pop("headers", {})
        if user:
            headers["Authorization"] = "Bearer " + self.token(user)
        kwargs.setdefault("timeout", 30)
        return requests.request(method, self.url(path), headers=headers, **kwargs)

    def log(self, name):
        return (self.work_dir / f"{name}.log").read_text(errors="replace")


def eventually(check, timeout=10, interval=0.1):
    """Retry ``check`` until it returns a truthy value (read models are updated by events)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(interval)
