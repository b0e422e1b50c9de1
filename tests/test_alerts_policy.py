"""The alert policy's parts on a real database: states stored per edition, and a reparse that corrects
the change log without alerting."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import alerts
from alerts import policy
from monitor.config import load_config
from monitor.pipeline import sweep
from monitor.reparse import reparse_all
from snapshots import read
from snapshots.store import changelog, writes
from snapshots.store.db import now_iso, open_db
from tests.conftest import CronFile, write_cron_file
from tests.fault_site import FaultSite

pytestmark = pytest.mark.published(2024)


def test_editions_get_a_stored_state_and_a_previous_edition_edit_alerts_at_once(
    site: FaultSite, cron_file: CronFile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cron = cron_file(tmp_path, site.base_url, tmp_path / "t.db", editions=[2024, 2025],
                     alerts={"channels": [{"name": "out", "type": "stdout"}]})  # fmt: skip
    config = load_config(cron)
    sweep(config, config.database)
    site.published.add(2025)
    sweep(config, config.database)
    db = open_db(config.database)
    states = dict(db.execute("select edition, state from edition_alerts").fetchall())
    assert states == {2024: "baseline", 2025: "published"}
    capsys.readouterr()
    site.revised = True  # Japan's 2024 page is edited after 2025 is out
    sweep(config, config.database)
    out = capsys.readouterr().out
    assert out.count("=== ") == 1 and "Japan: " in out and "(2024 report, revised)" in out


def test_reparse_with_a_fixed_parser_recomputes_the_changes_without_alerting(
    site: FaultSite, cron_file: CronFile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cron = cron_file(
        tmp_path, site.base_url, tmp_path / "t.db", alerts={"channels": [{"name": "out", "type": "stdout"}]}
    )
    config = load_config(cron)
    sweep(config, config.database)
    site.revised = True
    sweep(config, config.database, deliver=False)
    db = open_db(config.database)
    revision = db.execute("select max(id) from snapshots").fetchone()[0]
    # An older parser lost the recommendations list of this version: its changes and alert said so.
    broken = dataclasses.replace(read.narrative(db, revision), recommendations=(), parser_version="0-broken")
    with db.atomic():
        writes.record_reparse(db, revision, broken, at=now_iso())
        layout = changelog.recompute_changes_for(db, revision)
        alerts.enqueue_changes(db, config.alerts, layout)
    assert [r.kind for r in read.changes_by_id(db, layout)] == ["layout"]
    assert alerts.deliver_pending(db, config.alerts).messages == 1
    assert "recommendations not found" in capsys.readouterr().out

    report = reparse_all(db)
    assert report.reparsed == 1 and report.changes >= 2
    kinds = sorted(r.kind for r in read.changes(db, read.ChangeFilter(snapshot_id=revision, limit=None)))
    assert kinds == ["layout", "recommendation", "section"]  # the sent alert stays on record
    assert alerts.deliver_pending(db, config.alerts).messages == 0
    assert db.execute("select count(*) from outbox where status != 'sent'").fetchone()[0] == 0


@pytest.mark.parametrize(("minutes", "sent"), [(59, False), (61, True)])
def test_the_digest_waits_at_most_release_wait_for_an_unsettled_page(tmp_path: Path, minutes: int, sent: bool) -> None:
    settings = {"release_wait": 3600, "channels": [{"name": "out", "type": "stdout"}]}
    config = load_config(write_cron_file(tmp_path, "http://127.0.0.1:9", tmp_path / "t.db", alerts=settings))
    db = open_db(config.database)
    start = datetime.now(UTC)
    assert policy.edition_mode(db, 2025, baseline=False, now=start) == "release"
    with db.atomic():  # listed, not read yet: after its first sweep the edition is not settled
        writes.upsert_page(db, 2025, "japan", "http://127.0.0.1:9/japan/", at=now_iso())
    assert policy.close_edition(db, config.alerts, 2025, now=start + timedelta(minutes=minutes)) is sent
    assert db.execute("select count(*) from outbox").fetchone()[0] == int(sent)


def test_importing_an_older_edition_is_one_notice(
    site: FaultSite, cron_file: CronFile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site.published.add(2023)
    stdout = {"channels": [{"name": "out", "type": "stdout"}]}
    sweep(load_config(cron_file(tmp_path, site.base_url, tmp_path / "t.db", alerts=stdout)), tmp_path / "t.db")
    capsys.readouterr()
    config = load_config(cron_file(tmp_path, site.base_url, tmp_path / "t.db", editions=[2023, 2024], alerts=stdout))
    sweep(config, config.database)
    out = capsys.readouterr().out
    assert out.count("=== ") == 1 and "2023 report imported: 7 narratives" in out
    assert dict(open_db(config.database).execute("select edition, state from edition_alerts").fetchall()) == {
        2023: "published",
        2024: "baseline",
    }


def test_a_listed_page_answering_404_does_not_hold_the_digest_back(
    site: FaultSite, cron_file: CronFile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stdout = {"channels": [{"name": "out", "type": "stdout"}]}
    config = load_config(cron_file(tmp_path, site.base_url, tmp_path / "t.db", editions=[2024, 2025], alerts=stdout))
    sweep(config, config.database)
    site.published.add(2025)
    site.override("/reports/2025-trafficking-in-persons-report/haiti/", (404, {}, b"not here"))
    capsys.readouterr()
    sweep(config, config.database)  # the first sweep of the edition: every listed page is settled
    out = capsys.readouterr().out
    assert out.count("=== ") == 1 and "2025 report published: 6 countries, 0 upgrades, 2 downgrades" in out
    assert "Haiti: missing (was Special Case): listed, but its page failed:" in out and "HTTP 404" in out


def test_an_older_database_gets_each_editions_state_from_what_it_holds(tmp_path: Path) -> None:
    """Before m007: 2023 and 2024 summarised (published); 2025 stored but its digest never sent (release)."""
    from sqlite_utils import Database

    from snapshots.store.migrations import migrations

    old = Database(tmp_path / "old.db")
    migrations.apply(old, stop_before="m007_edition_alerts")
    for edition in (2023, 2024, 2025):
        old["snapshots"].insert({"page_id": 1, "edition": edition, "country_key": "japan", "fetched_at": f"{edition}"})
    for edition in (2023, 2024):
        old["changes"].insert({"key": f"edition:{edition}", "kind": "edition", "edition": edition})
    old.conn.commit()
    old.close()
    db = open_db(tmp_path / "old.db")
    states = dict(db.execute("select edition, state from edition_alerts").fetchall())
    assert states == {2023: "published", 2024: "published", 2025: "release"}
    assert policy.edition_mode(db, 2025, baseline=False) == "release"
    assert policy.edition_mode(db, 2024, baseline=False) == "immediate"


def test_a_revision_rewording_300_recommendations_is_one_message_per_channel(
    site: FaultSite, cron_file: CronFile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def recommendations(verb: str) -> tuple[str, ...]:
        return tuple(
            f"{verb} the labor inspection of work site {i} and refer cases from district {i}." for i in range(300)
        )

    channels = {"channels": [{"name": "a", "type": "stdout"}, {"name": "b", "type": "stdout"}]}
    config = load_config(cron_file(tmp_path, site.base_url, tmp_path / "t.db", alerts=channels))
    japan = site.reports.countries["japan"].editions[2024]
    site.reports = site.reports.replace_editions(
        {(2024, "japan"): dataclasses.replace(japan, recommendations=recommendations("Expand"))}
    )
    sweep(config, config.database)
    site.reports = site.reports.replace_editions(
        {(2024, "japan"): dataclasses.replace(japan, recommendations=recommendations("Strengthen"))}
    )
    capsys.readouterr()
    sweep(config, config.database)
    out = capsys.readouterr().out
    db = open_db(config.database)
    assert db.execute("select count(*) from changes where kind = 'recommendation'").fetchone()[0] == 300
    assert out.count("=== [tipwatch] Japan: reworded recommendation: ") == 2
    assert out.count("Reworded recommendation: ") == 2 * 19 and out.count("… and 281 more changes") == 2


def test_a_page_recovering_from_a_layout_drift_is_compared_with_its_last_good_version(
    site: FaultSite, cron_file: CronFile, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cron = cron_file(
        tmp_path, site.base_url, tmp_path / "t.db", alerts={"channels": [{"name": "out", "type": "stdout"}]}
    )
    config = load_config(cron)
    sweep(config, config.database)
    good = site.reports
    edition = good.countries["japan"].editions[2024]
    db = open_db(config.database)

    def sweep_japan(**edits: object) -> tuple[list[str], str]:
        site.reports = good.replace_editions({(2024, "japan"): dataclasses.replace(edition, **edits)})
        capsys.readouterr()
        sweep(config, config.database)
        latest = db.execute("select max(id) from snapshots where country_key = 'japan'").fetchone()[0]
        flt = read.ChangeFilter(snapshot_id=latest, limit=None)
        return [r.kind for r in read.changes(db, flt)], capsys.readouterr().out

    assert sweep_japan(recommendations=())[0] == ["layout"]
    # Back as it was: nothing changed since the last good version, so nothing is recorded or sent.
    kinds, out = sweep_japan()
    assert kinds == [] and "=== " not in out
    # Broken again, then back with one recommendation more: that one is new, the others were never gone.
    assert sweep_japan(recommendations=())[0] == ["layout"]
    added = "Screen seasonal farm workers for indicators of forced labor before they travel."
    kinds, out = sweep_japan(recommendations=(*edition.recommendations, added))
    assert kinds == ["recommendation"] and out.count("=== ") == 1
    assert "New recommendation: " + added in out


def test_status_shows_each_tracked_editions_alert_state_and_what_a_release_waits_for(
    site: FaultSite, cron_file: CronFile, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from monitor.cli import cli

    cron = cron_file(tmp_path, site.base_url, tmp_path / "t.db", editions=[2024, 2025],
                     alerts={"release_wait": 7200, "channels": [{"name": "out", "type": "stdout"}]})  # fmt: skip
    config = load_config(cron)

    def status() -> list[str]:
        result = CliRunner().invoke(cli, ["--config", str(cron), "status"])
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        start = lines.index("Alerts by edition:")
        return [line.strip() for line in lines[start + 1 : start + 3]]

    sweep(config, config.database)
    site.published.add(2025)
    site.override("/reports/2025-trafficking-in-persons-report/haiti/", (503, {}, b"busy"))
    sweep(config, config.database)
    baseline, release = status()
    assert baseline.startswith("2024  baseline since ") and baseline.endswith("its changes alert at once")
    since = read.edition_alert_states(open_db(config.database), failure_threshold=3)[1].since
    deadline = (datetime.fromisoformat(since) + timedelta(seconds=7200)).astimezone(UTC).strftime("%Y-%m-%d %H:%M")
    assert release.startswith("2025  release since ")
    assert release.endswith(f"its digest waits for 1 listed page (haiti), at the latest {deadline} UTC "
                            "or the end of sweep 2 (1 done)")  # fmt: skip

    site.clear_overrides()
    sweep(config, config.database)
    baseline, published = status()
    assert published.startswith("2025  published since ") and "release digest queued " in published


def test_a_new_edition_is_compared_with_the_last_good_version_of_the_previous_one(
    site: FaultSite, cron_file: CronFile, tmp_path: Path
) -> None:
    cron = cron_file(tmp_path, site.base_url, tmp_path / "t.db", editions=[2024, 2025],
                     alerts={"channels": [{"name": "out", "type": "stdout"}]})  # fmt: skip
    config = load_config(cron)
    sweep(config, config.database)
    japan = site.reports.countries["japan"]
    site.reports = site.reports.replace_editions(
        {(2024, "japan"): dataclasses.replace(japan.editions[2024], recommendations=())}
    )
    sweep(config, config.database)  # the 2024 page drifts: one layout change
    site.published.add(2025)
    sweep(config, config.database)
    db = open_db(config.database)
    flt = read.ChangeFilter(kind="recommendation", country_key="japan", edition=2025, limit=None)
    carried = set(japan.editions[2024].recommendations) & set(japan.editions[2025].recommendations)
    assert carried, "the samples carry some of Japan's 2024 recommendations into 2025"
    new = {r.detail.new for r in read.changes(db, flt) if r.detail.label == "new"}
    assert new and not new & carried  # only what 2025 added, not what the drifted page lacked


def test_a_page_misread_from_its_first_version_is_compared_with_the_previous_edition_once_read_whole(
    site: FaultSite, cron_file: CronFile, tmp_path: Path
) -> None:
    cron = cron_file(tmp_path, site.base_url, tmp_path / "t.db", editions=[2024, 2025],
                     alerts={"channels": [{"name": "out", "type": "stdout"}]})  # fmt: skip
    config = load_config(cron)
    sweep(config, config.database)
    good = site.reports
    japan = good.countries["japan"]
    site.published.add(2025)
    site.reports = good.replace_editions(
        {(2025, "japan"): dataclasses.replace(japan.editions[2025], recommendations=())}
    )
    sweep(config, config.database)  # 2025's page is misread from the start: one layout change
    db = open_db(config.database)
    assert [r.kind for r in read.changes(db, read.ChangeFilter(country_key="japan", edition=2025, limit=None))] == [
        "layout"
    ]
    site.reports = good
    sweep(config, config.database)
    flt = read.ChangeFilter(kind="recommendation", country_key="japan", edition=2025, limit=None)
    new = {r.detail.new for r in read.changes(db, flt) if r.detail.label == "new"}
    carried = set(japan.editions[2024].recommendations) & set(japan.editions[2025].recommendations)
    assert new and not new & carried  # what 2025 added to 2024, not every recommendation of the page
