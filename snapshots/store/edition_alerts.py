"""The statements over `edition_alerts`: the alert state of each tracked edition (see alerts/policy.py).

Writes join the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

# A page failed with one of these will not turn into a narrative by waiting: it is settled.
PERMANENT_ERRORS = ("not_found", "not_narrative")  # not_found: HTTP 404 or 410


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


def unsettled_pages(db: Database, edition: int, failure_threshold: int) -> list[str]:
    """Slugs of listed pages that may still become a narrative: no snapshot, not found to be something
    else, and neither failed permanently nor `failure_threshold` times in a row."""
    marks = ",".join("?" * len(PERMANENT_ERRORS))
    rows = db.execute(
        f"""select p.slug from pages p where p.edition = ? and p.kind != 'other'
            and not exists (select 1 from snapshots s where s.page_id = p.id)
            and coalesce(p.consecutive_failures, 0) < ?
            and coalesce((select c.error_kind from checks c where c.page_id = p.id order by c.id desc limit 1), '')
                not in ({marks})
            order by p.slug""",
        [edition, failure_threshold, *PERMANENT_ERRORS],
    ).fetchall()
    return [r[0] for r in rows]


def failed_pages(db: Database, edition: int) -> dict[str, str]:
    """Listed pages of an edition without a snapshot, by slug: why their last check failed."""
    rows = db.execute(
        """select p.slug, coalesce(p.last_error, 'not read yet') from pages p
           where p.edition = ? and p.kind != 'other'
           and not exists (select 1 from snapshots s where s.page_id = p.id) order by p.slug""",
        [edition],
    ).fetchall()
    return dict(rows)
