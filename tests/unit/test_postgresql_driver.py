"""PostgreSQL through psycopg2 inside eventlet: a query that waits on the server lets the process's other
greenlets run, a session the server ends reads as «unavailable», an idle connection whose session the
server ended is replaced before use, and pg8000 URLs of earlier releases work."""
import time

import eventlet
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from application.running import POSTGRES_ADMIN_URL
from shared import db
from shared.config import database_url
from shared.db import database_unavailable, make_engine


@pytest.fixture
def engine():
    engine = make_engine(POSTGRES_ADMIN_URL)
    yield engine
    engine.dispose()


def test_a_query_waiting_on_the_server_lets_other_greenlets_run(engine):
    ticks = []

    def tick():
        for _ in range(10):
            ticks.append(time.monotonic())
            eventlet.sleep(0.05)

    ticking = eventlet.spawn(tick)
    with engine.connect() as connection:
        started = time.monotonic()
        connection.execute(text("SELECT pg_sleep(0.4)"))
        finished = time.monotonic()
    ticking.wait()
    assert any(started < moment < finished for moment in ticks), "the process stood still during the query"


def test_a_session_the_server_ends_means_unavailable(engine):
    with engine.connect() as victim:
        pid = victim.execute(text("SELECT pg_backend_pid()")).scalar()
        with engine.connect() as admin:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(DBAPIError) as ended:
            victim.execute(text("SELECT 1"))
    assert database_unavailable(ended.value)


def end_session(pid):
    """As a server restart would: from outside the engine's pool."""
    admin = create_engine(POSTGRES_ADMIN_URL, poolclass=NullPool)
    with admin.connect() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    admin.dispose()


def test_an_idle_connection_whose_session_the_server_ended_is_replaced_before_use(monkeypatch):
    monkeypatch.setattr(db, "PING_AFTER_IDLE_SECONDS", 0)
    engine = make_engine(POSTGRES_ADMIN_URL)
    try:
        with engine.connect() as connection:
            ended = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        end_session(ended)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT pg_backend_pid()")).scalar() != ended
    finally:
        engine.dispose()


def test_a_pg8000_url_of_an_earlier_release_still_connects():
    configured = POSTGRES_ADMIN_URL.replace("postgresql+psycopg2://", "postgresql+pg8000://", 1)
    url = database_url({"DATABASES": {"practices": configured}}, "practices")
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar() == 1
    finally:
        engine.dispose()
