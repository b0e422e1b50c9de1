"""Kill the delivering process on either side of the send (real subprocesses), rerun, count what arrived.

The child wraps each channel it delivers through: "before" exits once the rows are committed as `sending`,
just before the send; "after" exits right after the channel accepted the message, before `sent` is recorded
(the one window where a repeat is possible: it is resent with the same key).
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from werkzeug import Request, Response

import alerts
from tests.alerts_helpers import Sink, add_change, alerts_config, channel, make_db, outbox, start_smtp

DELIVER = """
import dataclasses, json, os, sys
import alerts
import alerts.outbox
from monitor.config import load_config
from snapshots.store.db import open_db
crash, build = sys.argv[3], alerts.outbox.build_channel

class Crashing:
    def __init__(self, channel):
        self.channel = channel

    def send(self, message, *, key):
        if crash == "before":
            os._exit(70)
        answer = self.channel.send(message, key=key)
        if crash == "after":
            os._exit(70)
        return answer

alerts.outbox.build_channel = lambda settings: Crashing(build(settings))
config = load_config(sys.argv[1])
report = alerts.deliver_pending(open_db(sys.argv[2]), config.alerts)
print(json.dumps(dataclasses.asdict(report)))
"""


def run_delivery(tmp_path: Path, crash: str = "") -> subprocess.CompletedProcess:
    """Deliver in a child process that exits abruptly (70) "before" or "after" the send, or not at all."""
    return subprocess.run(
        [sys.executable, "-c", DELIVER, str(tmp_path / "cron.yaml"), str(tmp_path / "tipwatch.db"), crash],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def setup(tmp_path: Path, block: str, count: int = 2):
    (tmp_path / "cron.yaml").write_text(f"alerts:\n  base_url: http://tipwatch.test\n  channels:\n    - {block}\n")
    from monitor.config import load_config

    config = load_config(tmp_path / "cron.yaml").alerts
    db = make_db(tmp_path)
    ids = [add_change(db, country=f"Country{i}") for i in range(count)]
    with db.atomic():
        alerts.enqueue_changes(db, config, ids)
    db.close()
    return ids


@pytest.fixture
def hook_server(httpserver, monkeypatch):
    received: list[tuple[str, bytes]] = []

    def handler(request: Request) -> Response:
        received.append((request.headers["X-Tipwatch-Idempotency-Key"], request.data))
        return Response("ok")

    httpserver.expect_request("/hook/SECRET", method="POST").respond_with_handler(handler)
    monkeypatch.setenv("TIPWATCH_HOOK_URL", httpserver.url_for("/hook/SECRET"))
    return received


def test_killed_after_send_before_recording_resends_with_the_same_key(tmp_path, hook_server):
    a, b = setup(tmp_path, "{name: hook, type: webhook, url_env: TIPWATCH_HOOK_URL}")
    crashed = run_delivery(tmp_path, "after")
    assert crashed.returncode == 70 and crashed.stdout == ""
    assert [k for k, _ in hook_server] == [f"tipwatch:change:{a}:hook"]
    states = {r["change_id"]: (r["status"], r["batch"]) for r in outbox(make_db(tmp_path))}
    assert states == {a: ("sending", f"tipwatch:change:{a}:hook"), b: ("pending", None)}

    rerun = run_delivery(tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert (report["resent"], report["sent"], report["messages"]) == (1, 2, 2)
    keys = [k for k, _ in hook_server]
    assert keys == [f"tipwatch:change:{a}:hook", f"tipwatch:change:{a}:hook", f"tipwatch:change:{b}:hook"]
    assert hook_server[0][1] == hook_server[1][1]  # the repeat is the same message, so a receiver can drop it
    assert {r["status"] for r in outbox(make_db(tmp_path))} == {"sent"}
    assert json.loads(run_delivery(tmp_path).stdout)["messages"] == 0
    assert len(hook_server) == 3


def test_killed_after_recording_sending_before_the_send_loses_nothing(tmp_path, hook_server):
    a, b = setup(tmp_path, "{name: hook, type: webhook, url_env: TIPWATCH_HOOK_URL}")
    crashed = run_delivery(tmp_path, "before")
    assert crashed.returncode == 70 and hook_server == []
    assert outbox(make_db(tmp_path))[0]["status"] == "sending"
    rerun = run_delivery(tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert [k for k, _ in hook_server] == [f"tipwatch:change:{a}:hook", f"tipwatch:change:{b}:hook"]
    assert {r["status"] for r in outbox(make_db(tmp_path))} == {"sent"}


def test_email_repeat_after_a_crash_carries_the_same_message_id(tmp_path):
    sink = Sink()
    controller = start_smtp(sink)
    try:
        setup(tmp_path, f"{{name: mail, type: email, host: 127.0.0.1, port: {controller.port}, security: none, "
                        "from: tipwatch@example.org, to: team@example.org}", count=1)  # fmt: skip
        assert run_delivery(tmp_path, "after").returncode == 70
        assert run_delivery(tmp_path).returncode == 0
    finally:
        controller.stop()
    assert len(sink.messages) == 2
    first, second = (m for _, _, m in sink.messages)
    assert first["Message-ID"] == second["Message-ID"] == "<tipwatch.change.1.mail@tipwatch>"


def test_a_second_deliverer_waits_its_turn(tmp_path, capsys):
    db = make_db(tmp_path)
    config = alerts_config(channel("c", "stdout"))
    with db.atomic():
        alerts.enqueue_changes(db, config, [add_change(db)])
    fd = os.open(f"{tmp_path / 'tipwatch.db'}.deliver.lock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # another process is delivering
        report = alerts.deliver_pending(db, config)
        assert report.busy and report.sent == 0 and outbox(db)[0]["status"] == "pending"
    finally:
        os.close(fd)
    assert alerts.deliver_pending(db, config).sent == 1
    assert capsys.readouterr().out.count("=== ") == 1
