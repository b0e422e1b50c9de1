"""The statements over `outbox` (alert delivery rows) and `page_health` (alerted page problems).

alerts/ decides what goes in and when; these named statements are the only SQL over the two tables.
Writes join the caller's transaction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

_CHUNK = 500  # ids per `in (...)`: well under SQLite's variable limit


def _rows(db: Database, sql: str, params: list[Any] | None = None) -> list[dict[str, Any]]:
    return list(db.query(sql, params or []))


def insert_row(
    db: Database, channel: str, dedupe: str, now: str, *, change_id: int | None = None, notice: str | None = None
) -> int:
    """One pending row unless `dedupe` is queued already; returns rows written (0 or 1)."""
    cursor = db.execute(
        """insert or ignore into outbox (change_id, notice, channel, dedupe_key, status, attempts, created_at)
           values (?, ?, ?, ?, 'pending', 0, ?)""",
        [change_id, notice, channel, dedupe, now],
    )
    return cursor.rowcount


def sending_rows(db: Database) -> list[dict[str, Any]]:
    """Rows left in `sending` by a delivery that died."""
    return _rows(db, "select * from outbox where status = 'sending' order by id")


def due_rows(db: Database, channel: str, now: str) -> list[dict[str, Any]]:
    """Rows due for a channel, each with `snapshot_id`: the new snapshot of the change it reports."""
    return _rows(
        db,
        """select o.*, c.new_snapshot_id as snapshot_id from outbox o left join changes c on c.id = o.change_id
           where o.channel = ? and o.status = 'pending'
           and (o.next_attempt_at is null or o.next_attempt_at <= ?) order by o.id""",
        [channel, now],
    )


def _update(db: Database, ids: list[int], assignments: str, params: list[Any]) -> None:
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        db.execute(f"update outbox set {assignments} where id in ({marks})", [*params, *chunk])


def mark_sending(db: Database, ids: list[int], batch: str) -> None:
    _update(db, ids, "status = 'sending', batch = ?, attempts = attempts + 1", [batch])


def mark_sent(db: Database, ids: list[int], at: str) -> None:
    _update(db, ids, "status = 'sent', sent_at = ?, last_error = null, next_attempt_at = null", [at])


def mark_dead(db: Database, row_id: int, error: str) -> None:
    _update(db, [row_id], "status = 'dead', last_error = ?, next_attempt_at = null", [error])


def mark_retry(db: Database, row_id: int, error: str, at: str) -> None:
    _update(db, [row_id], "status = 'pending', last_error = ?, next_attempt_at = ?", [error, at])


def count_unrouted(db: Database, channels: list[str]) -> int:
    """Waiting rows of channels not in `channels` (no longer configured or enabled)."""
    marks = ",".join("?" * len(channels))
    where = f"and channel not in ({marks})" if channels else ""
    return db.execute(
        f"select count(*) from outbox where status in ('pending', 'sending') {where}", channels
    ).fetchone()[0]


def make_due(db: Database, *, dead: bool = False) -> int:
    """Waiting rows due now (and, with `dead`, dead letters given a fresh start); returns rows touched."""
    n = db.execute("update outbox set next_attempt_at = null where status = 'pending'").rowcount
    if dead:
        n += db.execute(
            "update outbox set status = 'pending', attempts = 0, next_attempt_at = null where status = 'dead'"
        ).rowcount
    return n


def counts_by_status(db: Database) -> dict[str, int]:
    if not db.table("outbox").exists():
        return {}
    return dict(db.execute("select status, count(*) from outbox group by status order by status").fetchall())


def counts_by_channel(db: Database) -> list[dict[str, Any]]:
    sql = "select channel, status, count(*) as n from outbox group by channel, status order by channel, status"
    return _rows(db, sql)


def dead_letters(db: Database) -> list[dict[str, Any]]:
    """Dead rows with their last error and what they were about (a change's summary or a notice's type)."""
    rows = _rows(
        db,
        """select o.id, o.channel, o.attempts, o.last_error, o.created_at, o.notice, c.summary
           from outbox o left join changes c on c.id = o.change_id where o.status = 'dead' order by o.id""",
    )
    for row in rows:
        row["about"] = row.pop("summary") or json.loads(row.pop("notice") or "{}").get("type", "?")
        row.pop("notice", None)
    return rows


# --- page health ---


@dataclass(frozen=True)
class PageHealth:
    url: str
    edition: int
    country_key: str | None
    failures: int
    failing_since: str | None
    last_error: str | None
    problem_alerted_at: str | None  # a "problem" notice for the current failure streak is out


def page_health(db: Database, page_id: int) -> PageHealth | None:
    row = db.execute(
        """select p.url, p.edition, p.country_key, coalesce(p.consecutive_failures, 0), p.failing_since,
           p.last_error, h.problem_alerted_at
           from pages p left join page_health h on h.page_id = p.id where p.id = ?""",
        [page_id],
    ).fetchone()
    return PageHealth(*row) if row else None


def set_problem_alerted(db: Database, page_id: int, at: str | None) -> None:
    """Record (or, with None, clear) that a problem notice is out for the page's failure streak."""
    db.execute(
        """insert into page_health (page_id, problem_alerted_at) values (?, ?)
           on conflict(page_id) do update set problem_alerted_at = excluded.problem_alerted_at""",
        [page_id, at],
    )
