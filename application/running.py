"""A running network of its own, for the integration and API tests and the benchmarks: its processes
(started as ``practice-network run`` starts them), broker vhost and databases."""
import os
import random
import socket
import subprocess
import sys
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from unittest import mock
from zoneinfo import ZoneInfo

import requests
from sqlalchemy import create_engine, text

from application.demo import load_demo_content
from application.launcher import Network, ensure_broker, installation_env
from application.waiting import eventually  # noqa: F401  (the tests' and benchmarks' one import of it)
from shared import config as settings
from shared.installation import broker_vhost

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test")
DATABASES = (*settings.SERVICES, "gateway")


# Ports for the network's listeners are taken below the kernel's range for outgoing connections
# (32768 and up): there, one of the many connections to RabbitMQ and PostgreSQL could take a port a
# second replica is about to listen on (replica n listens n - 1 ports, or 10 × (n - 1) for metrics, above).
# Ports handed out by this test run are never handed out again (a network binds them only later).
LISTENER_PORTS = range(20000, 32000)
_handed_out = set()


def free_port(span=11):
    """A port no one listens on, with the ``span - 1`` ports above it free too (for further replicas)."""
    while True:
        port = random.randrange(LISTENER_PORTS.start, LISTENER_PORTS.stop - span)
        ports = set(range(port, port + span))
        if not ports & _handed_out and all(_bindable(candidate) for candidate in ports):
            _handed_out.update(ports)
            return port


def _bindable(port):
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


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
    """Fresh PostgreSQL databases, one per service and one per further gateway replica, on the
    machine's server."""

    def __init__(self, prefix, replicas=1):
        self.admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
        base = POSTGRES_ADMIN_URL.rsplit("/", 1)[0]
        self.urls = {service: f"{base}/{prefix}_{service}" for service in DATABASES}
        replica_read_models = [settings.replica_database_url(self.urls["gateway"], replica)
                               for replica in range(2, replicas + 1)]
        self.created = [*self.urls.values(), *replica_read_models]
        with self.admin.connect() as connection:
            for url in self.created:
                name = url.rsplit("/", 1)[1]
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop(self):
        with self.admin.connect() as connection:
            for url in self.created:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
        self.admin.dispose()


class RunningNetwork:
    """Every service and the gateway, started as ``make run`` starts them (``replicas`` of each, as
    ``make run-cluster`` does; each gateway as a projector and ``http_workers`` HTTP workers, one unless
    asked: the machine is shared by the tests), on a private vhost. With ``installation_vhost`` the vhost is the one
    ``practice-network run`` gives an installation when no AMQP_URI is set (its own, named by its id).
    Either way no JWT_SECRET is given: the launcher generates the installation's keys in its VAR_DIR."""

    def __init__(self, backend, work_dir, env=None, replicas=1, installation_vhost=False, http_workers=1):
        self.backend = backend
        self.replicas = replicas
        self.work_dir = Path(work_dir)
        base_config = settings.load()
        ensure_broker(base_config["AMQP_URI"])
        self.vhost = None if installation_vhost else BrokerVhost(base_config["AMQP_URI"])
        prefix = f"pn_{uuid.uuid4().hex[:10]}"
        self.postgres = PostgresDatabases(prefix, replicas) if backend == "postgresql" else None
        self.env = {
            **({} if installation_vhost else {"AMQP_URI": self.vhost.uri}),
            "VAR_DIR": str(self.work_dir / "var"),
            "GATEWAY_PORT": str(free_port()),
            "PYTHONWARNINGS": "ignore::DeprecationWarning",
            "OUTBOX_RELAY_INTERVAL": "0.05",
            "READ_MODEL_CATCH_UP_SECONDS": "2",
            "RPC_TIMEOUT_SECONDS": "10",
            **{f"{service.upper()}_METRICS_PORT": str(free_port()) for service in settings.SERVICES},
            # Every test signs in from 127.0.0.1: the per-address lockout (tests/unit) must not stop them.
            "LOGIN_MAX_FAILURES_PER_ADDRESS": "100000",
        }
        for service, url in (self.postgres.urls.items() if self.postgres else ()):
            self.env[f"{service.upper()}_DB_URL"] = url
        self.env.update(env or {})
        if installation_vhost:
            self.env.update(self.installation_env())
        self.config = self.load_config()
        self.processes = Network(self.config, self.env, log_dir=str(self.work_dir), replicas=replicas,
                                 http_workers=http_workers)
        self.base_url = self.processes.base_url
        self._tokens = {}

    def load_config(self):
        with mock.patch.dict(os.environ, self.env):
            return settings.load()

    def installation_env(self):
        """What ``practice-network run`` gives the processes when the operator sets no AMQP_URI."""
        with mock.patch.dict(os.environ, self.env):
            os.environ.pop("AMQP_URI", None)
            return installation_env(settings.load(), self.replicas)

    def cli(self, *args, check=True):
        """``practice-network *args`` with this network's settings; its output, or an error showing it."""
        command = [sys.executable, "-m", "application.cli", *args]
        done = subprocess.run(command, env={**os.environ, **self.env}, cwd=settings.REPO_ROOT,
                              capture_output=True, text=True)
        if check and done.returncode != 0:
            raise AssertionError(f"practice-network {' '.join(args)}: код {done.returncode}\n{done.stderr}")
        return done

    def start(self, demo=True, content=True):
        """Migrate, then start every process; ``demo`` adds the demo accounts first, and ``content`` their
        entries and festivals once the network runs (as ``practice-network run`` does)."""
        self.cli("migrate", "--replicas", str(self.replicas))
        if demo:
            self.cli("load-demo")
        self.processes.start_all(timeout=90)
        if demo and content:
            load_demo_content(self.base_url)
        return self

    def close(self):
        self.processes.stop_all()
        if self.vhost:
            self.vhost.delete()
        else:
            rabbitmqctl("delete_vhost", broker_vhost(self.env["AMQP_URI"]))
        if self.postgres:
            self.postgres.drop()

    def rebuild_read_model(self, timeout=90):
        """``practice-network rebuild-read-model``, then wait until the gateway says (``/health``) it has read
        every owner's log again: a test leaves the shared network as it found it. A catch-up already past
        the catalog's log when the read model was emptied refills the rest first, and the people's names
        only on its next round."""
        self.cli("rebuild-read-model")
        assert eventually(lambda: self.api("GET", "/health").json()["read_model"] == "ok", timeout=timeout), \
            "модель чтения не восстановилась"

    def url(self, path, gateway=1):
        """``path`` on gateway replica ``gateway`` (1 is the one ``make run`` has too)."""
        return self.processes.base_urls[gateway - 1] + path

    def token(self, username, password="demo"):
        if username not in self._tokens:
            response = requests.post(self.url("/api/v1/auth/token"),
                                     json={"username": username, "password": password}, timeout=10)
            response.raise_for_status()
            self._tokens[username] = response.json()["access_token"]
        return self._tokens[username]

    def api(self, method, path, user=None, gateway=1, **kwargs):
        """An HTTP call to gateway replica ``gateway``, signed in as ``user`` (a demo username) if given."""
        headers = kwargs.pop("headers", {})
        if user:
            headers["Authorization"] = "Bearer " + self.token(user)
        kwargs.setdefault("timeout", 30)
        return requests.request(method, self.url(path, gateway), headers=headers, **kwargs)

    def metrics_url(self, service, replica=1):
        """Where replica ``replica`` of ``service`` serves its metrics (each gateway at its /metrics)."""
        if service in ("gateway", "projector"):  # the gateway's /metrics adds up all its processes
            return self.url("/metrics", replica)
        port = int(self.env[service.upper() + "_METRICS_PORT"])
        return f"http://127.0.0.1:{port + 10 * (replica - 1)}/metrics"

    @contextmanager
    def database_refusing_connections(self, service):
        """While inside, ``service``'s PostgreSQL database refuses connections and has none open: as if
        its server were down, while everything else runs."""
        database = self.postgres.urls[service].rsplit("/", 1)[1]
        with self.postgres.admin.connect() as connection:
            connection.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false'))
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name"),
                               {"name": database})
        try:
            yield
        finally:
            with self.postgres.admin.connect() as connection:
                connection.execute(text(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true'))

    def log(self, name):
        return (self.work_dir / f"{name}.log").read_text(errors="replace")


def session_a_week_ahead(network, entry_id, capacity=12, methodist="methodist-kyshtym"):
    """A new two-hour session of the trial ``entry_id`` a week from now; its id."""
    starts = datetime.now(ZoneInfo("Asia/Yekaterinburg")).replace(microsecond=0) + timedelta(days=7)
    response = network.api("POST", f"/api/v1/practices/{entry_id}/sessions", methodist, json={
        "starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "capacity": capacity, "place": "Кабинет 12"})
    assert response.status_code == 201, response.text
    session_id = response.json()["id"]
    # A published trial's page reads its sessions from the gateway's read model: wait for this one there
    # (a draft's page is the practices service's, a guest's 404).
    page = network.url(f"/practices/{entry_id}")
    eventually(lambda: (shown := requests.get(page, timeout=30)).status_code == 404
               or f'data-session="{session_id}"' in shown.text)
    return session_id
