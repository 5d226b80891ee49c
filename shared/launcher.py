"""Starting and stopping the network's processes: used by ``practice-network run`` and the tests."""
import os
import shutil
import signal
import subprocess
import sys
import time

import requests
from kombu import Connection

from shared.config import CONFIG_PATH, REPO_ROOT, SERVICES, gateway_base_url

# The gateway starts first: its event queues must exist before the services publish anything.
PROCESSES = ("gateway", *SERVICES)
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


class Network:
    """The processes of one running network: a nameko process per service plus the gateway."""

    def __init__(self, config, env=None, log_dir=None):
        self.config = config
        # eventlet announces its deprecation on every import; it is pinned on purpose (pyproject.toml).
        self.env = {"PYTHONWARNINGS": "ignore::DeprecationWarning", **os.environ, **(env or {})}
        self.log_dir = log_dir
        self.processes = {}
        self.base_url = gateway_base_url(config)

    def start(self, name, env=None):
        module = f"services.{name}.service:{name.capitalize()}Service"
        command = [sys.executable, "-m", "nameko", "run", "--config", str(CONFIG_PATH), module]
        output = None
        if self.log_dir:
            output = open(os.path.join(self.log_dir, f"{name}.log"), "ab")
        self.processes[name] = subprocess.Popen(
            command, cwd=REPO_ROOT, env={**self.env, **(env or {})}, stdout=output, stderr=subprocess.STDOUT if output else None)
        return self.processes[name]

    def start_all(self):
        self.start("gateway")
        self.wait_answering()
        for name in SERVICES:
            self.start(name)

    def wait_answering(self, timeout=60):
        """Wait until the gateway answers HTTP at all (its consumers are set up by then)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self.exited():
            try:
                return requests.get(self.base_url + "/health", timeout=timeout)
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError(f"шлюз не ответил за {timeout} с: {self.exited()}")

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
        for name in reversed(PROCESSES):
            self.stop(name)

    def exited(self):
        return {name: p.returncode for name, p in self.processes.items() if p.poll() is not None}

    def wait_healthy(self, timeout=60):
        """Wait until /health says every service is ok; raises with the last answer if not."""
        deadline = time.monotonic() + timeout
        last = "нет ответа"
        while time.monotonic() < deadline:
            if self.exited():
                raise RuntimeError(f"процессы завершились: {self.exited()}")
            try:
                response = requests.get(self.base_url + "/health", timeout=5)
                if response.status_code == 200:
                    return response.json()
                last = response.text
            except requests.RequestException as exc:
                last = str(exc)
            time.sleep(0.3)
        raise TimeoutError(f"сеть не поднялась за {timeout} с: {last}")
