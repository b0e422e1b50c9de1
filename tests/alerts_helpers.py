"""Shared by the tests/test_alerts_*.py files: a real database with changes in it, and a real SMTP server."""

from __future__ import annotations

import json
import socket
import subprocess
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from sqlite_utils import Database

from monitor.config import AlertsConfig, ChannelConfig
from snapshots.store.db import open_db

HOSTILE = '<script>alert(1)</script><img src=x onerror="steal()"> & Co'


def make_db(tmp_path: Path) -> Database:
    return open_db(tmp_path / "tipwatch.db")


def add_change(db: Database, *, kind: str = "tier", country: str = "Japan", edition: int = 2024, **extra: Any) -> int:
    """Insert one `changes` row the way the pipeline does (inside a transaction) and return its id."""
    defaults: dict[str, Any] = {
        "tier": ("high", f"{country}: Tier 2 -> Tier 2 Watch List ({edition} report)",
                 {"from": "Tier 2", "to": "Tier 2 Watch List", "direction": "downgrade"}),
        "recommendation": ("medium", f"{country}: recommendation reworded ({edition} report)",
                           {"label": "reworded", "old": "Increase prosecutions.",
                            "new": "Vigorously increase prosecutions.",
                            "diff": [[1, "Vigorously "], [-1, "Increase"], [1, "increase"], [0, " prosecutions."]]}),
        "findings": ("medium", f"{country}: findings changed ({edition} report)",
                     {"diff": [[0, "The government "], [-1, "decreased"], [1, "increased"], [0, " efforts."]],
                      "share_changed": 0.2, "boilerplate_only": False}),
    }  # fmt: skip
    significance, summary, detail = defaults.get(kind, ("low", f"{country}: {kind} changed", {}))
    significance = extra.pop("significance", significance)
    summary = extra.pop("summary", summary)
    detail = extra.pop("detail", detail)
    key = extra.pop("key", f"{kind}:{country}:{edition}:{len(list(db.execute('select id from changes')))}")
    with db.atomic():
        return (
            db["changes"]
            .insert(
                {
                    "key": key,
                    "comparison": extra.pop("comparison", "revision"),
                    "kind": kind,
                    "significance": significance,
                    "country_key": country.lower().replace(" ", "-"),
                    "country": country,
                    "edition": edition,
                    "summary": summary,
                    "detail": json.dumps(detail),
                    "created_at": "2026-11-28T09:00:00+00:00",
                    **extra,
                }
            )
            .last_pk
        )


def add_page(db: Database, url: str, *, edition: int = 2024, slug: str | None = None) -> int:
    return (
        db["pages"]
        .insert({"edition": edition, "slug": slug or url.rsplit("/", 2)[-2], "url": url, "kind": "narrative"})
        .last_pk
    )


def alerts_config(*channels: ChannelConfig, **kwargs: Any) -> AlertsConfig:
    return AlertsConfig(base_url="http://tipwatch.test", channels=tuple(channels), **kwargs)


def channel(name: str, type_: str, **kwargs: Any) -> ChannelConfig:
    common = {k: kwargs.pop(k) for k in ("kinds", "countries", "min_significance", "mode", "enabled") if k in kwargs}
    return ChannelConfig(name=name, type=type_, options=kwargs, **common)


def outbox(db: Database) -> list[dict[str, Any]]:
    return list(db.query("select * from outbox order by id"))


# --- SMTP ---


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Sink:
    """An aiosmtpd handler that keeps every message it accepts, parsed."""

    messages: list[tuple[str, list[str], EmailMessage]] = field(default_factory=list)
    encrypted: list[bool] = field(default_factory=list)  # per message: was the session under TLS?
    logins: list[bytes] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)  # replies to give to DATA first (e.g. a 451)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.answers:
            return self.answers.pop(0)
        parsed = BytesParser(policy=policy.default).parsebytes(envelope.content)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), parsed))
        # STARTTLS sets session.ssl; implicit TLS shows only on the transport.
        self.encrypted.append(session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None)
        return "250 Message accepted for delivery"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        self.logins.append(auth_data.login)
        return AuthResult(success=(auth_data.login, auth_data.password) == (b"alerts", b"s3cret"), handled=False)


def start_smtp(sink: Sink, **kwargs: Any) -> Controller:
    # port=0 does not work with aiosmtpd's Controller (its readiness check connects to the given port).
    controller = Controller(sink, hostname="127.0.0.1", port=free_port(), **kwargs)
    controller.start()
    return controller


def self_signed_cert(directory: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 made with `openssl` (the `cryptography` package is not installed here)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key
