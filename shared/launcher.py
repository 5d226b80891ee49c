"""Starting and stopping the network's processes: used by ``practice-network run`` and the tests."""
import os
import shutil
import signal
import subprocess
import sys
import time

import requests
from kombu import Connection

from shared.config import CONFIG_PATH, REPO_ROOT, SERVICES, database_url, gateway_base_url, replica_database_url

BROKER_START_SECONDS = 60


class BrokerMissing(RuntimeError):
    pass


def broker_reachable(amqp_uri):
    try:
        with Connection(amqp_uri, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
        return True
    except Exception:  # kombu raises a variety of socket and AMQP errors here
        return False


def ensure_broker(amqp_uri):
    """Make sure RabbitMQ answers; start a locally installed one if it does not."""
    if broker_reachable(amqp_uri):
        return "running"
    if shutil.which("rabbitmq-server") is None:
        raise BrokerMissing(
            f"RabbitMQ не отвечает по адресу {amqp_uri} и не установлен на этой машине. "
            "Установите его (apt-get install rabbitmq-server) или укажите AMQP_URI работающего брокера.")
    subprocess.run(["rabbitmq-server", "-detached"], check=False)
    deadline = time.monotonic() + BROKER_START_SECONDS
    while time.monotonic() < deadline:
        if broker_reachable(amqp_uri):
            return "started"
        time.sleep(1)
    raise BrokerMissing(f"RabbitMQ запущен, но не ответил за {BROKER_START_SECONDS} с по адресу {amqp_uri}")


def replica_name(name, replica):
    """``practices`` for the first replica, ``practices-2`` for the second: process and log names."""
    return name if replica == 1 else f"{name}-{replica}"


def replica_env(config, name, replica):
    """What a further replica on the same machine needs of its own: the gateway a port and a read model,
    a service a metrics port (ten above the previous replica's). The first replica uses the config's."""
    if replica == 1:
        return {}
    if name == "gateway":
        return {"GATEWAY_PORT": gateway_base_url(config, replica).rsplit(":", 1)[1],
                "GATEWAY_DB_URL": replica_database_url(database_url(config, "gateway"), replica)}
    port = int((config.get("METRICS_PORTS") or {}).get(name) or 0)
    return {f"{name.upper()}_METRICS_PORT": str(port + 10 * (replica - 1) if port else 0)}


class Network:
    """The processes of one running network: nameko processes of every service and of the gateway,
    ``replicas`` of each, all on one broker; the services' replicas share their databases."""

    def __init__(self, config, env=None, log_dir=None, replicas=1):
        self.config = config
        # eventlet announces its deprecation on every import; it is pinned on purpose (pyproject.toml).
        self.env = {"PYTHONWARNINGS": "ignore::DeprecationWarning", **os.environ, **(env or {})}
        self.log_dir = log_dir
        self.replicas = replicas
        self.processes = {}
        self.base_urls = [gateway_base_url(config, replica) for replica in range(1, replicas + 1)]
        self.base_url = self.base_urls[0]

    def start(self, name, env=None, replica=1):
        """Start replica ``replica`` of service ``name``; its process is known as ``replica_name``."""
        key = replica_name(name, replica)
        module = f"services.{name}.service:{name.capitalize()}Service"
        command = [sys.executable, "-m", "nameko", "run", "--config", str(CONFIG_PATH), module]
        output = None
        if self.log_dir:
            output = open(os.path.join(self.log_dir, f"{key}.log"), "ab")
        env = {**replica_env(self.config, name, replica), **(env or {})}
        self.processes[key] = subprocess.Popen(
            command, cwd=REPO_ROOT, env={**self.env, **(env or {})}, stdout=output,
            stderr=subprocess.STDOUT if output else None)
        return self.processes[key]

    def start_all(self):
        """The gateways first, so that their event queues exist before the services publish anything
        (what they miss they would read from the services' logs, but only seconds later)."""
        for replica in range(1, self.replicas + 1):
            self.start("gateway", replica=replica)
        self.wait_answering()
        for name in SERVICES:
            for replica in range(1, self.replicas + 1):
                self.start(name, replica=replica)

    def wait_answering(self, timeout=60):
        """Wait until every gateway answers HTTP at all (their consumers are set up by then)."""
        deadline = time.monotonic() + timeout
        for base_url in self.base_urls:
            while not self._answers(base_url):
                if time.monotonic() > deadline or self.exited():
                    raise RuntimeError(f"шлюз {base_url} не ответил за {timeout} с: {self.exited()}")
                time.sleep(0.2)

    @staticmethod
    def _answers(base_url):
        try:
            requests.get(base_url + "/health", timeout=5)
            return True
        except requests.ConnectionError:
            return False

    def stop(self, name, sig=signal.SIGTERM, timeout=20):
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        process.send_signal(sig)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def kill(self, name):
        """Stop a service the hard way (``kill -9``), as a crash would."""
        self.stop(name, sig=signal.SIGKILL)

    def stop_all(self):
        """The gateways first: a gateway stopping waits for its workers, and one of them may be waiting
        for a service's answer (catching up from its log), which a stopped service never gives."""
        for name in sorted(self.processes, key=lambda key: not key.startswith("gateway")):
            self.stop(name)

    def exited(self):
        return {name: p.returncode for name, p in self.processes.items() if p.poll() is not None}

    def wait_healthy(self, timeout=60):
        """Wait until every gateway's /health says every service is ok; raises with the last answer if not."""
        deadline = time.monotonic() + timeout
        for base_url in self.base_urls:
            last = "нет ответа"
            while not self._healthy(base_url):
                if self.exited():
                    raise RuntimeError(f"процессы завершились: {self.exited()}")
                if time.monotonic() > deadline:
                    raise TimeoutError(f"сеть не поднялась за {timeout} с ({base_url}): {last}")
                time.sleep(0.3)

    @staticmethod
    def _healthy(base_url):
        try:
            return requests.get(base_url + "/health", timeout=5).status_code == 200
        except requests.RequestException:
            return False
