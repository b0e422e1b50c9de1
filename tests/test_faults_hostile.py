"""Hostile page content, end to end: served by the sample site, swept, stored, composed into alerts, shown on the web.

Script and event-handler injection, Slack link and mention syntax, RTL overrides and mixed scripts and
a NUL byte go into every field of a narrative (and into a country's name), with a very long
recommendation and thousands of list items. The text is stored as the page says it (a NUL becomes
U+FFFD, as every HTML parser must make it), and every rendering shows it as text: no tag, handler,
link or mention survives into the email HTML, the Slack payload or the web page.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from alerts import compose
from monitor.pipeline import sweep
from monitor.samples.data import Country, SampleReports, load_reports
from monitor.samples.server import SampleSite
from monitor.web.app import create_app
from snapshots.core.models import Narrative
from snapshots.store.db import open_db
from tests.faults_helpers import fault_config

EDITION = 2024
HOSTILE = (
    '<script>alert("x")</script><img src=x onerror=alert(1)> <a href="javascript:alert(2)">go</a> '
    "<https://evil.example|click here> <!channel> & \u202eRTL override\u202c العربية עברית 日本語 Ελληνικά NUL[\x00]"
)
STORED = HOSTILE.replace("\x00", "\ufffd")  # HTML parsing replaces NUL with U+FFFD
LONG = "Vigorously " + "investigate and prosecute trafficking cases, " * 600 + HOSTILE
ITEMS = 3000
# What must never appear in rendered output: the markup of HOSTILE, live.
LIVE = ("<script>alert", "<img src=x", 'href="javascript:', "<!channel>", "<https://evil")


def hostile_reports() -> tuple[SampleReports, str]:
    """The bundled samples with Japan's 2024 narrative made hostile, plus a country whose name is hostile."""
    base = load_reports()
    japan = base.countries["japan"]
    edition = japan.editions[EDITION]
    hostile = dataclasses.replace(
        edition,
        summary=tuple(f"{p} {HOSTILE}" for p in edition.summary),
        recommendations=(
            *(f"{r} {HOSTILE}" for r in edition.recommendations),
            LONG,
            *(f"Item {i}: {HOSTILE}" for i in range(ITEMS)),
        ),
        sections={key: tuple(f"{p} {HOSTILE}" for p in ps) for key, ps in edition.sections.items()},
    )
    name = "Xeno<img src=x onerror=alert(3)>land"
    xeno = Country(slug="xenoland", name=name, heading=name.upper(), editions={EDITION: hostile})
    japan = dataclasses.replace(japan, editions={**japan.editions, EDITION: hostile})
    countries = {**base.countries, "japan": japan, "xenoland": xeno}
    return dataclasses.replace(base, countries=countries), "xenoland"


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A database that saw the benign 2024 edition, then the hostile one (so there are changes to render)."""
    db = tmp_path_factory.mktemp("hostile") / "t.db"
    with SampleSite(published={EDITION}) as site:
        config = fault_config(site, db)
        sweep(config, db)
        site.reports, _ = hostile_reports()
        result = sweep(config, db)
    assert result.count("error") == 0, [p.message for p in result.pages if p.outcome == "error"]
    yield db


def latest(db: Path, slug: str) -> tuple[int, Narrative]:
    row = (
        open_db(db)
        .execute(
            """select s.id, s.narrative from snapshots s join pages p on p.id = s.page_id
               where p.slug = ? order by s.id desc limit 1""",
            [slug],
        )
        .fetchone()
    )
    return row[0], Narrative.from_json(row[1])


def assert_inert(text: str) -> None:
    found = [live for live in LIVE if live.lower() in text.lower()]
    assert not found, f"live markup in output: {found}"


def test_hostile_text_is_stored_as_the_page_says_it(stored: Path) -> None:
    _, japan = latest(stored, "japan")
    assert japan.summary.endswith(STORED)
    assert all(text.endswith(STORED) for text in japan.sections.values())
    assert japan.recommendations[-ITEMS - 1] == LONG.replace("\x00", "\ufffd")
    benign = load_reports().countries["japan"].editions[EDITION].recommendations
    assert len(japan.recommendations) == len(benign) + 1 + ITEMS
    assert japan.recommendations[-1] == f"Item {ITEMS - 1}: {STORED}"
    assert "\x00" not in json.dumps(japan.to_json())


def test_a_hostile_country_name_is_kept_as_text(stored: Path) -> None:
    _, xeno = latest(stored, "xenoland")
    assert "<IMG SRC=X ONERROR=ALERT(3)>" in xeno.country.upper()
    assert xeno.country_key.isascii() and "<" not in xeno.country_key


def slack_mrkdwn(payload: dict[str, Any]) -> str:
    """The parts of a Slack payload that Slack parses for links and mentions: `text` and every mrkdwn object.

    plain_text objects (the header) are shown literally by Slack, so `<!channel>` there is just characters.
    """
    found: list[str] = [payload["text"]]

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "mrkdwn":
                found.append(node["text"])
            else:
                assert node.get("type") != "plain_text" or "text" in node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(payload["blocks"])
    return "\n".join(found)


def change_items(db: Path) -> list[dict[str, Any]]:
    """Every change of the hostile sweep, as the outbox hands them to compose()."""
    rows = open_db(db).query("select * from changes where country_key in ('japan') or kind = 'edition' order by id")
    return [{**row, "type": "change", "detail": json.loads(row["detail"] or "{}")} for row in rows]


def test_alert_messages_render_the_text_inertly(stored: Path) -> None:
    items = change_items(stored)
    kinds = {i["kind"] for i in items}
    assert {"recommendation", "findings"} <= kinds
    messages = [compose([item], base_url="http://tipwatch.test") for item in items]
    messages.append(compose(items, base_url="http://tipwatch.test"))  # a digest of all of them
    shown = 0
    for message in messages:
        assert_inert(message.html)
        assert_inert(slack_mrkdwn(message.slack_payload))
        assert "\n" not in message.subject and "\r" not in message.subject
        shown += "&lt;!channel&gt;" in message.html
    # The hostile text is shown, escaped, not dropped. (Change excerpts are compared in normalized form, in
    # which tag-shaped text and invisible format characters are removed; the snapshot keeps everything.)
    assert shown >= len(items) // 2
    slack = "\n".join(slack_mrkdwn(m.slack_payload) for m in messages)
    assert "&lt;!channel&gt;" in slack and "&lt;https://evil.example|click here&gt;" in slack
    for message in messages:
        assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in message.slack_payload["blocks"])


def test_web_pages_render_the_text_inertly(stored: Path) -> None:
    client = create_app(stored).test_client()
    japan_id, _ = latest(stored, "japan")
    xeno_id, xeno = latest(stored, "xenoland")
    change_ids = [i["id"] for i in change_items(stored)]
    urls = [
        "/",
        f"/editions/{EDITION}",
        "/countries/japan",
        f"/countries/{xeno.country_key}",
        f"/snapshots/{japan_id}",
        f"/snapshots/{xeno_id}",
        "/search?q=alert",
        "/feed.atom",
        *(f"/changes/{i}" for i in change_ids[:20]),
    ]
    escaped = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert_inert(page)
        escaped += "&lt;script&gt;alert(" in page or "&lt;!channel&gt;" in page
    assert escaped >= len(urls) // 2
    csp = client.get("/countries/japan").headers.get("Content-Security-Policy", "")
    assert "script-src" not in csp and "default-src 'none'" in csp  # and no script could run anyway
