"""Slack and generic webhooks against a real local HTTP server: retries, dead letters, limits, no leaked URL."""

from __future__ import annotations

import json
import logging
import socket
import time
from datetime import UTC, datetime, timedelta

import pytest
from werkzeug import Request, Response

import alerts
from tests.alerts_helpers import HOSTILE, add_change, alerts_config, channel, make_db, outbox

SECRET_PATH = "/services/T000/B000/SECRETTOKEN"
T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def make_channel(type_: str, env: str, **kw):
    option = {"slack": "webhook_url_env", "webhook": "url_env"}[type_]
    return channel("team", type_, **{option: env}, **kw)


def serve_in_sequence(httpserver, statuses: list[tuple[int, dict]]):
    """Answer POSTs with these statuses in order; return the list of (idempotency key, json body) received."""
    received: list[tuple[str, dict]] = []
    answers = iter(statuses)

    def handler(request: Request) -> Response:
        received.append((request.headers["X-Tipwatch-Idempotency-Key"], json.loads(request.data)))
        status, headers = next(answers)
        return Response("ok" if status == 200 else f"error {status}", status=status, headers=headers)

    httpserver.expect_request(SECRET_PATH, method="POST").respond_with_handler(handler)
    return received


@pytest.mark.parametrize("type_", ["slack", "webhook"])
def test_200_500_429_400_sequence_delivers_each_change_once(httpserver, monkeypatch, tmp_path, caplog, type_):
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("TIPWATCH_HOOK", httpserver.url_for(SECRET_PATH))
    received = serve_in_sequence(
        httpserver, [(200, {}), (500, {}), (429, {"Retry-After": "120"}), (400, {}), (200, {}), (200, {})]
    )
    db = make_db(tmp_path)
    config = alerts_config(make_channel(type_, "TIPWATCH_HOOK"))
    a, b, c, d = (add_change(db, country=x) for x in ("Aland", "Benin", "Chad", "Denmark"))
    with db.atomic():
        alerts.enqueue_changes(db, config, [a, b, c, d])
    key = {i: f"tipwatch:change:{i}:team" for i in (a, b, c, d)}

    r1 = alerts.deliver_pending(db, config, now=T0)  # a: 200; b: 500 -> retry in 60 s; c, d wait for the next run
    assert (r1.sent, r1.retrying, r1.deferred) == (1, 1, 2)
    r2 = alerts.deliver_pending(db, config, now=T0 + timedelta(seconds=30))  # c: 429, Retry-After 120
    assert (r2.sent, r2.retrying, r2.deferred) == (0, 1, 1)
    rows = {r["change_id"]: r for r in outbox(db)}
    assert rows[c]["next_attempt_at"] == (T0 + timedelta(seconds=150)).isoformat()  # the server's wait, not 60 s
    r3 = alerts.deliver_pending(db, config, now=T0 + timedelta(seconds=61))  # b: 400 (2nd try) -> dead; d: 200
    assert (r3.sent, r3.dead) == (1, 1)
    r4 = alerts.deliver_pending(db, config, now=T0 + timedelta(seconds=151))  # c: 200
    assert r4.sent == 1
    assert alerts.deliver_pending(db, config, now=T0 + timedelta(days=1)).messages == 0

    assert [k for k, _ in received] == [key[a], key[b], key[c], key[b], key[d], key[c]]
    rows = {r["change_id"]: r for r in outbox(db)}
    assert {i: rows[i]["status"] for i in rows} == {a: "sent", b: "dead", c: "sent", d: "sent"}
    assert rows[b]["attempts"] == 2 and rows[b]["last_error"].startswith("refused: 400")
    delivered = [body for k, body in received]
    if type_ == "slack":
        assert delivered[0]["text"] == "[tipwatch] Aland: Tier 2 -&gt; Tier 2 Watch List (2024 report)"
        assert delivered[0]["blocks"][0]["block_id"] == key[a]
    else:
        assert delivered[0]["idempotency_key"] == key[a]
        assert delivered[0]["changes"][0]["detail"]["to"] == "Tier 2 Watch List"
        assert delivered[0]["changes"][0]["url"] == f"http://tipwatch.test/changes/{a}"
    ours = [rec.getMessage() for rec in caplog.records if not rec.name.startswith("werkzeug")]  # not the receiver's
    leaked = [*ours, *(r["last_error"] or "" for r in rows.values()), *r1.errors, *r3.errors]
    assert any("[redacted-url]" in text for text in ours)  # urllib3's debug lines, with the path redacted
    assert not any("SECRETTOKEN" in text for text in leaked)
    assert "SECRETTOKEN" not in json.dumps(list(db.query("select * from outbox")))


def test_connection_refused_and_timeout_are_retried_and_redacted(httpserver, monkeypatch, tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    monkeypatch.setenv("TIPWATCH_HOOK", f"http://127.0.0.1:{closed}{SECRET_PATH}")
    db = make_db(tmp_path)
    config = alerts_config(make_channel("slack", "TIPWATCH_HOOK", timeout=0.5))
    with db.atomic():
        alerts.enqueue_changes(db, config, [add_change(db)])
    report = alerts.deliver_pending(db, config, now=T0)
    row = outbox(db)[0]
    assert (report.retrying, row["status"], row["attempts"]) == (1, "pending", 1)
    assert "cannot reach the server" in row["last_error"] and "SECRETTOKEN" not in row["last_error"]

    httpserver.expect_request(SECRET_PATH).respond_with_handler(lambda r: time.sleep(1.5) or Response("late"))
    monkeypatch.setenv("TIPWATCH_HOOK", httpserver.url_for(SECRET_PATH))
    report = alerts.deliver_pending(db, config, now=T0 + timedelta(minutes=1))
    row = outbox(db)[0]
    assert (row["status"], row["attempts"], row["last_error"]) == ("pending", 2, "no answer within 0.5 s")
    assert row["next_attempt_at"] == (T0 + timedelta(minutes=3)).isoformat()  # backoff doubled: 120 s


def test_missing_secret_is_permanent_and_named(tmp_path, monkeypatch):
    monkeypatch.delenv("TIPWATCH_NOPE", raising=False)
    db = make_db(tmp_path)
    config = alerts_config(make_channel("webhook", "TIPWATCH_NOPE"), max_attempts=5)
    with db.atomic():
        alerts.enqueue_changes(db, config, [add_change(db)])
    alerts.deliver_pending(db, config, now=T0)
    alerts.deliver_pending(db, config, now=T0 + timedelta(hours=1))
    row = outbox(db)[0]
    assert (row["status"], row["attempts"]) == ("dead", 2)
    assert row["last_error"] == "environment variable TIPWATCH_NOPE (webhook URL) is not set"


def test_slack_payload_escapes_and_respects_limits(httpserver, monkeypatch, tmp_path):
    monkeypatch.setenv("TIPWATCH_HOOK", httpserver.url_for(SECRET_PATH))
    received = serve_in_sequence(httpserver, [(200, {})])
    db = make_db(tmp_path)
    config = alerts_config(make_channel("slack", "TIPWATCH_HOOK", mode="digest"))
    ids = [add_change(db, kind="recommendation", country=f"C{i}", detail={"label": "new", "new": HOSTILE * 100})
           for i in range(60)]  # fmt: skip
    with db.atomic():
        alerts.enqueue_changes(db, config, ids)
    assert alerts.deliver_pending(db, config).sent == 60
    ((_, payload),) = received
    assert len(payload["blocks"]) <= 50
    for block in payload["blocks"][1:]:
        text = block["text"]["text"] if block["type"] == "section" else block["elements"][0]["text"]
        assert len(text) <= 3000 and "<script>" not in text and "<img" not in text
