"""Soak: many consecutive sweeps in one process against a mirror that changes at random (seeded).

Before each run, 0, 1 or 2 of the seven 2024 sample pages get a post-release edit (bench/mirror.py's
`mutate`), or none. Each sweep delivers its alerts to a webhook receiver on loopback. The figures: real
page edits against new snapshots, changes recorded against changes alerted, database bytes added by runs
with and without edits, and the resident memory of the process as runs go by.

    .venv/bin/python bench/soak.py [--runs 200] [--seed 7]
    .venv/bin/python bench/soak.py --runs 1000 --no-edits     # memory: target < 2 MB growth

tests/test_soak.py runs the same function with fewer runs and asserts on the figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import resource
import sqlite3
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from loopback import HOOK_ENV, Hook, fault_config
from mirror import mutate

from monitor.allocator import limit_malloc_arenas
from monitor.pipeline import sweep
from monitor.samples.data import SampleReports, load_reports
from monitor.samples.server import SampleSite

EDITION = 2024
EDITS_PER_RUN = (0, 0, 0, 1, 1, 2)  # most runs see nothing new, as most real sweeps do


@dataclass
class SoakReport:
    runs: int
    seconds: float = 0.0
    page_edits: int = 0  # real changes: pages of the published edition edited before a run
    new_snapshots: int = 0  # snapshots made after the first run
    changes: int = 0  # changes recorded after the first run
    alerted_changes: int = 0  # changes carried by the alert messages that arrived after the first run
    alert_messages: int = 0
    quiet_runs_with_output: int = 0  # runs without an edit that still made a snapshot, change or alert
    db_bytes: list[int] = field(default_factory=list)  # after each run (WAL checkpointed)
    rss_kib: list[int] = field(default_factory=list)  # resident memory after each run
    edited: list[bool] = field(default_factory=list)  # per run: did the mirror change before it?

    def growth(self, edited: bool) -> float:
        """Mean database bytes added by runs with (or without) an edit, from the second run on."""
        added = [
            b - a for a, b, e in zip(self.db_bytes, self.db_bytes[1:], self.edited[1:], strict=False) if e == edited
        ]
        return sum(added) / len(added) if added else 0.0

    @property
    def rss_growth_kib(self) -> int:
        """Resident memory after the last run minus after the tenth (start-up and caches settle by then)."""
        settled = self.rss_kib[min(9, len(self.rss_kib) - 1)]
        return self.rss_kib[-1] - settled


def single_edition(reports: SampleReports, year: int) -> SampleReports:
    countries = {
        slug: dataclasses.replace(c, editions={year: c.editions[year]}, revisions={})
        for slug, c in reports.countries.items()
        if year in c.editions
    }
    return dataclasses.replace(reports, countries=countries)


def rss_kib() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() // 1024


def db_size(db: Path) -> int:
    with closing(sqlite3.connect(db)) as conn:
        conn.execute("pragma wal_checkpoint(TRUNCATE)")
        return conn.execute("pragma page_count").fetchone()[0] * conn.execute("pragma page_size").fetchone()[0]


def table_count(db: Path, table: str) -> int:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]


def run_soak(runs: int, seed: int, directory: Path, edits_per_run: tuple[int, ...] = EDITS_PER_RUN) -> SoakReport:
    rng = random.Random(seed)
    reports = single_edition(load_reports(), EDITION)
    pages = len(reports.countries)
    report = SoakReport(runs=runs)
    db = directory / "soak.db"
    previous_env = os.environ.get(HOOK_ENV)
    started = time.perf_counter()
    with SampleSite(reports, published={EDITION}) as site, Hook() as hook:
        os.environ[HOOK_ENV] = hook.url
        try:
            config = fault_config(site, db, hook=True)
            for run in range(runs):
                edits = rng.choice(edits_per_run) if run else 0
                if edits:
                    site.reports, chosen = mutate(site.reports, edits / pages, seed=rng.randrange(1 << 30))
                    assert len(chosen) == edits
                before = (table_count(db, "snapshots"), table_count(db, "changes")) if run else None
                result = sweep(config, db)
                assert result.count("error") == 0, [p.message for p in result.pages if p.outcome == "error"]
                if before is not None:
                    snapshots = table_count(db, "snapshots") - before[0]
                    changes = table_count(db, "changes") - before[1]
                    messages = list(hook.received)
                    report.page_edits += edits
                    report.new_snapshots += snapshots
                    report.changes += changes
                    report.alert_messages += len(messages)
                    report.alerted_changes += sum(len(m.get("changes", [])) for m in messages)
                    if not edits and (snapshots or changes or messages):
                        report.quiet_runs_with_output += 1
                # Tallied above: the receiver keeps no bodies from run to run, so the memory figure is tipwatch's
                # (alert bodies kept came to about 1 MB per 200 sweeps with edits).
                hook.received.clear()
                report.edited.append(bool(edits))
                report.db_bytes.append(db_size(db))
                report.rss_kib.append(rss_kib())
        finally:
            if previous_env is None:
                os.environ.pop(HOOK_ENV, None)
            else:
                os.environ[HOOK_ENV] = previous_env
    report.seconds = time.perf_counter() - started
    return report


def print_report(r: SoakReport) -> None:
    print(f"tipwatch soak — {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores: {r.runs} sweeps in one process, "
          f"{r.seconds:.1f} s ({r.seconds / r.runs * 1000:.0f} ms per sweep)")  # fmt: skip
    rows = [
        ("runs with an edit / without", f"{sum(r.edited)} / {r.runs - sum(r.edited)}"),
        ("pages edited (real changes)", r.page_edits),
        ("new snapshots", r.new_snapshots),
        ("changes recorded", r.changes),
        ("changes alerted (webhook)", f"{r.alerted_changes} in {r.alert_messages} messages"),
        ("runs without an edit that made output", r.quiet_runs_with_output),
        ("database size first -> last run", f"{r.db_bytes[0] / 1024:.0f} KB -> {r.db_bytes[-1] / 1024:.0f} KB"),
        ("bytes added per run with an edit", f"{r.growth(True):,.0f}"),
        ("bytes added per run without an edit", f"{r.growth(False):,.0f}"),
        (
            "resident memory run 1 / 10 / last",
            f"{r.rss_kib[0] // 1024} / {r.rss_kib[min(9, r.runs - 1)] // 1024} / {r.rss_kib[-1] // 1024} MB",
        ),
        (
            "resident memory growth, run 10 to last",
            f"{r.rss_growth_kib / 1024:.1f} MB" + ("" if any(r.edited) else " (target < 2 MB over 1,000 runs)"),
        ),
    ]
    for name, value in rows:
        print(f"  {name:40} {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-edits", action="store_true", help="a mirror that never changes (memory baseline)")
    args = parser.parse_args()
    limit_malloc_arenas()  # as `tipwatch schedule`'s entry point does, before any thread starts
    with tempfile.TemporaryDirectory() as tmp:
        print_report(run_soak(args.runs, args.seed, Path(tmp), (0,) if args.no_edits else EDITS_PER_RUN))


if __name__ == "__main__":
    main()
