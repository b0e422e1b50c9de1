"""A sweep's CPU work on other cores when it pays: building snapshots and comparing them ahead.

A sweep's reader threads fetch; building what a new page stores (parse, hash, compress, index words,
figures) and comparing it with last year's narrative hold the GIL for most of a page's time, so threads
alone leave the other cores idle. When many pages are new to the database (a first sweep, a release day)
and there is more than one core, that work goes to a few forked worker processes: the reader thread that
fetched a page waits while a worker builds it and, reading the store on a connection of its own, computes
the changes it will record (`changelog.compare_ahead`). The sweep still settles pages in order, one
transaction each, and uses those changes only if what they were compared with is still what the store
names then (`record_changes`), so it records what comparing in-line records. A routine sweep, where
pages answer 304 or a few changed, forks nothing.

The workers are forked when the sweep starts, from the sweep's own thread, before the reader threads
exist: a fork never copies a thread that is halfway through a request. A worker that dies (killed, out
of memory) breaks the pool; the pages still to build are then built in the reader threads, as they are
for a short sweep, so a dead worker costs speed and never a page.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import BrokenExecutor, Future
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

from sqlite_utils import Database

from monitor.errors import ParseError
from monitor.fetch import FetchResult
from snapshots.store.db import open_db
from snapshots.store.writes import SnapshotData

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from snapshots.store.changelog import Ahead

log = logging.getLogger(__name__)
T = TypeVar("T")

# Below this many new pages the fork and the workers' first imports cost more than they save.
MIN_NEW_PAGES = 16
MAX_PROCESSES = 4
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def build(body: bytes, url: str, charset: str | None) -> SnapshotData | ParseError:
    """Parse a fetched page and compute what its snapshot stores. A page that is not a narrative comes
    back as its ParseError (returned, not raised: a worker sends its parts across)."""
    # Imported on the first page that needs it: a sweep of unchanged pages (all 304) never loads the parser.
    from monitor.parse import parse_narrative

    try:
        # A page cut before </body> in a sweep is a broken transfer more often than a short page: refuse it
        # ("truncated") so that the next sweep fetches it again, rather than storing half a narrative.
        narrative = parse_narrative(body, url, charset=charset, refuse_cut_html=True)
    except ParseError as exc:
        return exc
    return SnapshotData.build(narrative, body)


Built = tuple[SnapshotData, "Ahead | None"]


def _process_build(
    body: bytes, url: str, charset: str | None, page: tuple[int, int], database: str
) -> Built | tuple[str, str]:
    result = build(body, url, charset)
    if isinstance(result, ParseError):
        return (result.kind, str(result))  # its keyword-only `kind` does not survive pickling: send its parts
    from snapshots.store.changelog import compare_ahead

    page_id, edition = page
    try:
        ahead = compare_ahead(_store(database), page_id=page_id, edition=edition, data=result)
    except Exception:  # work done ahead must never cost the page: it is then compared when stored
        log.warning("comparing page %s ahead failed; it is compared when stored", page_id, exc_info=True)
        ahead = None
    return result, ahead


_stores: dict[str, Database] = {}


def _store(database: str) -> Database:
    """This worker's own read-only connection (a connection must not cross a fork)."""
    if database not in _stores:
        _stores[database] = open_db(database, readonly=True)
    return _stores[database]


def _forked_pool(processes: int) -> ProcessPoolExecutor | None:
    """A pool of `processes` forked workers, forked now; None where processes cannot be forked."""
    # Imported here, like ctypes below: a sweep that forks nothing does not load multiprocessing.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    # Imported once here rather than in each worker (the parser, the figure patterns' compilation, and
    # the comparison code).
    from monitor.parse import parse_narrative  # noqa: F401
    from snapshots.core import figures  # noqa: F401
    from snapshots.store import changelog  # noqa: F401

    # Frozen objects are left out of the workers' garbage collections, which would otherwise walk (and so
    # copy, page by page) the whole inherited heap.
    gc.freeze()
    try:
        pool = ProcessPoolExecutor(
            processes, mp_context=multiprocessing.get_context("fork"), initializer=_end_with, initargs=(os.getpid(),)
        )
        # The first task forks every worker: do it now, from this thread, before any reader thread starts.
        pool.submit(int).result()
    finally:
        gc.unfreeze()
    return pool


def _end_with(parent: int) -> None:
    """In a worker: die with the sweep. A worker of a SIGKILLed sweep would otherwise wait forever on its
    task queue, whose write end it inherited too, so it never sees the end of it."""
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)  # Linux: the kernel kills us when the sweep's thread ends
    except (AttributeError, OSError):  # no prctl (not Linux): look for the parent once a second instead
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # the sweep died before the line above took effect
        os._exit(1)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1)
    os._exit(1)


def _available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Workers:
    """One sweep's worker processes over `database`, when `new_pages` (pages never read before, which cannot
    answer 304) are many enough; else none, and `build` runs in the calling thread."""

    def __init__(self, new_pages: int, database: str = "") -> None:
        processes = min(_available_cores(), MAX_PROCESSES)
        self.database = database
        self._pool: ProcessPoolExecutor | None = None
        if new_pages >= MIN_NEW_PAGES and processes > 1:
            self._pool = _forked_pool(processes)

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T] | None:
        """Run `fn(*args)` in a worker; None when there are no workers (or they died): run it here instead."""
        pool = self._pool
        if pool is None:
            return None
        try:
            return pool.submit(fn, *args)
        except BrokenExecutor:  # the pool's BrokenProcessPool
            self._broken()
            return None

    def result(self, future: Future[T]) -> T | None:
        """The future's result, or None when its worker died (the caller then does the work itself)."""
        try:
            return future.result()
        except BrokenExecutor:  # the pool's BrokenProcessPool
            self._broken()
            return None

    def build(self, fetched: FetchResult, page: dict[str, Any]) -> Built | ParseError:
        """The page's snapshot data, and the changes it will record when a worker could compute them."""
        where = (page["id"], page["edition"])
        future = self.submit(_process_build, fetched.body, fetched.final_url, fetched.charset, where, self.database)
        result = self.result(future) if future is not None else None
        if result is None:
            built = build(fetched.body, fetched.final_url, fetched.charset)
            return built if isinstance(built, ParseError) else (built, None)
        if isinstance(result[0], str):
            return ParseError(result[1], kind=result[0])
        return result

    def _broken(self) -> None:
        if self._pool is not None:
            log.warning("a worker process died: the rest of the sweep's work runs in this process")
            self._pool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
