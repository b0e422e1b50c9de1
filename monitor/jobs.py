"""The job actions, named once: what each does is one call into the pipeline or the alerts outbox.

The imports are inside the functions so that loading the CLI (every `tipwatch` command imports the
scheduler's module) does not load the whole fetch-and-parse machinery.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from monitor.config import Config

JobFunc = Callable[[Config, Path], object]


def sweep(config: Config, db_path: Path) -> object:
    """Check every tracked page once (takes the run lock; RunInProgress when it is held)."""
    from monitor import pipeline

    return pipeline.sweep(config, db_path)


def discover(config: Config, db_path: Path) -> object:
    """Look for a newly published edition and sweep it when it appears (takes the run lock)."""
    from monitor import pipeline

    return pipeline.discover(config, db_path)


def deliver(config: Config, db_path: Path) -> object:
    """Send what is waiting in the outbox: alerts, digests, retries."""
    import alerts
    from snapshots.store.db import open_db

    db = open_db(db_path)
    try:
        return alerts.deliver_pending(db, config.alerts)
    finally:
        db.close()


ACTIONS: dict[str, JobFunc] = {"sweep": sweep, "discover": discover, "deliver": deliver}
ACTION_NAMES: tuple[str, ...] = tuple(ACTIONS)
