"""Odd databases: a read-only folder, URI characters in the path, a file deleted mid-run, relative paths."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from monitor.config import load_config
from monitor.pipeline import sweep
from monitor.samples.server import SampleSite
from snapshots.errors import StorageError
from snapshots.store.db import open_db
from tests.conftest import write_cron_file
from tests.faults_helpers import fault_config, tipwatch
from tests.test_faults_database import one_line_error, read_only

ROOT = Path(__file__).resolve().parents[1]
EDITION = 2024


def test_reads_work_in_a_read_only_folder_and_run_says_why_it_cannot_write(site: SampleSite, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "t.db"
    config = write_cron_file(tmp_path, site.base_url, db, editions=[EDITION])
    assert tipwatch(config, "run", "--no-deliver").returncode == 0
    with read_only(folder):
        changes = tipwatch(config, "changes", "--json")
        assert changes.returncode == 0, changes.stderr
        assert changes.stdout.strip()
        opened = open_db(db, readonly=True)  # what the web page does per request
        assert opened.execute("select count(*) from snapshots").fetchone()[0] > 0
        opened.conn.close()
        run = tipwatch(config, "run", "--no-deliver")
        line = one_line_error(run, "read-only")
        assert "t.db.lock" in line


@pytest.mark.parametrize("name", ["a#b.db", "a?b.db", "a%41b.db", "a%b c.db"])
def test_read_only_opener_escapes_uri_characters_in_the_path(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    writer = open_db(path)
    writer.execute("insert into runs (job, started_at, status) values ('sweep', '2024-01-01', 'ok')")
    writer.conn.commit()
    writer.conn.close()
    before = sorted(os.listdir(tmp_path))
    reader = open_db(path, readonly=True)
    assert reader.execute("select count(*) from runs").fetchone()[0] == 1
    reader.conn.close()
    stray = set(os.listdir(tmp_path)) - set(before) - {f"{name}-wal", f"{name}-shm"}
    assert not stray  # no empty database made next to it under a cut-off name


def test_a_database_deleted_during_a_run_fails_the_run(site: SampleSite, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    deleted: list[bool] = []

    def delete_once(event: str, payload: Any) -> None:
        if event == "page" and not deleted:
            db.unlink()
            deleted.append(True)

    with pytest.raises(StorageError) as err:
        sweep(fault_config(site, db), db, editions=[EDITION], progress=delete_once, deliver=False)
    assert deleted and "deleted or replaced during the run" in str(err.value)
    assert "\n" not in str(err.value)


def test_a_relative_database_is_relative_to_the_config_file(tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    (folder / "cron.yaml").write_text("database: data/t.db\n")
    assert Path(load_config(folder / "cron.yaml").database) == folder / "data" / "t.db"
    status = subprocess.run(
        [sys.executable, "-m", "monitor", "--config", "conf/cron.yaml", "changes"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert str(Path("conf") / "data" / "t.db") in status.stderr


def test_lock_files_are_ignored_by_git() -> None:
    ignored = subprocess.run(["git", "check-ignore", "-q", "tipwatch.db.lock"], cwd=ROOT, check=False)
    assert ignored.returncode == 0
