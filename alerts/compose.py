"""Outbox rows -> one Message in every format a channel needs. Pure: no database, clock or network.

Each item is either a change (a `changes` row as a dict, `detail` already parsed, plus "type": "change")
or a notice dict ("baseline", "edition_digest", "problem", "resolved"). The delivery loop gathers what a
notice needs (the tier moves of an edition) before calling `compose`. Items first become Sections (a
title, a link and lines of styled spans), and every format is rendered from those, so the email, Slack,
webhook and terminal say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alerts.render import Line, Section, Span, clip, render_html, render_slack, render_text
from snapshots.models import SIGNIFICANCE_RANK
from snapshots.safe_text import one_line

CONTEXT_CHARS = 80  # unchanged text kept on each side of an edit in an excerpt
EXCERPT_CHARS = 1500
DIGEST_LINES = 40
HEALTH_LINES = 20
KIND_ORDER = ("tier", "recommendation", "findings", "coverage", "section", "edition", "doubtful")


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
    more = len(sections) - 1
    subject = "[tipwatch] " + _one_line(sections[0].title) + (f" (+{more} more)" if more else "")
    changes = [{**_change_record(i), "url": f"{base_url}/changes/{i['id']}"} for i in items if i["type"] == "change"]
    notices = [i for i in items if i["type"] != "change"]
    return Message(
        subject=clip(subject, 250),
        text=render_text(sections),
        html=render_html(subject, sections, base_url),
        slack_payload=render_slack(subject, sections, base_url),
        json={"subject": subject, "changes": changes, "notices": notices},
    )


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
    detail = change.get("detail") or {}
    kind = change["kind"]
    lines = _CHANGE_LINES.get(kind, _doubtful_lines)(detail)
    rank = (SIGNIFICANCE_RANK.get(change.get("significance", "low"), 1), len(KIND_ORDER) - _kind_index(kind))
    return Section(change["summary"], f"{base_url}/changes/{change['id']}", tuple(lines), rank)


def _kind_index(kind: str) -> int:
    return KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)


def _tier_lines(d: dict[str, Any]) -> list[Line]:
    direction = {"upgrade": "Upgrade", "downgrade": "Downgrade"}.get(d.get("direction", ""), "Status change")
    lines: list[Line] = [(("strong", f"{direction}: "), ("del", str(d.get("from", "?"))), ("plain", " -> "),
                          ("ins", str(d.get("to", "?"))))]  # fmt: skip
    if d.get("watch_list_streak"):
        lines.append((("plain", f"Years in a row on the Tier 2 Watch List: {d['watch_list_streak']}"),))
    if d.get("waiver"):
        lines.append((("plain", "Granted a waiver from an automatic downgrade."),))
    if d.get("faces_automatic_downgrade"):
        lines.append((("plain", "Faces an automatic downgrade to Tier 3 next year without a waiver."),))
    return lines


def _recommendation_lines(d: dict[str, Any]) -> list[Line]:
    label = d.get("label", "")
    if label == "new":
        return [(("strong", "New recommendation: "), ("ins", d.get("new") or ""))]
    if label == "dropped":
        return [(("strong", "Dropped recommendation: "), ("del", d.get("old") or ""))]
    heading = "Reworded recommendation" if label == "reworded" else "Possibly reworded recommendation"
    if d.get("diff"):
        return [(("strong", f"{heading}: "),), _diff_line(d["diff"])]
    return [(("strong", f"{heading}: "),), (("plain", "Before: "), ("del", d.get("old") or "")),
            (("plain", "Now: "), ("ins", d.get("new") or ""))]  # fmt: skip


def _text_diff_lines(d: dict[str, Any]) -> list[Line]:
    lines: list[Line] = []
    if d.get("section"):
        status = d.get("status", "changed")
        lines.append((("strong", f"Section {d['section'].replace('_', ' ')} {status}"),))
    ops = _ops(d.get("diff") or [])
    added = sum(len(t.split()) for op, t in ops if op == "ins")
    removed = sum(len(t.split()) for op, t in ops if op == "del")
    stats = f"{added} words added, {removed} removed"
    if d.get("share_changed") is not None:
        stats += f" (about {round(float(d['share_changed']) * 100)}% of the text)"
    if d.get("boilerplate_only"):
        stats += "; only standard wording changed"
    lines.append((("plain", stats),))
    if ops:
        lines.append(_diff_line(d["diff"]))
    return lines


def _coverage_lines(d: dict[str, Any]) -> list[Line]:
    return [(("plain", f"Narrative {d.get('status', 'changed')}."),)]


def _edition_lines(d: dict[str, Any]) -> list[Line]:
    return [(("plain", f"Countries: {d.get('countries', '?')}; tier moves: {d.get('tier_moves', '?')}"),)]


def _doubtful_lines(d: dict[str, Any]) -> list[Line]:
    return [(("plain", f"Not sure about this one: {d.get('reason', 'no reason given')}"),)]


_CHANGE_LINES = {
    "tier": _tier_lines,
    "recommendation": _recommendation_lines,
    "findings": _text_diff_lines,
    "section": _text_diff_lines,
    "coverage": _coverage_lines,
    "edition": _edition_lines,
    "doubtful": _doubtful_lines,
}


def _ops(diff: list[Any]) -> list[Span]:
    """Word-diff ops in either spelling (diff-match-patch's -1/0/1 or names) -> styled spans."""
    styles = {1: "ins", -1: "del", 0: "plain", "insert": "ins", "delete": "del", "equal": "plain",
              "+": "ins", "-": "del", "=": "plain"}  # fmt: skip
    return [(styles.get(op, "plain"), str(text)) for op, text in diff]


def _diff_line(diff: list[Any]) -> Line:
    """An excerpt: every edit, with a little unchanged text around each, clipped to EXCERPT_CHARS."""
    ops = _ops(diff)
    spans: list[Span] = []
    for i, (style, text) in enumerate(ops):
        if style == "plain":
            text = _context(text, first=i == 0, last=i == len(ops) - 1)
        spans.append((style, text))
    clipped: list[Span] = []
    budget = EXCERPT_CHARS
    for style, text in spans:
        if budget <= 0:
            clipped.append(("plain", " …"))
            break
        clipped.append((style, clip(text, budget)))
        budget -= len(text)
    return tuple(clipped)


def _context(text: str, *, first: bool, last: bool) -> str:
    n = CONTEXT_CHARS
    if len(text) <= 2 * n + 5:
        return text
    if first:
        return "…" + text[-n:]
    if last:
        return text[:n] + "…"
    return text[:n] + " … " + text[-n:]


def _baseline_section(notice: dict[str, Any], base_url: str) -> Section:
    editions = ", ".join(str(e) for e in notice.get("editions", [])) or "none yet"
    lines: tuple[Line, ...] = (
        (("plain", f"Editions: {editions}. Baselines are recorded; changes from now on will be reported here."),),
    )
    return Section(f"now tracking {notice.get('pages', 0)} pages", base_url, lines, (3, 1))


def _digest_section(notice: dict[str, Any], base_url: str) -> Section:
    moves = notice.get("changes", [])
    ups = sum(1 for c in moves if (c.get("detail") or {}).get("direction") == "upgrade")
    downs = sum(1 for c in moves if (c.get("detail") or {}).get("direction") == "downgrade")
    title = (f"{notice['edition']} report published: {notice.get('countries', '?')} countries, "
             f"{ups} upgrades, {downs} downgrades")  # fmt: skip
    lines: list[Line] = []
    for change in moves[:DIGEST_LINES]:
        d = change.get("detail") or {}
        lines.append((("strong", f"{change.get('country', '?')}: "), ("del", str(d.get("from", "?"))),
                      ("plain", " -> "), ("ins", str(d.get("to", "?")))))  # fmt: skip
    if len(moves) > DIGEST_LINES:
        lines.append((("plain", f"… and {len(moves) - DIGEST_LINES} more tier moves"),))
    if not moves:
        lines.append((("plain", "No tier moves."),))
    return Section(title, base_url, tuple(lines), (4, 0))


def _health_section(kind: str, notices: list[dict[str, Any]], base_url: str) -> Section:
    if kind == "problem":
        title = f"problem: {len(notices)} page{'s' if len(notices) > 1 else ''} failing"
    else:
        title = f"resolved: {len(notices)} page{'s' if len(notices) > 1 else ''} working again"
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


def _one_line(text: str) -> str:
    return one_line(text)
