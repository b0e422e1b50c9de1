"""Sweep benchmark: `tipwatch run` as a whole process against a 190-country loopback mirror.

Figures (medians over repeated runs): cold sweep (empty database, every page new), unchanged re-sweep
(every page answers 304), a sweep after 5% of pages changed, peak memory of the tipwatch process, and
stored bytes per snapshot. Host interval 0, as the issue's targets assume.

    .venv/bin/python bench/bench_sweep.py [--countries 190] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mirror import mutate, synthetic_reports

from monitor.samples.server import SampleSite
from snapshots.store.db import open_db

EDITION = 2025


def write_config(base_url: str, db: Path, directory: Path) -> Path:
    path = directory / "cron.yaml"
    path.write_text(
        f"database: {db}\n"
        "source:\n"
        f"  base_url: {base_url}\n"
        "  archive_hosts: []\n"
        "  allowed_hosts: [127.0.0.1]\n"
        f"  editions: [{EDITION}]\n"
        "fetch: {min_interval: 0, retries: 1, backoff: 0.1}\n"
    )
    return path


def timed_run(config: Path, checkout: Path | None = None) -> tuple[float, int, float]:
    """Wall time of one `tipwatch run` process, its peak RSS in KiB and its CPU seconds (wait4's rusage).

    `checkout`: another tipwatch checkout with its own .venv, run instead of this one (bench_urlwatch's
    --baseline, to measure two versions in turns)."""
    python = str(checkout / ".venv" / "bin" / "python") if checkout else sys.executable
    started = time.perf_counter()
    proc = subprocess.Popen(
        [python, "-m", "monitor", "-q", "--config", str(config), "run", "--no-deliver"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=checkout,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"tipwatch run failed: {proc.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--countries", type=int, default=190)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    reports = synthetic_reports(countries=args.countries, editions=(2024, EDITION), seed=0)
    cold, unchanged, changed, peaks, cold_cpu = [], [], [], [], []
    per_snapshot = raw_per_snapshot = 0.0
    with SampleSite(reports, published={EDITION}) as site, tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            site.reports = reports
            directory = Path(tmp) / f"r{i}"
            directory.mkdir()
            db = directory / "bench.db"
            config = write_config(site.base_url, db, directory)
            seconds, peak, cpu = timed_run(config)
            cold.append(seconds)
            cold_cpu.append(cpu)
            peaks.append(peak)
            for _ in range(2):
                seconds, peak, _ = timed_run(config)
                unchanged.append(seconds)
                peaks.append(peak)
            site.reports, _ = mutate(reports, 0.05, seed=i + 1)
            seconds, peak, _ = timed_run(config)
            changed.append(seconds)
            peaks.append(peak)
            handle = open_db(db)
            handle.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            snapshots = handle["snapshots"].count
            raw = handle.execute("select sum(length(raw)) from snapshots").fetchone()[0]
            per_snapshot = db.stat().st_size / snapshots
            raw_per_snapshot = raw / snapshots
        pages = len([p for p in reports.countries.values() if EDITION in p.editions])

    print(
        f"tipwatch sweep benchmark — {time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print(f"mirror: {pages} country pages of the {EDITION} edition on loopback, host interval 0")
    print(f"{'figure':44} {'median':>10} {'target':>10}")
    rows = [
        ("cold sweep (empty db, all pages new)", f"{statistics.median(cold):.2f} s", "<= 2 s"),
        ("  CPU of the tipwatch process", f"{statistics.median(cold_cpu):.2f} s", ""),
        ("unchanged re-sweep (all 304)", f"{statistics.median(unchanged):.2f} s", "<= 0.8 s"),
        ("sweep after 5% of pages changed", f"{statistics.median(changed):.2f} s", ""),
        ("peak memory of the tipwatch process", f"{max(peaks) / 1024:.0f} MB", "< 120 MB"),
        ("database bytes per snapshot", f"{per_snapshot / 1024:.1f} KB", "< 40 KB"),
        ("  of which compressed raw page", f"{raw_per_snapshot / 1024:.1f} KB", ""),
    ]
    for name, value, target in rows:
        print(f"{name:44} {value:>10} {target:>10}")
    print(f"(runs: cold {len(cold)}, unchanged {len(unchanged)}, changed {len(changed)}; peak: max of all runs)")


if __name__ == "__main__":
    main()
