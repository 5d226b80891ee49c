"""Spreadsheets that passed a dry run, kept for an hour so «Импортировать» needs no second upload.

Each is a file under ``VAR_DIR/checked-imports`` named by a random token, beside a note of who checked
it: only that account may import it. Expired files go on the next keep.
"""
import json
import secrets
import time
from pathlib import Path

from nameko import config

from shared.errors import NotFound

KEEP_SECONDS = 3600
GONE = "Проверенный файл не найден или хранился дольше часа: выберите файл и проверьте его снова"


def _folder():
    folder = Path(config.get("VAR_DIR") or "var").resolve() / "checked-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def keep(content, owner):
    """Store ``content`` for ``owner``; the token that takes it back."""
    folder = _folder()
    _forget_expired(folder)
    token = secrets.token_urlsafe(24)
    (folder / f"{token}.json").write_text(json.dumps({"owner": owner}))
    (folder / f"{token}.xlsx").write_bytes(content)
    return token


def take(token, owner):
    """The kept file of ``token`` if ``owner`` checked it less than an hour ago (404 otherwise)."""
    folder = _folder()
    note, data = folder / f"{token}.json", folder / f"{token}.xlsx"
    try:
        fresh = time.time() - data.stat().st_mtime < KEEP_SECONDS
        mine = json.loads(note.read_text())["owner"] == owner
        content = data.read_bytes()
    except (OSError, ValueError, KeyError):
        fresh = mine = False
    if not (fresh and mine):
        raise NotFound(GONE, {"token": [GONE]})
    return content


def forget(token):
    for suffix in (".json", ".xlsx"):
        (_folder() / f"{token}{suffix}").unlink(missing_ok=True)


def _forget_expired(folder):
    for data in folder.glob("*.xlsx"):
        try:
            expired = time.time() - data.stat().st_mtime >= KEEP_SECONDS
        except OSError:  # another worker forgot it meanwhile
            continue
        if expired:
            forget(data.stem)
