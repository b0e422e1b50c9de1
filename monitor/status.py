"""`tipwatch status`: each job's last and next run, failing pages, the outbox. Read-only, no scheduler.

Works on a database that has never run (or does not exist yet): there is simply nothing to report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from monitor.config import Config
from monitor.schedule import load_jobs, next_fire_time, parse_time, read_job_state
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
class Status:
    now: datetime
    database_exists: bool
    jobs: list[JobStatus]
    failing_pages: list[FailingPage]
    outbox: dict[str, int]  # status -> rows


def collect_status(config: Config, db_path: Path, now: datetime | None = None) -> Status:
    """Everything `tipwatch status` shows; validates the jobs (ConfigError) and opens the database read-only."""
    now = now or datetime.now(ZoneInfo(config.timezone))
    jobs = load_jobs(config)
    states: dict[str, dict[str, Any]] = {}
    failing: list[FailingPage] = []
    outbox: dict[str, int] = {}
    exists = db_path.exists()
    if exists:
        db = open_db(db_path, readonly=True)
        try:
            states = read_job_state(db)
            failing = [FailingPage(e, s, n, parse_time(since), err) for e, s, n, since, err in writes.failing_pages(db)]
            outbox = queue.counts_by_status(db)
        finally:
            db.close()
    return Status(
        now=now,
        database_exists=exists,
        jobs=[
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
        ],
        failing_pages=failing,
        outbox=outbox,
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
    if status.failing_pages:
        lines.append(f"Failing pages ({len(status.failing_pages)}):")
        for page in status.failing_pages:
            since = _when(page.failing_since, tz) if page.failing_since else "unknown"
            lines.append(
                f"  {page.edition} {page.slug}: {page.failures} failed check(s) since {since}: {page.last_error or '?'}"
            )
    else:
        lines.append("Failing pages: none")
    counts = ", ".join(f"{name} {n}" for name, n in status.outbox.items())
    lines.append(f"Alerts in the outbox: {counts or 'none'}")
    return lines


def _when(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M %Z")
