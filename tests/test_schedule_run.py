"""Running jobs: outcomes recorded in job_state, the run lock, catch-up, a real scheduler under time travel."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.schedulers.background import BackgroundScheduler

from monitor.config import Config, parse_config
from monitor.lock import RunInProgress, run_lock
from monitor.samples.server import SampleSite
from monitor.schedule import build_scheduler, read_job_state, run_job
from snapshots.store.db import open_db

NY = ZoneInfo("America/New_York")


def _config(jobs_yaml: str, timezone: str = "America/New_York") -> Config:
    return parse_config(f"timezone: {timezone}\njobs:\n{jobs_yaml}", "cron.yaml")


def _state(db_path: Path) -> dict[str, dict]:
    db = open_db(db_path)
    try:
        return read_job_state(db)
    finally:
        db.close()


class _Summary:
    def summary(self) -> dict:
        return {"checked": 3, "new": 1, "failed": 0}


def test_a_successful_run_is_recorded_with_its_summary(tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    config = _config('  - {id: daily, cron: "15 6 * * *", action: sweep}\n')
    before = datetime.now(UTC).replace(microsecond=0)
    outcome = run_job(config.jobs[0], lambda c, p: _Summary(), config, db_path)
    assert outcome.status == "ok"
    assert outcome.detail == "checked 3, new 1"
    state = _state(db_path)["daily"]
    assert datetime.fromisoformat(state["last_success_at"]) >= before
    assert datetime.fromisoformat(state["last_started_at"]) >= before
    assert state["last_error"] is None


def test_a_failing_run_is_recorded_and_does_not_raise(tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    config = _config('  - {id: daily, cron: "15 6 * * *", action: sweep}\n')
    run_job(config.jobs[0], lambda c, p: None, config, db_path)

    def boom(c: Config, p: Path) -> None:
        raise RuntimeError("state.gov answered 503 five times")

    outcome = run_job(config.jobs[0], boom, config, db_path)
    assert outcome.status == "failed"
    assert outcome.detail == "RuntimeError: state.gov answered 503 five times"
    state = _state(db_path)["daily"]
    assert state["last_error"] == "RuntimeError: state.gov answered 503 five times"
    assert state["last_error_at"] >= state["last_success_at"]  # the earlier success is kept
    with pytest.raises(RuntimeError):
        run_job(config.jobs[0], boom, config, db_path, reraise=True)


def test_a_sweep_while_another_process_holds_the_run_lock_is_skipped_not_failed(tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    config = _config('  - {id: daily, cron: "15 6 * * *", action: sweep}\n')
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom monitor.lock import run_lock\n"
            "with run_lock(sys.argv[1]):\n    print('held', flush=True)\n    time.sleep(30)\n",
            str(db_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        ran = []

        def sweep(c: Config, p: Path) -> None:
            with run_lock(p):
                ran.append(True)

        outcome = run_job(config.jobs[0], sweep, config, db_path)
    finally:
        holder.kill()
        holder.wait()
    assert outcome.status == "skipped"
    assert f"pid {holder.pid}" in outcome.detail
    assert ran == []
    state = _state(db_path)["daily"]
    assert state["last_error"] == "skipped: run in progress"
    assert state["last_success_at"] is None
    # Once the holder is gone, the same job runs.
    assert run_job(config.jobs[0], sweep, config, db_path).status == "ok"
    assert ran == [True]


def test_once_mode_reraises_run_in_progress(tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    config = _config('  - {id: daily, cron: "15 6 * * *", action: sweep}\n')

    def sweep(c: Config, p: Path) -> None:
        with run_lock(p):
            pass

    with run_lock(db_path), pytest.raises(RunInProgress, match="a run is in progress"):
        run_job(config.jobs[0], sweep, config, db_path, reraise=True)


def _record(db_path: Path, job: str, **values: str) -> None:
    db = open_db(db_path)
    db["job_state"].upsert({"job": job, **values}, pk="job")
    db.close()


def test_catch_up_makes_only_missed_jobs_due_at_start(tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    config = _config(
        '  - {id: missed, cron: "15 6 * * *", action: sweep, misfire_grace_time: 43200}\n'
        '  - {id: done, cron: "15 6 * * *", action: sweep, misfire_grace_time: 43200}\n'
        '  - {id: too-late, cron: "15 6 * * *", action: sweep, misfire_grace_time: 3600}\n'
        '  - {id: new, cron: "15 6 * * *", action: sweep, misfire_grace_time: 43200}\n'
        '  - {id: startup, cron: "15 6 * * *", action: deliver, run_at_startup: true}\n'
        '  - {id: paused, cron: "15 6 * * *", action: sweep, enabled: false}\n'
    )
    now = datetime(2026, 11, 28, 10, 0, tzinfo=NY)
    yesterday = (now - timedelta(days=1)).astimezone(UTC).isoformat()
    for job in ("missed", "too-late", "paused"):
        _record(db_path, job, last_success_at=yesterday)
    _record(db_path, "done", last_success_at=now.replace(hour=6, minute=20).astimezone(UTC).isoformat())
    actions = dict.fromkeys(("sweep", "discover", "deliver"), lambda c, p: None)
    with time_machine.travel(now, tick=False):
        scheduler = build_scheduler(config, db_path, actions=actions, scheduler_cls=BackgroundScheduler)
        scheduler.start(paused=True)
        try:
            due = {job.id: job.next_run_time for job in scheduler.get_jobs()}
        finally:
            scheduler.shutdown(wait=False)
    tomorrow = datetime(2026, 11, 29, 6, 15, tzinfo=NY)
    assert due == {"missed": now, "done": tomorrow, "too-late": tomorrow, "new": tomorrow, "startup": now}


def test_a_real_scheduler_fires_on_time_and_survives_a_failing_job(tmp_path: Path) -> None:
    """Time travel to just before 06:15 in New York; the clock then ticks in real time."""
    db_path = tmp_path / "t.db"
    config = _config(
        '  - {id: daily-sweep, cron: "15 6 * * 1-5", action: sweep}\n'
        '  - {id: broken, cron: "* * * * *", action: discover, run_at_startup: true}\n'
    )
    fired: list[datetime] = []
    done = threading.Event()
    broken_runs: list[datetime] = []

    def sweep(c: Config, p: Path) -> str:
        fired.append(datetime.now(NY))
        done.set()
        return "swept"

    def broken(c: Config, p: Path) -> None:
        broken_runs.append(datetime.now(NY))
        raise RuntimeError("landing page moved")

    # Monday 30 November 2026 (crontab 1-5 is Mon-Fri), 06:14:58.
    with time_machine.travel(datetime(2026, 11, 30, 6, 14, 58, tzinfo=NY), tick=True):
        scheduler = build_scheduler(
            config,
            db_path,
            actions={"sweep": sweep, "discover": broken, "deliver": sweep},
            scheduler_cls=BackgroundScheduler,
        )
        scheduler.start()
        try:
            assert done.wait(10), "the 06:15 job did not fire"
            assert scheduler.running
        finally:
            scheduler.shutdown(wait=True)
    assert len(fired) == 1
    assert datetime(2026, 11, 30, 6, 15, tzinfo=NY) <= fired[0] < datetime(2026, 11, 30, 6, 15, 2, tzinfo=NY)
    # The broken job ran at start and again at 06:15:00, failing both times, and the scheduler went on.
    assert len(broken_runs) == 2
    state = _state(db_path)
    assert state["broken"]["last_error"] == "RuntimeError: landing page moved"
    assert state["broken"]["last_success_at"] is None
    assert state["daily-sweep"]["last_success_at"].startswith("2026-11-30T11:15:0")  # 06:15 EST in UTC


def test_under_time_travel_the_scheduled_sweep_fetches_the_sample_site_at_the_right_time(tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    finished = threading.Event()
    with SampleSite(published={2024}) as site:
        config = parse_config(
            "timezone: America/New_York\n"
            f"source: {{base_url: '{site.base_url}', archive_hosts: [], allowed_hosts: [127.0.0.1], latest_count: 1}}\n"
            "fetch: {min_interval: 0, retries: 1, backoff: 0.05}\n"
            "jobs:\n"
            '  - {id: daily-sweep, cron: "15 6 * * mon-fri", action: sweep}\n',
            "cron.yaml",
        )
        with time_machine.travel(datetime(2026, 11, 30, 6, 14, 58, tzinfo=NY), tick=True):
            scheduler = build_scheduler(config, db_path, scheduler_cls=BackgroundScheduler)
            scheduler.add_listener(lambda event: finished.set(), EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
            scheduler.start()
            try:
                assert finished.wait(30), "the 06:15 sweep did not run"
            finally:
                scheduler.shutdown(wait=True)
        assert site.hits  # it really fetched from the sample site
    state = _state(db_path)["daily-sweep"]
    assert state["last_started_at"] == "2026-11-30T11:15:00+00:00"  # 06:15 EST
    db = open_db(db_path)
    checked = [row[0] for row in db.execute("select checked_at from checks")]
    editions = {row[0] for row in db.execute("select edition from snapshots")}
    db.close()
    assert checked and all(c.startswith("2026-11-30T11:15:") for c in checked)
    assert editions == {2024}
