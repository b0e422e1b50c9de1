"""One sweep: discover -> fetch -> parse -> store -> compare -> enqueue alerts, page by page.

The editions and their pages come from monitor/editions.py, the pages are read (fetched and parsed)
by monitor/reading.py on worker threads, and this module settles each into the database.

Each page is settled in its own transaction: its check, its snapshot, the changes it causes and their
outbox rows commit together or not at all. A process killed mid-sweep therefore leaves whole pages
behind it, never half of one, and the next sweep simply carries on.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

import alerts
from alerts import policy
from monitor.config import Config
from monitor.editions import Landings, landing, resolve_editions
from monitor.errors import SourceUnreachable
from monitor.fetch import Fetcher, FetchResult
from monitor.lock import run_lock
from monitor.reading import Reading, new_pages, read_pages
from monitor.sources import PageRef, wanted
from monitor.workers import Workers
from snapshots.errors import StorageError
from snapshots.store import writes
from snapshots.store.db import db_file, file_identity, now_iso, open_db

log = logging.getLogger(__name__)


@dataclass
class PageOutcome:
    """What happened to one page in a sweep (also what the progress display shows)."""

    edition: int
    slug: str
    url: str
    outcome: str  # new | unchanged | not_modified | skipped | error
    error_kind: str | None = None
    message: str | None = None
    tier: str | None = None
    changes: list[tuple[str, str]] = field(default_factory=list)  # (kind, one-line summary) of changes recorded


@dataclass
class SweepResult:
    editions: list[int] = field(default_factory=list)
    missing_editions: list[int] = field(default_factory=list)  # asked for, but no landing page
    unreachable: dict[int, str] = field(default_factory=dict)  # landing page failed: why
    pages: list[PageOutcome] = field(default_factory=list)
    delivered: int = 0

    def count(self, outcome: str) -> int:
        return sum(1 for p in self.pages if p.outcome == outcome)

    @property
    def failures(self) -> Counter[str]:
        return Counter(p.error_kind or "error" for p in self.pages if p.outcome == "error")

    def summary(self) -> dict[str, Any]:
        return {
            "editions": self.editions,
            "checked": len(self.pages),
            "new": self.count("new"),
            "unchanged": self.count("unchanged") + self.count("not_modified"),
            "skipped": self.count("skipped"),
            "failed": self.count("error"),
            "failures": dict(self.failures),
            "changes": sum(len(p.changes) for p in self.pages),
        }


Progress = Callable[[str, Any], None]  # ("total", n) | ("page", PageOutcome) | ("edition", year)


def _noop(event: str, payload: Any) -> None:
    return None


def sweep(
    config: Config,
    db_path: str | Path,
    *,
    editions: Iterable[int] | None = None,
    countries: Iterable[str] | None = None,
    progress: Progress = _noop,
    deliver: bool = True,
) -> SweepResult:
    """Run one full sweep under the run lock (raises RunInProgress when another holds it)."""
    with run_lock(db_path), _connection(db_path) as db:
        fetcher = _fetcher(config)
        try:
            result = _sweep(db, fetcher, config, editions, countries, progress)
        finally:
            fetcher.close()
        if deliver:
            result.delivered = alerts.deliver_pending(db, config.alerts).sent
        return result


def discover(config: Config, db_path: str | Path, *, progress: Progress = _noop) -> SweepResult:
    """Look for an edition newer than any tracked one; sweep it the moment its landing page appears."""
    with run_lock(db_path), _connection(db_path) as db:
        newest = writes.newest_page_edition(db)
        fetcher = _fetcher(config)
        try:
            if newest is None:
                return _sweep(db, fetcher, config, None, None, progress)
            this_year = datetime.now(UTC).year
            landings = Landings()
            candidates = range(newest + 1, this_year + 1)
            fresh = [y for y in candidates if landing(fetcher, config, y, landings) is not None]
            if not fresh and landings.errors:
                year, reason = max(landings.errors.items())
                raise SourceUnreachable(f"cannot tell whether the {year} edition is out: {reason}")
            if not fresh:
                log.info("no edition newer than %d yet", newest)
                return SweepResult(missing_editions=list(candidates))
            result = _sweep(db, fetcher, config, fresh, None, progress, landings)
        finally:
            fetcher.close()
        result.delivered = alerts.deliver_pending(db, config.alerts).sent
        return result


@contextmanager
def _connection(db_path: str | Path) -> Iterator[Database]:
    """The sweep's connection, closed when it ends: left to the garbage collector, a long-lived process
    (`tipwatch schedule`) kept a few connections and their page caches alive at any time, and grew."""
    db = open_db(db_path)
    try:
        yield db
    finally:
        db.close()


def _fetcher(config: Config) -> Fetcher:
    fetcher = Fetcher(config.fetch, config.source.allowed_hosts)
    for url in (config.source.base_url, *config.source.archive_hosts):
        fetcher.allow_host(url)
    return fetcher


def _sweep(
    db: Database,
    fetcher: Fetcher,
    config: Config,
    editions: Iterable[int] | None,
    countries: Iterable[str] | None,
    progress: Progress,
    landings: Landings | None = None,
) -> SweepResult:
    run_id = writes.start_run(db, "sweep")
    result = SweepResult()
    baseline = not writes.has_snapshots(db)
    identity = file_identity(db)
    try:
        plan_editions = resolve_editions(fetcher, config, editions, landings or Landings(), db)
        result.editions = [year for year, _ in plan_editions.editions]
        result.missing_editions = plan_editions.missing
        result.unreachable = plan_editions.unreachable
        country_filter = tuple(countries) if countries else config.source.countries
        plan = [
            (year, ref)
            for year, refs in plan_editions.editions
            for ref in refs
            if wanted(ref, country_filter) and not _is_known_other(db, ref)
        ]
        progress("total", len(plan))
        # Oldest edition first, so a new edition's comparison finds its predecessor already stored.
        for year in result.editions:
            mode = policy.edition_mode(db, year, baseline=baseline)
            progress("edition", year)
            at = now_iso()
            with db.atomic():
                pages = writes.upsert_pages(db, year, [(r.slug, r.url) for y, r in plan if y == year], at=at)
            # The workers fork here, before read_pages starts its threads.
            with UnchangedBatch(db) as batch, Workers(new_pages(pages), db_file(db)) as workers:
                for page, reading in read_pages(fetcher, config, pages, workers):
                    batch.admit(reading)
                    outcome = settle_page(db, config, page, reading, run_id=run_id, mode=mode)
                    result.pages.append(outcome)
                    progress("page", outcome)
            policy.close_edition(db, config.alerts, year)
        if baseline:
            policy.close_baseline(db, config.alerts, result.editions)
        if file_identity(db) != identity:
            raise StorageError(
                f"database {db_file(db)} was deleted or replaced during the run: what this run stored is lost"
            )
    except BaseException as exc:
        writes.finish_run(db, run_id, "failed", result.summary(), error=str(exc) or type(exc).__name__)
        raise
    writes.finish_run(db, run_id, "ok", result.summary())
    return result


def _is_known_other(db: Database, ref: PageRef) -> bool:
    """Sub-pages already found to hold no narrative (introduction, ...) are not fetched again."""
    return writes.page_kind(db, ref.edition, ref.slug) == "other"


class UnchangedBatch:
    """Settles runs of unchanged (304) pages in one transaction instead of one each.

    An unchanged page writes only its check row and its last-checked time, so committing a run of them
    together loses nothing of substance if the process dies (at most their check rows) and saves a commit
    per page. Every other outcome is settled in a transaction of its own, as before.
    """

    MAX_PAGES = 50

    def __init__(self, db: Database) -> None:
        self.db = db
        self.pending = 0

    def __enter__(self) -> UnchangedBatch:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        if exc_type is None:
            self.flush()
        elif self.pending:
            self.db.rollback()
            self.pending = 0

    def admit(self, reading: Reading) -> None:
        """Call before settling `reading`: opens, extends or closes the batch."""
        unchanged = reading.error_kind is None and reading.snapshot is None
        if not unchanged or self.pending >= self.MAX_PAGES:
            self.flush()
        if unchanged:
            if not self.pending:
                self.db.begin()
            self.pending += 1

    def flush(self) -> None:
        if self.pending:
            self.db.commit()
            self.pending = 0


def settle_page(
    db: Database,
    config: Config,
    page: dict[str, Any],
    reading: Reading,
    *,
    run_id: int,
    mode: str,
) -> PageOutcome:
    """Record what reading one page found, in one transaction; nothing earlier is touched on failure."""
    ref = PageRef(page["edition"], page["slug"], page["url"])
    if reading.error_kind is not None:
        message = reading.message or reading.error_kind
        if reading.error_kind == "not_narrative" and page["kind"] != "narrative":
            return _settle_other(db, page, ref, run_id, reading.at, message)
        return _settle_failure(
            db, config, page, ref, run_id, reading.at, reading.error_kind, message, status=reading.status
        )
    fetched = reading.fetched
    assert fetched is not None
    if reading.snapshot is None:
        return _settle_unchanged(db, config, page, fetched, run_id, reading.at, "not_modified")
    narrative = reading.snapshot.narrative
    with db.atomic():
        snapshot_id = writes.save_snapshot(
            db,
            page_id=page["id"],
            edition=ref.edition,
            data=reading.snapshot,
            url=fetched.final_url,
            fetched_at=reading.at,
            etag=fetched.etag,
        )
        writes.set_page_kind(db, page["id"], "narrative", narrative.country_key)
        _mark_ok(db, config, page, fetched, reading.at)
        writes.record_check(
            db,
            run_id=run_id,
            page_id=page["id"],
            url=fetched.final_url,
            outcome="new" if snapshot_id else "unchanged",
            at=reading.at,
            status_code=fetched.status,
            etag=fetched.etag,
            size=len(fetched.body),
            duration_ms=fetched.elapsed_ms,
            snapshot_id=snapshot_id,
        )
        summaries: list[tuple[str, str]] = []
        if snapshot_id:
            from snapshots.store import changelog  # only when something new arrived: comparing is the costly import

            recorded = changelog.record_changes(db, snapshot_id, reading.ahead)
            alerts.enqueue_changes(db, config.alerts, [change_id for change_id, _ in recorded], mode=mode)
            summaries = [(change.kind, change.summary) for _, change in recorded]
    return PageOutcome(
        ref.edition,
        ref.slug,
        fetched.final_url,
        "new" if snapshot_id else "unchanged",
        tier=narrative.tier,
        changes=summaries,
    )


def _mark_ok(db: Database, config: Config, page: dict[str, Any], fetched: FetchResult, at: str) -> None:
    host = fetched.final_url.split("/")[2] if "://" in fetched.final_url else None
    writes.page_ok(db, page["id"], at=at, etag=fetched.etag, last_modified=fetched.last_modified, host=host)
    alerts.page_health(db, config.alerts, page["id"], ok=True)


def _settle_unchanged(
    db: Database, config: Config, page: dict[str, Any], fetched: FetchResult, run_id: int, at: str, outcome: str
) -> PageOutcome:
    with db.atomic():
        _mark_ok(db, config, page, fetched, at)
        writes.record_check(
            db,
            run_id=run_id,
            page_id=page["id"],
            url=fetched.final_url,
            outcome=outcome,
            at=at,
            status_code=fetched.status,
            etag=fetched.etag,
            duration_ms=fetched.elapsed_ms,
        )
    return PageOutcome(page["edition"], page["slug"], fetched.final_url, outcome)


def _settle_other(db: Database, page: dict[str, Any], ref: PageRef, run_id: int, at: str, message: str) -> PageOutcome:
    with db.atomic():
        writes.set_page_kind(db, page["id"], "other")
        writes.record_check(
            db, run_id=run_id, page_id=page["id"], url=ref.url, outcome="skipped", at=at, message=message
        )
    return PageOutcome(ref.edition, ref.slug, ref.url, "skipped", message=message)


def _settle_failure(
    db: Database,
    config: Config,
    page: dict[str, Any],
    ref: PageRef,
    run_id: int,
    at: str,
    kind: str,
    message: str,
    *,
    status: int | None = None,
) -> PageOutcome:
    log.warning("%s %s: %s", ref.edition, ref.slug, message)
    with db.atomic():
        writes.page_failed(db, page["id"], at=at, message=message)
        writes.record_check(
            db,
            run_id=run_id,
            page_id=page["id"],
            url=ref.url,
            outcome="error",
            at=at,
            status_code=status,
            error_kind=kind,
            message=message,
        )
        alerts.page_health(db, config.alerts, page["id"], ok=False)
    return PageOutcome(ref.edition, ref.slug, ref.url, "error", error_kind=kind, message=message)
