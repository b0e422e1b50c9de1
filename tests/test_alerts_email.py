"""Email through a real SMTP server (aiosmtpd): plain, STARTTLS and implicit TLS, with and without login.

The TLS certificate is generated at test time with the `openssl` command (see alerts_helpers.self_signed_cert).
"""

from __future__ import annotations

import ssl
from datetime import UTC, datetime, timedelta

import pytest

import alerts
from tests.alerts_helpers import (
    HOSTILE,
    Sink,
    add_change,
    alerts_config,
    channel,
    make_db,
    outbox,
    self_signed_cert,
    start_smtp,
)

T0 = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def cert(tmp_path_factory):
    return self_signed_cert(tmp_path_factory.mktemp("tls"))


def server_context(cert) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*map(str, cert))
    return context


@pytest.fixture
def smtp():
    servers = []

    def start(sink: Sink, **kwargs):
        controller = start_smtp(sink, **kwargs)
        servers.append(controller)
        return controller

    yield start
    for controller in servers:
        controller.stop()


def email_channel(controller, **options):
    return channel("mail", "email", host="127.0.0.1", port=controller.port, **{"from": "tipwatch@example.org"},
                   to=["team@example.org", "lead@example.org"], **options)  # fmt: skip


def deliver_one(tmp_path, ch, *, kind="tier", **change):
    db = make_db(tmp_path)
    config = alerts_config(ch)
    with db.atomic():
        alerts.enqueue_changes(db, config, [add_change(db, kind=kind, **change)])
    return db, config, alerts.deliver_pending(db, config, now=T0)


def test_plain_smtp_message_has_subject_parts_and_idempotency_key(tmp_path, smtp):
    sink = Sink()
    controller = smtp(sink)
    db, _, report = deliver_one(tmp_path, email_channel(controller, security="none"))
    assert report.sent == 1
    ((sender, rcpts, msg),) = sink.messages
    assert (sender, rcpts) == ("tipwatch@example.org", ["team@example.org", "lead@example.org"])
    assert msg["Subject"] == "[tipwatch] Japan: Tier 2 -> Tier 2 Watch List (2024 report)"
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    plain = msg.get_body(("plain",)).get_content().splitlines()
    assert "  Downgrade: Tier 2 -> Tier 2 Watch List" in plain
    assert "  http://tipwatch.test/changes/1" in plain
    html = msg.get_body(("html",)).get_content()
    assert (
        "Downgrade: </strong>Tier 2 -&gt; Tier 2 Watch List" in html and 'href="http://tipwatch.test/changes/1"' in html
    )
    assert msg["X-Tipwatch-Idempotency-Key"] == "tipwatch:change:1:mail"
    assert msg["Message-ID"] == "<tipwatch.change.1.mail@tipwatch>"
    assert sink.encrypted == [False]
    assert outbox(db)[0]["status"] == "sent"


def test_starttls_with_login(tmp_path, smtp, cert, monkeypatch):
    monkeypatch.setenv("TIPWATCH_SMTP_PASSWORD", "s3cret")
    sink = Sink()
    controller = smtp(sink, tls_context=server_context(cert), require_starttls=True, auth_required=True,
                      authenticator=sink.authenticate)  # fmt: skip
    ch = email_channel(controller, security="starttls", ca_file=str(cert[0]), username="alerts",
                       password_env="TIPWATCH_SMTP_PASSWORD")  # fmt: skip
    _, _, report = deliver_one(tmp_path, ch, kind="recommendation")
    assert report.sent == 1
    assert sink.logins == [b"alerts"] and sink.encrypted == [True]
    msg = sink.messages[0][2]
    assert "Vigorously" in msg.get_body(("plain",)).get_content()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_implicit_tls_with_login_from_env(tmp_path, smtp, cert, monkeypatch):
    monkeypatch.setenv("TIPWATCH_SMTP_USER", "alerts")
    monkeypatch.setenv("TIPWATCH_SMTP_PASSWORD", "s3cret")
    sink = Sink()
    # auth_require_tls=False: aiosmtpd only counts STARTTLS as TLS; this whole connection is encrypted.
    controller = smtp(sink, ssl_context=server_context(cert), auth_required=True, auth_require_tls=False,
                      authenticator=sink.authenticate)  # fmt: skip
    ch = email_channel(controller, security="tls", ca_file=str(cert[0]), username_env="TIPWATCH_SMTP_USER",
                       password_env="TIPWATCH_SMTP_PASSWORD")  # fmt: skip
    _, _, report = deliver_one(tmp_path, ch)
    assert report.sent == 1 and sink.encrypted == [True] and sink.logins == [b"alerts"]


def test_html_part_escapes_hostile_scraped_text(tmp_path, smtp):
    sink = Sink()
    controller = smtp(sink)
    deliver_one(tmp_path, email_channel(controller, security="none"), kind="recommendation",
                summary=f"Japan: {HOSTILE}", detail={"label": "new", "new": HOSTILE})  # fmt: skip
    msg = sink.messages[0][2]
    html = msg.get_body(("html",)).get_content()
    assert "<script>" not in html and "<img" not in html and 'onerror="' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&#34;steal()&#34;&gt; &amp; Co" in html
    assert HOSTILE in msg.get_body(("plain",)).get_content()


def test_refused_login_becomes_a_dead_letter_without_the_password(tmp_path, smtp, cert, monkeypatch):
    monkeypatch.setenv("TIPWATCH_SMTP_PASSWORD", "wrong-password")
    sink = Sink()
    controller = smtp(sink, tls_context=server_context(cert), require_starttls=True, auth_required=True,
                      authenticator=sink.authenticate)  # fmt: skip
    ch = email_channel(controller, security="starttls", ca_file=str(cert[0]), username="alerts",
                       password_env="TIPWATCH_SMTP_PASSWORD")  # fmt: skip
    db, config, report = deliver_one(tmp_path, ch)
    assert report.retrying == 1
    assert alerts.deliver_pending(db, config, now=T0 + timedelta(hours=1)).dead == 1
    row = outbox(db)[0]
    assert row["status"] == "dead" and row["last_error"].startswith("login refused: 535")
    assert "wrong-password" not in row["last_error"] and sink.messages == []


def test_untrusted_certificate_is_permanent(tmp_path, smtp, cert):
    controller = smtp(Sink(), tls_context=server_context(cert))
    db, _, report = deliver_one(tmp_path, email_channel(controller, security="starttls"))
    row = outbox(db)[0]
    assert report.retrying == 1 and "CERTIFICATE_VERIFY_FAILED" in row["last_error"]


def test_temporary_smtp_error_is_retried_then_delivered(tmp_path, smtp):
    sink = Sink(answers=["451 4.3.0 Mail system busy, try later"])
    controller = smtp(sink)
    db, config, report = deliver_one(tmp_path, email_channel(controller, security="none"))
    row = outbox(db)[0]
    assert report.retrying == 1 and row["last_error"] == "server answered 451 4.3.0 Mail system busy, try later"
    assert alerts.deliver_pending(db, config, now=T0 + timedelta(seconds=30)).messages == 0  # backoff: 60 s
    assert alerts.deliver_pending(db, config, now=T0 + timedelta(seconds=61)).sent == 1
    assert len(sink.messages) == 1 and outbox(db)[0]["attempts"] == 2


def test_permanent_smtp_error_stops_after_two_tries(tmp_path, smtp):
    sink = Sink(answers=["554 5.7.1 Rejected as spam"] * 5)
    controller = smtp(sink)
    db, config, _ = deliver_one(tmp_path, email_channel(controller, security="none"))
    for hours in (1, 2, 3):
        alerts.deliver_pending(db, config, now=T0 + timedelta(hours=hours))
    row = outbox(db)[0]
    assert (row["status"], row["attempts"]) == ("dead", 2) and len(sink.answers) == 3
