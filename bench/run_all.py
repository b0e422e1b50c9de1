"""Run every benchmark under bench/ (bench_*.py), one after another, and print one report with date and machine.

Each script runs as its own process with its default sizes (the issue's: 190 countries, full-size
pages), so that none measures another's leftovers. A script that fails is reported, not fatal.

    .venv/bin/python bench/run_all.py [--skip bench_web] [--only bench_sweep --only bench_urlwatch] [--soak]

--soak adds bench/soak.py twice: 200 sweeps of a changing mirror, then 1,000 no-op sweeps (the memory
figure). bench_urlwatch needs `.venv/bin/pip install -e ".[bench]"` (urlwatch 2.29 and html2text); it
compares against urlwatch at its default html2text method (`re`) and at `pyhtml2text`, both printed.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
# The rest follow by name.
ORDER = (
    "bench_parse",
    "bench_parse_scaling",
    "bench_compare",
    "bench_matching",
    "bench_sweep",
    "bench_urlwatch",
    "bench_release",
    "bench_web",
)
SOAKS = (("soak", []), ("soak-no-op", ["--runs", "1000", "--no-edits"]))


def scripts(only: list[str], skip: list[str], soak: bool) -> list[tuple[str, Path, list[str]]]:
    """(name, script, arguments) of each run, in order."""
    found = {p.stem: p for p in BENCH.glob("bench_*.py")}
    names = [n for n in ORDER if n in found] + sorted(set(found) - set(ORDER))
    runs = [(name, found[name], []) for name in names]
    if soak:
        runs += [(name, BENCH / "soak.py", arguments) for name, arguments in SOAKS]
    return [run for run in runs if (not only or run[0] in only) and run[0] not in skip]


def _proc_field(path: str, name: str) -> str | None:
    try:
        with open(path) as info:
            return next((line.split(":", 1)[1].strip() for line in info if line.startswith(name)), None)
    except OSError:
        return None


def machine() -> str:
    cpu = _proc_field("/proc/cpuinfo", "model name") or platform.machine()
    memory = _proc_field("/proc/meminfo", "MemTotal")  # "24683364 kB"
    ram = f", {int(memory.split()[0]) / 1024**2:.0f} GB RAM" if memory else ""
    return f"{cpu}, {os.cpu_count()} cores{ram}, {platform.system()} {platform.release()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", action="append", default=[], metavar="NAME", help="run only this script")
    parser.add_argument("--skip", action="append", default=[], metavar="NAME", help="leave this script out")
    parser.add_argument("--soak", action="store_true", help="also run bench/soak.py (200 sweeps, then 1,000 no-op)")
    args = parser.parse_args()

    print(f"tipwatch benchmarks — {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"machine: {machine()}")
    print(f"Python {platform.python_version()}; load average before: {os.getloadavg()[0]:.2f}")
    print(f"command: .venv/bin/python bench/run_all.py {' '.join(sys.argv[1:])}".rstrip())
    summary = []
    for name, script, arguments in scripts(args.only, args.skip, args.soak):
        started = time.perf_counter()
        command = [sys.executable, str(script), *arguments]
        result = subprocess.run(command, capture_output=True, text=True, cwd=BENCH.parent)
        seconds = time.perf_counter() - started
        status = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
        summary.append((name, seconds, status))
        shown = " ".join([script.name, *arguments])
        print(f"\n== {name}: {shown} ({seconds:.0f} s, {status}, load average {os.getloadavg()[0]:.2f})")
        print(result.stdout.rstrip())
        if result.returncode != 0:
            print("\n".join(result.stderr.rstrip().splitlines()[-8:]))
    print(f"\n{'script':20} {'seconds':>8}  status")
    for name, seconds, status in summary:
        print(f"{name:20} {seconds:>8.0f}  {status}")
    sys.exit(0 if all(s == "ok" for _, _, s in summary) else 1)


if __name__ == "__main__":
    main()
