"""Secrets never reach the outbox, the log, `alerts test` or `alerts pending`, whatever form they take.

Three ways they leaked: a webhook whose secret is its host name (path "/"), a webhook path with a space
(printed percent-encoded), and a non-ASCII SMTP password (an encode error quoting a character of it).
"""

from __future__ import annotations

import json
import logging
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import alerts
from monitor.cli import cli
from tests.alerts_helpers import Sink, add_change, alerts_config, channel, make_db, outbox, self_signed_cert, start_smtp
from tests.test_alerts_email import email_channel, server_context

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
HOST_SECRET = "HookSecret7f3a9c.down.test"  # resolved by nobody: see the resolver fixture


@pytest.fixture
def resolver(monkeypatch: pytest.MonkeyPatch) -> None:
    """Names under .down.test fail to resolve at once, as offline; no DNS server is asked."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.lower().endswith(".down.test"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def everything_shown(tmp_path: Path, url: str, monkeypatch: pytest.MonkeyPatch, caplog: Any) -> str:
    """Deliver to a webhook at `url` (which fails), then run `alerts test` and `alerts pending`: all they show."""
    monkeypatch.setenv("TIPWATCH_HOOK_URL", url)
    db = make_db(tmp_path)
    config = alerts_config(channel("hook", "webhook", url_env="TIPWATCH_HOOK_URL", timeout=2), max_attempts=1)
    with db.atomic():
        alerts.enqueue_changes(db, config, [add_change(db)])
    with caplog.at_level(logging.DEBUG):
        alerts.deliver_pending(db, config, now=T0)
    (tmp_path / "cron.yaml").write_text(
        "alerts: {channels: [{name: hook, type: webhook, url_env: TIPWATCH_HOOK_URL, timeout: 2}]}\n"
    )
    args = ["--config", str(tmp_path / "cron.yaml"), "--db", str(tmp_path / "tipwatch.db"), "alerts"]
    tested = CliRunner().invoke(cli, [*args, "test", "hook"])
    pending = CliRunner().invoke(cli, [*args, "pending"])
    assert "not delivered" in tested.output and "last error" in pending.output
    return "\n".join([json.dumps(outbox(db)), caplog.text, tested.output, pending.output])


def test_a_webhook_secret_in_the_host_is_redacted(tmp_path, monkeypatch, caplog, resolver) -> None:
    shown = everything_shown(tmp_path, f"https://{HOST_SECRET}/", monkeypatch, caplog)
    assert "[redacted" in shown
    assert "hooksecret7f3a9c" not in shown.lower()


def test_a_webhook_path_with_a_space_is_redacted_in_both_spellings(tmp_path, monkeypatch, caplog) -> None:
    shown = everything_shown(tmp_path, f"http://127.0.0.1:{closed_port()}/hook/Sec ret99", monkeypatch, caplog)
    assert "cannot reach the server" in shown
    assert "Sec ret99" not in shown and "Sec%20ret99" not in shown and "ret99" not in shown


def test_redact_blanks_every_form_of_a_url_secret() -> None:
    forms = alerts.secret_forms("https://Tok3n.hooks.example/a b/c?k=v1v2")
    text = "to tok3n.hooks.example: /a%20b/c?k=v1v2 failed; /a b/c too"
    assert alerts.redact(text, forms) == "to [redacted]: [redacted]?[redacted] failed; [redacted] too"


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    return self_signed_cert(tmp_path_factory.mktemp("tls"))


def test_a_non_ascii_smtp_password_is_never_quoted(tmp_path, monkeypatch, caplog, cert) -> None:
    monkeypatch.setenv("TIPWATCH_SMTP_PASSWORD", "pässwörd-Zq8")
    sink = Sink()
    controller = start_smtp(sink, tls_context=server_context(cert), require_starttls=True, auth_required=True,
                            authenticator=sink.authenticate)  # fmt: skip
    try:
        ch = email_channel(controller, security="starttls", ca_file=str(cert[0]), username="alerts",
                           password_env="TIPWATCH_SMTP_PASSWORD")  # fmt: skip
        db = make_db(tmp_path)
        config = alerts_config(ch)
        with db.atomic():
            alerts.enqueue_changes(db, config, [add_change(db)])
        with caplog.at_level(logging.DEBUG):
            alerts.deliver_pending(db, config, now=T0)
            alerts.deliver_pending(db, config, now=T0 + timedelta(hours=1))
    finally:
        controller.stop()
    row = outbox(db)[0]
    assert row["status"] == "dead"  # it cannot work until the password or the server changes
    assert row["last_error"].startswith("login failed: the SMTP password")
    shown = json.dumps(outbox(db)) + caplog.text
    assert not any(s in shown for s in ("ä", "\\xe4", "\\u00e4", "position", "pässwörd", "Zq8"))
