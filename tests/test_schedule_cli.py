"""`tipwatch schedule` and `tipwatch status` for real: subprocesses against the loopback sample site."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from click.testing import CliRunner

from monitor.cli import cli
from monitor.samples.server import Request, SampleSite
from monitor.schedule import read_job_state
from snapshots.errors import StorageError
from snapshots.store.db import open_db
from tests.conftest import write_cron_file

ROOT = Path(__file__).resolve().parent.parent


def _write_config(tmp_path: Path, site: SampleSite, jobs: list[dict], timezone: str = "UTC") -> Path:
    fetch = {"min_interval": 0, "retries": 1, "backoff": 0.05, "connect_timeout": 5, "read_timeout": 20}
    alerts = {"channels": [{"name": "console", "type": "stdout"}]}
    return write_cron_file(
        tmp_path, site.base_url, tmp_path / "t.db", editions="latest", fetch=fetch, timezone=timezone, jobs=jobs,
        alerts=alerts,
    )  # fmt: skip


def _tipwatch(config: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "monitor", "--config", str(config), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class Daemon:
    """`tipwatch schedule` in a child process."""

    def __init__(self, config: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "monitor", "--config", str(config), "schedule"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def stop(self) -> str:
        """SIGTERM, wait for the exit, return stderr."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.communicate(timeout=30)[1]
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()


def _query(db_path: Path, sql: str) -> list[tuple]:
    try:
        db = open_db(db_path, readonly=True)
    except StorageError:
        return []
    try:
        return db.execute(sql).fetchall()
    except sqlite3.Error:
        return []
    finally:
        db.close()


def _succeeded(db_path: Path, job: str, after: str = "") -> bool:
    try:
        db = open_db(db_path, readonly=True)
    except StorageError:
        return False
    try:
        state = read_job_state(db).get(job) or {}
    except sqlite3.Error:
        return False
    finally:
        db.close()
    return (state.get("last_success_at") or "") > after


def _wait_for(predicate, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


SWEEP = {"id": "daily-sweep", "cron": "15 6 * * *", "action": "sweep"}
WATCH = {"id": "release-watch", "cron": "5 * * * *", "action": "discover", "months": "6-10"}


def test_once_runs_a_job_now_and_the_daemon_finds_a_new_edition_then_stops_on_sigterm(
    tmp_path: Path, site: SampleSite
) -> None:
    config = _write_config(tmp_path, site, [SWEEP, {**WATCH, "run_at_startup": True}])
    db_path = tmp_path / "t.db"
    once = _tipwatch(config, "schedule", "--once", "daily-sweep")
    assert once.returncode == 0, once.stderr
    assert "daily-sweep: ok" in once.stdout
    assert _query(db_path, "select distinct edition from pages") == [(2024,)]

    site.published.add(2025)  # the next edition appears
    daemon = Daemon(config)
    ran = _wait_for(lambda: _succeeded(db_path, "release-watch"))
    stderr = daemon.stop()
    assert ran, stderr
    assert daemon.proc.returncode == 0, stderr
    assert "job release-watch ok" in stderr
    assert "editions [2025]" in stderr
    assert _query(db_path, "select distinct edition from pages order by edition") == [(2024,), (2025,)]
    assert _query(db_path, "select count(*) from changes where comparison = 'edition'")[0][0] > 0
    # The daily sweep was not due: only the startup job ran.
    state = dict(_query(db_path, "select job, last_started_at from job_state"))
    assert set(state) == {"daily-sweep", "release-watch"}
    # Stored to the second: the startup job may start within the second the --once run did.
    assert state["release-watch"] >= state["daily-sweep"]


def test_a_daily_sweep_missed_while_down_is_caught_up_at_start(tmp_path: Path, site: SampleSite) -> None:
    now = datetime.now(UTC)
    fired = now - timedelta(minutes=30)  # the sweep was due half an hour ago, while "the machine was off"
    job = {**SWEEP, "cron": f"{fired.minute} {fired.hour} * * *", "misfire_grace_time": 3600}
    config = _write_config(tmp_path, site, [job])
    db_path = tmp_path / "t.db"
    yesterday = (fired - timedelta(days=1, minutes=-1)).isoformat(timespec="seconds")
    db = open_db(db_path)
    db["job_state"].insert({"job": "daily-sweep", "last_success_at": yesterday}, pk="job")
    db.close()
    daemon = Daemon(config)
    ran = _wait_for(lambda: _succeeded(db_path, "daily-sweep", after=yesterday))
    stderr = daemon.stop()
    assert ran, stderr
    assert daemon.proc.returncode == 0, stderr
    assert "job daily-sweep missed its run" in stderr
    assert _query(db_path, "select count(*) from snapshots where edition = 2024")[0][0] > 0


def test_tipwatch_run_during_a_scheduled_sweep_exits_with_run_in_progress(tmp_path: Path, site: SampleSite) -> None:
    config = _write_config(tmp_path, site, [{**SWEEP, "run_at_startup": True}])
    db_path = tmp_path / "t.db"
    landing = urlsplit(site.url(2024)).path
    served: list[float] = []

    def slow_landing(request: Request) -> tuple[int, dict, bytes]:
        served.append(time.monotonic())
        time.sleep(4)  # keeps the scheduled sweep (and its lock) busy
        site.clear_overrides()
        return site.respond(request)

    site.override(landing, slow_landing)
    daemon = Daemon(config)
    try:
        assert _wait_for(lambda: served)
        run = _tipwatch(config, "run", "--no-deliver")
        ran = _wait_for(lambda: _succeeded(db_path, "daily-sweep"))
    finally:
        stderr = daemon.stop()
    assert ran, stderr
    assert run.returncode != 0
    assert "a run is in progress" in run.stderr
    assert f"pid {daemon.proc.pid}" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert daemon.proc.returncode == 0, stderr
    assert _query(db_path, "select count(*) from snapshots")[0][0] > 0


def test_status_on_a_database_that_never_ran(tmp_path: Path, site: SampleSite) -> None:
    config = _write_config(tmp_path, site, [SWEEP, WATCH])
    result = CliRunner().invoke(cli, ["--config", str(config), "status"])
    assert result.exit_code == 0, result.output
    assert "does not exist yet" in result.output
    assert result.output.count("last never") == 2
    now = datetime.now(UTC)
    today = now.replace(hour=6, minute=15, second=0, microsecond=0)
    expected = today if now < today else today + timedelta(days=1)
    assert f"next {expected:%Y-%m-%d %H:%M} UTC" in result.output
    assert not (tmp_path / "t.db").exists()  # status never creates the database


def test_status_shows_last_and_next_runs_failing_pages_and_the_outbox(tmp_path: Path, site: SampleSite) -> None:
    config = _write_config(
        tmp_path, site, [SWEEP, WATCH, {"id": "old", "cron": "0 0 * * *", "action": "deliver", "enabled": False}]
    )
    db_path = tmp_path / "t.db"
    db = open_db(db_path)
    db["job_state"].insert_all(
        [
            {
                "job": "daily-sweep",
                "last_started_at": "2026-11-27T06:15:00+00:00",
                "last_success_at": "2026-11-27T06:20:00+00:00",
            },
            {
                "job": "release-watch",
                "last_started_at": "2026-10-31T23:05:00+00:00",
                "last_success_at": "2026-10-31T22:06:00+00:00",
                "last_error": "FetchError: timeout",
                "last_error_at": "2026-10-31T23:06:00+00:00",
            },
        ],
        pk="job",
    )
    db["pages"].insert_all(
        [
            {
                "edition": 2025,
                "slug": "japan",
                "url": "u1",
                "consecutive_failures": 3,
                "failing_since": "2026-11-25T06:15:00+00:00",
                "last_error": "http_5xx: 503",
            },
            {"edition": 2025, "slug": "chile", "url": "u2", "consecutive_failures": 0},
        ]
    )
    db["outbox"].insert_all(
        [
            {"channel": "console", "dedupe_key": f"k{i}", "status": s}
            for i, s in enumerate(["pending", "pending", "dead"])
        ]
    )
    db.close()
    mtime = db_path.stat().st_mtime_ns
    result = CliRunner().invoke(cli, ["--config", str(config), "status"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "last 2026-11-27 06:15 UTC: ok" in out
    assert "last 2026-10-31 23:05 UTC: failed: FetchError: timeout" in out
    assert "next 2027-06-01 00:05 UTC" in out  # release window only, from a November "now"
    assert "disabled" in out
    assert "2025 japan: 3 failed checks since 2026-11-25 06:15 UTC: http_5xx: 503" in out
    assert "chile" not in out
    assert "Alerts in the outbox: dead 1, pending 2" in out
    assert db_path.stat().st_mtime_ns == mtime  # read-only


def test_a_bad_schedule_is_one_line_naming_the_job_and_field(tmp_path: Path, site: SampleSite) -> None:
    config = _write_config(tmp_path, site, [SWEEP, {**WATCH, "cron": "5 * * * 9"}])
    message = (
        f"{config}: jobs[1] (release-watch).cron: day-of-week field '9': 9 is not a weekday (0-7, 0 and 7 are Sunday)"
    )
    result = _tipwatch(config, "schedule")
    assert result.returncode == 2
    assert result.stderr.strip() == f"tipwatch: error: {message}"
    status = CliRunner().invoke(cli, ["--config", str(config), "status"])
    assert str(status.exception) == message
    assert not (tmp_path / "t.db").exists()


def test_once_with_an_unknown_job_lists_the_jobs(tmp_path: Path, site: SampleSite) -> None:
    config = _write_config(tmp_path, site, [SWEEP, WATCH])
    result = CliRunner().invoke(cli, ["--config", str(config), "schedule", "--once", "nightly"])
    assert result.exit_code == 2
    assert "no job 'nightly'" in result.output
    assert "daily-sweep, release-watch" in result.output
