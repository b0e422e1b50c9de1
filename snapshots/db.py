"""The one database opener: every process and thread gets its connection here."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

from snapshots.errors import StorageError
from snapshots.migrations import migrations

BUSY_TIMEOUT_MS = 5000


def open_db(path: str | Path, *, migrate: bool = True, readonly: bool = False) -> Database:
    """Open (and create or migrate) the tipwatch database with WAL and foreign keys on.

    A sqlite3 connection belongs to the thread that made it: open one per thread.
    """
    path = Path(path)
    try:
        if readonly:
            db = Database(sqlite3.connect(_readonly_uri(path), uri=True, check_same_thread=False))
        else:
            if path.parent and not path.parent.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
            db = Database(path)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            db.enable_wal()
            db.execute("PRAGMA synchronous = NORMAL")
            if migrate:
                migrations.apply(db)
        return db
    except sqlite3.DatabaseError as exc:
        raise StorageError(f"cannot open database {path}: {exc}") from exc


def _readonly_uri(path: Path) -> str:
    """A read-only URI for `path`, escaped (a "#" or "?" in a name would otherwise end it early).

    In a folder nobody can write to, SQLite cannot make the -shm file a WAL reader needs; nobody can
    write the database there either, so it is opened as immutable.
    """
    uri = f"file:{quote(str(path.absolute()), safe='/')}?mode=ro"
    folder = path.absolute().parent
    if not os.access(folder, os.W_OK) or _read_only_mount(folder):
        uri += "&immutable=1"
    return uri


def _read_only_mount(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False
