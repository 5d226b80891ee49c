"""The running network the benchmarks measure, and its helpers: the one module of ``bench/`` that
imports them, so that moving them is a change of this file only."""
from application.running import (  # noqa: F401  (re-exported for the other bench modules)
    POSTGRES_ADMIN_URL,
    RunningNetwork,
    eventually,
    free_port,
    rabbitmqctl,
    session_a_week_ahead,
)
