"""Release day: edition N+1 appears for 190 countries already stored for edition N.

A database holding the 190 countries of the 2024 edition (a baseline sweep of the synthetic mirror) is
copied for each run; then the 2025 edition is published on the loopback site and swept, as the discover
job sweeps a fresh edition (`sweep(editions=[2025])`, delivery left out): its landing page, 190 new pages
parsed and stored, 190 edition comparisons recorded, then the edition summary and the release digest
queued. The figure is the time from the start of the sweep to the digest being queued (target <= 3 s with
`min_interval: 0`), in-process (add about 0.3 s of start-up for `tipwatch run`). With the polite default
interval (1 s between two requests to a host) it also prints the wall time and how it splits.

The digest is found by `digest_queued` (an outbox row per channel, as alerts.enqueue_notice writes it);
point that one function elsewhere when the alert policy records the release differently.

    .venv/bin/python bench/bench_release.py [--countries 190] [--repeat 3] [--no-polite]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import resource
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mirror import synthetic_reports

from monitor.config import Config
from monitor.demo import demo_config
from monitor.pipeline import sweep
from monitor.samples.server import SampleSite

STORED, RELEASED = 2024, 2025


def digest_queued(db: Path, edition: int) -> bool:
    """Whether the release digest of `edition` waits in the outbox (for at least one channel)."""
    with closing(sqlite3.connect(db)) as conn:
        found = conn.execute("select count(*) from outbox where dedupe_key like ?", [f"edition_digest:{edition}:%"])
        return found.fetchone()[0] > 0


@dataclasses.dataclass
class Release:
    seconds: float  # sweep start -> digest queued
    discovery: float  # sweep start -> the landing page read and its pages listed
    pages: float  # first page -> last page settled (fetch, parse, store, compare)
    close: float  # last page -> digest queued (edition summary, digest)
    count: int  # pages settled
    cpu: float  # CPU during the sweep: this process (the loopback server's included) and its worker processes


def _cpu() -> float:
    """CPU seconds of this process and of its ended children (the sweep's worker processes end with it)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def release(config: Config, template: Path, db: Path) -> Release:
    shutil.copy(template, db)
    config = config.with_overrides(database=str(db))
    marks: dict[str, float] = {}
    count = 0

    def progress(event: str, payload: object) -> None:
        nonlocal count
        if event == "total":
            marks["total"] = time.perf_counter()
        elif event == "page":
            count += 1
            marks["last"] = time.perf_counter()

    cpu, started = _cpu(), time.perf_counter()
    result = sweep(config, db, editions=[RELEASED], progress=progress, deliver=False)
    ended = time.perf_counter()
    cpu = _cpu() - cpu
    if result.count("new") < count - 2 or not digest_queued(db, RELEASED):
        raise SystemExit(f"the release sweep did not queue its digest: {result.summary()}")
    return Release(
        ended - started, marks["total"] - started, marks["last"] - marks["total"], ended - marks["last"], count, cpu
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--countries", type=int, default=190)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-polite", action="store_true", help="leave out the run at the 1 s default interval")
    args = parser.parse_args()

    reports = synthetic_reports(countries=args.countries, editions=(STORED, RELEASED), seed=0)
    with SampleSite(reports, published={STORED}) as site, tempfile.TemporaryDirectory() as tmp:
        template = Path(tmp) / "stored.db"
        config = demo_config(site.base_url, template)  # a stdout channel: digests are queued for it
        sweep(config, template, deliver=False)
        with closing(sqlite3.connect(template)) as conn:
            conn.execute("pragma wal_checkpoint(TRUNCATE)")
            stored = conn.execute("select count(*) from snapshots where edition = ?", [STORED]).fetchone()[0]
        site.published.add(RELEASED)
        fast = [release(config, template, Path(tmp) / f"fast{i}.db") for i in range(args.repeat)]
        polite = None
        if not args.no_polite:
            default = dataclasses.replace(config.fetch, min_interval=1.0)
            polite = release(config.with_overrides(fetch=default), template, Path(tmp) / "polite.db")

    print(f"release day — {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    print(f"{stored} countries stored for {STORED}; {RELEASED} published with them ({fast[0].count} pages)")
    print(f"{'figure':52} {'median':>9} {'target':>8}")
    median = statistics.median(r.seconds for r in fast)
    print(f"{'sweep start -> digest queued, min_interval 0':52} {median:>7.2f} s {'<= 3 s':>8}")
    for name in ("discovery", "pages", "close"):
        print(f"{'  ' + name:52} {statistics.median(getattr(r, name) for r in fast):>7.2f} s")
    print(f"{'  CPU, workers and loopback server included':52} {statistics.median(r.cpu for r in fast):>7.2f} s")
    if polite is not None:
        floor = (polite.count + 1) * 1.0  # one request per page and the landing page, 1 s apart
        print(f"{'sweep start -> digest queued, min_interval 1 s':52} {polite.seconds:>7.1f} s")
        print(f"{'  discovery (landing page)':52} {polite.discovery:>7.1f} s")
        print(f"{'  pages: fetch, parse, store, compare':52} {polite.pages:>7.1f} s")
        print(f"{'  edition summary and digest':52} {polite.close:>7.2f} s")
        print(f"{'  of which the 1 s interval alone (requests x 1 s)':52} {floor:>7.1f} s")
        print(f"{'  CPU, workers and loopback server included':52} {polite.cpu:>7.1f} s")
    print(f"(min_interval 0: median of {args.repeat} runs; the polite run once; in-process, start-up not included)")


if __name__ == "__main__":
    main()
