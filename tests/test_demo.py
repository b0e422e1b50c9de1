"""`tipwatch demo`: the newcomer's first command works offline and shows the real tier histories."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from snapshots.store.db import open_db

EXPECTED_MOVES = [
    "South Korea: Tier 1 -> Tier 2 (2022 vs 2021 report)",
    "Vietnam: Tier 2 Watch List -> Tier 3 (2022 vs 2021 report)",
    "Vietnam: Tier 3 -> Tier 2 Watch List (2023 vs 2022 report)",
    "Haiti: Tier 2 Watch List -> Special Case (2024 vs 2023 report)",
    "South Korea: Tier 2 -> Tier 1 (2024 vs 2023 report)",
    "Vietnam: Tier 2 Watch List -> Tier 2 (2024 vs 2023 report)",
    "Brazil: Tier 2 -> Tier 2 Watch List (2025 vs 2024 report)",
    "Colombia: Tier 1 -> Tier 2 (2025 vs 2024 report)",
]


def test_demo_runs_offline_and_reports_every_tier_move(tmp_path: Path) -> None:
    db_path = tmp_path / "demo.db"
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "demo", "--keep", str(db_path)],
        cwd=tmp_path,  # no cron.yaml here: the demo needs none
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    lines = [line.strip() for line in result.stdout.splitlines()]
    moves = [line for line in lines if " -> " in line and line.endswith("report)")]
    assert moves == EXPECTED_MOVES
    # The alert messages it would send: one baseline, then one digest per released edition.
    assert "now tracking 7 pages" in result.stdout
    for year in (2022, 2023, 2024, 2025):
        assert f"{year} report published: 7 countries" in result.stdout
    # The post-release edit is picked up as a revision, not as a new edition, and alerted though 2025 is out.
    assert "(2024 report, revised)" in result.stdout
    alerted = [line for line in lines if line.startswith("=== [tipwatch] Japan: ")]
    assert len(alerted) == 1 and "(2024 report, revised)" in alerted[0]
    # Each message's subject is printed once, not again as the first line of its body.
    for i, line in enumerate(lines[:-1]):
        if line.startswith("=== [tipwatch] "):
            assert not line.removeprefix("=== [tipwatch] ").startswith(lines[i + 1]), line
    db = open_db(db_path)
    assert db["snapshots"].count == 36  # 7 countries x 5 editions + 1 revision
    assert db.execute("select count(*) from checks where outcome = 'error'").fetchone()[0] == 0


def test_demo_refuses_to_overwrite(tmp_path: Path) -> None:
    existing = tmp_path / "keep.db"
    existing.write_bytes(b"precious")
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "demo", "--keep", str(existing)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1 and "already exists" in result.stderr
    assert existing.read_bytes() == b"precious"
