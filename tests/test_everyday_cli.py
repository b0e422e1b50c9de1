"""Everyday use of the terminal commands: what a newcomer and a daily user trip on."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from tests.conftest import CronFile, write_cron_file
from tests.fault_site import FaultSite
from tests.test_browse_cli import run


def test_tiers_of_an_edition_not_stored_names_the_editions_and_exits_1(sample_db: Path) -> None:
    code, out = run(sample_db, "tiers", "--edition", "1999")
    assert code == 1
    assert "no 1999 edition stored" in out and "2021, 2022, 2023, 2024, 2025" in out


def test_tiers_all_is_the_whole_edition_table_with_previous_tier_and_streak(sample_db: Path) -> None:
    code, out = run(sample_db, "tiers", "--edition", "2025", "--all", "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["country"] for r in rows] == sorted(r["country"] for r in rows) and len(rows) == 7
    by_name = {r["country"]: r for r in rows}
    assert by_name["Colombia"] == {
        "country": "Colombia", "tier": "Tier 2", "previous_tier": "Tier 1", "move": "downgrade",
        "watch_list_streak": "",
    }  # fmt: skip
    assert by_name["Brazil"]["tier"] == "Tier 2 Watch List" and by_name["Brazil"]["watch_list_streak"] == "1"
    assert by_name["Burma"]["previous_tier"] == "Tier 3"  # unchanged countries are in the table too
    code, out = run(sample_db, "tiers", "--edition", "2023", "--all")
    assert code == 0 and "2023 report: every country" in out and "Haiti" in out


PAGES = Path(__file__).parent / "fixtures" / "pages"


def test_a_snapshot_diffed_with_itself_is_identical_not_revised(sample_db: Path) -> None:
    code, out = run(sample_db, "diff", "japan", "--from", "2024", "--to", "2024")
    assert code == 0
    first = out.splitlines()[0]
    assert "2024 report, identical" in first and "revised" not in first and "revision" not in first
    code, out = run(sample_db, "diff", "japan", "--from", "2024", "--to", "2024", "--json")
    assert code == 0 and '"identical": true' in out


def test_compare_of_a_page_with_itself_is_identical() -> None:
    page = str(PAGES / "stategov-2023-haiti.html")
    code, out = run(Path("unused.db"), "compare", page, page, "--no-color")
    assert code == 0 and "2023 report, identical" in out.splitlines()[0]


def test_compare_of_two_countries_says_so_in_one_line_and_exits_1_unless_forced() -> None:
    haiti, japan = str(PAGES / "stategov-2023-haiti.html"), str(PAGES / "gvnet-japan-2023.html")
    code, out = run(Path("unused.db"), "compare", haiti, japan)
    assert code == 1
    assert out.strip().count("\n") == 0 and "Haiti" in out and "Japan" in out and "different countries" in out
    code, out = run(Path("unused.db"), "compare", haiti, japan, "--force", "--json")
    assert code == 0 and '"changes"' in out


def test_status_shows_the_last_sweep_even_when_tipwatch_run_started_it(
    site: FaultSite, cron_file: CronFile, tmp_path: Path
) -> None:
    jobs = [{"id": "daily", "cron": "15 6 * * *", "action": "sweep"}]
    config = cron_file(tmp_path, site.base_url, tmp_path / "t.db", jobs=jobs)
    runner = CliRunner()
    assert runner.invoke(cli, ["--config", str(config), "run", "--no-deliver"]).exit_code == 0
    result = runner.invoke(cli, ["--config", str(config), "status"])
    assert result.exit_code == 0, result.output
    sweep_line = next(line for line in result.output.splitlines() if line.strip().startswith("sweep "))
    assert "ok, 9 pages checked, 7 new" in sweep_line and "never" not in sweep_line
    assert re.search(r"deliver\s+never", result.output)


@pytest.mark.parametrize("command", [["history", "japan"], ["status"], ["run", "--country", "japan"]])
def test_db_at_a_directory_or_a_non_sqlite_file_is_one_line_naming_the_path(tmp_path: Path, command) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    junk = tmp_path / "notes.db"
    junk.write_text("these are notes, not a database; " * 10)
    config = write_cron_file(tmp_path, "http://127.0.0.1:9", tmp_path / "unused.db")  # loopback, nothing listens
    for path, says in ((folder, "is a directory"), (junk, "not a database")):
        proc = subprocess.run(
            [sys.executable, "-m", "monitor", "--config", str(config), "--db", str(path), *command],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=tmp_path,
        )
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.strip().count("\n") == 0, proc.stderr
        assert str(path) in proc.stderr and says in proc.stderr
    assert junk.read_text().startswith("these are notes")  # left as it was


def test_run_summary_says_what_the_pages_that_are_not_narratives_are(
    site: FaultSite, cron_file: CronFile, tmp_path: Path
) -> None:
    config = cron_file(tmp_path, site.base_url, tmp_path / "t.db")
    result = CliRunner().invoke(cli, ["--config", str(config), "run", "--no-deliver"])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if "not narratives" in line)
    assert "2 (the introduction and other pages that are not a country's narrative)" in line


def test_terminal_output_names_sections_in_words(sample_db: Path) -> None:
    code, out = run(sample_db, "changes", "--kind", "section", "--country", "haiti")
    text = " ".join(out.split())
    assert code == 0 and "Haiti: Trafficking profile section" in text and "TRAFFICKING PROFILE" not in text
    code, out = run(sample_db, "diff", "haiti", "--from", "2023", "--to", "2024", "--no-color")
    assert code == 0 and "government efforts added" in out and "government_efforts" not in out


def test_terminal_titles_use_the_countrys_one_name(sample_db: Path) -> None:
    for command in (["recommendations", "korea-republic-of"], ["tiers", "KOREA, REPUBLIC OF"]):
        code, out = run(sample_db, *command)
        assert code == 0 and "South Korea:" in out and "south-korea" not in out, command
