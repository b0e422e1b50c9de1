"""Escape sequences and control characters from pages never reach a terminal, a feed or a subject line.

A sample site serves Japan's 2024 narrative laced with sequences that retitle
the terminal window, clear the screen, hide a link behind harmless words and ring the bell; a real
`tipwatch run` (with the stdout alert channel) and `tipwatch changes` print what they found.
"""

from __future__ import annotations

import dataclasses
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from alerts import compose
from monitor.samples.data import SampleReports, load_reports
from monitor.samples.server import SampleSite
from monitor.web.app import create_app
from snapshots.core.safe_text import clean_text
from snapshots.store.db import open_db
from tests.faults_helpers import tipwatch

EDITION = 2024
NASTY = (
    "\x1b]0;owned window\x07\x1b[2J\x1b[H Read the \x1b]8;;http://evil.example/\x1b\\official notice\x1b]8;;\x1b\\"
    " now\x07\x08\r\x0b\x9b31m done"
)
# Nothing that a terminal acts on: ESC, C1 controls, BEL, BS, CR, VT, FF.
ACTIVE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def nasty_reports() -> SampleReports:
    base = load_reports()
    japan = base.countries["japan"]
    edition = japan.editions[EDITION]
    edited = dataclasses.replace(
        edition,
        summary=tuple(f"{p} {NASTY}" for p in edition.summary),
        recommendations=(*edition.recommendations, f"Fund shelters. {NASTY}"),
    )
    japan = dataclasses.replace(japan, editions={**japan.editions, EDITION: edited})
    return dataclasses.replace(base, countries={**base.countries, "japan": japan})


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, str]]:
    """(config, db, everything the second run printed) after a benign run, then the laced one."""
    folder = tmp_path_factory.mktemp("escapes")
    db = folder / "t.db"
    config = folder / "cron.yaml"
    with SampleSite(published={EDITION}) as site:
        config.write_text(
            f"database: {db}\n"
            f"source: {{base_url: '{site.base_url}', archive_hosts: [], allowed_hosts: [127.0.0.1],"
            f" editions: [{EDITION}]}}\n"
            "fetch: {min_interval: 0, retries: 0}\n"
            "alerts: {channels: [{name: out, type: stdout}]}\n"
        )
        first = tipwatch(config, "run")
        assert first.returncode == 0, first.stderr
        site.reports = nasty_reports()
        second = tipwatch(config, "run")
        assert second.returncode == 0, second.stderr
    yield config, db, second.stdout + second.stderr


def test_run_and_the_stdout_channel_print_no_escape_sequences(swept: tuple[Path, Path, str]) -> None:
    _, _, printed = swept
    assert "official notice" in printed  # the words are shown, without what was wrapped around them
    assert not ACTIVE.findall(printed)
    assert "owned window" not in printed and "evil.example" not in printed


def test_changes_prints_no_escape_sequences(swept: tuple[Path, Path, str]) -> None:
    config, _, _ = swept
    result = tipwatch(config, "changes")
    assert result.returncode == 0, result.stderr
    assert "Read the official" in result.stdout
    assert not ACTIVE.findall(result.stdout)


def test_status_prints_no_escape_sequences_from_stored_errors(swept: tuple[Path, Path, str]) -> None:
    # A stored error message quotes what a server or page said: status shows it, cleaned.
    config, db, _ = swept
    conn = open_db(db)
    page_id = conn.execute("select id from pages where kind = 'narrative' limit 1").fetchone()[0]
    conn.execute(
        "update pages set consecutive_failures = 1, failing_since = '2026-12-01T00:00:00+00:00',"
        " last_error = ? where id = ?",
        ["HTTP 500: \x1b]0;owned window\x07\x1b[2Jserver said no", page_id],
    )
    conn.conn.commit()
    conn.conn.close()
    result = tipwatch(config, "status")
    assert result.returncode == 0, result.stderr
    assert "server said no" in result.stdout
    assert not ACTIVE.findall(result.stdout) and "owned window" not in result.stdout


def test_atom_feeds_stay_valid_xml(swept: tuple[Path, Path, str]) -> None:
    _, db, _ = swept
    client = create_app(db).test_client()
    for url in ("/feed.atom", "/countries/japan/feed.atom", "/kinds/recommendation/feed.atom"):
        response = client.get(url)
        assert response.status_code == 200, url
        entries = ET.fromstring(response.data).findall("{http://www.w3.org/2005/Atom}entry")
        assert entries, url


def test_email_subjects_carry_no_control_characters(swept: tuple[Path, Path, str]) -> None:
    _, db, _ = swept
    rows = open_db(db).query("select * from changes order by id")
    items = [{**row, "type": "change", "detail": json.loads(row["detail"] or "{}")} for row in rows]
    subjects = [compose([item], base_url="http://tipwatch.test").subject for item in items]
    assert any("Read the official" in s for s in subjects)  # the laced recommendation is in one
    for subject in subjects:
        assert not ACTIVE.findall(subject), subject


def test_clean_text_keeps_text_tabs_and_newlines() -> None:
    assert clean_text("a\tb\nc \u202e日本") == "a\tb\nc \u202e日本"
    assert clean_text("x\x1b]8;;http://e/\x1b\\shown\x1b]8;;\x1b\\y") == "xshowny"
    assert clean_text("unterminated \x1b]0;title") == "unterminated "
