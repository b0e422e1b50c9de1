"""`tipwatch status`: each job's last and next run, failing pages, each edition's alert state, the outbox.
Read-only, no scheduler.

Works on a database that has never run (or does not exist yet): there is simply nothing to report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from alerts.policy import SETTLING_SWEEPS
from monitor.config import Config
from monitor.jobs import ACTION_NAMES
from monitor.schedule import load_jobs, next_fire_time, parse_time, read_job_state
from snapshots import read
from snapshots.core.describe import count
from snapshots.store import outbox as queue
from snapshots.store import writes
from snapshots.store.db import open_db


@dataclass(frozen=True)
class JobStatus:
    id: str
    action: str
    schedule: str
    enabled: bool
    last_started: datetime | None
    last_success: datetime | None
    last_error: str | None
    last_error_at: datetime | None
    next_run: datetime | None

    @property
    def result(self) -> str:
        """The outcome of the latest run: ok, failed: ..., skipped: ..., or running (a killed run looks the same)."""
        ended = max((t for t in (self.last_success, self.last_error_at) if t), default=None)
        if ended is None or (self.last_started and self.last_started > ended):
            return "running, or interrupted"
        if ended == self.last_error_at:
            error = self.last_error or "failed"
            return error if error.startswith("skipped") else f"failed: {error}"
        return "ok"


@dataclass(frozen=True)
class FailingPage:
    edition: int
    slug: str
    failures: int
    failing_since: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class LastRun:
    """The latest run of one action, however it was started."""

    action: str
    started: datetime
    outcome: str


@dataclass(frozen=True)
class Status:
    now: datetime
    database_exists: bool
    jobs: list[JobStatus]
    failing_pages: list[FailingPage]
    outbox: dict[str, int]  # status -> rows
    last_runs: dict[str, LastRun]  # action -> its latest run (absent: never ran)
    editions: list[read.EditionAlertState]  # each tracked edition's alert state
    release_wait: float  # seconds a release digest waits at most for unsettled pages


def _sweep_outcome(row: dict[str, Any]) -> str:
    if row["status"] == "running":
        return "running, or interrupted"
    if row["status"] != "ok":
        return f"{row['status']}: {row['error'] or 'no reason recorded'}"
    done = json.loads(row["summary"] or "{}")
    parts = [count(done.get("checked", 0), "page") + " checked", f"{done.get('new', 0)} new"]
    parts += [f"{done['failed']} failed"] * bool(done.get("failed"))
    parts.append(count(done.get("changes", 0), "change"))
    return "ok, " + ", ".join(parts)


def _last_runs(jobs: list[JobStatus], sweep: dict[str, Any] | None) -> dict[str, LastRun]:
    """Sweeps are recorded in `runs` by whoever starts them (`tipwatch run` included); the other actions
    only run as scheduled jobs, whose latest start is in job_state."""
    out: dict[str, LastRun] = {}
    for action in ACTION_NAMES:
        started = [(j.last_started, j.result) for j in jobs if j.action == action and j.last_started]
        if started:
            moment, result = max(started)
            out[action] = LastRun(action, moment, result)
    if sweep is not None:
        swept = parse_time(sweep["started_at"])
        previous = out.get("sweep")
        if swept is not None and (previous is None or previous.started <= swept):
            out["sweep"] = LastRun("sweep", swept, _sweep_outcome(sweep))
    return out


def collect_status(config: Config, db_path: Path, now: datetime | None = None) -> Status:
    """Everything `tipwatch status` shows; validates the jobs (ConfigError) and opens the database read-only."""
    now = now or datetime.now(ZoneInfo(config.timezone))
    jobs = load_jobs(config)
    states: dict[str, dict[str, Any]] = {}
    failing: list[FailingPage] = []
    outbox: dict[str, int] = {}
    sweep: dict[str, Any] | None = None
    editions: list[read.EditionAlertState] = []
    exists = db_path.exists()
    if exists:
        db = open_db(db_path, readonly=True)
        try:
            states = read_job_state(db)
            failing = [FailingPage(e, s, n, parse_time(since), err) for e, s, n, since, err in writes.failing_pages(db)]
            outbox = queue.counts_by_status(db)
            sweep = writes.last_run(db, "sweep")
            editions = read.edition_alert_states(db, failure_threshold=config.alerts.failure_threshold)
        finally:
            db.close()
    statuses = [
        JobStatus(
            id=job.id,
            action=job.config.action,
            schedule=job.config.cron + (f" (months {job.config.months})" if job.config.months else ""),
            enabled=job.config.enabled,
            last_started=parse_time(states.get(job.id, {}).get("last_started_at")),
            last_success=parse_time(states.get(job.id, {}).get("last_success_at")),
            last_error=states.get(job.id, {}).get("last_error"),
            last_error_at=parse_time(states.get(job.id, {}).get("last_error_at")),
            next_run=next_fire_time(job.trigger, now) if job.config.enabled else None,
        )
        for job in jobs
    ]
    return Status(
        now=now,
        database_exists=exists,
        jobs=statuses,
        failing_pages=failing,
        outbox=outbox,
        last_runs=_last_runs(statuses, sweep),
        editions=editions,
        release_wait=config.alerts.release_wait,
    )


def render_status(status: Status, tz: ZoneInfo, db_path: Path) -> list[str]:
    """Plain lines for the terminal (and for grep, and the journal when systemd runs `status`)."""
    lines = [f"Jobs (time zone {tz.key}, now {_when(status.now, tz)}):"]
    if not status.jobs:
        lines.append("  none configured (add a `jobs:` list to the config)")
    width = max((len(j.id) for j in status.jobs), default=0)
    for job in status.jobs:
        last = f"{_when(job.last_started, tz)}: {job.result}" if job.last_started else "never"
        nxt = _when(job.next_run, tz) if job.next_run else ("disabled" if not job.enabled else "no further run")
        lines += [
            f"  {job.id:<{width}}  {job.action:<8}  {job.schedule}",
            f"  {'':<{width}}  last {last}",
            f"  {'':<{width}}  next {nxt}",
        ]
    if not status.database_exists:
        lines.append(f"Database {db_path} does not exist yet: nothing has run.")
        return lines
    lines.append("Last run of each action (scheduled or by hand):")
    for action in ACTION_NAMES:
        run = status.last_runs.get(action)
        lines.append(f"  {action:<8}  " + (f"{_when(run.started, tz)}: {run.outcome}" if run else "never"))
    if status.failing_pages:
        lines.append(f"Failing pages ({len(status.failing_pages)}):")
        for page in status.failing_pages:
            since = _when(page.failing_since, tz) if page.failing_since else "unknown"
            failures = count(page.failures, "failed check")
            lines.append(f"  {page.edition} {page.slug}: {failures} since {since}: {page.last_error or '?'}")
    else:
        lines.append("Failing pages: none")
    lines.append("Alerts by edition:" if status.editions else "Alerts by edition: none tracked yet")
    for edition in status.editions:
        since = _when(_utc(edition.since), tz)
        lines.append(f"  {edition.edition}  {edition.state} since {since}: {_alerting(edition, status, tz)}")
    counts = ", ".join(f"{name} {n}" for name, n in status.outbox.items())
    lines.append(f"Alerts in the outbox: {counts or 'none'}")
    return lines


def _alerting(edition: read.EditionAlertState, status: Status, tz: ZoneInfo) -> str:
    """What the edition's state means for its alerts now (see alerts/policy.py)."""
    if edition.state == "release":
        latest = _when(_utc(edition.since) + timedelta(seconds=status.release_wait), tz)
        bound = f"the end of sweep {SETTLING_SWEEPS} ({edition.sweeps} done)"
        if not edition.unsettled:
            return f"its digest goes out at the end of the next sweep (at the latest {latest} or {bound})"
        shown = ", ".join(edition.unsettled[:5]) + (
            f" and {len(edition.unsettled) - 5} more" * (len(edition.unsettled) > 5)
        )
        pages = count(len(edition.unsettled), "listed page")
        return f"its digest waits for {pages} ({shown}), at the latest {latest} or {bound}"
    if edition.state == "backfill":
        return "one summary notice when its sweep ends, nothing per change"
    digest = f"release digest queued {_when(_utc(edition.digest_at), tz)}; " if edition.digest_at else ""
    return digest + "its changes alert at once"


def _utc(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _when(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
