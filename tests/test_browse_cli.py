"""The terminal views over a real SQLite file filled by the real pipeline from the sample site."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from snapshots.errors import TipwatchError

PAIRS = Path(__file__).parent / "fixtures" / "pairs"


def run(db: Path, *args: str) -> tuple[int, str]:
    """Exit code and output as `main()` gives them: a TipwatchError becomes its exit code and one line."""
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    if isinstance(result.exception, TipwatchError):
        return result.exception.exit_code, result.output + str(result.exception)
    return result.exit_code, result.output


def test_history_lists_every_snapshot_with_what_changed(sample_db: Path) -> None:
    code, out = run(sample_db, "history", "KOREA, REPUBLIC OF", "--json")
    assert code == 0
    rows = json.loads(out)
    assert [r["edition"] for r in rows] == [2021, 2022, 2023, 2024, 2025]
    kinds_2022 = {c["kind"] for c in rows[1]["changes"]}
    assert "tier" in kinds_2022 and rows[0]["changes"] == []
    code, out = run(sample_db, "history", "south-korea")
    assert code == 0 and "Tier 1 -> Tier 2" in out


def test_diff_json_defaults_to_latest_edition_against_the_one_before(sample_db: Path) -> None:
    code, out = run(sample_db, "diff", "colombia", "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["old_edition"], data["new_edition"]) == (2024, 2025)
    assert data["tier"]["direction"] == "downgrade"
    assert {r["label"] for r in data["recommendations"]} <= {"kept", "reworded", "possibly_reworded", "new", "dropped"}


def test_diff_between_chosen_editions_plain_and_coloured(sample_db: Path) -> None:
    code, plain = run(sample_db, "diff", "south-korea", "--from", "2023", "--to", "2024")
    assert code == 0
    assert "Tier: Tier 2 -> Tier 1 (upgrade)" in plain
    assert "\x1b[" not in plain and ("{+" in plain or "[-" in plain)
    code, coloured = run(sample_db, "diff", "south-korea", "--from", "2023", "--to", "2024", "--color")
    assert code == 0 and "\x1b[" in coloured
    code, full = run(sample_db, "diff", "japan", "--from", "2024", "--to", "2025")
    code, short = run(sample_db, "diff", "japan", "--from", "2024", "--to", "2025", "--changes-only")
    assert code == 0 and "[…]" in short and len(short) < len(full)
    assert "kept:" in full and "kept:" not in short


def test_diff_by_snapshot_id(sample_db: Path) -> None:
    rows = json.loads(run(sample_db, "history", "japan", "--json")[1])
    first, last = rows[0]["snapshot_id"], rows[-1]["snapshot_id"]
    code, out = run(sample_db, "diff", "japan", "--from", f"#{first}", "--to", f"#{last}", "--json")
    assert code == 0
    data = json.loads(out)
    assert (data["old_snapshot_id"], data["new_snapshot_id"]) == (first, last)


def test_bad_references_and_countries_get_one_line_errors(sample_db: Path) -> None:
    code, out = run(sample_db, "diff", "japan", "--from", "1999")
    assert code == 1 and "editions stored: 2021" in out
    code, out = run(sample_db, "diff", "japn")
    assert code == 1 and "did you mean: japan" in out
    code, out = run(sample_db, "changes", "--since", "last week")
    assert code == 2 and "not a date" in out


def test_tiers_timeline_and_edition_table_as_csv(sample_db: Path) -> None:
    code, out = run(sample_db, "tiers", "haiti", "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["edition"], r["tier"]) for r in rows] == [
        ("2021", "Tier 2 Watch List"),
        ("2022", "Tier 2 Watch List"),
        ("2023", "Tier 2 Watch List"),
        ("2024", "Special Case"),
        ("2025", "Special Case"),
    ]
    assert rows[2]["watch_list_streak"] == "3" and rows[2]["waiver"] == "True"
    code, out = run(sample_db, "tiers", "--edition", "2025", "--csv")
    moves = {r["country"]: (r["from"], r["to"], r["direction"]) for r in csv.DictReader(io.StringIO(out))}
    assert moves["Colombia"] == ("Tier 1", "Tier 2", "downgrade")
    assert moves["Brazil"] == ("Tier 2", "Tier 2 Watch List", "downgrade")


def test_changes_filters(sample_db: Path) -> None:
    code, out = run(sample_db, "changes", "--kind", "tier", "--json")
    assert code == 0
    changes = json.loads(out)["changes"]
    assert changes and all(c["kind"] == "tier" for c in changes)
    code, out = run(sample_db, "changes", "--country", "Viet Nam", "--kind", "tier", "--json")
    assert {c["to"] for c in json.loads(out)["changes"]} == {"Tier 3", "Tier 2 Watch List", "Tier 2"}
    code, out = run(sample_db, "changes", "--since", "2999-01-01")
    assert code == 0 and "no changes recorded" in out


def test_recommendations_tracker(sample_db: Path) -> None:
    code, out = run(sample_db, "recommendations", "japan", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["editions"] == [2021, 2022, 2023, 2024, 2025]
    assert max(r["editions_carried"] for r in data["recommendations"]) == 5
    assert any(not r["active"] for r in data["recommendations"])


def test_compare_two_pages_without_a_database(tmp_path: Path) -> None:
    site = pytest.importorskip("monitor.samples.site")
    old, new = tmp_path / "old.html", tmp_path / "new.html"
    old.write_bytes(site.render_country(2024, "colombia"))
    new.write_bytes(site.render_country(2025, "colombia"))
    result = CliRunner().invoke(cli, ["compare", str(old), str(new), "--json"])
    assert result.exit_code == 0, result.output
    changes = json.loads(result.output)["changes"]
    tier = [c for c in changes if c["kind"] == "tier"]
    assert [(c["from"], c["to"], c["direction"]) for c in tier] == [("Tier 1", "Tier 2", "downgrade")]
    same = CliRunner().invoke(cli, ["compare", str(old), str(old), "--json"])
    assert json.loads(same.output) == {"changes": []}


def test_compare_narrative_json_files() -> None:
    pair = PAIRS / "truepos-recommendation-added"
    result = CliRunner().invoke(cli, ["compare", str(pair / "old.json"), str(pair / "new.json"), "--json"])
    assert result.exit_code == 0
    assert [(c["kind"], c["label"]) for c in json.loads(result.output)["changes"]] == [("recommendation", "new")]


def test_missing_database_is_one_line_on_stderr(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "monitor", "--db", str(tmp_path / "none.db"), "history", "japan"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode != 0
    assert proc.stderr.strip().count("\n") == 0 and "does not exist" in proc.stderr
    assert not (tmp_path / "none.db").exists()
