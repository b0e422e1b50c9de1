"""cron.yaml jobs -> APScheduler 3.x: crontab triggers with crontab meaning, catch-up at start, no overlap.

The job store is APScheduler's in-memory one: the jobs come from cron.yaml at every start, and what must
outlive a restart (when each job last ran and succeeded) is the `job_state` table of the tipwatch
database, which drives the catch-up of runs missed while the machine was off.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import signal
import threading
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED, JobEvent
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.combining import OrTrigger
from apscheduler.triggers.cron import CronTrigger
from sqlite_utils import Database

from monitor.config import MAX_MISFIRE_GRACE, Config, JobConfig
from monitor.errors import ConfigError
from monitor.jobs import ACTION_NAMES, ACTIONS, JobFunc
from monitor.lock import RunInProgress
from snapshots.store import writes
from snapshots.store.db import now_iso, open_db

log = logging.getLogger(__name__)


_ALIASES = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}
_FIELDS = ("minute", "hour", "day", "month", "day_of_week")
_DAY_NAMES = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
_DOW_ITEM = re.compile(r"^(?:(\*)|(\w+)(?:-(\w+))?)(?:/(\d+))?$")


# --- triggers -------------------------------------------------------------------------------------


def crontab_trigger(expr: str, tz: tzinfo, months: str = "") -> BaseTrigger:
    """A standard 5-field crontab expression as an APScheduler trigger, with crontab's meaning.

    APScheduler 3.x counts numeric weekdays from 0 = Monday and ANDs day-of-month with day-of-week;
    crontab counts 0 and 7 as Sunday and runs when either restricted day field matches. `months` is an
    extra month filter ("6-10") for jobs that only run in part of the year. Raises ValueError.
    """
    expr = _ALIASES.get(expr.strip(), expr)
    if expr.strip() == "@reboot":
        raise ValueError("@reboot is not a schedule; use run_at_startup: true")
    parts = expr.split()
    if len(parts) != 5:
        raise ValueError(f"{expr!r}: expected 5 fields (minute hour day-of-month month day-of-week), got {len(parts)}")
    fields = dict(zip(_FIELDS, parts, strict=True))
    if months:
        if fields["month"] != "*":
            raise ValueError("give the months either in the cron month field or in `months`, not both")
        fields["month"] = months
    fields["day_of_week"] = _crontab_weekdays(fields["day_of_week"])
    for name, value in fields.items():
        try:
            CronTrigger(**{name: value}, timezone=tz)
        except ValueError as exc:
            reason = str(exc).removeprefix(f"Error validating expression {value!r}: ")
            raise ValueError(f"{name.replace('_', '-')} field {value!r}: {reason}") from None
    day, dow = parts[2], parts[4]
    if not day.startswith("*") and not dow.startswith("*"):
        # crontab: "run when either matches" (man 5 crontab); APScheduler alone would require both.
        return OrTrigger(
            [
                CronTrigger(**{**fields, "day_of_week": "*"}, timezone=tz),
                CronTrigger(**{**fields, "day": "*"}, timezone=tz),
            ]
        )
    return CronTrigger(**fields, timezone=tz)


def _crontab_weekdays(field: str) -> str:
    """Crontab day-of-week (0 and 7 = Sunday, names, ranges, steps) -> an explicit list of day names."""
    if field == "*":
        return field
    days: set[int] = set()
    for item in field.lower().split(","):
        match = _DOW_ITEM.match(item)
        if not match:
            raise ValueError(f"day-of-week field {field!r}: cannot read {item!r}")
        star, first, last, step = match.groups()
        lo = 0 if star else _weekday_number(first, field)
        hi = 6 if star or (step and last is None) else lo  # "1/2": from Monday to the end of the week
        if last is not None:
            hi = _weekday_number(last, field, end=True)
        if hi < lo:
            raise ValueError(f"day-of-week field {field!r}: range {item!r} runs backwards")
        days.update(d % 7 for d in range(lo, hi + 1, int(step or 1)))
    return ",".join(_DAY_NAMES[d] for d in sorted(days))


def _weekday_number(token: str, field: str, *, end: bool = False) -> int:
    if token.isdigit():
        if int(token) > 7:
            raise ValueError(f"day-of-week field {field!r}: {token} is not a weekday (0-7, 0 and 7 are Sunday)")
        return int(token)
    if token not in _DAY_NAMES:
        raise ValueError(f"day-of-week field {field!r}: unknown day {token!r}")
    number = _DAY_NAMES.index(token)
    return 7 if end and number == 0 else number  # "fri-sun" ends on Sunday


def next_fire_time(trigger: BaseTrigger, now: datetime) -> datetime | None:
    return trigger.get_next_fire_time(None, now)


def fire_times(trigger: BaseTrigger, start: datetime) -> Iterator[datetime]:
    """Every fire time at or after `start`, in order."""
    fire = trigger.get_next_fire_time(None, start)
    while fire is not None:
        yield fire
        fire = trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))


def previous_fire_time(trigger: BaseTrigger, now: datetime, window: timedelta) -> datetime | None:
    """The latest fire time in [now - window, now], or None (APScheduler 3 cannot look backwards)."""
    latest = None
    for fire in fire_times(trigger, now - window):
        if fire > now:
            break
        latest = fire
    return latest


@dataclass(frozen=True)
class ScheduledJob:
    config: JobConfig
    trigger: BaseTrigger

    @property
    def id(self) -> str:
        return self.config.id


def load_jobs(config: Config) -> list[ScheduledJob]:
    """Validate every job of the config and build its trigger; ConfigError names the job and field."""
    tz = ZoneInfo(config.timezone)
    jobs = []
    for i, job in enumerate(config.jobs):
        where = f"{config.path or 'cron.yaml'}: jobs[{i}] ({job.id})"
        if job.action not in ACTION_NAMES:
            raise ConfigError(
                f"{where}.action: unknown action {job.action!r} (expected one of: {', '.join(ACTION_NAMES)})"
            )
        if not 0 < job.misfire_grace_time <= MAX_MISFIRE_GRACE:
            # Catching up over years would walk every fire time since then (10 years: 40 s at start-up).
            raise ConfigError(
                f"{where}.misfire_grace_time: must be a positive number of seconds, at most "
                f"{MAX_MISFIRE_GRACE:,} (31 days), got {job.misfire_grace_time}"
            )
        if job.months:
            try:
                CronTrigger(month=job.months, timezone=tz)
            except ValueError as exc:
                raise ConfigError(f"{where}.months: {job.months!r}: {exc}") from None
        try:
            trigger = crontab_trigger(job.cron, tz, job.months)
        except ValueError as exc:
            raise ConfigError(f"{where}.cron: {exc}") from None
        if next_fire_time(trigger, datetime.now(tz)) is None:
            raise ConfigError(f"{where}.cron: {job.cron!r} never fires (no such date)")
        jobs.append(ScheduledJob(job, trigger))
    return jobs


# --- job_state: what survives a restart ----------------------------------------------------------------


def parse_time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def read_job_state(db: Database) -> dict[str, dict[str, Any]]:
    return writes.job_states(db)


def _record(db_path: Path, job_id: str, **values: str | None) -> None:
    """Write one job_state row; a failure here is logged, never raised (the scheduler must go on)."""
    try:
        db = open_db(db_path)
        try:
            with db.conn:
                writes.record_job_state(db, job_id, values)
        finally:
            db.close()
    except Exception:
        log.exception("job %s: could not record its state in %s", job_id, db_path)


def missed_run(job: ScheduledJob, state: Mapping[str, Any] | None, now: datetime) -> datetime | None:
    """The scheduled time of a run this job missed (within its grace time), or None.

    A job with no recorded run at all has missed nothing: catch-up is for a scheduler that was down.
    """
    if not state:
        return None
    previous = previous_fire_time(job.trigger, now, timedelta(seconds=job.config.misfire_grace_time))
    if previous is None:
        return None
    last_success = parse_time(state.get("last_success_at"))
    return previous if last_success is None or last_success < previous else None


# --- running a job ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    status: Literal["ok", "failed", "skipped"]
    detail: str
    seconds: float


class _Running:
    """The jobs running right now, so a stop can wait for them to finish."""

    def __init__(self) -> None:
        self._names: list[str] = []
        self._cond = threading.Condition()

    def add(self, name: str) -> None:
        with self._cond:
            self._names.append(name)

    def remove(self, name: str) -> None:
        with self._cond:
            self._names.remove(name)
            self._cond.notify_all()

    def names(self) -> list[str]:
        with self._cond:
            return list(self._names)

    def wait_idle(self) -> None:
        with self._cond:
            self._cond.wait_for(lambda: not self._names)


_running = _Running()


def run_job(job: JobConfig, func: JobFunc, config: Config, db_path: Path, *, reraise: bool = False) -> Outcome:
    """Run one job, log its outcome and record it in job_state. Never raises unless `reraise`.

    A sweep that finds the run lock held (a `tipwatch run` from cron, or a slow sweep) is skipped, not failed.
    """
    _running.add(job.id)
    try:
        return _run_and_record(job, func, config, db_path, reraise)
    finally:
        _running.remove(job.id)


def _run_and_record(job: JobConfig, func: JobFunc, config: Config, db_path: Path, reraise: bool) -> Outcome:
    started = time.monotonic()
    _record(db_path, job.id, last_started_at=now_iso())
    log.info("job %s (%s) started", job.id, job.action)
    try:
        result = func(config, db_path)
    except RunInProgress as exc:
        outcome = Outcome("skipped", f"run in progress: {exc}", time.monotonic() - started)
        log.warning("job %s skipped: %s", job.id, exc)
        _record(db_path, job.id, last_error="skipped: run in progress", last_error_at=now_iso())
        if reraise:
            raise
        return outcome
    except Exception as exc:
        outcome = Outcome("failed", f"{type(exc).__name__}: {exc}", time.monotonic() - started)
        log.error("job %s failed after %.1fs: %s", job.id, outcome.seconds, outcome.detail, exc_info=not reraise)
        _record(db_path, job.id, last_error=outcome.detail, last_error_at=now_iso())
        if reraise:
            raise
        return outcome
    outcome = Outcome("ok", _describe(result), time.monotonic() - started)
    log.info("job %s ok in %.1fs%s", job.id, outcome.seconds, f": {outcome.detail}" if outcome.detail else "")
    _record(db_path, job.id, last_success_at=now_iso())
    return outcome


def _describe(result: object) -> str:
    summary = getattr(result, "summary", None)
    if callable(summary):
        result = summary()
    elif dataclasses.is_dataclass(result) and not isinstance(result, type):
        result = dataclasses.asdict(result)
    if isinstance(result, dict):
        return ", ".join(f"{k} {v}" for k, v in result.items() if v not in (None, False, 0, [], {}))
    return "" if result is None else str(result)[:200]


# --- the scheduler ---------------------------------------------------------------------------------------


def build_scheduler(
    config: Config,
    db_path: Path,
    *,
    actions: Mapping[str, JobFunc] | None = None,
    scheduler_cls: type[BaseScheduler] = BlockingScheduler,
) -> BaseScheduler:
    """A scheduler with the enabled jobs of the config; missed and run_at_startup jobs are due now."""
    if actions is None:
        actions = ACTIONS
    tz = ZoneInfo(config.timezone)
    scheduler = scheduler_cls(
        timezone=tz, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
    )
    db = open_db(db_path)
    try:
        states = read_job_state(db)
    finally:
        db.close()
    now = datetime.now(tz)
    for job in load_jobs(config):
        if not job.config.enabled:
            continue
        options: dict[str, Any] = {"misfire_grace_time": job.config.misfire_grace_time}
        missed = missed_run(job, states.get(job.id), now)
        if missed is not None:
            log.info("job %s missed its run of %s: running it now", job.id, missed.isoformat(timespec="minutes"))
        if missed is not None or job.config.run_at_startup:
            options["next_run_time"] = now  # once now, then on its cron schedule
        scheduler.add_job(
            run_job,
            job.trigger,
            args=(job.config, actions[job.config.action], config, db_path),
            id=job.id,
            name=job.id,
            **options,
        )
    scheduler.add_listener(_on_skipped, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
    return scheduler


def _on_skipped(event: JobEvent) -> None:
    why = "missed by more than its grace time" if event.code == EVENT_JOB_MISSED else "still running from before"
    log.warning("job %s: the run due %s did not start (%s)", event.job_id, event.scheduled_run_time, why)


def run_scheduler(config: Config, db_path: Path, *, actions: Mapping[str, JobFunc] | None = None) -> None:
    """Run the scheduler until SIGTERM or SIGINT; a running job is allowed to finish, a second signal exits now."""
    scheduler = build_scheduler(config, db_path, actions=actions)

    def stop(signum: int, frame: object) -> None:
        name = signal.Signals(signum).name
        if scheduler.running:
            log.warning("%s: stopping after the running jobs finish (%s again to stop now)", name, name)
            scheduler.shutdown(wait=False)
        else:
            log.warning("%s again: exiting without waiting for %s", name, ", ".join(_running.names()) or "anything")
            os._exit(128 + signum)

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        jobs = scheduler.get_jobs()
        log.info("scheduler started with %d job(s): %s", len(jobs), ", ".join(j.id for j in jobs) or "none")
        scheduler.start()
        if _running.names():
            log.warning("waiting for %s to finish", ", ".join(_running.names()))
        _running.wait_idle()
        log.info("scheduler stopped")
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
