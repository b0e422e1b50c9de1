"""The outbox with a real SQLite file: routing, modes, dedupe, notices, health, digest channels, config checks."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

import alerts
from alerts import ChannelConfigError, validate_channels
from monitor.config import ChannelConfig, parse_config
from monitor.errors import ConfigError
from tests.alerts_helpers import add_change, add_page, alerts_config, channel, make_db, outbox


def test_enqueue_routes_by_kind_country_and_significance(tmp_path):
    db = make_db(tmp_path)
    tier = add_change(db, kind="tier", country="Japan")
    rec = add_change(db, kind="recommendation", country="South Korea")
    low = add_change(db, kind="section", country="Japan", significance="low")
    config = alerts_config(
        channel("all", "stdout"),
        channel("tiers", "stdout", kinds=("tier",)),
        channel("korea", "stdout", countries=("south_korea",)),
        channel("important", "stdout", min_significance="medium"),
        channel("off", "stdout", enabled=False),
    )
    with db.atomic():
        written = alerts.enqueue_changes(db, config, [tier, rec, low])
    routed = {(r["change_id"], r["channel"]) for r in outbox(db)}
    assert routed == {
        (tier, "all"), (rec, "all"), (low, "all"),
        (tier, "tiers"),
        (rec, "korea"),
        (tier, "important"), (rec, "important"),
    }  # fmt: skip
    assert written == 7
    with db.atomic():  # the same changes again: nothing new
        assert alerts.enqueue_changes(db, config, [tier, rec, low]) == 0
    assert len(outbox(db)) == 7


def test_enqueue_joins_the_callers_transaction(tmp_path):
    db = make_db(tmp_path)
    change_id = add_change(db)
    with pytest.raises(RuntimeError), db.atomic():
        assert alerts.enqueue_changes(db, alerts_config(channel("c", "stdout")), [change_id]) == 1
        raise RuntimeError("the sweep failed after queueing")
    assert outbox(db) == []


@pytest.mark.parametrize("mode", ["baseline", "release", "backfill"])
def test_modes_other_than_immediate_write_nothing_per_change(tmp_path, mode):
    db = make_db(tmp_path)
    change_id = add_change(db)
    assert alerts.enqueue_changes(db, alerts_config(channel("c", "stdout")), [change_id], mode=mode) == 0
    assert outbox(db) == []
    with pytest.raises(ValueError, match="unknown alert mode"):
        alerts.enqueue_changes(db, alerts_config(), [change_id], mode="loud")


def test_baseline_notice_once_per_channel_ever(tmp_path, capsys):
    db = make_db(tmp_path)
    config = alerts_config(channel("a", "stdout"), channel("b", "stdout", kinds=("tier",)))
    notice = {"type": "baseline", "pages": 190, "editions": [2024, 2025]}
    assert alerts.enqueue_notice(db, config, notice, dedupe="baseline") == 2
    assert alerts.enqueue_notice(db, config, notice, dedupe="baseline") == 0
    report = alerts.deliver_pending(db, config)
    assert (report.messages, report.sent) == (2, 2)
    assert capsys.readouterr().out.count("=== [tipwatch] now tracking 190 pages") == 2
    assert alerts.enqueue_notice(db, config, notice, dedupe="baseline") == 0  # also after it was sent
    assert alerts.deliver_pending(db, config).messages == 0


def test_release_digest_composed_at_send_time_from_the_latest_snapshots(tmp_path, capsys):
    db = make_db(tmp_path)
    tiers = {"Japan": ("Tier 2", "Tier 3"), "Chad": ("Tier 2", "Tier 1"), "Peru": ("Tier 2", "Tier 1")}
    with db.atomic():
        for country, pair in tiers.items():
            for edition, tier in zip((2024, 2025), pair, strict=True):
                page = add_page(db, f"https://www.state.gov/reports/{edition}-tip/{country.lower()}/", edition=edition)
                db["snapshots"].insert(
                    {"page_id": page, "edition": edition, "country_key": country.lower(), "country": country,
                     "tier": tier}
                )  # fmt: skip
    config = alerts_config(channel("c", "stdout"))
    with db.atomic():
        alerts.enqueue_notice(db, config, {"type": "edition_digest", "edition": 2025}, dedupe="edition_digest:2025")
        alerts.enqueue_notice(db, config, {"type": "edition_digest", "edition": 2025}, dedupe="edition_digest:2025")
    assert alerts.deliver_pending(db, config).messages == 1
    out = capsys.readouterr().out
    assert out.count("=== ") == 1
    assert "2025 report published: 3 countries, 2 upgrades, 1 downgrade" in out
    assert "Japan: Tier 2 -> Tier 3 (downgrade)" in out


def fail_page(db, page_id: int, failures: int, since: str = "2026-11-27T06:15:00+00:00") -> None:
    db.execute(
        "update pages set consecutive_failures = ?, failing_since = ?, last_error = ? where id = ?",
        [failures, since, "HTTP 503", page_id],
    )


def recover_page(db, page_id: int) -> None:
    db.execute(
        "update pages set consecutive_failures = 0, failing_since = null, last_error = null where id = ?", [page_id]
    )


def test_health_problem_once_after_threshold_and_resolved_once(tmp_path, capsys):
    db = make_db(tmp_path)
    page = add_page(db, "https://www.state.gov/reports/2024-tip/japan/")
    config = alerts_config(channel("c", "stdout"), failure_threshold=3)
    for failures in (1, 2):
        fail_page(db, page, failures)
        alerts.page_health(db, config, page, ok=False)
    assert outbox(db) == []
    for failures in (3, 4, 5):
        fail_page(db, page, failures)
        alerts.page_health(db, config, page, ok=False)
    assert [json.loads(r["notice"])["type"] for r in outbox(db)] == ["problem"]
    recover_page(db, page)
    alerts.page_health(db, config, page, ok=True)
    alerts.page_health(db, config, page, ok=True)
    assert [json.loads(r["notice"])["type"] for r in outbox(db)] == ["problem", "resolved"]
    report = alerts.deliver_pending(db, config)
    out = capsys.readouterr().out
    assert report.sent == 2
    assert "3 failed checks since 2026-11-27T06:15:00+00:00; last error: HTTP 503" in out
    assert "working again" in out
    # A new failure streak later is a new problem.
    fail_page(db, page, 3, since="2026-12-01T06:15:00+00:00")
    alerts.page_health(db, config, page, ok=False)
    assert len(outbox(db)) == 3


def test_outage_of_every_page_makes_one_message_per_channel(tmp_path, capsys):
    db = make_db(tmp_path)
    config = alerts_config(channel("c", "stdout"), channel("tiers-only", "stdout", kinds=("tier",)))
    pages = [add_page(db, f"https://www.state.gov/reports/2024-tip/c{i}/") for i in range(190)]
    change_id = add_change(db)
    with db.atomic():
        alerts.enqueue_changes(db, config, [change_id])
    for page in pages:
        fail_page(db, page, 3)
        alerts.page_health(db, config, page, ok=False)
    assert len(outbox(db)) == 190 + 2  # one row per page (for the "c" channel) plus the change twice
    report = alerts.deliver_pending(db, config)
    out = capsys.readouterr().out
    assert report.messages == 3  # c: the change + one merged problem; tiers-only: the change
    assert out.count("=== [tipwatch] problem: 190 pages failing") == 1
    assert report.sent == 192


def test_digest_channel_gets_one_message_for_everything_pending(tmp_path, capsys):
    db = make_db(tmp_path)
    config = alerts_config(channel("daily", "stdout", mode="digest"))
    ids = [add_change(db, country=c) for c in ("Japan", "Chad", "Peru")]
    with db.atomic():
        alerts.enqueue_changes(db, config, ids)
    report = alerts.deliver_pending(db, config)
    out = capsys.readouterr().out
    assert (report.messages, report.sent) == (1, 3)
    assert out.count("=== ") == 1
    assert all(f"{c}: Tier 2 -> Tier 2 Watch List" in out for c in ("Japan", "Chad", "Peru"))
    assert {r["status"] for r in outbox(db)} == {"sent"}


def test_rows_of_unconfigured_channels_wait(tmp_path):
    db = make_db(tmp_path)
    with db.atomic():
        alerts.enqueue_changes(db, alerts_config(channel("old", "stdout")), [add_change(db)])
    report = alerts.deliver_pending(db, alerts_config(channel("new", "stdout")))
    assert (report.sent, report.unrouted) == (0, 1)
    assert outbox(db)[0]["status"] == "pending"


def test_deliver_refuses_to_run_inside_a_transaction(tmp_path):
    db = make_db(tmp_path)
    with pytest.raises(RuntimeError, match="outside a transaction"), db.atomic():
        alerts.deliver_pending(db, alerts_config(), now=datetime.now(UTC))


@pytest.mark.parametrize(
    ("block", "message"),
    [
        ({"type": "pager"}, "alerts.channels[x].type: unknown channel type 'pager'"),
        ({"type": "slack"}, "alerts.channels[x].webhook_url_env: required for a slack channel"),
        ({"type": "slack", "webhook_url_env": "W", "webhook_url": "https://hooks"}, "alerts.channels[x].webhook_url:"),
        ({"type": "email", "host": "h", "from": "a@b", "to": "c@d", "port": "25"}, "port: expected a whole number"),
        ({"type": "email", "host": "h", "from": "a@b", "to": "c@d", "security": "ssl"}, "security: expected one of"),
        ({"type": "email", "host": "h", "from": "a@b", "to": "c@d", "username": "u"}, "password_env: a login needs"),
        ({"type": "email", "host": "h", "from": "a@b", "to": ["nobody"]}, "to: expected an address"),
        ({"type": "stdout", "kinds": ["tiers"]}, "alerts.channels[x].kinds: unknown kind 'tiers'"),
    ],
)
def test_channel_blocks_are_validated_with_channel_and_key(block, message):
    settings = ChannelConfig(
        name="x",
        type=block["type"],
        kinds=tuple(block.get("kinds", ())),
        options={k: v for k, v in block.items() if k not in ("type", "kinds")},
    )
    pattern = message.replace("[", r"\[").replace("]", r"\]")
    with pytest.raises(ChannelConfigError, match=pattern) as err:
        validate_channels([settings])
    assert isinstance(err.value, ValueError)
    assert "\n" not in str(err.value)
    # Loading a config file runs the same check and names the file first.
    with pytest.raises(ConfigError) as loaded:
        parse_config(json.dumps({"alerts": {"channels": [{"name": "x", **block}]}}))
    assert str(loaded.value) == f"cron.yaml: {err.value}"


def test_valid_blocks_pass_validation():
    text = """
alerts:
  channels:
    - {name: mail, type: email, host: smtp.example.org, from: a@example.org, to: [b@example.org],
       username_env: SMTP_USER, password_env: SMTP_PASSWORD}
    - {name: team, type: slack, webhook_url_env: TIPWATCH_SLACK_WEBHOOK, kinds: [tier, health]}
    - {name: hook, type: webhook, url_env: HOOK_URL, timeout: 5}
    - {name: console, type: stdout, mode: digest}
"""
    validate_channels(parse_config(text).alerts.channels)
