"""compose(): what each message carries, in every format, and how it respects Slack's limits."""

from __future__ import annotations

import json

from alerts.compose import MESSAGE_SECTIONS, compose
from alerts.render import SLACK_BLOCKS, SLACK_HEADER, SLACK_SECTION

BASE = "http://tipwatch.test"


def change(id_: int, kind: str, detail: dict, *, summary: str = "", significance: str = "high", **kw) -> dict:
    return {"type": "change", "id": id_, "kind": kind, "significance": significance, "country": "Japan",
            "country_key": "japan", "edition": 2024, "comparison": "revision", "summary": summary or f"Japan: {kind}",
            "detail": detail, **kw}  # fmt: skip


TIER = change(7, "tier", {"from": "Tier 2", "to": "Tier 2 Watch List", "direction": "downgrade"},
              summary="Japan: Tier 2 -> Tier 2 Watch List (2024 report)")  # fmt: skip


def test_tier_move_carries_direction_and_link():
    m = compose([TIER], base_url=BASE + "/")
    assert m.subject == "[tipwatch] Japan: Tier 2 -> Tier 2 Watch List (2024 report)"
    assert "Downgrade: Tier 2 -> Tier 2 Watch List" in m.text
    assert f"{BASE}/changes/7" in m.text
    assert f'href="{BASE}/changes/7"' in m.html
    assert m.json["changes"][0]["url"] == f"{BASE}/changes/7"
    assert m.json["changes"][0]["detail"]["direction"] == "downgrade"
    assert m.slack_payload["blocks"][0]["text"]["text"] == "Japan: Tier 2 -> Tier 2 Watch List (2024 report)"


def test_recommendations_new_dropped_reworded_with_wording():
    items = [
        change(1, "recommendation", {"label": "new", "new": "Screen migrant workers."}, significance="medium"),
        change(2, "recommendation", {"label": "dropped", "old": "Amend the penal code."}, significance="medium"),
        change(3, "recommendation", {"label": "reworded", "old": "Train judges.", "new": "Train all judges.",
                                     "diff": [[0, "Train "], [1, "all "], [0, "judges."]]}, significance="medium"),
    ]  # fmt: skip
    m = compose(items, base_url=BASE)
    assert "New recommendation: Screen migrant workers." in m.text
    assert "Dropped recommendation: Amend the penal code." in m.text
    assert "Before: Train judges." in m.text and "Now: Train all judges." in m.text
    assert "<ins" in m.html and "Screen migrant workers.</ins>" in m.html
    assert "<del" in m.html and "Amend the penal code.</del>" in m.html
    assert m.subject.endswith("(+2 more)")


def test_findings_excerpt_shows_added_and_removed_with_context_clipped():
    long_equal = "word " * 200
    detail = {"diff": [[0, long_equal], [-1, "decreased"], [1, "increased"], [0, " funding. " + long_equal]],
              "share_changed": 0.01}  # fmt: skip
    m = compose([change(4, "findings", detail, significance="medium")], base_url=BASE)
    assert "decreased funding." in m.text and "increased funding." in m.text
    assert "1 word added, 1 removed (about 1% of the text)" in m.text
    assert len(m.text) < 1000  # the unchanged text around the edit is trimmed, not copied whole


def test_hostile_scraped_text_is_escaped_in_html_and_slack():
    hostile = '<script>alert(1)</script><img src=x onerror="steal()"> & Co'
    m = compose([change(5, "recommendation", {"label": "new", "new": hostile}, summary=f"Japan: {hostile}")],
                base_url=BASE)  # fmt: skip
    assert "<script>" not in m.html and "<img" not in m.html
    assert "&lt;script&gt;" in m.html
    # mrkdwn parts are escaped; the header is plain_text, which Slack shows literally (escaping would show "&lt;")
    mrkdwn = json.dumps([m.slack_payload["text"], m.slack_payload["blocks"][1:]])
    assert "<script>" not in mrkdwn and "&lt;script&gt;" in mrkdwn and "&amp; Co" in mrkdwn
    assert m.slack_payload["blocks"][0]["text"]["type"] == "plain_text"
    assert "<script>" in m.text  # plain text stays as written


def test_slack_limits_header_section_and_block_count():
    many = [change(i, "findings", {"diff": [[1, "x" * 5000]]}, summary="J" * 400, significance="medium")
            for i in range(1, 80)]  # fmt: skip
    p = compose(many, base_url=BASE).slack_payload
    assert len(p["blocks"]) <= SLACK_BLOCKS
    assert len(p["blocks"][0]["text"]["text"]) <= SLACK_HEADER
    sections = [b for b in p["blocks"] if b["type"] == "section"]
    assert all(len(b["text"]["text"]) <= SLACK_SECTION for b in sections)
    assert all("|See the full change>" in b["text"]["text"] for b in sections)
    assert p["text"].startswith("[tipwatch] ")


def test_one_message_shows_a_bounded_number_of_changes_and_counts_the_rest():
    many = [change(i, "recommendation", {"label": "new", "new": f"Recommendation {i}."}, significance="medium")
            for i in range(1, 301)]  # fmt: skip
    m = compose(many, base_url=BASE)
    assert m.text.count("New recommendation: ") == MESSAGE_SECTIONS - 1
    assert f"… and {300 - MESSAGE_SECTIONS + 1} more changes" in m.text
    assert m.subject.endswith("(+299 more)")
    assert len(m.json["changes"]) == 300  # machines get every change


def test_edition_digest_counts_moves_says_why_a_country_is_missing_and_has_no_diff_markup():
    def move(country, old, new, direction):
        return {"country": country, "country_key": country.lower(), "from": old, "to": new, "direction": direction}

    notice = {
        "type": "edition_digest", "edition": 2025, "countries": 186,
        "moves": [move("Japan", "Tier 2", "Tier 2 Watch List", "downgrade"),
                  move("Chad", "Tier 3", "Tier 2", "upgrade")],
        "added": [move("Bhutan", None, "Tier 2", "status")],
        "missing": [{**move("Korea, North", "Tier 3", None, "status"), "why": "listed, but its page failed: HTTP 404"}],
        "recommendations": {"new": 3, "reworded": 1},
    }  # fmt: skip
    m = compose([notice], base_url=BASE)
    assert m.subject == "[tipwatch] 2025 report published: 186 countries, 1 upgrade, 1 downgrade"
    assert "Japan: Tier 2 -> Tier 2 Watch List (downgrade)" in m.text
    assert "Chad: Tier 3 -> Tier 2 (upgrade)" in m.text
    assert "Bhutan: covered for the first time, Tier 2" in m.text
    assert "Korea, North: missing (was Tier 3): listed, but its page failed: HTTP 404" in m.text
    assert "Changed recommendations: 3 new, 1 reworded" in m.text
    assert "[-" not in m.text and "[+" not in m.text


def test_health_notices_merge_into_one_section():
    problems = [{"type": "problem", "page": f"https://www.state.gov/p{i}/", "failures": 3, "since": "x", "error": "503"}
                for i in range(190)]  # fmt: skip
    m = compose(problems, base_url=BASE)
    assert m.subject == "[tipwatch] problem: 190 pages failing"
    assert m.text.count("failed checks since") == 20
    assert "and 170 more pages" in m.text


def test_slack_formatting_in_scraped_text_stays_text_and_nothing_is_auto_linked():
    scraped = "*Bold claim* _lean_ ~gone~ `code` ```block``` see https://evil.example @here #general"
    item = change(6, "recommendation", {"label": "new", "new": scraped}, summary=f"Japan: {scraped}")
    p = compose([item], base_url=BASE).slack_payload
    mrkdwn = [b["text"] for b in p["blocks"] if b["type"] == "section"]
    assert mrkdwn and all(t["type"] == "mrkdwn" and t["verbatim"] is True for t in mrkdwn)
    for text in [p["text"], *(t["text"] for t in mrkdwn)]:
        assert not any(mark in text for mark in ("*Bold claim*", "_lean_", "~gone~", "`code`", "```")), text
        assert "Bold claim" in text and "lean" in text and "https://evil.example @here" in text


def test_findings_and_section_alerts_quote_the_page_as_printed():
    from snapshots.core.compare import compare
    from snapshots.core.models import Narrative

    printed = "Dra Province\n\nThe government’s inspectors — with the “Dra” labour office — visited farms."
    edited = printed.replace("visited farms", "visited 40 farms")
    old = Narrative("JAPAN", "japan", 2024, "Tier 2", printed, ("Train judges.",), {"prosecution": printed})
    new = Narrative("JAPAN", "japan", 2024, "Tier 2", edited, ("Train judges.",), {"prosecution": edited})
    items = [change(i, c.kind, c.to_json(), summary=c.summary, significance=c.significance)
             for i, c in enumerate(compare(old, new), start=1)]  # fmt: skip
    assert [i["kind"] for i in items] == ["findings", "section"]
    m = compose(items, base_url=BASE)
    for body in (m.text, m.html):
        assert "Dra Province" in body and "dra province" not in body
        assert body.count("government’s inspectors — with the “Dra” labour office — visited") >= 2
