"""Monitor health: one "problem" notice when a page reaches the failure threshold, one "resolved" when it recovers.

The lead's pipeline updates pages.consecutive_failures first, then calls `page_health`. A notice goes
into the outbox like any other; the delivery loop merges every pending problem (and resolved) notice of
a channel into one message, so a state.gov outage that fails 190 pages in one sweep makes one alert.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database

from alerts.outbox import enqueue_notice
from alerts.settings import AlertsSettings


def page_health(db: Database, config: AlertsSettings, page_id: int, ok: bool) -> None:
    """Enqueue a problem or resolved notice when this check crosses the threshold either way."""
    row = db.execute(
        """select url, edition, country_key, consecutive_failures, failing_since, last_error, problem_alerted_at
           from pages where id = ?""",
        [page_id],
    ).fetchone()
    if row is None or config.failure_threshold <= 0:
        return
    url, edition, country_key, failures, failing_since, last_error, alerted_at = row
    now = datetime.now(UTC).isoformat(timespec="seconds")
    base = {"page": url, "page_id": page_id, "edition": edition, "country_key": country_key}
    if ok:
        if alerted_at:
            notice = {"type": "resolved", **base, "alerted_at": alerted_at}
            enqueue_notice(db, config, notice, dedupe=f"resolved:{page_id}:{alerted_at}")
            db.execute("update pages set problem_alerted_at = null where id = ?", [page_id])
        return
    if (failures or 0) >= config.failure_threshold and not alerted_at:
        since = failing_since or now
        notice = {"type": "problem", **base, "failures": failures, "since": since, "error": last_error}
        enqueue_notice(db, config, notice, dedupe=f"problem:{page_id}:{since}")
        db.execute("update pages set problem_alerted_at = ? where id = ?", [now, page_id])
