"""`tipwatch demo`: the newcomer's first command works offline and shows the real tier histories."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.request
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
    # The report's own figures: a conviction count that fell by more than half, and a revised prior figure.
    assert "Brazil 2025: convictions 14, was 31 in 2024" in lines
    assert (
        "Japan 2025: victims identified: the 2025 report gives 68 for the previous period, the 2024 report said 63"
        in lines
    )
    # Read as a newcomer would: each subject once, no links to a page that is not running, plurals right,
    # and the pages that are not narratives explained the first time.
    assert result.stdout.count("now tracking 7 pages") == 1
    assert result.stdout.count("2023 report published") == 1
    assert "http://127.0.0.1:8150" not in result.stdout and "/changes/" not in result.stdout
    assert "1 upgrade," in result.stdout and "1 upgrades" not in result.stdout
    assert "1 new snapshot," in result.stdout and "1 new snapshots" not in result.stdout
    assert result.stdout.count("not narratives (the introduction and other pages") == 1
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


def test_demo_serve_links_its_alerts_to_the_page_it_serves(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "demo", "--serve", "--port", "0"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        out = []
        for line in proc.stdout:
            out.append(line)
            if line.startswith("Browse it at "):
                break
        text = "".join(out)
        served = re.search(r"Browse it at (http://127\.0\.0\.1:\d+)/", text)
        assert served, text
        links = re.findall(r"^\s+(http://\S+)$", text, re.MULTILINE)
        assert links and all(link.startswith(served.group(1)) for link in links), links
        with urllib.request.urlopen(links[-1], timeout=10) as response:  # loopback: the demo's own page
            assert response.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
