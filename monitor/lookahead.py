"""Comparing new pages ahead of settling them, in the sweep's worker processes.

On a release day each new page is compared with last year's narrative (word diffs of every section):
most of the day's CPU, and on the settling thread it made the whole sweep wait on one core. Here the
settling thread, as each reading arrives in order, asks the store what the page will be compared with
(`comparison_basis`, a few indexed reads) and sends the comparison to a worker; it settles the page a few
readings later. `record_changes_for` uses the result only if the basis is still the same when the page
is stored (a mirror of the same country settled in between changes it), so what is recorded is what an
in-line comparison would record, in the same one transaction per page.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from sqlite_utils import Database

from monitor.reading import Reading
from monitor.workers import Workers
from snapshots.store import writes

if TYPE_CHECKING:
    from snapshots.store.changelog import Ahead

Item = tuple[dict[str, Any], Reading, "Ahead | None"]


def compare_ahead(db: Database, workers: Workers, readings: Iterator[tuple[dict[str, Any], Reading]]) -> Iterator[Item]:
    """The readings in order, each with its comparison started ahead when there are workers to run it."""
    if not workers.parallel:
        yield from ((page, reading, None) for page, reading in readings)
        return
    window: deque[Item] = deque()
    for page, reading in readings:
        window.append((page, reading, _start(db, workers, page, reading)))
        # Deep enough that every worker has a comparison queued while the oldest is settled.
        if len(window) > 2 * workers.processes:
            yield window.popleft()
    yield from window


def _start(db: Database, workers: Workers, page: dict[str, Any], reading: Reading) -> Ahead | None:
    from snapshots.store import changelog  # a sweep that finds nothing new never loads the comparison code

    data = reading.snapshot
    if data is None:
        return None
    latest = writes.latest_snapshot(db, page["id"])
    if latest is not None and latest["content_hash"] == data.content_hash:
        return None  # it will not be stored: nothing to compare
    basis = changelog.comparison_basis(
        db, page_id=page["id"], edition=page["edition"], country_key=data.narrative.country_key
    )
    if basis.comparison is None or basis.old_id is None:
        return None  # nothing to compare, or a first coverage: no diff to run
    figures = tuple(f for _, f in data.figures)
    future = workers.submit(changelog.changes_against, changelog.load_basis(db, basis), data.narrative, figures)
    if future is None:
        return None
    return changelog.Ahead(basis, lambda: workers.result(future))
