"""Each service's own database: engines that behave under eventlet, and the nameko dependency."""
import functools
import sqlite3
import time
from datetime import UTC

import psycogreen.eventlet
from nameko import config
from nameko.extensions import DependencyProvider
from sqlalchemy import DateTime, bindparam, create_engine, event, func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, InterfaceError, InvalidatePoolError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool
from sqlalchemy.types import TypeDecorator

from shared.config import database_url

# A PostgreSQL connection taken again within this many seconds of its last use is taken as alive; one
# idle for longer is asked first (SELECT 1), as ``pool_pre_ping`` would ask every time. Under load that
# round trip was one in eight of a write's statements, each costing both processes a loopback send.
PING_AFTER_IDLE_SECONDS = 1.0


class UtcDateTime(TypeDecorator):
    """A timestamp that always comes back timezone-aware in UTC, on SQLite (which keeps no offset) too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


def is_sqlite(url):
    return str(url).startswith("sqlite")


def make_engine(url):
    if not is_sqlite(url):
        # libpq would block the whole process while it waits for the server: psycogreen's wait callback
        # lets other greenlets run meanwhile. A worker holds one connection at a time and a process runs
        # 10 workers (max_workers), so 10 are kept: with fewer kept, a busy service opened and closed a
        # connection every few requests (138 sessions in 600 publications). Two more serve what runs
        # outside a worker (the metrics' outbox backlog).
        psycogreen.eventlet.patch_psycopg()
        engine = create_engine(url, pool_size=10, max_overflow=2)
        event.listen(engine, "connect", _used_now)
        event.listen(engine, "checkin", _used_now)
        event.listen(engine, "checkout", functools.partial(_ping_if_idle, engine.dialect))
        return engine
    # One connection per process: SQLite allows a single writer, and a busy wait inside the C
    # library would freeze every greenlet. Greenlets queue for the connection instead.
    engine = create_engine(
        url, module=sqlite_driver(), poolclass=QueuePool, pool_size=1, max_overflow=0, pool_timeout=60,
        connect_args={"check_same_thread": False, "timeout": 30},
    )
    event.listen(engine, "connect", _configure_sqlite)
    return engine


def _used_now(_dbapi_connection, record):
    record.info["used_at"] = time.monotonic()


def _ping_if_idle(dialect, dbapi_connection, record, _proxy):
    """Before an idle connection is handed out: a server that restarted meanwhile ended its session, so
    the pool is told to open a new one (and to drop the others opened before) instead of a request failing."""
    if time.monotonic() - record.info.get("used_at", 0) < PING_AFTER_IDLE_SECONDS:
        return
    try:
        dialect.do_ping(dbapi_connection)
    except dialect.loaded_dbapi.Error as error:
        if dialect.is_disconnect(error, dbapi_connection, None):
            raise InvalidatePoolError() from error
        raise


def sqlite_driver():
    """The DB-API module of the newest SQLite installed: ``pysqlite3-binary`` bundles SQLite 3.51, whose
    FTS5 ranks 8 000 matches of 100 000 documents in 4.7 ms where Debian 12's 3.40 takes 7.0 ms (the
    search page's largest cost). The file format is the same, so tools on the system's SQLite (backup,
    migrations, the sqlite3 shell) open the same files."""
    try:
        from pysqlite3 import dbapi2
    except ImportError:
        return sqlite3.dbapi2
    return dbapi2


def _configure_sqlite(dbapi_connection, _record):
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # In WAL mode NORMAL never corrupts the database; it may lose the last commits on power loss,
    # in exchange for not waiting on fsync at every commit.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    # Copy the log into the database every 10 000 pages (~40 MB) rather than SQLite's 1 000: a page that
    # many commits change (an index's, FTS5's) is copied once per checkpoint, not once per few commits.
    # A 20 000-entry import: 52.6 → 48.1 s, its two busiest processes ~9 % less CPU. The file keeps
    # its largest size between checkpoints; journal_size_limit gives the rest back after one.
    cursor.execute("PRAGMA wal_autocheckpoint=10000")
    cursor.execute("PRAGMA journal_size_limit=67108864")
    # Broad searches touch thousands of index pages: read them through a memory map and keep them
    # cached (64 MB instead of SQLite's 2 MB) rather than copy them in by system call every time.
    # Measured on the 100 000-document read model: bm25 ranking 17 → 10 ms, facets 13 → 7 ms.
    cursor.execute("PRAGMA cache_size=-65536")
    cursor.execute("PRAGMA mmap_size=268435456")
    cursor.close()


def database_unavailable(error):
    """Whether ``error`` says the database cannot be reached now (down, refusing connections, the pool
    exhausted), rather than that a statement was wrong: such a request may succeed if repeated later."""
    if isinstance(error, PoolTimeout):
        return True
    if not isinstance(error, DBAPIError):
        return False
    # psycopg2 raises OperationalError when the server ends the session (it refuses connections, is
    # shutting down, the database was dropped), SQLite when the file is locked past the timeout.
    return error.connection_invalidated or isinstance(error, (OperationalError, InterfaceError))


def session_factory(url):
    return sessionmaker(make_engine(url), expire_on_commit=False)


class Database(DependencyProvider):
    """Gives a worker the session factory of the service's own database (``with db.begin() as s``).

    ``on_start(sessions)``, if given, runs once when the service starts (e.g. to register plugins).
    """

    def __init__(self, service_name, on_start=None):
        self.service_name = service_name
        self.on_start = on_start
        self.sessions = None

    def setup(self):
        self.sessions = session_factory(database_url(config, self.service_name))

    def start(self):
        if self.on_start:
            self.on_start(self.sessions)

    def stop(self):
        self.sessions.kw["bind"].dispose()

    def get_dependency(self, worker_ctx):
        return self.sessions


def get_row(session, model, key, not_found, for_update=False, loads=()):
    """The row of ``model`` whose primary key is ``key``, locked until the transaction ends when
    ``for_update`` (a change that depends on its current state); raises ``not_found`` if there is none.
    ``loads`` are loader options (e.g. ``joinedload``) for what is read with it; only its own row is locked."""
    query = select(model).where(model.__table__.primary_key.columns[0] == key).options(*loads)
    row = session.scalars(query.with_for_update(of=model) if for_update else query).unique().first()
    if row is None:
        raise not_found
    return row


def require_revision(session, row, expected, stale):
    """Go on only if ``row`` is still at one of the ``expected`` revisions (None: at any), else raise
    ``stale`` (a lost update averted: the client edited what it read before someone else's change).

    The check is a conditional UPDATE of the row in the caller's transaction, not a comparison in
    Python: of two writers that read the same revision exactly one goes on. PostgreSQL makes the later
    wait for the row and then finds the revision moved; SQLite lets one writer in at a time.
    """
    if expected is None:
        return
    table = type(row).__table__
    key = table.primary_key.columns[0]
    claimed = session.execute(update(table).where(key == getattr(row, key.name), table.c.revision.in_(expected))
                              .values(revision=table.c.revision))
    if claimed.rowcount == 0:
        raise stale


def paginate(session, query, *order_by, page=1, per_page=20):
    """``(items, total)``: one page of an ORM ``query`` in ``order_by`` order, and the count of all."""
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    items = session.scalars(query.order_by(*order_by).offset((page - 1) * per_page).limit(per_page)).all()
    return items, total


def upsert(session, model, values, newer_only=False):
    """Insert ``values`` as a row of ``model``, or update the row with the same primary key.

    With ``newer_only`` an existing row is replaced only by a higher ``revision``: concurrent handlers
    of one entry's events (one queue per event type, so any order) never move it backwards; the row
    lock makes the later of them wait and then see the newer revision. Returns whether it wrote.
    One statement, compiled once, no ORM object: read-model projections apply pages of hundreds of
    events in one transaction, and ORM objects there cost a flush per event.
    """
    statement, defaults = _upsert_statement(model, session.bind.dialect.name, tuple(values), newer_only)
    # On the session's connection: the ORM's layers around a text statement cost as much as running it.
    parameters = {**{name: default() for name, default in defaults}, **values}
    return session.connection().execute(statement, parameters).rowcount > 0


@functools.cache
def _upsert_statement(model, dialect_name, names, newer_only):
    """The statement for one model and set of columns, compiled once, and the column defaults it needs.

    SQLAlchemy does not cache the compilation of a dialect's INSERT … ON CONFLICT (``inherit_cache =
    False``), so it compiled it anew for every event, most of the projector's time; it is compiled
    here into a text statement with typed parameters, which SQLAlchemy caches. Python-side defaults
    of the columns not given are then ours to fill (``defaults``: ``[(name, make_value)]``)."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    table = model.__table__
    keys = [column.name for column in table.primary_key]
    statement = dialect.insert(table)
    changed = {name: statement.excluded[name] for name in names if name not in keys}
    condition = table.c.revision < statement.excluded.revision if newer_only else None
    statement = statement.on_conflict_do_update(index_elements=keys, set_=changed, where=condition)
    compiled = statement.compile(dialect=dialect.dialect(paramstyle="named"), column_keys=list(names))
    parameters = list(compiled.binds)
    defaults = [(name, _default_maker(table.c[name].default)) for name in parameters if name not in names]
    # PostgreSQL casts some parameters (``:state::JSONB``); text() reads a parameter followed by a colon
    # as no parameter at all unless the cast's colons are escaped.
    typed = text(compiled.string.replace("::", r"\:\:")).bindparams(
        *(bindparam(name, type_=table.c[name].type) for name in parameters))
    return typed, defaults


def _default_maker(default):
    # SQLAlchemy wraps a column's default callable to take the execution context, which this has not.
    return (lambda: default.arg) if default.is_scalar else (lambda: default.arg(None))


def stored_revision(session, model, key):
    """The ``revision`` of the row of ``model`` with primary key ``key``, None if there is none."""
    return session.connection().scalar(_revision_query(model), {"key": key})


@functools.cache
def _revision_query(model):
    # Built once per model: mirrors ask it for every event they take, and building and keying a select
    # cost more than running it.
    table = model.__table__
    return select(table.c.revision).where(table.primary_key.columns[0] == bindparam("key"))
