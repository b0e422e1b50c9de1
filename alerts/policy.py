"""The alert policy: when a change reaches people, and in how many messages. The pipeline and the outbox ask.

Each tracked edition has a stored state (table `edition_alerts`):
- baseline: recorded by the first sweep of an empty database (one "now tracking N pages" per channel);
  from the next sweep on, its changes alert at once, as a published edition's do.
- release: a newer edition appeared. Its changes wait for one digest per channel, sent when every listed
  page is settled (stored, failed permanently: 404/410/not a narrative, or failed `failure_threshold`
  times), and at the latest after `release_wait` seconds or at the end of the second sweep. The digest
  is computed when it is sent, from the latest snapshot of each page, so a revision made before it is in it.
- published: every change of the edition alerts at once, the previous edition's included.
- backfill: an edition older than one already stored, imported on purpose: one notice, then published.

Messages: all changes of one snapshot (one revision of one page) make one message per channel; a digest
channel gets one message per delivery; health notices are merged.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlite_utils import Database

from alerts import outbox
from alerts.routing import HEALTH_NOTICES
from alerts.settings import AlertsSettings, ChannelSettings
from snapshots import read
from snapshots.core.models import RecommendationDetail
from snapshots.store import edition_alerts as state
from snapshots.store import writes

log = logging.getLogger(__name__)

SETTLING_SWEEPS = 2  # a release digest goes out at the latest at the end of this many sweeps


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def edition_mode(db: Database, edition: int, *, baseline: bool, now: datetime | None = None) -> str:
    """How the changes this sweep records for `edition` are alerted: the outbox mode to enqueue them with.

    Call before the edition's pages are settled; stores the edition's state the first time it is seen.
    """
    at = _iso(now or datetime.now(UTC))
    current = state.get(db, edition)
    if baseline:
        with db.atomic():
            state.put(db, edition, "baseline", at)
        return "baseline"
    if current is None:
        newest = writes.newest_snapshot_edition(db)
        if writes.has_snapshots(db, edition):
            fresh = "published"
        elif newest is not None and edition < newest:
            fresh = "backfill"
        else:
            fresh = "release"
        with db.atomic():
            state.put(db, edition, fresh, at)
        current = state.get(db, edition)
        assert current is not None
    return {"release": "release", "backfill": "backfill"}.get(current.state, "immediate")


def close_baseline(db: Database, config: AlertsSettings, editions: list[int]) -> None:
    """After the first sweep of an empty database: one "now tracking N pages" per channel, ever."""
    if writes.has_snapshots(db):
        notice = {"type": "baseline", "pages": writes.narrative_page_count(db), "editions": editions}
        with db.atomic():
            outbox.enqueue_notice(db, config, notice, dedupe="baseline")


def close_edition(db: Database, config: AlertsSettings, edition: int, *, now: datetime | None = None) -> bool:
    """After a sweep of `edition`: send its release digest or backfill notice when due. True if queued."""
    now = now or datetime.now(UTC)
    current = state.get(db, edition)
    if current is None:
        return False
    if current.state not in ("release", "backfill"):
        # A baseline edition alerts nothing, but the browse views want its summary once it is all read.
        summarised = read.changes(db, read.ChangeFilter(kind="edition", edition=edition, limit=1))
        if not summarised and not read.unsettled_pages(db, edition, config.failure_threshold):
            from snapshots.store import changelog  # comparing is the costly import: only when it is needed

            with db.atomic():
                changelog.record_edition_summary(db, edition)
        return False
    from snapshots.store import changelog

    if current.state == "backfill":
        with db.atomic():
            changelog.record_edition_summary(db, edition)
            pages = len(read.roster(db, edition))
            notice = {"type": "backfill", "edition": edition, "pages": pages}
            outbox.enqueue_notice(db, config, notice, dedupe=f"backfill:{edition}")
            state.put(db, edition, "published", _iso(now))
        return True
    unsettled = read.unsettled_pages(db, edition, config.failure_threshold)
    waited = (now - datetime.fromisoformat(current.since)).total_seconds() >= config.release_wait
    with db.atomic():
        sweeps = state.count_sweep(db, edition)
        if unsettled and not waited and sweeps < SETTLING_SWEEPS:
            log.info("edition %d: %d listed pages not settled yet; digest deferred", edition, len(unsettled))
            return False
        changelog.record_edition_summary(db, edition)
        notice = {"type": "edition_digest", "edition": edition}
        outbox.enqueue_notice(db, config, notice, dedupe=f"edition_digest:{edition}")
        state.mark_digest(db, edition, _iso(now))
    return True


def digest_facts(db: Database, edition: int) -> dict[str, Any]:
    """What a release digest says, read at send time from the latest snapshot of each page."""
    previous, moves = read.edition_moves(db, edition)
    missing = [m for m in moves if m.new_tier is None]
    why = read.listing_problems(db, edition, [m.country_key for m in missing])
    labels = Counter(
        r.detail.label
        for r in read.changes(db, read.ChangeFilter(kind="recommendation", edition=edition, limit=None))
        if isinstance(r.detail, RecommendationDetail)
    )
    return {
        "previous": previous,
        "countries": len(read.roster(db, edition)),
        "moves": [m.to_json() for m in moves if m.old_tier and m.new_tier],
        "added": [m.to_json() for m in moves if m.old_tier is None],
        "missing": [{**m.to_json(), "why": why.get(m.country_key, "")} for m in missing],
        "recommendations": dict(sorted(labels.items())),
    }


def change_facts(db: Database, record: read.ChangeRecord) -> dict[str, Any]:
    """What a change's message needs beyond the change: for an edition comparison (a page read after its
    edition's digest: "Bhutan's 2025 narrative appeared: Tier 2, was Tier 1"), both versions' tiers."""
    if record.comparison != "edition":
        return {}
    new, old = (read.snapshot(db, i) if i else None for i in (record.new_snapshot_id, record.old_snapshot_id))
    return {"tier": new.tier if new else None, "old_tier": old.tier if old else None}


def batches(settings: ChannelSettings, rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The messages a channel's due rows make: one for a digest channel; otherwise one per snapshot
    (every change of one revision of one page), one per other notice, and one for all health notices.

    Rows carry `snapshot_id`, the new snapshot of the change they report (None for notices)."""
    if not rows:
        return []
    if settings.mode == "digest":
        return [rows]
    groups: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in rows:
        if row["notice"] and json.loads(row["notice"]).get("type") in HEALTH_NOTICES:
            key = ("health", 0)
        elif row["change_id"] is not None and row.get("snapshot_id") is not None:
            key = ("snapshot", row["snapshot_id"])
        else:
            key = ("row", row["id"])
        groups.setdefault(key, []).append(row)
    return sorted(groups.values(), key=lambda b: b[0]["id"])
