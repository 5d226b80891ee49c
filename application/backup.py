"""Backup and restore of every service's database and of the file store (``practice-network backup|restore``).

SQLite databases are copied with SQLite's online backup API, PostgreSQL ones with ``pg_dump`` in the
custom format inside an exported snapshot (so the row counts of the manifest describe exactly what was
dumped); both are consistent while the network keeps running. The manifest (``manifest.json``) says
what was saved: each database's backend, schema revision and rows per table, and the files.

The gateway's read model is not saved. It is derived from the services' event logs, and a copy of it
taken a moment apart from theirs could hold checkpoints past the end of a restored log, so the gateway
would skip the events written there afterwards. Restore empties it instead and the gateway rebuilds it
from the restored logs, which is always right.
"""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import requests
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import create_engine, func, inspect, make_url, select, table, text

from shared import config as settings
from shared import messages_ru  # noqa: F401  (Russian validation messages)
from shared.db import is_sqlite, session_factory
from shared.migrations import alembic_config, upgrade
from shared.schemas import Text
from shared.storage import file_store

MANIFEST = "manifest.json"
FORMAT = 1
# Each database is saved before the ones it refers to and reads events from, so that whatever it
# mentions is in the copies taken after it, and its replay checkpoints never point past the end of
# a saved log (what a log gained meanwhile is read again after a restore).
SAVED = ("festivals", "practices", "catalog")
# Tables only people fill (a fresh ``migrate`` registers the installed cities, nothing else):
# rows there make a target "not empty".
PEOPLE_TABLES = {"catalog": ("accounts",), "practices": ("entries", "resources", "collections"),
                 "festivals": ("festivals",)}


class BackupError(RuntimeError):
    """A backup or restore that cannot go on; the message says why, in Russian."""


class DatabaseManifestSchema(Schema):
    backend = Text(required=True, validate=validate.OneOf(("sqlite", "postgresql")))
    file = Text(required=True, validate=validate.Regexp(r"^[a-z]+\.(sqlite|dump)$"))
    revision = Text(required=True, allow_none=True)
    tables = fields.Dict(keys=Text(), values=fields.Int(), required=True)


class ManifestSchema(Schema):
    format = fields.Int(required=True, validate=validate.Equal(FORMAT))
    created_at = fields.DateTime(required=True)
    databases = fields.Dict(keys=Text(validate=validate.OneOf(SAVED)),
                            values=fields.Nested(DatabaseManifestSchema), required=True)
    files = fields.Dict(keys=Text(), values=fields.Int(), required=True)


def default_target(config):
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(config.get("VAR_DIR") or "var") / "backups" / stamp


def backup(config, target, say=print):
    """Save every service's database, then the files (a resource's file is stored before its row)."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"Каталог {target} не пуст: укажите новый каталог для резервной копии")
    target.mkdir(parents=True, exist_ok=True)
    databases = {}
    for name in SAVED:
        url = settings.database_url(config, name)
        say(f"Сохраняю базу «{name}»…")
        databases[name] = _save_database(url, target, name)
        say(f"  {name}: схема {databases[name]['revision']}, строк: {sum(databases[name]['tables'].values())}")
    files = _copy_files(file_store(config).root, target / "files")
    say(f"Файлы: {files['count']} шт., {files['bytes']} байт")
    manifest = {"format": FORMAT, "created_at": datetime.now(UTC).isoformat(),
                "databases": databases, "files": files}
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    say(f"Резервная копия готова: {target}")
    return manifest


def restore(config, source, force=False, say=print):
    """Put a backup into this network's (stopped, empty unless ``force``) databases and file store."""
    source = Path(source)
    manifest = read_manifest(source)
    _refuse_if_running(config)
    urls = {name: settings.database_url(config, name) for name in SAVED}
    for name, saved in manifest["databases"].items():
        _check_compatible(name, saved, urls[name])
    if not force:
        _refuse_if_not_empty(config, urls)
    for name, saved in manifest["databases"].items():
        say(f"Восстанавливаю базу «{name}» (схема {saved['revision']})…")
        _load_database(source / saved["file"], urls[name])
        _check_counts(name, saved["tables"], urls[name])
        upgrade(name, urls[name])
        say(f"  {name}: строк: {sum(saved['tables'].values())}, схема обновлена до текущей")
    copied = _restore_files(source / "files", file_store(config).root)
    say(f"Файлы: восстановлено {copied} из {manifest['files']['count']}")
    _empty_read_model(config)
    say("Модель чтения шлюза очищена: запущенный шлюз заново построит её из восстановленных журналов событий.")
    say("Восстановление завершено.")


def read_manifest(source):
    path = Path(source) / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        manifest = ManifestSchema().load(data)
    except FileNotFoundError:
        raise BackupError(f"В каталоге {source} нет {MANIFEST}: это не резервная копия сети") from None
    except (json.JSONDecodeError, ValidationError) as error:
        raise BackupError(f"{path} повреждён: {error}") from None
    missing = [saved["file"] for saved in manifest["databases"].values()
               if not (Path(source) / saved["file"]).is_file()]
    if missing or set(manifest["databases"]) != set(SAVED):
        raise BackupError(f"Резервная копия {source} неполна: нет {', '.join(missing) or 'части баз'}")
    return manifest


# --- databases -------------------------------------------------------------------------------------

def _save_database(url, target, name):
    if is_sqlite(url):
        path = target / f"{name}.sqlite"
        with _sqlite(url) as source, closing(sqlite3.connect(path)) as copy:
            source.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        return {"backend": "sqlite", "file": path.name, **_describe(f"sqlite:///{path}")}
    path = target / f"{name}.dump"
    engine = create_engine(url, isolation_level="REPEATABLE READ")
    try:
        with engine.connect() as connection:
            snapshot = connection.scalar(text("SELECT pg_export_snapshot()"))
            _pg("pg_dump", url, "--format=custom", "--no-owner", "--no-privileges",
                f"--snapshot={snapshot}", f"--file={path}")
            description = _describe_connection(connection)
            connection.rollback()
    finally:
        engine.dispose()
    return {"backend": "postgresql", "file": path.name, **description}


def _load_database(path, url):
    if is_sqlite(url):
        with closing(sqlite3.connect(path)) as source, _sqlite(url) as target:
            source.backup(target)
        return
    # One transaction: the target's tables go and the saved ones come, or nothing changes at all.
    script = _pg("pg_restore", url, "--no-owner", "--no-privileges", "--file=-", str(path)).stdout
    drops = "".join(f'DROP TABLE IF EXISTS "{name}" CASCADE;\n' for name in _table_names(url))
    _pg("psql", url, "--quiet", "--no-psqlrc", "--single-transaction", "--set=ON_ERROR_STOP=1",
        input=drops + script)


def _sqlite(url):
    path = Path(make_url(url).database)
    path.parent.mkdir(parents=True, exist_ok=True)
    return closing(sqlite3.connect(path))


def _pg(program, url, *args, input=None):
    """Run a PostgreSQL client program against ``url``; its complaint becomes a BackupError."""
    if shutil.which(program) is None:
        raise BackupError(f"Нет программы {program}: установите postgresql-client той же или более новой "
                          "версии, что и сервер PostgreSQL")
    parts = make_url(url)
    env = {**os.environ, "PGHOST": parts.host or "127.0.0.1", "PGPORT": str(parts.port or 5432),
           "PGUSER": parts.username or "postgres", "PGDATABASE": parts.database}
    if parts.password:
        env["PGPASSWORD"] = parts.password
    done = subprocess.run([program, *args], env=env, input=input, capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{program} завершился с ошибкой для базы {parts.database}: {done.stderr.strip()}")
    return done


def _describe(url):
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return _describe_connection(connection)
    finally:
        engine.dispose()


def _describe_connection(connection):
    """Schema revision and rows per table, as this connection sees them."""
    names = [name for name in inspect(connection).get_table_names() if name != "alembic_version"]
    revision = None
    if inspect(connection).has_table("alembic_version"):
        revision = connection.scalar(text("SELECT version_num FROM alembic_version"))
    return {"revision": revision,
            "tables": {name: connection.scalar(select(func.count()).select_from(table(name))) for name in names}}


def _table_names(url):
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return inspect(connection).get_table_names()
    finally:
        engine.dispose()


def _check_compatible(name, saved, url):
    backend = "sqlite" if is_sqlite(url) else "postgresql"
    if saved["backend"] != backend:
        raise BackupError(f"База «{name}» сохранена из {saved['backend']}, а восстанавливается в {backend}: "
                          "перенос между СУБД резервной копией не поддерживается")
    try:
        ScriptDirectory.from_config(alembic_config(name, url)).get_revision(saved["revision"])
    except CommandError:
        raise BackupError(f"Схема базы «{name}» в копии ({saved['revision']}) неизвестна этой версии сети: "
                          "восстанавливайте копию версией, которая её сделала, или более новой") from None


def _refuse_if_not_empty(config, urls):
    filled = [f"{name}.{table_name}" for name, url in urls.items() for table_name in PEOPLE_TABLES[name]
              if _rows(url, table_name)]
    if any(file_store(config).root.rglob("*")):
        filled.append("хранилище файлов")
    if filled:
        raise BackupError("В сети уже есть данные (" + ", ".join(filled) + "): восстановление их заменит. "
                          "Если это и нужно, повторите с --force")


def _rows(url, table_name):
    if is_sqlite(url) and not Path(make_url(url).database).exists():
        return 0
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table(table_name):
                return 0
            return connection.scalar(select(func.count()).select_from(table(table_name)))
    finally:
        engine.dispose()


def _check_counts(name, expected, url):
    found = _describe(url)["tables"]
    wrong = {table_name: (rows, found.get(table_name)) for table_name, rows in expected.items()
             if found.get(table_name) != rows}
    if wrong:
        details = ", ".join(f"{table_name}: в копии {rows}, восстановлено {got}"
                            for table_name, (rows, got) in wrong.items())
        raise BackupError(f"База «{name}» восстановилась не полностью ({details})")


def _refuse_if_running(config):
    try:
        requests.get(settings.gateway_base_url(config) + "/health", timeout=1)
    except requests.RequestException:
        return
    raise BackupError(f"Сеть работает ({settings.gateway_base_url(config)}): остановите её перед восстановлением")


def _empty_read_model(config):
    from services.gateway.projections import reset

    url = settings.database_url(config, "gateway")
    upgrade("gateway", url)
    sessions = session_factory(url)
    reset(sessions)
    sessions.kw["bind"].dispose()


# --- files -----------------------------------------------------------------------------------------

def _copy_files(root, target):
    """The content-addressed store as it is; files are written by rename, so none is half-copied."""
    root = Path(root)
    if root.exists():
        shutil.copytree(root, target, ignore=shutil.ignore_patterns("tmp*"))
    else:
        target.mkdir()
    stored = [path for path in target.rglob("*") if path.is_file()]
    return {"count": len(stored), "bytes": sum(path.stat().st_size for path in stored)}


def _restore_files(saved, root):
    """Copy each saved file whose name is the SHA-256 of its bytes; a damaged one stops the restore."""
    copied = 0
    for path in sorted(saved.rglob("*")):
        if not path.is_file():
            continue
        if hashlib.sha256(path.read_bytes()).hexdigest() != path.name:
            raise BackupError(f"Файл {path} повреждён: его содержимое не совпадает с именем")
        destination = Path(root) / path.relative_to(saved)
        destination.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=destination.parent, delete=False) as temporary:
            temporary.write(path.read_bytes())
        os.replace(temporary.name, destination)
        copied += 1
    return copied
