"""What the operator commands need: the outbox state, and making waiting or dead rows due now."""

from __future__ import annotations

from typing import Any

from sqlite_utils import Database

from snapshots.store import outbox as queue


def requeue(db: Database, *, dead: bool = False) -> int:
    """Make waiting rows due now (and, with dead=True, give dead letters a fresh start); returns rows touched."""
    with db.atomic():
        return queue.make_due(db, dead=dead)


def outbox_state(db: Database) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(counts by channel and status, dead letters with their last error and what they were about)."""
    return queue.counts_by_channel(db), queue.dead_letters(db)
