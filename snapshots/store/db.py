"""The one database opener: every process and thread gets its connection here."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

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
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            db = Database(conn)
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
