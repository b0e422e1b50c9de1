"""Every door says the same thing about the same data: the CLI's JSON, the web page's JSON and the alerts
name each country and each change alike (over the sample database)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import alerts
from bench.loopback import HOOK_ENV, Hook
from monitor.cli import cli
from monitor.config import AlertsConfig, ChannelConfig
from monitor.web.app import create_app
from snapshots import read
from snapshots.store.db import open_db


def tipwatch_json(db: Path, *args: str) -> dict | list:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_cli_and_web_name_every_country_and_change_alike(sample_db: Path) -> None:
    db = open_db(sample_db, readonly=True)
    names = read.country_names(db)
    assert names["south-korea"] == "South Korea" and names["vietnam"] == "Vietnam"
    client = create_app(sample_db).test_client()
    compared = 0
    for key, name in names.items():
        snapshots = read.snapshots_of(db, key)
        if len(snapshots) < 2:
            continue
        old, new = snapshots[-2].id, snapshots[-1].id
        terminal = tipwatch_json(sample_db, "diff", key, "--from", f"#{old}", "--to", f"#{new}", "--json")
        web = client.get(f"/countries/{key}/diff?old={old}&new={new}&format=json").get_json()["diff"]
        assert terminal["country"] == web["country"] == name
        assert [(c["kind"], c["summary"]) for c in terminal["changes"]] == [
            (c["kind"], c["summary"]) for c in web["changes"]
        ]
        logged = tipwatch_json(sample_db, "changes", "--country", key, "--json")["changes"]
        listed = client.get(f"/api/?country={key}").get_json()["changes"]
        assert sorted(json.dumps(c, sort_keys=True) for c in logged) == sorted(
            json.dumps(c, sort_keys=True) for c in listed
        )
        for change in logged:
            # "Japan: ..." or, for the report's own figures, "Japan 2025: convictions 9, was 35 in 2024"
            said_first = re.match(rf"{re.escape(name)}(?: \d{{4}})?: ", change["summary"])
            assert change["country"] == name and said_first, change["summary"]
        compared += 1
    assert compared >= 5
    db.conn.close()


def test_alerts_name_every_country_and_change_as_the_change_log_does(
    sample_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = open_db(sample_db)
    logged = {c.id: c for c in read.changes(db, read.ChangeFilter(limit=None))}
    channel = ChannelConfig(name="hook", type="webhook", mode="digest", options={"url_env": HOOK_ENV})
    config = AlertsConfig(base_url="http://tipwatch.test", channels=(channel,))
    with Hook() as hook:
        monkeypatch.setenv(HOOK_ENV, hook.url)
        with db.atomic():
            assert alerts.enqueue_changes(db, config, list(logged)) == len(logged)
        assert alerts.deliver_pending(db, config).sent == len(logged)
    alerted = [c for message in hook.received for c in message["changes"]]
    assert sorted(c["id"] for c in alerted) == sorted(logged)
    names = read.country_names(db)
    for change in alerted:
        record = logged[change["id"]]
        assert (change["kind"], change["summary"], change["country"]) == (record.kind, record.summary, record.country)
        if change["country_key"]:
            assert change["country"] == names[change["country_key"]]
    db.conn.close()
