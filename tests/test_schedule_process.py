"""The scheduler as a real process: SIGTERM, catch-up after downtime, the run lock shared with other processes.

These drive `monitor.schedule.run_scheduler` in a child process with small stand-in actions, so each
test is about the process behaviour, not about what a sweep does.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.lock import RunInProgress, run_lock
from monitor.schedule import read_job_state
from snapshots.errors import StorageError
from snapshots.store.db import open_db

ROOT = Path(__file__).resolve().parent.parent

# The child: the real run_scheduler with stand-in actions that leave a trace in files.
CHILD = """
import logging, os, sys, time
from pathlib import Path
from monitor.config import load_config
from monitor.lock import run_lock
from monitor.schedule import run_scheduler

logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
trace = Path(sys.argv[3])

def sweep(config, db_path):
    with run_lock(db_path):
        with trace.open("a") as f:
            f.write("sweep started\\n")
        time.sleep(float(os.environ.get("SWEEP_SECONDS", "0")))
        with trace.open("a") as f:
            f.write("sweep finished\\n")
    return "swept"

def other(config, db_path):
    with trace.open("a") as f:
        f.write("other\\n")

actions = {"sweep": sweep, "discover": other, "deliver": other}
run_scheduler(load_config(sys.argv[1]), Path(sys.argv[2]), actions=actions)
"""


@pytest.fixture
def child(tmp_path: Path) -> Iterator:
    procs: list[subprocess.Popen] = []

    def start(jobs_yaml: str, *, sweep_seconds: float = 0) -> tuple[subprocess.Popen, Path, Path]:
        config = tmp_path / "cron.yaml"
        config.write_text(f"timezone: UTC\njobs:\n{jobs_yaml}")
        db_path, trace = tmp_path / "t.db", tmp_path / "trace.txt"
        script = tmp_path / "child.py"
        script.write_text(CHILD)
        proc = subprocess.Popen(
            [sys.executable, str(script), str(config), str(db_path), str(trace)],
            cwd=ROOT,
            env={**os.environ, "SWEEP_SECONDS": str(sweep_seconds), "PYTHONPATH": str(ROOT)},
            stderr=subprocess.PIPE,
            text=True,
        )
        procs.append(proc)
        return proc, db_path, trace

    yield start
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _wait_for(predicate, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("timed out waiting")


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def _state(db_path: Path) -> dict[str, dict]:
    """job_state as another reader sees it (read-only: the child may be creating the database right now)."""
    try:
        db = open_db(db_path, readonly=True)
        try:
            return read_job_state(db)
        finally:
            db.close()
    except (StorageError, sqlite3.Error):
        return {}


def test_sigterm_stops_the_scheduler_cleanly_after_a_recorded_run(child) -> None:
    proc, db_path, trace = child('  - {id: daily-sweep, cron: "15 6 * * *", action: sweep, run_at_startup: true}\n')
    _wait_for(lambda: (_state(db_path).get("daily-sweep") or {}).get("last_success_at"))
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=15)
    assert proc.returncode == 0, stderr
    assert _lines(trace) == ["sweep started", "sweep finished"]
    assert "job daily-sweep ok" in stderr
    assert "scheduler stopped" in stderr
    assert "Traceback" not in stderr


def test_sigterm_during_a_run_lets_it_finish_then_exits_zero(child) -> None:
    proc, db_path, trace = child(
        '  - {id: daily-sweep, cron: "15 6 * * *", action: sweep, run_at_startup: true}\n', sweep_seconds=1.5
    )
    _wait_for(lambda: _lines(trace) == ["sweep started"])
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=15)
    assert proc.returncode == 0, stderr
    assert _lines(trace) == ["sweep started", "sweep finished"]
    assert _state(db_path)["daily-sweep"]["last_success_at"]
    assert "waiting for daily-sweep to finish" in stderr


def test_a_second_signal_exits_at_once_and_the_lock_is_released(child) -> None:
    proc, db_path, trace = child(
        '  - {id: daily-sweep, cron: "15 6 * * *", action: sweep, run_at_startup: true}\n', sweep_seconds=30
    )
    _wait_for(lambda: _lines(trace) == ["sweep started"])
    proc.send_signal(signal.SIGINT)
    _wait_for(lambda: "stopping after the running jobs finish" in _read_some(proc))
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=10)
    assert proc.returncode == 128 + signal.SIGINT
    assert _lines(trace) == ["sweep started"]
    with run_lock(db_path):  # the kernel dropped the dead process's lock
        pass


_seen: dict[int, str] = {}


def _read_some(proc: subprocess.Popen) -> str:
    """Accumulate stderr without blocking forever (stderr is a pipe; lines arrive as the child logs)."""
    os.set_blocking(proc.stderr.fileno(), False)
    chunk = proc.stderr.read() or ""
    _seen[proc.pid] = _seen.get(proc.pid, "") + chunk
    return _seen[proc.pid]


def test_a_run_missed_while_down_is_caught_up_once_at_start(child, tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    now = datetime.now(UTC)
    earlier = now - timedelta(minutes=5)
    two_hours_ago = (now - timedelta(hours=2)).isoformat(timespec="seconds")
    db = open_db(db_path)
    db["job_state"].insert_all(
        [
            # Missed: its last success is two hours old and it fires every minute.
            {"job": "missed", "last_success_at": two_hours_ago},
            # Not missed: it fired 5 minutes ago and succeeded after that.
            {"job": "done", "last_success_at": (earlier + timedelta(minutes=1)).isoformat(timespec="seconds")},
        ],
        pk="job",
    )
    db.close()
    proc, _, trace = child(
        '  - {id: missed, cron: "* * * * *", action: sweep, misfire_grace_time: 3600}\n'
        f'  - {{id: done, cron: "{earlier.minute} {earlier.hour} * * *", action: discover, misfire_grace_time: 3600}}\n'
    )
    _wait_for(lambda: _state(db_path)["missed"]["last_success_at"] != two_hours_ago, timeout=5)  # not the next minute
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=15)
    assert proc.returncode == 0, stderr
    assert "job missed missed its run" in stderr
    assert "other" not in _lines(trace)  # the job that had not missed anything did not run
    assert _lines(trace)[:2] == ["sweep started", "sweep finished"]


def test_a_sweep_holds_the_run_lock_that_other_processes_respect(child) -> None:
    proc, db_path, trace = child(
        '  - {id: daily-sweep, cron: "15 6 * * *", action: sweep, run_at_startup: true}\n', sweep_seconds=30
    )
    _wait_for(lambda: _lines(trace) == ["sweep started"])
    with pytest.raises(RunInProgress, match=rf"a run is in progress \(pid {proc.pid}\)"), run_lock(db_path):
        pass
