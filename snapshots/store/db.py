"""The one database opener: every process and thread gets its connection here."""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from sqlite_utils import Database

from snapshots.errors import StorageError
from snapshots.store.migrations import migrations

BUSY_TIMEOUT_MS = 5000


def inserted_id(cursor: sqlite3.Cursor) -> int:
    """The rowid an INSERT just made (sqlite3 types it as optional; after an insert it is set)."""
    if cursor.lastrowid is None:
        raise StorageError("the insert made no row")
    return cursor.lastrowid


def now_iso() -> str:
    """Now as the database stores times: UTC ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def open_db(path: str | Path, *, migrate: bool = True, readonly: bool = False) -> Database:
    """Open (and create or migrate) the tipwatch database with WAL and foreign keys on.

    A sqlite3 connection belongs to the thread that made it: open one per thread.
    """
    path = Path(path)
    if path.is_dir():
        raise StorageError(f"database {path} is a directory; give the path of a database file")
    try:
        if readonly:
            db = Database(sqlite3.connect(_readonly_uri(path), uri=True, check_same_thread=False))
        else:
            if path.parent and not path.parent.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
            db = Database(path)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("select count(*) from sqlite_master")  # a file that is not SQLite fails here, not later
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


def db_file(db: Database) -> str:
    """The path of the file behind a connection's main database."""
    return next(row[2] for row in db.execute("pragma database_list") if row[1] == "main")


def file_identity(db: Database) -> tuple[int, int] | None:
    """(device, inode) of the database file now: SQLite writes on happily into a file unlinked under it,
    so a run compares this before and after to tell that its work went nowhere."""
    try:
        stat = os.stat(db_file(db))
    except OSError:
        return None
    return stat.st_dev, stat.st_ino
