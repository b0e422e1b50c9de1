"""Faults in the database under a real `tipwatch run` process: locked, read-only, disk full, corrupted.

Each gives one clear line on stderr and a non-zero exit, writes nothing half-way, and loses nothing
stored earlier; once the fault is gone, the next run stores what the failed one could not.
The set-up: a first run stores the 2024 edition, then the site serves a post-release edit of Japan,
so the faulty run has a real snapshot and changes to write.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest

from monitor.samples.server import SampleSite
from snapshots.store.db import BUSY_TIMEOUT_MS
from tests.conftest import write_cron_file
from tests.faults_helpers import counts, tipwatch

EDITION = 2024


def stored_run(site: SampleSite, directory: Path) -> tuple[Path, Path]:
    """(config, db) after one good run; the site then serves a revised Japan page waiting to be stored."""
    db = directory / "t.db"
    config = write_cron_file(directory, site.base_url, db, editions=[EDITION])
    first = tipwatch(config, "run", "--no-deliver")
    assert first.returncode == 0, first.stderr
    site.revised = True
    return config, db


def rows(db: Path) -> dict[str, int]:
    out = counts(db)
    with closing(sqlite3.connect(db)) as conn:
        out["runs"] = conn.execute("select count(*) from runs").fetchone()[0]
        out["checks"] = conn.execute("select count(*) from checks").fetchone()[0]
    return out


def one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("tipwatch: error:")]
    assert len(lines) == 1, result.stderr
    assert any(n in lines[0] for n in needles), lines[0]
    return lines[0]


def rerun_stores_the_revision(config: Path, db: Path, before: dict[str, int]) -> None:
    again = tipwatch(config, "run", "--no-deliver")
    assert again.returncode == 0, again.stderr
    after = counts(db)
    assert after["snapshots"] == before["snapshots"] + 1  # the revised Japan page, stored now
    assert after["changes"] > before["changes"]


# --- locked ----------------------------------------------------------------------------------------

HOLD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


def test_database_locked_by_another_process(site: SampleSite, tmp_path: Path) -> None:
    config, db = stored_run(site, tmp_path)
    before = rows(db)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        result = tipwatch(config, "run", "--no-deliver", timeout=BUSY_TIMEOUT_MS / 1000 + 60)
    finally:
        holder.communicate("\n", timeout=10)
    one_line_error(result, "database is locked")
    assert rows(db) == before  # not even a `runs` row
    rerun_stores_the_revision(config, db, before)


# --- read-only -------------------------------------------------------------------------------------


@contextmanager
def read_only(path: Path) -> Iterator[None]:
    """Make `path` read-only even for root: a read-only bind mount of the file over itself."""
    if os.geteuid() != 0:
        mode = path.stat().st_mode
        path.chmod(0o444)
        try:
            yield
        finally:
            path.chmod(mode)
        return
    bind = subprocess.run(["mount", "--bind", str(path), str(path)], capture_output=True, text=True)
    if bind.returncode != 0:
        pytest.skip(f"running as root and cannot bind-mount to make a file read-only: {bind.stderr.strip()}")
    try:
        remount = subprocess.run(["mount", "-o", "remount,bind,ro", str(path)], capture_output=True, text=True)
        if remount.returncode != 0:
            pytest.skip(f"cannot remount read-only: {remount.stderr.strip()}")
        yield
    finally:
        subprocess.run(["umount", "--lazy", str(path)], check=True)


def test_read_only_database_file(site: SampleSite, tmp_path: Path) -> None:
    config, db = stored_run(site, tmp_path)
    before, raw = rows(db), db.read_bytes()
    with read_only(db):
        with pytest.raises(OSError):
            db.open("r+b")  # the fault is real: not even root can write it
        result = tipwatch(config, "run", "--no-deliver")
    one_line_error(result, "readonly", "read-only")
    assert db.read_bytes() == raw and rows(db) == before
    rerun_stores_the_revision(config, db, before)


# --- disk full -------------------------------------------------------------------------------------


def limit_file_size(limit: int):  # type: ignore[no-untyped-def]
    """preexec_fn: files may not grow past `limit` bytes; the write fails with EFBIG (SQLite: disk full)."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # an ignored signal stays ignored across exec
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@contextmanager
def small_tmpfs(directory: Path, size: str = "4m") -> Iterator[Path]:
    directory.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(directory)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs (needs root): {mounted.stderr.strip()}")
    try:
        yield directory
    finally:
        subprocess.run(["umount", "--lazy", str(directory)], check=True)


def fill(directory: Path, leave: int) -> Path:
    """Fill the file system under `directory` until about `leave` bytes are free."""
    stat = os.statvfs(directory)
    filler = directory / "filler"
    filler.write_bytes(b"\0" * max(0, stat.f_bavail * stat.f_frsize - leave))
    return filler


def test_disk_full_by_file_size_limit(site: SampleSite, tmp_path: Path) -> None:
    config, db = stored_run(site, tmp_path)
    before = rows(db)
    result = tipwatch(config, "run", "--no-deliver", preexec_fn=limit_file_size(24 * 1024))
    one_line_error(result, "disk I/O error")  # SQLite reports EFBIG as an I/O error, ENOSPC as "full"
    after = rows(db)
    assert {k: after[k] for k in counts(db)} == counts(db) == {k: before[k] for k in counts(db)}
    rerun_stores_the_revision(config, db, before)


def test_disk_full_on_a_small_tmpfs(site: SampleSite, tmp_path: Path) -> None:
    with small_tmpfs(tmp_path / "disk") as disk:
        config, db = stored_run(site, disk)
        before = rows(db)
        filler = fill(disk, leave=96 * 1024)
        result = tipwatch(config, "run", "--no-deliver")
        one_line_error(result, "disk is full", "disk full")
        filler.unlink()
        after = rows(db)
        assert {k: after[k] for k in counts(db)} == {k: before[k] for k in counts(db)}
        rerun_stores_the_revision(config, db, before)


# --- corrupted -------------------------------------------------------------------------------------


def test_garbage_file_is_refused_and_left_as_it_was(site: SampleSite, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    config = write_cron_file(tmp_path, site.base_url, db, editions=[EDITION])
    garbage = random.Random(3).randbytes(256 * 1024)
    db.write_bytes(garbage)
    result = tipwatch(config, "run", "--no-deliver")
    one_line_error(result, "not a database")
    assert db.read_bytes() == garbage  # not "repaired" into an empty database: the user's file is theirs


def test_damaged_pages_inside_a_real_database(site: SampleSite, tmp_path: Path) -> None:
    config, db = stored_run(site, tmp_path)
    with closing(sqlite3.connect(db)) as conn:
        page_size = conn.execute("pragma page_size").fetchone()[0]
        pages = conn.execute("pragma page_count").fetchone()[0]
    keep = tmp_path / "before.db"
    shutil.copy(db, keep)
    with db.open("r+b") as f:  # leave the header page whole; overwrite the rest with noise
        f.seek(page_size)
        f.write(random.Random(4).randbytes(page_size * (pages - 1)))
    damaged = db.read_bytes()
    result = tipwatch(config, "run", "--no-deliver")
    one_line_error(result, "malformed", "not a database", "corrupt")
    assert db.read_bytes() == damaged
