"""The launcher's supervisor on stand-in processes (a sleeping or a crashing Python), without a network:
when it starts a process again, when it gives up, and that a process stopped on purpose stays stopped.
The real processes under kill -9: tests/integration/test_supervision.py."""
import os
import signal
import sys
import time

import pytest

from application.launcher import Network
from application.running import eventually
from application.supervision import RestartPolicy, how_it_ended, seconds
from shared.metrics import RESTARTS_ENV

SLEEPS = [sys.executable, "-c", "import time; time.sleep(60)"]
CRASHES = [sys.executable, "-c", "import sys; sys.exit(3)"]


class StandIns(Network):
    """A Network whose processes are the given commands (by process name) instead of nameko services."""

    commands = {}

    def command(self, name):
        return self.commands[name]


@pytest.fixture
def stand_ins(tmp_path):
    def make(commands, policy=None):
        network = StandIns({"VAR_DIR": str(tmp_path), "WEB_SERVER_ADDRESS": "127.0.0.1:1"},
                           log_dir=str(tmp_path), policy=policy)
        network.commands = commands
        for name in commands:
            network.start(name)
        network.supervise()
        made.append(network)
        return network

    made = []
    yield make
    for network in made:
        network.stop_all()


def test_the_delay_doubles_up_to_its_ceiling_and_the_policy_gives_up_past_the_limit_per_minute():
    policy = RestartPolicy(first_delay=0.5, max_delay=3, per_minute=5)
    assert [policy.delay("practices", now) for now in range(5)] == [0.5, 1, 2, 3, 3]
    assert policy.delay("practices", 5) is None
    assert policy.delay("festivals", 5) == 0.5, "each process has its own count"
    # A minute after the first restart it no longer counts: the next one is allowed, still slowed down.
    assert policy.delay("practices", 60) == 3
    assert policy.delay("practices", 200) == 0.5, "a quiet minute starts the backoff over"


def test_exit_statuses_and_delays_read_in_russian():
    assert how_it_ended(-signal.SIGKILL) == "сигнал SIGKILL"
    assert how_it_ended(3) == "код 3"
    assert seconds(0.5) == "0,5" and seconds(10) == "10"


def test_a_killed_process_is_started_again_the_others_untouched_and_the_restart_logged_and_counted(stand_ins, tmp_path):
    network = stand_ins({"practices": SLEEPS, "catalog": SLEEPS}, RestartPolicy(first_delay=0.05))
    victim, bystander = network.processes["practices"].pid, network.processes["catalog"].pid
    os.kill(victim, signal.SIGKILL)
    assert eventually(lambda: network.restarts["practices"] == 1, timeout=5)
    restarted = network.processes["practices"]
    assert restarted.pid != victim and restarted.poll() is None
    assert network.processes["catalog"].pid == bystander
    assert restarted.args == SLEEPS
    log = (tmp_path / "launcher.log").read_text(encoding="utf-8")
    assert f"Процесс practices (pid {victim}) завершился: сигнал SIGKILL. Перезапуск № 1 через 0,05 с" in log
    assert f"Процесс practices запущен снова (pid {restarted.pid}), перезапуск № 1" in log
    assert not network.exited()


def test_the_restart_count_reaches_the_process_it_starts(stand_ins, tmp_path):
    says = [sys.executable, "-c", f"import os, time; print(os.environ['{RESTARTS_ENV}'], flush=True); time.sleep(60)"]
    network = stand_ins({"catalog": says}, RestartPolicy(first_delay=0.05))
    assert eventually(lambda: (tmp_path / "catalog.log").read_text() == "0\n", timeout=5)
    network.processes["catalog"].kill()
    assert eventually(lambda: (tmp_path / "catalog.log").read_text() == "0\n1\n", timeout=5)


def test_a_process_that_keeps_crashing_is_given_up_and_the_others_keep_running(stand_ins, tmp_path):
    network = stand_ins({"festivals": CRASHES, "catalog": SLEEPS}, RestartPolicy(first_delay=0.01, per_minute=3))
    assert eventually(lambda: "festivals" in network.given_up, timeout=10)
    assert network.restarts["festivals"] == 3
    assert network.exited() == {"festivals": 3}
    assert network.processes["catalog"].poll() is None and network.running()
    assert "Процесс festivals" in (tmp_path / "launcher.log").read_text(encoding="utf-8").splitlines()[-1]
    assert "Перезапусков за минуту уже 3: больше не перезапускаю, остальные процессы работают" \
        in (tmp_path / "launcher.log").read_text(encoding="utf-8")
    network.stop("catalog")
    assert not network.running()


def test_a_process_stopped_or_killed_on_purpose_is_not_started_again(stand_ins):
    network = stand_ins({"practices": SLEEPS, "catalog": SLEEPS}, RestartPolicy(first_delay=0.01))
    network.kill("practices")
    network.stop("catalog")
    time.sleep(0.5)
    assert network.processes == {} and not network.restarts and not network.running()


def test_stopping_everything_stops_the_supervisor_first(stand_ins):
    network = stand_ins({"practices": SLEEPS, "catalog": SLEEPS}, RestartPolicy(first_delay=0.01))
    processes = list(network.processes.values())
    network.stop_all()
    time.sleep(0.3)
    assert all(process.poll() is not None for process in processes)
    assert network.processes == {} and not network.restarts
