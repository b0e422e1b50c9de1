"""The outbox: every alert is a row written with the change it reports, and delivered after commit.

Writing. `enqueue_changes` and `enqueue_notice` insert one row per (change or notice, channel) inside the
caller's transaction, so a change and its alerts are stored together or not at all. `dedupe_key` is
unique: enqueueing the same thing twice is a no-op.

Delivering. `deliver_pending` runs outside any transaction, under a per-database delivery lock
(`<db>.deliver.lock`, an flock the kernel drops if the process dies), so two deliverers never send the
same row. For each message it:
  1. marks its rows `sending`, stores the message's idempotency key in `batch`, and COMMITS;
  2. sends;
  3. marks the rows `sent` (or schedules a retry, or makes them dead letters) and COMMITS.
A row is `sent` only after the channel accepted it.

The one unavoidable window lies between the channel accepting a message (2) and the commit of `sent`
(3): a process killed there has delivered the message without recording it. The window is kept to the
two statements that follow a successful send. A row found in `sending` at the start of a delivery
(which holds the lock, so its sender is dead) was possibly sent: it is sent AGAIN, as the same message
with the same idempotency key (email Message-ID and X-Tipwatch-Idempotency-Key header, Slack block_id
and header, webhook header and `idempotency_key` field), so receivers can drop the repeat. We chose
"at least once" over "at most once" because a killed process is as likely to have died before the send
(between 1 and 2) as after it, and a lost tier move is worse than a duplicate one that carries its key.

Retries. Timeouts, connection errors, 5xx, 429 (honouring Retry-After) and SMTP 4xx are retried with
exponential backoff across runs, up to `max_attempts`; after such a failure the channel gets nothing
more in this delivery. Permanent failures (other 4xx, refused login, SMTP 5xx, a missing secret) are
tried PERMANENT_ATTEMPTS times, then kept as dead letters (`tipwatch alerts pending` shows them;
`tipwatch alerts retry --dead` sends them again).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlite_utils import Database

from alerts import policy
from alerts.channels import Channel, build_channel
from alerts.compose import compose
from alerts.errors import ChannelConfigError, DeliveryError
from alerts.redaction import channel_secrets, redact
from alerts.routing import NOTICE_KINDS, accepts_change, accepts_notice
from alerts.settings import AlertsSettings, ChannelSettings
from snapshots import read
from snapshots.store import outbox as queue
from snapshots.store.db import now_iso
from snapshots.store.flock import exclusive

log = logging.getLogger(__name__)

MODES = ("immediate", "baseline", "release", "backfill")
BACKOFF_BASE_S = 60.0
BACKOFF_MAX_S = 6 * 3600.0
PERMANENT_ATTEMPTS = 2


@dataclass
class DeliveryReport:
    messages: int = 0  # messages the channels accepted
    sent: int = 0  # outbox rows marked sent
    retrying: int = 0  # rows that failed and wait for a retry
    dead: int = 0  # rows that became dead letters in this delivery
    deferred: int = 0  # rows not tried because their channel failed earlier in this delivery
    resent: int = 0  # rows found interrupted in `sending` and sent again
    unrouted: int = 0  # waiting rows of channels that are no longer configured or enabled
    busy: bool = False  # another delivery held the lock: nothing was done
    errors: list[str] = field(default_factory=list)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


# --- writing (inside the caller's transaction: no commit here) ---


def enqueue_changes(db: Database, config: AlertsSettings, change_ids: list[int], *, mode: str = "immediate") -> int:
    """Queue each change for every enabled channel whose routing accepts it; returns rows written.

    Only "immediate" writes per-change rows: a baseline, a new edition's release and a backfill are
    announced by one notice each instead (see enqueue_notice).
    """
    if mode not in MODES:
        raise ValueError(f"unknown alert mode {mode!r} (expected one of {', '.join(MODES)})")
    channels = [c for c in config.channels if c.enabled]
    if mode != "immediate" or not channels or not change_ids:
        return 0
    now = now_iso()
    written = 0
    for record in read.changes_by_id(db, change_ids):
        change = {k: getattr(record, k) for k in ("id", "kind", "significance", "country_key", "country")}
        for channel in channels:
            if accepts_change(channel, change):
                dedupe = f"change:{record.id}:{channel.name}"
                written += queue.insert_row(db, channel.name, dedupe, now, change_id=record.id)
    return written


def enqueue_notice(db: Database, config: AlertsSettings, notice: dict[str, Any], *, dedupe: str) -> int:
    """Queue a message that is not one change (baseline, edition digest, problem, resolved) for each channel."""
    if notice.get("type") not in NOTICE_KINDS:
        raise ValueError(f"unknown notice type {notice.get('type')!r} (expected one of {', '.join(NOTICE_KINDS)})")
    now = now_iso()
    body = json.dumps(notice, sort_keys=True)
    return sum(
        queue.insert_row(db, channel.name, f"{dedupe}:{channel.name}", now, notice=body)
        for channel in config.channels
        if channel.enabled and accepts_notice(channel, notice)
    )


# --- delivering (outside any transaction: each step commits) ---


def deliver_pending(db: Database, config: AlertsSettings, *, now: datetime | None = None) -> DeliveryReport:
    """Send what is due, oldest first; see the module docstring for the guarantees."""
    if db.conn.in_transaction:
        raise RuntimeError("deliver_pending must run after commit, outside a transaction")
    now = now or datetime.now(UTC)
    report = DeliveryReport()
    with _delivery_lock(db) as held:
        if not held:
            report.busy = True
            return report
        channels = _build_channels(config, report)
        for (name, key), rows in _interrupted(db).items():
            if name in channels:
                report.resent += len(rows)
                _deliver_batch(db, config, channels[name], rows, key, now, report)
        for settings, channel in channels.values():
            batches = policy.batches(settings, _due(db, settings.name, now))
            for i, batch in enumerate(batches):
                key = _batch_key(settings.name, batch)
                failure = _deliver_batch(db, config, (settings, channel), batch, key, now, report)
                if failure is not None and not failure.permanent:
                    report.deferred += sum(len(b) for b in batches[i + 1 :])
                    break
        report.unrouted = queue.count_unrouted(db, list(channels))
    return report


def _build_channels(config: AlertsSettings, report: DeliveryReport) -> dict[str, tuple[ChannelSettings, Channel]]:
    channels = {}
    for settings in config.channels:
        if not settings.enabled:
            continue
        try:
            channels[settings.name] = (settings, build_channel(settings))
        except ChannelConfigError as exc:
            report.errors.append(str(exc))
    return channels


def _interrupted(db: Database) -> dict[tuple[str, str], list[dict[str, Any]]]:
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in queue.sending_rows(db):
        key = row["batch"] or _batch_key(row["channel"], [row])
        groups.setdefault((row["channel"], key), []).append(row)
    return groups


def _due(db: Database, channel: str, now: datetime) -> list[dict[str, Any]]:
    return queue.due_rows(db, channel, _iso(now))


def _batch_key(channel: str, rows: list[dict[str, Any]]) -> str:
    if len(rows) == 1:
        return f"tipwatch:{rows[0]['dedupe_key']}"
    ids = [r["id"] for r in rows]
    return f"tipwatch:{channel}:rows:{min(ids)}-{max(ids)}:{len(ids)}"


def _deliver_batch(
    db: Database,
    config: AlertsSettings,
    channel: tuple[ChannelSettings, Channel],
    rows: list[dict[str, Any]],
    key: str,
    now: datetime,
    report: DeliveryReport,
) -> DeliveryError | None:
    ids = [r["id"] for r in rows]
    with db.atomic():
        queue.mark_sending(db, ids, key)
    try:
        message = compose([_item(db, r) for r in rows], base_url=config.base_url)
        answer = channel[1].send(message, key=key)
    except DeliveryError as exc:
        _record_failure(db, config, rows, exc, now, report)
        return exc
    except Exception as exc:  # a bug composing one message must not block the rest of the outbox
        log.exception("alert %s to channel %s could not be built", key, channel[0].name)
        failure = DeliveryError(f"internal error: {type(exc).__name__}: {exc}", permanent=True)
        _record_failure(db, config, rows, failure, now, report)
        return failure
    with db.atomic():
        queue.mark_sent(db, ids, _iso(now))
    log.info("alert %s sent to channel %s: %s", key, channel[0].name, answer)
    report.messages += 1
    report.sent += len(rows)
    return None


def _record_failure(
    db: Database,
    config: AlertsSettings,
    rows: list[dict[str, Any]],
    exc: DeliveryError,
    now: datetime,
    report: DeliveryReport,
) -> None:
    error = redact(str(exc), channel_secrets(config.channels))
    report.errors.append(f"{rows[0]['channel']}: {error}")
    log.warning("alert delivery to channel %s failed: %s", rows[0]["channel"], error)
    with db.atomic():
        for row in rows:
            attempts = (row["attempts"] or 0) + 1
            limit = min(PERMANENT_ATTEMPTS, config.max_attempts) if exc.permanent else config.max_attempts
            if attempts >= limit:
                queue.mark_dead(db, row["id"], error)
                report.dead += 1
                continue
            wait = min(max(BACKOFF_BASE_S * 2 ** (attempts - 1), exc.retry_after or 0.0), BACKOFF_MAX_S)
            retry_at = _iso(now + timedelta(seconds=wait))
            queue.mark_retry(db, row["id"], error, retry_at)
            report.retrying += 1


def _item(db: Database, row: dict[str, Any]) -> dict[str, Any]:
    """The outbox row as compose() wants it: the change record, or the notice with what it summarises."""
    if row["change_id"] is not None:
        record = read.change(db, row["change_id"])
        if record is None:
            raise LookupError(f"outbox row {row['id']} names change {row['change_id']}, which is not stored")
        return {**_change_item(record), **policy.change_facts(db, record)}
    notice = json.loads(row["notice"])
    if notice["type"] == "edition_digest":
        notice.update(policy.digest_facts(db, notice["edition"]))
    return notice


def _change_item(record: read.ChangeRecord) -> dict[str, Any]:
    keys = ("id", "kind", "significance", "country", "country_key", "edition", "comparison", "summary")
    return {"type": "change", **{k: getattr(record, k) for k in keys}, "detail": record.detail.to_json()}


@contextmanager
def _delivery_lock(db: Database) -> Iterator[bool]:
    """Yield True while holding `<db>.deliver.lock`, False if another process holds it."""
    path = next((row[2] for row in db.execute("pragma database_list") if row[1] == "main"), "")
    if not path:  # an in-memory database has no other deliverer
        yield True
        return
    with exclusive(f"{path}.deliver.lock") as fd:
        yield fd is not None
