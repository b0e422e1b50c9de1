"""`tipwatch figures` and `tipwatch export` over the sample database."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from snapshots.read.panel import COLUMNS

ROOT = Path(__file__).resolve().parents[1]


def _run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_figures_of_a_country_give_one_row_per_edition_and_measure_with_the_sentence(sample_db: Path) -> None:
    rows = json.loads(_run(sample_db, "figures", "brazil", "--json"))
    keys = [(r["edition"], r["measure"], r["scope"]) for r in rows]
    assert len(keys) == len(set(keys)) and {r["country"] for r in rows} == {"Brazil"}
    convictions = {r["edition"]: r["value"] for r in rows if r["measure"] == "convictions"}
    assert convictions[2024] == 31 and convictions[2025] == 14
    latest = next(r for r in rows if (r["edition"], r["measure"]) == (2025, "convictions"))
    assert latest["previous"] == 31 and "convicted 14" in latest["sentence"]
    table = _run(sample_db, "figures", "Brazil")
    assert re.search(r"2025\s+│\s+convictions\s+│\s+14\s+│\s+31", table)


def test_figures_of_an_edition_as_csv_cover_every_country(sample_db: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(_run(sample_db, "figures", "--edition", "2025", "--csv"))))
    assert {r["edition"] for r in rows} == {"2025"}
    assert {r["country_key"] for r in rows} >= {"brazil", "burma", "colombia", "japan", "vietnam"}
    burma = [r for r in rows if r["country_key"] == "burma" and r["measure"] == "victims_identified"]
    assert [(r["value"], r["reported"]) for r in burma] == [("", "False")]
    assert all(r["sentence"] for r in rows)


def test_figures_refuse_two_formats_at_once(sample_db: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(sample_db), "figures", "japan", "--json", "--csv"])
    assert result.exit_code == 2 and "one of --json and --csv" in result.output


def test_export_writes_a_tidy_country_by_edition_panel(sample_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "panel.csv"
    CliRunner().invoke(cli, ["--db", str(sample_db), "export", str(out)], catch_exceptions=False)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(rows[0]) == list(COLUMNS)
    pairs = [(r["country_key"], r["edition"]) for r in rows]
    assert len(pairs) == len(set(pairs)) == 35  # 7 countries x 5 editions, the revised page counted once
    row = {(r["country_key"], int(r["edition"])): r for r in rows}
    assert row[("brazil", 2025)]["convictions"] == "14" and row[("brazil", 2024)]["convictions"] == "31"
    assert row[("haiti", 2024)]["special_case"] == "True" and row[("haiti", 2024)]["tier"] == "Special Case"
    assert row[("burma", 2025)]["victims_identified_reported"] == "False"
    assert row[("burma", 2025)]["victims_identified"] == ""
    assert row[("japan", 2021)]["recommendations_new"] == ""  # the first stored edition has nothing to compare
    assert int(row[("japan", 2021)]["recommendations"]) > 0
    assert int(row[("colombia", 2025)]["victims_identified_sex"]) == 151
    streaks = [int(row[("haiti", year)]["watch_list_streak"]) for year in (2021, 2022, 2023)]
    assert streaks == sorted(streaks) and streaks[-1] >= 2


def test_export_as_json_holds_the_same_panel(sample_db: Path, tmp_path: Path) -> None:
    as_csv = list(csv.DictReader(io.StringIO(_run(sample_db, "export", "-"))))
    as_json = json.loads(_run(sample_db, "export", "--format", "json", "-"))
    assert len(as_json) == len(as_csv) and list(as_json[0]) == list(COLUMNS)
    assert [str(r["edition"]) for r in as_json] == [r["edition"] for r in as_csv]
    _run(sample_db, "export", str(tmp_path / "panel.json"))
    assert json.loads((tmp_path / "panel.json").read_text()) == as_json


def test_every_export_column_is_documented() -> None:
    doc = (ROOT / "docs" / "export.md").read_text()
    documented = re.findall(r"^\| `(\w+)` \|", doc, re.MULTILINE)
    assert documented == list(COLUMNS)
    assert "docs/export.md" in (ROOT / "README.md").read_text()


def test_a_scraped_sentence_cannot_become_a_spreadsheet_formula() -> None:
    from monitor.csvout import write_csv

    out = io.StringIO()
    rows = [{"sentence": '=HYPERLINK("http://evil.example","x") Courts convicted 5 traffickers.', "value": -3},
            {"sentence": "Courts convicted 5 traffickers.", "value": None}]  # fmt: skip
    write_csv(out, ["sentence", "value"], rows)
    read_back = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert read_back[0]["sentence"].startswith("'=HYPERLINK") and read_back[0]["value"] == "-3"
    assert read_back[1] == {"sentence": "Courts convicted 5 traffickers.", "value": ""}
