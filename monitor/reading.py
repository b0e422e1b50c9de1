"""Reading pages off the network: fetch, then the CPU work of a snapshot (monitor/workers.py). No
database here, so pages are read on worker threads while the sweep settles finished ones in order."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from monitor.config import Config
from monitor.errors import FetchError, ParseError
from monitor.fetch import Fetcher, FetchResult
from monitor.sources import archive_candidates
from monitor.workers import Workers
from snapshots.store import writes
from snapshots.store.db import now_iso

if TYPE_CHECKING:
    from snapshots.store.changelog import Ahead


@dataclass(frozen=True)
class Reading:
    """A page as read off the network: fetched and parsed, or the reason it could not be."""

    at: str
    fetched: FetchResult | None = None
    snapshot: writes.SnapshotData | None = None
    error_kind: str | None = None
    message: str | None = None
    status: int | None = None
    ahead: Ahead | None = None  # the changes a worker computed for it before it is stored (monitor/workers.py)


def read_page(fetcher: Fetcher, config: Config, page: dict[str, Any], workers: Workers) -> Reading:
    """Fetch one page and do the CPU work of its snapshot. No database: safe in worker threads."""
    at = now_iso()
    try:
        fetched = _fetch(fetcher, config, page)
    except FetchError as exc:
        return Reading(at, error_kind=exc.kind, message=str(exc), status=exc.status)
    if fetched.not_modified:
        return Reading(at, fetched)
    built = workers.build(fetched, page)
    if isinstance(built, ParseError):
        return Reading(at, error_kind=built.kind, message=str(built))
    snapshot, ahead = built
    return Reading(at, fetched, snapshot, ahead=ahead)


def new_pages(pages: list[dict[str, Any]]) -> int:
    """How many of `pages` were never read (no validators: they cannot answer 304, so each is built)."""
    return sum(1 for page in pages if not (page["etag"] or page["last_modified"]))


def read_pages(
    fetcher: Fetcher, config: Config, pages: list[dict[str, Any]], workers: Workers
) -> Iterator[tuple[dict[str, Any], Reading]]:
    """Read pages on `fetch.workers` threads, yielding in order; the fetcher keeps each host's interval."""
    threads = max(1, config.fetch.workers)
    if threads == 1:
        yield from ((page, read_page(fetcher, config, page, workers)) for page in pages)
        return
    window: deque[tuple[dict[str, Any], Future[Reading]]] = deque()
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="fetch") as pool:
        try:
            for page in pages:
                window.append((page, pool.submit(read_page, fetcher, config, page, workers)))
                if len(window) > 2 * threads:
                    head, future = window.popleft()
                    yield head, future.result()
            while window:
                head, future = window.popleft()
                yield head, future.result()
        finally:
            for _, future in window:
                future.cancel()


def _fetch(fetcher: Fetcher, config: Config, page: dict[str, Any]) -> FetchResult:
    """GET with the page's validators; on 404 or no connection, try the same path on the archive hosts."""
    url = page["url"]
    try:
        return fetcher.get(url, etag=page["etag"], last_modified=page["last_modified"])
    except FetchError as first:
        if first.kind not in ("not_found", "connection", "dns", "unreachable"):
            raise
        for candidate in archive_candidates(url, config.source.archive_hosts):
            try:
                return fetcher.get(candidate)
            except FetchError:
                continue
        raise first from None
