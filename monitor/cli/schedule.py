"""tipwatch commands: schedule (the daemon, or one job with --once) and status."""

from __future__ import annotations

import logging
import sys
from zoneinfo import ZoneInfo

import click

from monitor.cli import AppContext, pass_app
from monitor.jobs import ACTIONS
from monitor.schedule import load_jobs, run_job, run_scheduler
from monitor.status import collect_status, render_status
from snapshots.core.safe_text import clean_text


@click.command()
@click.option("--once", "once", metavar="JOB", help="Run this job from the config now, once, and exit.")
@pass_app
def schedule(app: AppContext, once: str | None) -> None:
    """Run the jobs of the config on their cron schedules until SIGTERM or Ctrl-C.

    Runs missed while the scheduler was down are caught up once at start (within each job's
    misfire_grace_time). A running job is allowed to finish when stopped; a second signal stops at once.
    """
    jobs = {job.id: job for job in load_jobs(app.config)}
    _log_runs(progress=once is not None and sys.stderr.isatty())
    if once is None:
        run_scheduler(app.config, app.db_path)
        return
    if once not in jobs:
        raise click.BadParameter(
            f"no job {once!r} in {app.config.path} (jobs: {', '.join(jobs) or 'none'})", param_hint="--once"
        )
    job = jobs[once].config
    outcome = run_job(job, ACTIONS[job.action], app.config, app.db_path, reraise=True)
    detail = f": {clean_text(outcome.detail)}" if outcome.detail else ""
    click.echo(f"{job.id}: {outcome.status} in {outcome.seconds:.1f}s{detail}")


@click.command()
@pass_app
def status(app: AppContext) -> None:
    """Show each job's last and next run, pages failing and since when, and the alerts outbox."""
    tz = ZoneInfo(app.config.timezone)
    for line in render_status(collect_status(app.config, app.db_path), tz, app.db_path):
        click.echo(clean_text(line))  # stored error messages quote what servers and pages said


def _log_runs(*, progress: bool) -> None:
    """Each run's outcome is logged at INFO: show it unless the user asked for less (-q).

    With `progress` (one job, run by hand on a terminal) the fetcher's INFO lines show too, so retries
    and unreachable editions appear as they happen instead of after minutes of silence.
    """
    logger = logging.getLogger("monitor" if progress else "monitor.schedule")
    if logging.getLogger().getEffectiveLevel() <= logging.WARNING:
        logger.setLevel(min(logging.INFO, logging.getLogger().getEffectiveLevel()))


COMMANDS: list[click.Command] = [schedule, status]
