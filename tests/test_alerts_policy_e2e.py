"""The alert policy end to end: the sample site, a real SMTP server, and a webhook that fails 500 then 429.

One story, told in order: a baseline; a release with a page that fails, then answers 404; a revision before
the digest (in it) and one after (alerted at once); an edit to the previous edition (at once); a layout
drift (one message); an unchanged sweep (nothing); deliveries killed with SIGKILL (everything arrives,
a repeat only with its key). After each step, what each server received is counted.
"""

from __future__ import annotations

import dataclasses
import json
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import alerts
from monitor.config import Config, load_config
from monitor.pipeline import sweep
from snapshots.store.db import open_db
from tests.alerts_helpers import Sink, start_smtp
from tests.conftest import CronFile
from tests.fault_site import FaultSite

pytestmark = pytest.mark.published(2024)

TEAM, DAILY = "team@example.org", "daily@example.org"


class Hook:
    """A webhook receiver on loopback: answers 500, then 429, then accepts everything."""

    def __init__(self) -> None:
        self.answers = [500, 429]
        self.accepted: list[tuple[str, dict[str, Any]]] = []  # (idempotency key, payload)
        self.refused = 0
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = hook.answers.pop(0) if hook.answers else 200
                if status == 200:
                    hook.accepted.append((self.headers["X-Tipwatch-Idempotency-Key"], json.loads(body)))
                else:
                    hook.refused += 1
                self.send_response(status)
                if status == 429:
                    self.send_header("Retry-After", "5")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def subjects(self) -> list[str]:
        return [payload["subject"] for _, payload in self.accepted]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hook]:
    running = Hook()
    monkeypatch.setenv("TIPWATCH_E2E_HOOK", running.url)
    yield running
    running.close()


@pytest.fixture
def smtp() -> Iterator[tuple[Sink, int]]:
    sink = Sink()
    controller = start_smtp(sink)
    yield sink, controller.port
    controller.stop()


def mail_to(sink: Sink, rcpt: str) -> list[EmailMessage]:
    return [msg for _, rcpts, msg in sink.messages if rcpt in rcpts]


def subjects(messages: list[EmailMessage]) -> list[str]:
    # A long Subject is folded right after "Subject:"; Python's parser keeps the space a mail client drops.
    return [str(m["Subject"]).strip() for m in messages]


def flush(config: Config) -> None:
    """Deliver until nothing waits for a retry, moving the clock on each time (retries back off)."""
    for day in range(1, 6):
        report = alerts.deliver_pending(
            open_db(config.database), config.alerts, now=datetime.now(UTC) + timedelta(days=day)
        )
        if not (report.retrying or report.deferred):
            return


def revise(site: FaultSite, year: int, slug: str, **changes: Any) -> None:
    """Serve an edited version of one country's page (written for this test, in the report's style)."""
    country = site.reports.countries[slug]
    edited = dataclasses.replace(country.editions[year], **changes)
    site.reports = site.reports.replace_editions({(year, slug): edited})


def watch_list_summary(name: str) -> tuple[str, ...]:
    return (
        f"The Government of {name} does not fully meet the minimum standards for the elimination of trafficking "
        "but is making significant efforts to do so.  The government did not demonstrate overall increasing "
        f"efforts compared with the previous reporting period; therefore {name} was downgraded to Tier 2 Watch "
        "List.  Officials identified fewer victims and opened fewer investigations than the year before.",
    )


DELIVER = """
import os, signal, sys
import alerts, alerts.outbox
from monitor.config import load_config
from snapshots.store.db import open_db
when, build = sys.argv[2], alerts.outbox.build_channel

class Killed:
    def __init__(self, channel):
        self.channel = channel

    def send(self, message, *, key):
        if when == "before":
            os.kill(os.getpid(), signal.SIGKILL)
        answer = self.channel.send(message, key=key)
        os.kill(os.getpid(), signal.SIGKILL)

alerts.outbox.build_channel = lambda settings: Killed(build(settings))
config = load_config(sys.argv[1])
alerts.deliver_pending(open_db(config.database), config.alerts)
"""


def killed_delivery(cron: Path, when: str) -> None:
    child = subprocess.run([sys.executable, "-c", DELIVER, str(cron), when], capture_output=True, timeout=60)
    assert child.returncode == -signal.SIGKILL, child.stderr.decode()


def test_alerts_people_can_trust(
    site: FaultSite, cron_file: CronFile, tmp_path: Path, hook: Hook, smtp: tuple[Sink, int]
) -> None:
    sink, port = smtp
    mail = {"type": "email", "host": "127.0.0.1", "port": port, "security": "none", "from": "tipwatch@example.org"}
    channels = [
        {"name": "team", **mail, "to": TEAM},
        {"name": "daily", **mail, "to": DAILY, "mode": "digest"},
        {"name": "hook", "type": "webhook", "url_env": "TIPWATCH_E2E_HOOK"},
    ]
    cron = cron_file(
        tmp_path, site.base_url, tmp_path / "tipwatch.db", editions=[2024, 2025],
        alerts={"base_url": "http://tipwatch.test", "failure_threshold": 10, "channels": channels},
    )  # fmt: skip
    config = load_config(cron)

    def step() -> tuple[list[str], list[str], list[str]]:
        """Sweep, deliver what is due, and return what each receiver got in this step."""
        before = (len(mail_to(sink, TEAM)), len(mail_to(sink, DAILY)), len(hook.accepted))
        sweep(config, config.database)
        flush(config)
        return (
            subjects(mail_to(sink, TEAM)[before[0] :]),
            subjects(mail_to(sink, DAILY)[before[1] :]),
            hook.subjects()[before[2] :],
        )

    # A baseline: one notice per channel; the webhook gets it on the third try.
    team, daily, hooked = step()
    assert team == daily == hooked == ["[tipwatch] now tracking 7 pages"]
    assert hook.refused == 2

    # The 2025 edition appears with one listed page failing: the digest waits for it...
    site.published.add(2025)
    site.override("/reports/2025-trafficking-in-persons-report/burma/", (500, {}, b"busy"))
    assert step() == ([], [], [])

    # ...and goes out on the next sweep, when the page answers 404, with a revision made before it.
    site.override("/reports/2025-trafficking-in-persons-report/burma/", (404, {}, b"gone"))
    revise(site, 2025, "japan", tier="Tier 2 Watch List", summary=watch_list_summary("Japan"))
    team, daily, hooked = step()
    digest = "[tipwatch] 2025 report published: 6 countries, 0 upgrades, 3 downgrades"
    assert team == daily == hooked == [digest]
    body = mail_to(sink, TEAM)[-1].get_body(("plain",)).get_content()
    for line in (
        "Brazil: Tier 2 -> Tier 2 Watch List (downgrade)",
        "Colombia: Tier 1 -> Tier 2 (downgrade)",
        "Japan: Tier 2 -> Tier 2 Watch List (downgrade)",
        "Burma: missing (was Tier 3): listed, but its page failed",
    ):
        assert line in body, line
    assert "[-" not in body and "[+" not in body

    # After the digest, a revision of the new edition alerts at once: one message per channel.
    revise(site, 2025, "vietnam", tier="Tier 2 Watch List", summary=watch_list_summary("Vietnam"))
    team, daily, hooked = step()
    assert len(team) == len(daily) == len(hooked) == 1
    assert team[0].startswith("[tipwatch] Vietnam: Tier 2 -> Tier 2 Watch List (2025 report, revised)")
    assert team == daily == hooked

    # An edit to the previous edition alerts too, all its changes in one message.
    site.revised = True
    team, daily, hooked = step()
    assert len(team) == len(daily) == len(hooked) == 1
    assert team[0].startswith("[tipwatch] Japan: ") and "2024 report, revised" in team[0]
    assert "(+" in team[0]  # several changes, folded

    # A layout drift (the recommendations list is gone) is one message, not a drop per recommendation.
    before = len(site.reports.countries["south-korea"].editions[2025].recommendations)
    revise(site, 2025, "south-korea", recommendations=())
    team, daily, hooked = step()
    expected = f"[tipwatch] South Korea: recommendations not found ({before} before): possible layout change"
    assert len(team) == 1 and team[0].startswith(expected)
    assert team == daily == hooked

    # The page that answered 404 comes back after the digest: it alerts on its own, once per channel.
    site.clear_overrides()
    team, daily, hooked = step()
    assert team == daily == hooked
    assert team[0].startswith("[tipwatch] Burma's 2025 narrative appeared: Tier 3, as before")

    # An unchanged sweep sends nothing.
    assert step() == ([], [], [])

    # Deliveries killed with SIGKILL, after a send and before one: every message arrives; a repeat only
    # with the key it had the first time.
    revise(site, 2025, "colombia", summary=watch_list_summary("Colombia"), tier="Tier 2 Watch List")
    sweep(config, config.database, deliver=False)
    killed_delivery(cron, "after")
    killed_delivery(cron, "before")
    flush(config)
    team_mail, hook_keys = mail_to(sink, TEAM), [key for key, _ in hook.accepted]
    assert subjects(team_mail)[-1].startswith("[tipwatch] Colombia: Tier 2 -> Tier 2 Watch List")
    team_ids = [str(m["Message-ID"]) for m in team_mail]
    # The team's message, killed after its send, came twice: as the same message, with the same id.
    assert len(team_ids) == 8 and len(set(team_ids)) == 7 and team_ids[-1] == team_ids[-2]
    assert len(mail_to(sink, DAILY)) == 7
    assert len(hook_keys) == len(set(hook_keys)) == 7
    statuses = {r[0] for r in open_db(config.database).execute("select status from outbox").fetchall()}
    assert statuses == {"sent"}
