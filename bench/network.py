"""The running network the benchmarks measure, and its helpers: the one module of ``bench/`` that
imports them, so that moving them is a change of this file only."""
from application.launcher import default_http_workers
from application.running import (  # noqa: F401  (re-exported for the other bench modules)
    POSTGRES_ADMIN_URL,
    RunningNetwork,
    eventually,
    free_port,
    rabbitmqctl,
    session_a_week_ahead,
)


def network_like_make_run(backend, work_dir, env):
    """A network of ``make run``'s shape: one replica of every process and as many HTTP workers of the
    gateway as ``make run`` starts on this machine."""
    return RunningNetwork(backend, work_dir, env=env, http_workers=default_http_workers())
