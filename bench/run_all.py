"""Run every benchmark under bench/ (bench_*.py), one after another, and print one report with date and machine.

Each script runs as its own process with its default sizes (the issue's: 190 countries, full-size
pages), so that none measures another's leftovers. A script that fails is reported, not fatal.

    .venv/bin/python bench/run_all.py [--skip bench_web] [--only bench_sweep --only bench_urlwatch] [--soak]

--soak adds bench/soak.py (200 sweeps). bench_urlwatch needs `pip install urlwatch==2.29 html2text`.
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
    "bench_web",
)


def scripts(only: list[str], skip: list[str], soak: bool) -> list[Path]:
    found = {p.stem: p for p in BENCH.glob("bench_*.py")}
    names = [n for n in ORDER if n in found] + sorted(set(found) - set(ORDER))
    if soak:
        names.append("soak")
        found["soak"] = BENCH / "soak.py"
    return [found[n] for n in names if (not only or n in only) and n not in skip]


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
    parser.add_argument("--soak", action="store_true", help="also run bench/soak.py (200 sweeps)")
    args = parser.parse_args()

    print(f"tipwatch benchmarks — {time.strftime('%Y-%m-%d %H:%M %Z')}")
    print(f"machine: {machine()}")
    print(f"Python {platform.python_version()}; load average before: {os.getloadavg()[0]:.2f}")
    print(f"command: .venv/bin/python bench/run_all.py {' '.join(sys.argv[1:])}".rstrip())
    summary = []
    for script in scripts(args.only, args.skip, args.soak):
        started = time.perf_counter()
        result = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=BENCH.parent)
        seconds = time.perf_counter() - started
        status = "ok" if result.returncode == 0 else f"FAILED (exit {result.returncode})"
        summary.append((script.stem, seconds, status))
        print(f"\n== {script.stem} ({seconds:.0f} s, {status}, load average {os.getloadavg()[0]:.2f})")
        print(result.stdout.rstrip())
        if result.returncode != 0:
            print("\n".join(result.stderr.rstrip().splitlines()[-8:]))
    print(f"\n{'script':20} {'seconds':>8}  status")
    for name, seconds, status in summary:
        print(f"{name:20} {seconds:>8.0f}  {status}")
    sys.exit(0 if all(s == "ok" for _, _, s in summary) else 1)


if __name__ == "__main__":
    main()
