"""What the operator commands need: the outbox state, and making waiting or dead rows due now."""

from __future__ import annotations

import json
from typing import Any

from sqlite_utils import Database

from alerts.outbox import fetch_rows


def requeue(db: Database, *, dead: bool = False) -> int:
    """Make waiting rows due now (and, with dead=True, give dead letters a fresh start); returns rows touched."""
    with db.atomic():
        n = db.execute("update outbox set next_attempt_at = null where status = 'pending'").rowcount
        if dead:
            n += db.execute(
                "update outbox set status = 'pending', attempts = 0, next_attempt_at = null where status = 'dead'"
            ).rowcount
    return n


def outbox_state(db: Database) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(counts by channel and status, dead letters with their last error and what they were about)."""
    counts = fetch_rows(
        db, "select channel, status, count(*) as n from outbox group by channel, status order by channel, status", []
    )
    dead = fetch_rows(
        db,
        """select o.id, o.channel, o.attempts, o.last_error, o.created_at, o.notice, c.summary
           from outbox o left join changes c on c.id = o.change_id where o.status = 'dead' order by o.id""",
        [],
    )
    for row in dead:
        row["about"] = row.pop("summary") or json.loads(row.pop("notice") or "{}").get("type", "?")
        row.pop("notice", None)
    return counts, dead
