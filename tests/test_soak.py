"""Soak: consecutive sweeps against a randomly changing mirror (bench/soak.py does the work and prints figures).

Every real edit makes one snapshot, every change recorded is alerted once, runs without an edit add
nothing but their check rows, and the process's memory stays flat. TIPWATCH_SOAK_RUNS sets the number
of runs (default 200; about 40 s here).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from soak import run_soak

RUNS = int(os.environ.get("TIPWATCH_SOAK_RUNS", "200"))


@pytest.mark.slow
def test_soak_alerts_equal_real_changes_and_nothing_else_grows(tmp_path: Path) -> None:
    report = run_soak(RUNS, seed=7, directory=tmp_path)
    assert sum(report.edited) > RUNS // 4  # the mirror really changed, often
    assert report.new_snapshots == report.page_edits
    assert report.changes >= report.page_edits  # each edit is at least one change...
    assert report.alerted_changes == report.changes  # ...and each change is alerted, once
    assert report.quiet_runs_with_output == 0
    # A run without an edit only logs its checks (7 small rows); an edit stores a compressed page and its text.
    assert report.growth(False) < 8 * 1024
    assert report.growth(False) * 5 < report.growth(True)
    assert report.rss_growth_kib < 16 * 1024, report.rss_kib
