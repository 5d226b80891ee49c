"""When the launcher starts a process of the network again that died without being asked to stop."""
import signal
from collections import defaultdict, deque

# A crash is usually over by the next start: the first restart comes quickly; a process that keeps
# dying waits longer each time, and one restarted this often within a minute dies of something a
# restart does not cure (a broken config, a database that is gone), so it is left stopped.
FIRST_DELAY_SECONDS = 0.5
MAX_DELAY_SECONDS = 10
RESTARTS_PER_MINUTE = 5
WINDOW_SECONDS = 60


class RestartPolicy:
    """After ``first_delay`` seconds, doubling with each restart of the same process in the last minute
    up to ``max_delay``; never once it has been restarted ``per_minute`` times within a minute."""

    def __init__(self, first_delay=FIRST_DELAY_SECONDS, max_delay=MAX_DELAY_SECONDS, per_minute=RESTARTS_PER_MINUTE):
        self.first_delay, self.max_delay, self.per_minute = first_delay, max_delay, per_minute
        self.recent = defaultdict(deque)  # process name: monotonic times of its restarts in the window

    def delay(self, name, now):
        """Seconds to wait before starting ``name`` again (the restart is counted), or None: give up."""
        recent = self.recent[name]
        while recent and now - recent[0] >= WINDOW_SECONDS:
            recent.popleft()
        if len(recent) >= self.per_minute:
            return None
        delay = min(self.first_delay * 2 ** len(recent), self.max_delay)
        recent.append(now)
        return delay


def how_it_ended(returncode):
    """«сигнал SIGKILL» or «код 1»: the Russian words for a process's exit status."""
    if returncode < 0:
        try:
            return f"сигнал {signal.Signals(-returncode).name}"
        except ValueError:
            return f"сигнал {-returncode}"
    return f"код {returncode}"


def seconds(value):
    """``0,5`` — a number of seconds as a Russian reader writes it."""
    return f"{value:g}".replace(".", ",")
