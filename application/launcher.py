"""Starting, supervising and stopping the network's processes: used by ``practice-network run``, the
tests and the benchmarks (application/running.py)."""
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import requests

from application.supervision import RestartPolicy, how_it_ended, seconds
from shared import installation
from shared.config import CONFIG_PATH, REPO_ROOT, SERVICES, database_url, gateway_base_url, replica_database_url
from shared.installation import InstallationError, broker_answers
from shared.listening import LISTEN_FD_ENV, SHARES_ENV, WORKER_ENV, create_shares, listening_socket
from shared.metrics import RESTARTS_ENV

BROKER_START_SECONDS = 60
# A second installation on this machine whose default ports are taken moves them all by one step:
# the gateway's by 10 (room for 9 replicas on consecutive ports), the metrics ports by 100.
PORT_ATTEMPTS = 50
# How often the supervisor looks for a process that ended.
SUPERVISION_INTERVAL = 0.2


class BrokerMissing(RuntimeError):
    pass


def ensure_broker(amqp_uri):
    """Make sure RabbitMQ answers; start a locally installed one if it does not."""
    if broker_answers(amqp_uri):
        return "running"
    if shutil.which("rabbitmq-server") is None:
        raise BrokerMissing(
            f"RabbitMQ не отвечает по адресу {amqp_uri} и не установлен на этой машине. "
            "Установите его (apt-get install rabbitmq-server) или укажите AMQP_URI работающего брокера.")
    subprocess.run(["rabbitmq-server", "-detached"], check=False)
    deadline = time.monotonic() + BROKER_START_SECONDS
    while time.monotonic() < deadline:
        if broker_answers(amqp_uri):
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


def claim(config):
    """Refuse a second ``run`` of the same installation (the same VAR_DIR): its databases and queues
    are this one's. Returns the open lock file, held until this process ends; :func:`announce` fills it."""
    var_dir = Path(config.get("VAR_DIR") or "var").resolve()
    var_dir.mkdir(parents=True, exist_ok=True)
    lock = open(var_dir / "run.lock", "a+", encoding="utf-8")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        lock.seek(0)
        try:
            running = json.loads(lock.read() or "{}")
        except ValueError:  # being written at this very moment
            running = {}
        lock.close()
        raise InstallationError(
            f"Эта установка ({var_dir}) уже запущена: процесс {running.get('pid', '?')}, "
            f"{', '.join(running.get('addresses', [])) or 'адрес ещё не выбран'}. Остановите её (Ctrl-C) или "
            "запустите вторую сеть из другого каталога (или с другим VAR_DIR).") from None
    return lock


def announce(lock, addresses):
    """Write who holds the lock, for the message of a second start."""
    lock.seek(0)
    lock.truncate()
    lock.write(json.dumps({"pid": os.getpid(), "addresses": addresses}))
    lock.flush()


def installation_env(config, replicas=1):
    """The environment every process of this installation gets: its keys and identity
    (shared/installation.py), its own RabbitMQ virtual host unless AMQP_URI is set explicitly, and
    listener ports free on this machine. Raises InstallationError rather than start half of it."""
    env = installation.settings(config)
    if not os.environ.get("AMQP_URI"):
        env["AMQP_URI"] = installation.own_vhost_uri(config["AMQP_URI"], env["INSTALLATION_ID"])
    env.update(free_ports(config, replicas))
    return env


def free_ports(config, replicas):
    """``{GATEWAY_PORT, <SERVICE>_METRICS_PORT}``: the configured ones when free. A port the operator
    set explicitly must be free; default ones taken (by another installation) all move one step up."""
    host, gateway_port = config["WEB_SERVER_ADDRESS"].rsplit(":", 1)
    metrics_host = config.get("METRICS_HOST") or "127.0.0.1"
    # name: (host, port, spacing of further replicas' ports, step when moved)
    listeners = {"GATEWAY_PORT": (host, int(gateway_port), 1, 10)}
    for service, port in (config.get("METRICS_PORTS") or {}).items():
        if int(port or 0):  # 0: not served
            listeners[f"{service.upper()}_METRICS_PORT"] = (metrics_host, int(port), 10, 100)
    for name, (address, port, spacing, _) in listeners.items():
        if os.environ.get(name) and not _free(address, port, spacing, replicas):
            raise InstallationError(f"Порт {port} ({name}) на {address} занят: освободите его или задайте другой")
    movable = [name for name in listeners if not os.environ.get(name)]
    for attempt in range(PORT_ATTEMPTS):
        chosen = {name: port + (attempt * step if name in movable else 0)
                  for name, (_, port, _, step) in listeners.items()}
        if all(_free(listeners[name][0], chosen[name], listeners[name][2], replicas) for name in movable):
            return {name: str(port) for name, port in chosen.items()}
    raise InstallationError("Не нашлось свободных портов для шлюза и метрик: задайте GATEWAY_PORT и "
                            "<СЕРВИС>_METRICS_PORT явно")


def _free(host, port, spacing, replicas):
    """Nobody listens on ``port`` nor on the ports of further replicas (``spacing`` apart)."""
    for candidate in range(port, port + spacing * replicas, spacing):
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
            # A port left in TIME_WAIT by this installation's previous run is free to take again.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, candidate))
            except OSError:
                return False
    return True


# The gateway runs as two kinds of process (services/gateway/service.py): HTTP workers sharing its port,
# and one projector writing the read model they read. Every other service is one process per replica.
MODULES = {"gateway": "services.gateway.service:GatewayService",
           "projector": "services.gateway.service:ProjectorService"}


def default_http_workers(replicas=1):
    """HTTP workers per gateway: one per core (at least 2) for one replica; one each in cluster mode."""
    return max(2, os.cpu_count() or 1) if replicas == 1 else 1


def worker_name(replica, worker):
    """``gateway`` (``gateway-2`` for replica 2) for the first HTTP worker, ``gateway-worker2`` for the next."""
    key = replica_name("gateway", replica)
    return key if worker == 1 else f"{key}-worker{worker}"


class Network:
    """The processes of one running network: nameko processes of every service, ``replicas`` of each,
    and per gateway replica ``http_workers`` HTTP workers on its port and one projector writing its
    read model; all on one broker; the services' replicas share their databases.

    Once started (:meth:`start_all`) it supervises them: a process that ends without being stopped
    through :meth:`stop` or :meth:`kill` is started again as :class:`RestartPolicy` says, and each
    restart is said in Russian on stderr (and in ``launcher.log`` of ``log_dir``) and counted."""

    def __init__(self, config, env=None, log_dir=None, replicas=1, http_workers=1, policy=None):
        self.config = config
        # eventlet announces its deprecation on every import; it is pinned on purpose (pyproject.toml).
        self.env = {"PYTHONWARNINGS": "ignore::DeprecationWarning", **os.environ, **(env or {})}
        # Every process signs and checks with this installation's keys, generated on the first start.
        self.env.update(installation.settings(config))
        self.log_dir = log_dir
        self.replicas = replicas
        self.http_workers = http_workers
        self.processes = {}
        self.base_urls = [gateway_base_url(config, replica) for replica in range(1, replicas + 1)]
        self.base_url = self.base_urls[0]
        self.policy = policy or RestartPolicy()
        self.restarts = Counter()  # process name: times the supervisor started it again
        self.given_up = {}  # process name: its last exit code, once it is no longer restarted
        self._started_as = {}  # process name: (service, replica, env) of its last start
        self._due = {}  # process name: monotonic time of its pending restart
        self._lock = threading.RLock()  # the supervisor and a caller's stop/start take turns
        self._supervisor = None
        self._closing = threading.Event()
        self._listeners = {}  # gateway replica: the port its HTTP workers share (shared/listening.py)

    def command(self, name):
        module = MODULES.get(name, f"services.{name}.service:{name.capitalize()}Service")
        return [sys.executable, "-m", "nameko", "run", "--config", str(CONFIG_PATH), module]

    def start(self, name, env=None, replica=1, worker=1):
        """Start replica ``replica`` of service ``name`` (``gateway``: its HTTP worker ``worker``;
        ``projector``: the gateway replica's projector); its process is known as ``replica_name``."""
        key = worker_name(replica, worker) if name == "gateway" else replica_name(name, replica)
        with self._lock:
            self._due.pop(key, None)
            self.given_up.pop(key, None)
            self._started_as[key] = (name, replica, env)
            self.processes[key] = self._spawn(key, name, replica, env, restarts=self.restarts[key])
            return self.processes[key]

    def _spawn(self, key, name, replica, env, restarts):
        output = None
        if self.log_dir:
            output = open(os.path.join(self.log_dir, f"{key}.log"), "ab")
        env = {**replica_env(self.config, "gateway" if name in MODULES else name, replica),
               **(self.gateway_env(replica) if name in MODULES else {}), **(env or {}),
               RESTARTS_ENV: str(restarts)}
        # A process group of its own: Ctrl-C reaches the launcher only, which stops the processes in order
        # (and knows it is stopping them, so it does not start them again).
        return subprocess.Popen(
            self.command(name), cwd=REPO_ROOT, env={**self.env, **env}, stdout=output,
            stderr=subprocess.STDOUT if output else None, process_group=0,
            pass_fds=(int(env[LISTEN_FD_ENV]),) if LISTEN_FD_ENV in env else ())

    def gateway_env(self, replica):
        """What the processes of one gateway replica share: the worker count (they bind its port together)
        and the directory where each writes its metrics, which /metrics adds up (shared/metrics.py)."""
        self.metrics_dir(replica).mkdir(parents=True, exist_ok=True)  # a process started again alone
        return {"GATEWAY_HTTP_WORKERS": str(self.http_workers),
                "PROMETHEUS_MULTIPROC_DIR": str(self.metrics_dir(replica))}

    def metrics_dir(self, replica):
        var_dir = Path(REPO_ROOT, self.env.get("VAR_DIR") or self.config.get("VAR_DIR") or "var")
        return var_dir / "metrics" / replica_name("gateway", replica)

    def start_gateway(self, replica):
        """The projector first (its queue then exists before anything is published), then the HTTP
        workers, on a fresh metrics directory (what a previous run counted is not this run's)."""
        shutil.rmtree(self.metrics_dir(replica), ignore_errors=True)
        self.start("projector", replica=replica)
        shared = self.open_port(replica) if self.http_workers > 1 else {}
        for worker in range(1, self.http_workers + 1):
            self.start("gateway", replica=replica, worker=worker, env=shared and {**shared, WORKER_ENV: str(worker)})

    def open_port(self, replica):
        """For several HTTP workers: the port they all take connections from, opened here once, and the
        counters of the connections each holds (shared/listening.py); a worker started again gets the same."""
        if replica not in self._listeners:
            address = urlsplit(self.base_urls[replica - 1])
            self._listeners[replica] = listening_socket(address.hostname, address.port)
        counters = self.metrics_dir(replica) / "connections"
        counters.parent.mkdir(parents=True, exist_ok=True)
        create_shares(counters, self.http_workers)
        return {LISTEN_FD_ENV: str(self._listeners[replica].fileno()), SHARES_ENV: str(counters)}

    def start_all(self, timeout=120):
        """Start everything, wait until every gateway reports every service healthy, then supervise.

        The gateways first, so that their event queues exist before the services publish anything
        (what they miss they would read from the services' logs, but only seconds later)."""
        for replica in range(1, self.replicas + 1):
            self.start_gateway(replica)
        self.wait_answering()
        for name in SERVICES:
            for replica in range(1, self.replicas + 1):
                self.start(name, replica=replica)
        self.wait_healthy(timeout)
        self.supervise()

    def supervise(self):
        """From now on start again a process that ends without being stopped on purpose."""
        self._supervisor = threading.Thread(target=self._watch, name="supervisor", daemon=True)
        self._supervisor.start()

    def _watch(self):
        while not self._closing.wait(SUPERVISION_INTERVAL):
            with self._lock:
                self._restart_due(time.monotonic())

    def _restart_due(self, now):
        """Notice the processes that ended, and start those whose delay is over."""
        for key, process in list(self.processes.items()):
            if process.poll() is None:
                continue
            del self.processes[key]
            delay = self.policy.delay(key, now)
            ended = f"Процесс {key} (pid {process.pid}) завершился: {how_it_ended(process.returncode)}"
            if delay is None:
                self.given_up[key] = process.returncode
                self.say(f"{ended}. Перезапусков за минуту уже {self.policy.per_minute}: больше не "
                         f"перезапускаю, остальные процессы работают. Причина — в журнале процесса.")
            else:
                self._due[key] = now + delay
                self.say(f"{ended}. Перезапуск № {self.restarts[key] + 1} через {seconds(delay)} с")
        for key, due in list(self._due.items()):
            if due <= now:
                del self._due[key]
                name, replica, env = self._started_as[key]
                self.processes[key] = self._spawn(key, name, replica, env, restarts=self.restarts[key] + 1)
                self.restarts[key] += 1
                self.say(f"Процесс {key} запущен снова (pid {self.processes[key].pid}), "
                         f"перезапуск № {self.restarts[key]}")

    def say(self, line):
        """A line of the supervisor: on stderr, and in ``launcher.log`` beside the processes' logs."""
        print(line, file=sys.stderr, flush=True)
        if self.log_dir:
            with open(os.path.join(self.log_dir, "launcher.log"), "a", encoding="utf-8") as log:
                log.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {line}\n")

    def running(self):
        """Whether any process runs or is about to be started again."""
        with self._lock:
            return bool(self.processes or self._due)

    def wait_answering(self, timeout=60):
        """Wait until every HTTP worker of every gateway answers HTTP at all (their consumers are set up
        by then): each says its process id in /health, and new connections reach each in turn."""
        deadline = time.monotonic() + timeout
        for replica, base_url in enumerate(self.base_urls, start=1):
            workers = {self.processes[worker_name(replica, worker)].pid for worker in range(1, self.http_workers + 1)
                       if worker_name(replica, worker) in self.processes}
            while not workers <= self._answering(base_url):
                if time.monotonic() > deadline or self.exited():
                    raise RuntimeError(f"шлюз {base_url} не ответил за {timeout} с: {self.exited()}")
                time.sleep(0.2)

    @staticmethod
    def _answering(base_url, tries=8):
        """The process ids of the HTTP workers that answered ``tries`` new connections, made at once
        (each /health may wait for the services' replies)."""
        def worker():
            try:
                return requests.get(base_url + "/health", timeout=10, headers={"Connection": "close"}).json()["worker"]
            except (requests.ConnectionError, requests.Timeout):  # not listening yet, or busy starting
                return None
            except (ValueError, KeyError):  # answering, but not a gateway's /health
                return None

        with ThreadPoolExecutor(tries) as pool:
            return set(pool.map(lambda _: worker(), range(tries))) - {None}

    def stop(self, name, sig=signal.SIGTERM, timeout=20):
        self._stop_together([name], sig, timeout)

    def _stop_together(self, names, sig=signal.SIGTERM, timeout=20):
        """Signal every one of ``names`` at once, then wait for them (each gets ``timeout`` seconds in
        all, not one after another); a process still running then is killed. None is started again."""
        with self._lock:
            for name in names:
                self._due.pop(name, None)
            running = [process for process in (self.processes.pop(name, None) for name in names)
                       if process is not None and process.poll() is None]
            for process in running:
                process.send_signal(sig)
        deadline = time.monotonic() + timeout
        for process in running:
            try:
                process.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def kill(self, name):
        """Stop a service the hard way (``kill -9``), as a crash would, but on purpose: not restarted."""
        self.stop(name, sig=signal.SIGKILL)

    def stop_all(self):
        """Stop supervising, then the gateways first: a gateway stopping waits for its workers, and one
        of them may be waiting for a service's answer (catching up from its log), which a stopped service
        never gives."""
        self._closing.set()
        if self._supervisor is not None:
            self._supervisor.join()
        gateways = [name for name in self.processes if name.startswith(("gateway", "projector"))]
        self._stop_together(gateways)
        self._stop_together(list(self.processes))
        for listener in self._listeners.values():
            listener.close()
        self._listeners.clear()

    def exited(self):
        """``{name: exit code}`` of the processes that ended and are not (or not yet) started again."""
        with self._lock:
            ended = {name: p.returncode for name, p in self.processes.items() if p.poll() is not None}
            return {**self.given_up, **ended}

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
