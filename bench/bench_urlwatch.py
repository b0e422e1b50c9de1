"""tipwatch against urlwatch on the same 190 pages, in the same run: cold sweep and unchanged (304) sweep.

Both run as whole processes against one loopback SampleSite serving the synthetic mirror (one
edition). urlwatch watches each page with a CSS filter for the narrative (`div.entry-content`) and
`html2text`, twice: at its default method (`re`, a regex tag stripper: what a user who picks urlwatch
runs) and with `pyhtml2text` (the html2text library, several times slower); both are reported. urlwatch
keeps its own cache (it sends If-None-Match / If-Modified-Since on the next run, so its unchanged
sweep is all 304s too). tipwatch runs `tipwatch run --no-deliver` exactly as bench_sweep.py does,
parsing each page into a structured narrative, storing the raw page and indexing it for search.

    .venv/bin/pip install -e ".[bench]"
    .venv/bin/python bench/bench_urlwatch.py [--countries 190] [--repeat 3] [--method re --method pyhtml2text]
        [--baseline ../other-checkout]

--baseline runs another tipwatch checkout (with its own .venv) as one more tool taking turns, so two versions
are compared at the same load: a before/after pair on a shared machine, where wall times drift between runs.
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


def timed_urlwatch(directory: Path, cache: Path) -> tuple[float, int, float]:
    """Wall time of one urlwatch process, its peak RSS in KiB and its CPU seconds. Its default config is
    created on first use."""
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
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def urlwatch_cache_rows(cache: Path) -> tuple[int, int]:
    """(pages cached with text, median cached characters): proof that urlwatch really extracted each narrative."""
    with sqlite3.connect(cache) as conn:
        sizes = [n for (n,) in conn.execute("select length(data) from CacheEntry") if n]
    return len(sizes), int(statistics.median(sizes)) if sizes else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--countries", type=int, default=190)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--method", dest="methods", action="append", choices=("re", "pyhtml2text", "bs4"),
        help="urlwatch's html2text method (repeatable; default: re, its default, and pyhtml2text)",
    )  # fmt: skip
    parser.add_argument("--baseline", type=Path, help="another tipwatch checkout with its own .venv, run in turns")
    args = parser.parse_args()
    methods = args.methods or ["re", "pyhtml2text"]
    if not URLWATCH.exists():
        raise SystemExit(f"{URLWATCH} not found: .venv/bin/pip install urlwatch==2.29 html2text")

    reports = synthetic_reports(countries=args.countries, editions=(EDITION,), seed=0)
    slugs = sorted(reports.countries)
    tools = ["tipwatch", *(["tipwatch-baseline"] if args.baseline else []), *(f"urlwatch-{m}" for m in methods)]
    times: dict[tuple[str, str], list[float]] = {}
    cpus: dict[tuple[str, str], list[float]] = {}  # CPU seconds: steadier than wall time on a shared machine
    peaks: dict[str, list[int]] = {tool: [] for tool in tools}
    with SampleSite(reports, published={EDITION}) as site, tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        for method in methods:
            (base / f"urlwatch-{method}").mkdir()
            write_urlwatch_jobs(site, slugs, base / f"urlwatch-{method}", method)
        for i in range(args.repeat):
            # Rotate who goes first, so none always meets a warm server cache or a cold CPU.
            for tool in tools[i % len(tools) :] + tools[: i % len(tools)]:
                run = base / f"{tool}{i}"
                run.mkdir()
                if tool.startswith("urlwatch"):
                    shutil.copy(base / tool / "urls.yaml", run / "urls.yaml")
                    sweep = lambda run=run: timed_urlwatch(run, run / "cache.db")  # noqa: E731
                else:
                    config = write_config(site.base_url, run / "bench.db", run)
                    checkout = args.baseline if tool == "tipwatch-baseline" else None
                    sweep = lambda config=config, checkout=checkout: timed_run(config, checkout)  # noqa: E731
                for phase, runs in (("cold", 1), ("unchanged", 2)):
                    for _ in range(runs):
                        seconds, peak, cpu = sweep()
                        times.setdefault((tool, phase), []).append(seconds)
                        cpus.setdefault((tool, phase), []).append(cpu)
                        peaks[tool].append(peak)
        cached = {m: urlwatch_cache_rows(base / f"urlwatch-{m}0" / "cache.db") for m in methods}
        for method, (count, _) in cached.items():
            if count != len(slugs):
                raise SystemExit(f"urlwatch ({method}) cached {count} of {len(slugs)} pages: the comparison is unfair")

    def median(tool: str, phase: str) -> float:
        return statistics.median(times[(tool, phase)])

    print(
        f"tipwatch vs urlwatch — {time.strftime('%Y-%m-%d')}, {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, urlwatch {_urlwatch_version()}; load average {os.getloadavg()[0]:.2f}"
    )
    print(f"mirror: {len(slugs)} country pages of the {EDITION} edition on loopback")
    for method, (count, chars) in cached.items():
        print(f"urlwatch-{method} cached {count} narratives, median {chars:,} characters of text")
    print(f"{'sweep':22} {'tool':22} {'median':>8} {'ratio':>7} {'target':>8}")
    if args.baseline:
        print(f"tipwatch-baseline: {args.baseline.resolve()}")
    for phase, target in (("cold", "<= 1.0"), ("unchanged", "<= 0.5")):
        ours = median("tipwatch", phase)
        print(f"{phase + ' sweep':22} {'tipwatch':22} {ours:>6.2f} s")
        if args.baseline:
            before = median("tipwatch-baseline", phase)
            ratios = ", ".join(f"{before / median(f'urlwatch-{m}', phase):.2f} vs urlwatch {m}" for m in methods)
            print(f"{'':22} {'tipwatch-baseline':22} {before:>6.2f} s ({ratios}; now/baseline {ours / before:.2f})")
        for method in methods:
            theirs = median(f"urlwatch-{method}", phase)
            default = " (default)" if method == "re" else ""
            label = f"urlwatch {method}{default}"
            print(f"{'':22} {label:22} {theirs:>6.2f} s {ours / theirs:>7.2f} {target if default else '':>8}")
    for phase in ("cold", "unchanged"):
        ours = statistics.median(cpus[("tipwatch", phase)])
        if args.baseline:
            baseline_cpu = statistics.median(cpus[("tipwatch-baseline", phase)])
            print(f"CPU, {phase} sweep: tipwatch-baseline {baseline_cpu:.2f} s")
        theirs = ", ".join(
            f"urlwatch {m} {statistics.median(cpus[(f'urlwatch-{m}', phase)]):.2f} s "
            f"(ratio {ours / statistics.median(cpus[(f'urlwatch-{m}', phase)]):.2f})"
            for m in methods
        )
        print(f"CPU, {phase} sweep: tipwatch {ours:.2f} s, {theirs}")
    print("peak memory: " + ", ".join(f"{tool} {max(peaks[tool]) / 1024:.0f} MB" for tool in tools))
    print(f"(medians of {args.repeat} cold and {2 * args.repeat} unchanged runs each, the tools taking turns; "
          "ratio = tipwatch / urlwatch)")  # fmt: skip


def _urlwatch_version() -> str:
    out = subprocess.run([str(URLWATCH), "--version"], capture_output=True, text=True, check=False).stdout
    return out.split()[-1] if out.strip() else "?"


if __name__ == "__main__":
    main()
