"""tipwatch against urlwatch on the same 190 pages, in the same run: cold sweep and unchanged (304) sweep.

Both run as whole processes against one loopback SampleSite serving the synthetic mirror (one
edition). urlwatch watches each page with a CSS filter for the narrative (`div.entry-content`) and
`html2text` (the html2text Python library, urlwatch's `pyhtml2text` method, by default; `--method re` for
urlwatch's regex stripper) and
keeps its own cache (it sends If-None-Match / If-Modified-Since on the next run, so its unchanged
sweep is all 304s too). tipwatch runs `tipwatch run --no-deliver` exactly as bench_sweep.py does,
parsing each page into a structured narrative.

    .venv/bin/pip install urlwatch==2.29 html2text
    .venv/bin/python bench/bench_urlwatch.py [--countries 190] [--repeat 3] [--method pyhtml2text|re|bs4]
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_sweep import EDITION, timed_run, write_config
from mirror import synthetic_reports

from monitor.samples.server import SampleSite
from monitor.samples.site import page_path

URLWATCH = Path(sys.executable).with_name("urlwatch")


def write_urlwatch_jobs(site: SampleSite, slugs: list[str], directory: Path, method: str) -> Path:
    """urls.yaml: one job per country page, CSS filter on the narrative, then html2text."""
    jobs = [
        f"name: {slug}\nurl: {site.base_url}{page_path(EDITION, slug)}\n"
        f"filter:\n  - css: div.entry-content\n  - html2text:\n      method: {method}\n"
        for slug in slugs
    ]
    path = directory / "urls.yaml"
    path.write_text("---\n".join(jobs))
    return path


def timed_urlwatch(directory: Path, cache: Path) -> tuple[float, int]:
    """Wall time of one urlwatch process and its peak RSS in KiB. Its default config is created on first use."""
    command = [
        str(URLWATCH),
        "--urls", str(directory / "urls.yaml"),
        "--config", str(directory / "urlwatch.yaml"),
        "--hooks", str(directory / "hooks.py"),
        "--cache", str(cache),
    ]  # fmt: skip
    started = time.perf_counter()
    with open(directory / "report.txt", "w+b") as report:
        proc = subprocess.Popen(command, stdout=report, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - started
        report.seek(0)
        text = report.read().decode(errors="replace")
    # urlwatch exits 0 even when jobs fail: a failed job would make its sweep look cheap, so refuse it.
    if os.waitstatus_to_exitcode(status) != 0 or "ERROR: " in text:
        raise SystemExit(f"urlwatch failed:\n{text[-3000:]}")
    return elapsed, usage.ru_maxrss


def urlwatch_cache_rows(cache: Path) -> tuple[int, int]:
    """(pages cached with text, median cached characters): proof that urlwatch really extracted each narrative."""
    with sqlite3.connect(cache) as conn:
        sizes = [n for (n,) in conn.execute("select length(data) from CacheEntry") if n]
    return len(sizes), int(statistics.median(sizes)) if sizes else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--countries", type=int, default=190)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--method", choices=("pyhtml2text", "re", "bs4"), default="pyhtml2text")
    args = parser.parse_args()
    if not URLWATCH.exists():
        raise SystemExit(f"{URLWATCH} not found: .venv/bin/pip install urlwatch==2.29 html2text")

    reports = synthetic_reports(countries=args.countries, editions=(EDITION,), seed=0)
    slugs = sorted(reports.countries)
    times: dict[tuple[str, str], list[float]] = {}
    peaks: dict[str, list[int]] = {"urlwatch": [], "tipwatch": []}
    with SampleSite(reports, published={EDITION}) as site, tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        write_urlwatch_jobs(site, slugs, base, args.method)
        for i in range(args.repeat):
            # Alternate who goes first, so neither always meets a warm server cache or a cold CPU.
            order = ("urlwatch", "tipwatch") if i % 2 == 0 else ("tipwatch", "urlwatch")
            for tool in order:
                run = base / f"{tool}{i}"
                run.mkdir()
                if tool == "urlwatch":
                    shutil.copy(base / "urls.yaml", run / "urls.yaml")
                    sweep = lambda run=run: timed_urlwatch(run, run / "cache.db")  # noqa: E731
                else:
                    config = write_config(site.base_url, run / "bench.db", run)
                    sweep = lambda config=config: timed_run(config)  # noqa: E731
                for phase, runs in (("cold", 1), ("unchanged", 2)):
                    for _ in range(runs):
                        seconds, peak = sweep()
                        times.setdefault((tool, phase), []).append(seconds)
                        peaks[tool].append(peak)
        cached, chars = urlwatch_cache_rows(base / "urlwatch0" / "cache.db")
        if cached != len(slugs):
            raise SystemExit(f"urlwatch cached {cached} of {len(slugs)} pages: the comparison would be unfair")

    def median(tool: str, phase: str) -> float:
        return statistics.median(times[(tool, phase)])

    print(
        f"tipwatch vs urlwatch — {time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, urlwatch {_urlwatch_version()} (html2text method: {args.method})"
    )
    print(f"mirror: {len(slugs)} country pages of the {EDITION} edition on loopback; urlwatch cached {cached} "
          f"narratives, median {chars:,} characters of text")  # fmt: skip
    print(f"{'sweep':26} {'urlwatch':>10} {'tipwatch':>10} {'ratio':>8} {'target':>10}")
    for phase, target in (("cold", "<= 1.0"), ("unchanged", "<= 0.5")):
        uw, tw = median("urlwatch", phase), median("tipwatch", phase)
        print(f"{phase + ' sweep':26} {uw:>8.2f} s {tw:>8.2f} s {tw / uw:>8.2f} {target:>10}")
    print(f"{'peak memory':26} {max(peaks['urlwatch']) / 1024:>7.0f} MB {max(peaks['tipwatch']) / 1024:>7.0f} MB")
    print(f"(medians of {args.repeat} cold and {2 * args.repeat} unchanged runs each; ratio = tipwatch / urlwatch)")


def _urlwatch_version() -> str:
    out = subprocess.run([str(URLWATCH), "--version"], capture_output=True, text=True, check=False).stdout
    return out.split()[-1] if out.strip() else "?"


if __name__ == "__main__":
    main()
