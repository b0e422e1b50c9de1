"""tipwatch alerts test / pending / retry, through the real click group."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from werkzeug import Response

import alerts
from monitor.cli import cli
from monitor.config import load_config
from tests.alerts_helpers import add_change, make_db, outbox

CONFIG = """
alerts:
  base_url: http://tipwatch.test
  channels:
    - {name: hook, type: webhook, url_env: TIPWATCH_HOOK_URL}
    - {name: console, type: stdout, kinds: [tier]}
"""


@pytest.fixture
def env(tmp_path, httpserver, monkeypatch):
    (tmp_path / "cron.yaml").write_text(CONFIG)
    monkeypatch.setenv("TIPWATCH_HOOK_URL", httpserver.url_for("/hook/SECRET"))

    def invoke(*args: str):
        return CliRunner().invoke(cli, ["--config", str(tmp_path / "cron.yaml"), "--db", str(tmp_path / "tipwatch.db"),
                                        "alerts", *args])  # fmt: skip

    return invoke


def test_alerts_test_sends_a_sample_and_prints_the_answer(env, httpserver):
    httpserver.expect_oneshot_request("/hook/SECRET", method="POST").respond_with_data("accepted", status=202)
    result = env("test", "hook")
    assert result.exit_code == 0, result.output
    assert result.output == "hook (webhook): delivered; the server answered: 202 accepted\n"
    request, _ = httpserver.log[0]
    assert json.loads(request.data)["changes"][0]["country"] == "Testland"
    assert request.headers["X-Tipwatch-Idempotency-Key"].startswith("tipwatch:test:hook:")


def test_alerts_test_reports_a_refusal_without_the_url(env, httpserver):
    httpserver.expect_request("/hook/SECRET").respond_with_data("invalid_payload", status=400)
    result = env("test", "hook")
    assert result.exit_code == 1
    assert "hook (webhook): not delivered (permanent failure): refused: 400 invalid_payload" in result.output
    assert "SECRET" not in result.output


def test_alerts_test_unknown_channel(env):
    result = env("test", "pager")
    assert result.exit_code == 1
    assert "no alert channel named 'pager' (channels: hook, console)" in result.output


def test_pending_then_retry_dead_letters(env, httpserver, tmp_path):
    db = make_db(tmp_path)
    config = load_config(tmp_path / "cron.yaml").alerts
    ids = [add_change(db, country="Japan"), add_change(db, kind="findings", country="Chad")]
    with db.atomic():
        alerts.enqueue_changes(db, config, ids)
    assert env("pending").output.splitlines()[1:] == ["console        1        0        0        0",
                                                      "hook           2        0        0        0"]  # fmt: skip
    httpserver.expect_request("/hook/SECRET").respond_with_handler(lambda r: Response("no", status=403))
    for _ in range(2):  # a permanent failure is tried twice, then kept as a dead letter
        result = env("retry")
        assert result.exit_code == 1 and "refused: 403 no" in result.output
    shown = env("pending").output
    assert "hook           0        0        0        2" in shown
    assert "#1 hook: Japan: Tier 2 -> Tier 2 Watch List (2024 report) (2 attempts)" in shown
    assert "last error: refused: 403 no" in shown

    httpserver.clear_all_handlers()
    httpserver.expect_request("/hook/SECRET").respond_with_data("ok")
    assert "0 messages" in env("retry").output  # dead letters stay dead without --dead
    result = env("retry", "--dead")
    assert result.exit_code == 0 and result.output.startswith("sent 2 messages covering 2 alerts")
    assert {r["status"] for r in outbox(db)} == {"sent"}


@pytest.mark.parametrize("command", [[], ["test"], ["pending"], ["retry"]])
def test_help(command):
    result = CliRunner().invoke(cli, ["alerts", *command, "--help"])
    assert result.exit_code == 0 and "Usage: cli alerts" in result.output
