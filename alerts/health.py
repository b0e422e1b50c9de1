"""Monitor health: one "problem" notice when a page reaches the failure threshold, one "resolved" when it recovers.

Called after the sweep has recorded the page's check (its failure streak is current). A notice goes into
the outbox like any other; the delivery loop merges every pending problem (and resolved) notice of a
channel into one message, so a state.gov outage that fails 190 pages in one sweep makes one alert.
"""

from __future__ import annotations

from sqlite_utils import Database

from alerts.outbox import enqueue_notice
from alerts.settings import AlertsSettings
from snapshots.store import outbox as queue
from snapshots.store.db import now_iso


def page_health(db: Database, config: AlertsSettings, page_id: int, ok: bool) -> None:
    """Enqueue a problem or resolved notice when this check crosses the threshold either way."""
    state = queue.page_health(db, page_id)
    if state is None or config.failure_threshold <= 0:
        return
    alerted_at = state.problem_alerted_at
    base = {"page": state.url, "page_id": page_id, "edition": state.edition, "country_key": state.country_key}
    if ok:
        if alerted_at:
            notice = {"type": "resolved", **base, "alerted_at": alerted_at}
            enqueue_notice(db, config, notice, dedupe=f"resolved:{page_id}:{alerted_at}")
            queue.set_problem_alerted(db, page_id, None)
        return
    if state.failures >= config.failure_threshold and not alerted_at:
        now = now_iso()
        since = state.failing_since or now
        notice = {"type": "problem", **base, "failures": state.failures, "since": since, "error": state.last_error}
        enqueue_notice(db, config, notice, dedupe=f"problem:{page_id}:{since}")
        queue.set_problem_alerted(db, page_id, now)
