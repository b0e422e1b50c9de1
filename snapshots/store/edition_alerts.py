"""The statements over `edition_alerts`: the alert state of each tracked edition (see alerts/policy.py).

Writes join the caller's transaction. What waits for a digest is read by `snapshots.read` (alert_states).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database


@dataclass(frozen=True)
class EditionState:
    edition: int
    state: str  # baseline | release | published | backfill
    since: str
    sweeps: int  # sweeps that ended with the edition in this state
    digest_at: str | None


def get(db: Database, edition: int) -> EditionState | None:
    row = db.execute(
        "select edition, state, since, sweeps, digest_at from edition_alerts where edition = ?", [edition]
    ).fetchone()
    return EditionState(*row) if row else None


def put(db: Database, edition: int, state: str, since: str) -> None:
    db.execute(
        """insert into edition_alerts (edition, state, since, sweeps) values (?, ?, ?, 0)
           on conflict(edition) do update set state = excluded.state, since = excluded.since, sweeps = 0""",
        [edition, state, since],
    )


def count_sweep(db: Database, edition: int) -> int:
    """One more sweep ended with the edition in its state; returns how many have."""
    db.execute("update edition_alerts set sweeps = sweeps + 1 where edition = ?", [edition])
    return db.execute("select sweeps from edition_alerts where edition = ?", [edition]).fetchone()[0]


def mark_digest(db: Database, edition: int, at: str) -> None:
    db.execute(
        "update edition_alerts set state = 'published', since = ?, sweeps = 0, digest_at = ? where edition = ?",
        [at, at, edition],
    )
