"""How each tracked edition is alerted (table `edition_alerts`, kept by alerts/policy.py). Reads only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

# A page failed with one of these will not turn into a narrative by waiting: it is settled.
PERMANENT_ERRORS = ("not_found", "not_narrative")  # not_found: HTTP 404 or 410


@dataclass(frozen=True)
class EditionAlertState:
    edition: int
    state: str  # baseline | release | published | backfill
    since: str  # when the edition entered this state (ISO, UTC)
    sweeps: int  # sweeps that ended with the edition in this state
    digest_at: str | None  # when its release digest was queued
    unsettled: tuple[str, ...] = ()  # release: slugs of the listed pages its digest still waits for


def edition_alert_states(db: Database, *, failure_threshold: int) -> list[EditionAlertState]:
    """Every tracked edition, oldest first; an edition in release with the pages its digest waits for
    (`failure_threshold`: failed checks in a row after which a page stops being waited for)."""
    if not db["edition_alerts"].exists():  # a database written before the policy: nothing tracked yet
        return []
    rows = db.execute("select edition, state, since, sweeps, digest_at from edition_alerts order by edition")
    out = []
    for edition, state, since, sweeps, digest_at in rows.fetchall():
        waits = tuple(unsettled_pages(db, edition, failure_threshold)) if state == "release" else ()
        out.append(EditionAlertState(edition, state, since, sweeps, digest_at, waits))
    return out


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
