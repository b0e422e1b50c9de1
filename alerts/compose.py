"""Outbox rows -> one Message in every format a channel needs. Pure: no database, clock or network.

Each item is either a change (a `changes` row as a dict, `detail` already parsed, plus "type": "change")
or a notice dict ("baseline", "edition_digest", "problem", "resolved"). The delivery loop gathers what a
notice needs (the tier moves of an edition) before calling `compose`. Items first become Sections (a
title, a link and lines of styled spans), and every format is rendered from those, so the email, Slack,
webhook and terminal say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from alerts.render import Section, render_html, render_slack, render_text
from snapshots.core import describe
from snapshots.core.describe import Line, clip, count, label_words
from snapshots.core.models import SIGNIFICANCE_RANK, TierMove, detail_from_json
from snapshots.core.safe_text import one_line

DIGEST_LINES = 40
HEALTH_LINES = 20
MESSAGE_SECTIONS = 20  # changes shown in one message; the rest are counted and linked


@dataclass(frozen=True)
class Message:
    subject: str
    text: str
    html: str
    slack_payload: dict[str, Any]
    json: dict[str, Any]


def compose(items: list[dict[str, Any]], *, base_url: str) -> Message:
    """One message for these items; the most important one gives the subject."""
    if not items:
        raise ValueError("nothing to compose")
    base_url = base_url.rstrip("/")
    sections = sorted(_sections(items, base_url), key=lambda s: s.rank, reverse=True)
    if not base_url:  # no web page to point at (the demo without --serve): no links rather than dead ones
        sections = [replace(s, url="") for s in sections]
    more = len(sections) - 1
    if len(sections) > MESSAGE_SECTIONS:
        rest = len(sections) - MESSAGE_SECTIONS + 1
        sections = [
            *sections[: MESSAGE_SECTIONS - 1],
            Section(f"… and {count(rest, 'more change')}", base_url, (), (0, 0)),
        ]
    subject = "[tipwatch] " + one_line(sections[0].title) + (f" (+{more} more)" if more else "")
    page = _appeared_page(items)
    if page is not None:
        subject = f"[tipwatch] {one_line(page)}" + (f" ({count(more + 1, 'change')})" if more else "")
    changes = [{**_change_record(i), "url": f"{base_url}/changes/{i['id']}"} for i in items if i["type"] == "change"]
    notices = [i for i in items if i["type"] != "change"]
    return Message(
        subject=clip(subject, 250),
        text=render_text(sections),
        html=render_html(subject, sections, base_url),
        slack_payload=render_slack(subject, sections, base_url),
        json={"subject": subject, "changes": changes, "notices": notices},
    )


def _appeared_page(items: list[dict[str, Any]]) -> str | None:
    """The headline of a message whose changes all come from one page's first version in an edition
    (read after the edition's digest), or None."""
    first = items[0]
    same_page = all(
        i["type"] == "change" and i.get("comparison") == "edition" and i.get("tier")
        and (i.get("country_key"), i.get("edition")) == (first.get("country_key"), first.get("edition"))
        for i in items
    )  # fmt: skip
    if not same_page:
        return None
    return describe.appeared(first["country"], first["edition"], first["tier"], first.get("old_tier"))


def sample_message(base_url: str) -> Message:
    """What `tipwatch alerts test` sends: a made-up tier move, labelled as a test."""
    change = {
        "type": "change",
        "id": 0,
        "kind": "tier",
        "significance": "high",
        "country": "Testland",
        "country_key": "testland",
        "edition": 2025,
        "comparison": "revision",
        "summary": "Testland: Tier 2 -> Tier 2 Watch List (2025 report) - a test message from tipwatch",
        "detail": {"from": "Tier 2", "to": "Tier 2 Watch List", "direction": "downgrade"},
    }
    return compose([change], base_url=base_url)


def _sections(items: list[dict[str, Any]], base_url: str) -> list[Section]:
    sections = [_change_section(i, base_url) for i in items if i["type"] == "change"]
    for item in items:
        if item["type"] == "baseline":
            sections.append(_baseline_section(item, base_url))
        elif item["type"] == "edition_digest":
            sections.append(_digest_section(item, base_url))
        elif item["type"] == "backfill":
            sections.append(_backfill_section(item, base_url))
    # Health notices are merged so that a site-wide outage makes one message, not one per page.
    for kind in ("problem", "resolved"):
        health = [i for i in items if i["type"] == kind]
        if health:
            sections.append(_health_section(kind, health, base_url))
    return sections


def _change_record(item: dict[str, Any]) -> dict[str, Any]:
    keys = ("id", "kind", "significance", "country", "country_key", "edition", "comparison", "summary", "detail")
    return {k: item.get(k) for k in keys}


def _change_section(change: dict[str, Any], base_url: str) -> Section:
    kind = change["kind"]
    lines = describe.lines(detail_from_json(kind, change.get("detail") or {}))
    rank = (SIGNIFICANCE_RANK.get(change.get("significance", "low"), 1), describe.kind_rank(kind))
    return Section(change["summary"], f"{base_url}/changes/{change['id']}", tuple(lines), rank)


def _baseline_section(notice: dict[str, Any], base_url: str) -> Section:
    editions = ", ".join(str(e) for e in notice.get("editions", [])) or "none yet"
    lines: tuple[Line, ...] = (
        (("plain", f"Editions: {editions}. Baselines are recorded; changes from now on will be reported here."),),
    )
    return Section(f"now tracking {describe.count(notice.get('pages', 0), 'page')}", base_url, lines, (3, 1))


def _digest_section(notice: dict[str, Any], base_url: str) -> Section:
    moves = [TierMove.from_json(m) for m in notice.get("moves", [])]
    added = [TierMove.from_json(m) for m in notice.get("added", [])]
    missing = notice.get("missing", [])
    ups = sum(1 for m in moves if m.direction == "upgrade")
    downs = sum(1 for m in moves if m.direction == "downgrade")
    title = (f"{notice['edition']} report published: {count(notice.get('countries', 0), 'country', 'countries')}, "
             f"{count(ups, 'upgrade')}, {count(downs, 'downgrade')}")  # fmt: skip
    lines: list[Line] = []
    for m in moves[:DIGEST_LINES]:
        direction = {"upgrade": "upgrade", "downgrade": "downgrade"}.get(m.direction, "status change")
        lines.append((("strong", f"{m.country}: "), ("plain", f"{m.old_tier} -> {m.new_tier} ({direction})")))
    if len(moves) > DIGEST_LINES:
        lines.append((("plain", f"… and {count(len(moves) - DIGEST_LINES, 'more tier move')}"),))
    if not moves:
        lines.append((("plain", "No tier moves."),))
    for m in added:
        lines.append((("strong", f"{m.country}: "), ("plain", f"covered for the first time, {m.new_tier}")))
    for item in missing:
        m = TierMove.from_json(item)
        lines.append((("strong", f"{m.country}: "), ("plain", f"missing (was {m.old_tier}): {item.get('why', '')}")))
    counts = notice.get("recommendations") or {}
    if counts:
        parts = ", ".join(f"{n} {label_words(label)}" for label, n in counts.items())
        lines.append((("plain", f"Changed recommendations: {parts}"),))
    return Section(title, base_url, tuple(lines), (4, 0))


def _backfill_section(notice: dict[str, Any], base_url: str) -> Section:
    title = f"{notice['edition']} report imported: {count(notice.get('pages', 0), 'narrative')}"
    note = "An earlier edition was added to the record; its changes are not alerted one by one."
    lines: tuple[Line, ...] = ((("plain", note),),)
    return Section(title, base_url, lines, (3, 0))


def _health_section(kind: str, notices: list[dict[str, Any]], base_url: str) -> Section:
    if kind == "problem":
        title = f"problem: {count(len(notices), 'page')} failing"
    else:
        title = f"resolved: {count(len(notices), 'page')} working again"
    if len(notices) == 1:
        title += f" ({notices[0].get('page', '?')})"
    lines: list[Line] = []
    for n in notices[:HEALTH_LINES]:
        if kind == "problem":
            text = f"{n.get('page', '?')}: {n.get('failures', '?')} failed checks since {n.get('since', '?')}"
            text += f"; last error: {n['error']}" if n.get("error") else ""
        else:
            text = f"{n.get('page', '?')}: working again"
        lines.append((("plain", clip(text, 400)),))
    if len(notices) > HEALTH_LINES:
        lines.append((("plain", f"… and {len(notices) - HEALTH_LINES} more pages"),))
    return Section(title, base_url, tuple(lines), (3 if kind == "problem" else 2, 0))
