"""The CPU work of a snapshot (parse, hash, compress, index words, figures), on other cores when it pays.

A sweep's reader threads fetch; building what a new page stores holds the GIL for some 10 ms a page, so
threads alone leave the other cores idle. When many pages are new to the database (a first sweep, a
release day) and there is more than one core, the work goes to a few forked worker processes; the reader
thread that fetched a page waits for its result, so the sweep's order and its one-transaction-per-page
settling are unchanged. A routine sweep, where pages answer 304 or a few changed, forks nothing.

The workers are forked when the sweep starts, from the sweep's own thread, before the reader threads
exist: a fork never copies a thread that is halfway through a request. A worker that dies (killed, out
of memory) breaks the pool; the pages still to build are then built in the reader threads, as they are
for a short sweep, so a dead worker costs speed and never a page.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType

from monitor.errors import ParseError
from monitor.fetch import FetchResult
from snapshots.store.writes import SnapshotData

log = logging.getLogger(__name__)

# Below this many new pages the fork and the workers' first imports cost more than they save.
MIN_NEW_PAGES = 16
MAX_PROCESSES = 4


def build(body: bytes, url: str, charset: str | None) -> SnapshotData | ParseError:
    """Parse a fetched page and compute what its snapshot stores. A page that is not a narrative comes
    back as its ParseError (returned, not raised, so that it crosses a process boundary intact)."""
    # Imported on the first page that needs it: a sweep of unchanged pages (all 304) never loads the parser.
    from monitor.parse import parse_narrative

    try:
        # A page cut before </body> in a sweep is a broken transfer more often than a short page: refuse it
        # ("truncated") so that the next sweep fetches it again, rather than storing half a narrative.
        narrative = parse_narrative(body, url, charset=charset, refuse_cut_html=True)
    except ParseError as exc:
        return exc
    return SnapshotData.build(narrative, body)


def _process_build(body: bytes, url: str, charset: str | None) -> SnapshotData | tuple[str, str]:
    result = build(body, url, charset)
    # ParseError's keyword-only `kind` does not survive pickling: send its parts.
    return (result.kind, str(result)) if isinstance(result, ParseError) else result


def _available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Builder:
    """Builds snapshots for one sweep: in worker processes when `new_pages` (pages never read before, which
    cannot answer 304) are many enough, else in the calling thread."""

    def __init__(self, new_pages: int) -> None:
        processes = min(_available_cores(), MAX_PROCESSES)
        self._pool: ProcessPoolExecutor | None = None
        if new_pages >= MIN_NEW_PAGES and processes > 1 and "fork" in multiprocessing.get_all_start_methods():
            self._pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"))
            # The first task forks every worker: do it now, from this thread, before any reader thread starts.
            self._pool.submit(int).result()

    def build(self, fetched: FetchResult) -> SnapshotData | ParseError:
        pool = self._pool
        if pool is not None:
            try:
                result = pool.submit(_process_build, fetched.body, fetched.final_url, fetched.charset).result()
            except BrokenProcessPool:
                log.warning("a worker process died: building the remaining pages in this process")
                self._pool = None
            else:
                return ParseError(result[1], kind=result[0]) if isinstance(result, tuple) else result
        return build(fetched.body, fetched.final_url, fetched.charset)

    def __enter__(self) -> Builder:
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
