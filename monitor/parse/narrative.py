"""Blocks -> the parts of a narrative: heading (name and tier), summary, recommendations, sections.

Shared by every layout family. The tier is read from the narrative heading and nowhere else: body text,
sidebars and navigation mention other tiers when they explain the scale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from monitor.parse.blocks import Block, clean
from monitor.parse.edition import BANNER_EDITION as _BANNER_EDITION
from snapshots.core.countries import country_key
from snapshots.core.models import SPECIAL_CASE, TIER_1, TIER_2, TIER_2_WATCH_LIST, TIER_3

_TIER = r"tier\s*[123](?:\s*[-–]?\s*watch\s*-?\s*list)?|special\s+case"
# "JAPAN: Tier 1", "COLOMBIA: TIER 1", "HAITI (Tier 2 Watch List)", "CHINA (PRC) (Tier 3)", "Libya (Special Case)"
_HEADING = re.compile(
    rf"^(?P<name>[^\W\d_][^:]{{0,69}}?)\s*(?::\s*(?P<colon>{_TIER})|\(\s*(?P<paren>{_TIER})\s*\))\s*$", re.IGNORECASE
)
# gvnet: "JAPAN (Tier 2) Extracted in part from the U.S. State Dept 2023 TIP Report" (or "Extracted from")
_BANNER = re.compile(r"\s*extracted\s+(?:in\s+part\s+)?from\b(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
_MAX_NAME_WORDS = 7
_MAX_HEADING_CHARS = 240  # a heading with a mirror banner; anything longer is a paragraph
_NAME_SMALL_WORDS = frozenset(["and", "of", "the", "de", "da", "du", "des", "la", "le", "et"])
# "PRIORITIZED RECOMMENDATIONS:", without the colon, or with the first item run on after it
_RECOMMENDATIONS = re.compile(
    r"^(?P<label>prioritized\s+recommendations|recommendations\s+for\s+[^:]{1,80}?)\s*"
    r"(?:[:.]\s*(?P<rest>.*)|\s(?P<run_on>[A-Z•*–-].*))?$",
    re.IGNORECASE | re.DOTALL,
)
# A text extraction that merged the heading into the summary paragraph: "...key areas. PRIORITIZED RECOMMENDATIONS:"
_RECOMMENDATIONS_INSIDE = re.compile(r"(?<=[.!?”\"])\s+(?:PRIORITIZED RECOMMENDATIONS|Prioritized Recommendations)\b")
_SECTION = re.compile(
    r"^(prosecution|protection|prevention|trafficking\s+profile|government\s+efforts)\s*[:.]?$", re.IGNORECASE
)
_BULLET = re.compile(r"\s*•\s*")
_STAR = re.compile(r"(?:^|\s+)\*\s+")
_DASH = re.compile(r"(?:^|(?<=[.;!?]))\s*[-–]\s+(?=[A-Z])")
_STARTS_AS_LIST = re.compile(r"^(?:[•·*▪◦]|[-–](?=\s))")
_LEADING_MARK = re.compile(r"^(?:[•·*▪◦]|[-–—](?=\s))\s*")
# Imperative openings of recommendation items, to split items a text extraction ran together
# ("...stronger penalties for traffickers.Amend the labor code...").
# fmt: off
_IMPERATIVES = (
    "Adopt", "Allocate", "Allow", "Amend", "Apply", "Approve", "Build", "Cease", "Conduct", "Consistently",
    "Continue", "Coordinate", "Create", "Criminalize", "Dedicate", "Designate", "Develop", "Draft", "Effectively",
    "Eliminate", "Empower", "Enact", "Encourage", "End", "Enforce", "Enhance", "Ensure", "Establish", "Expand",
    "Expedite", "Extend", "Finalize", "Formalize", "Fully", "Fund", "Grant", "Harmonize", "Hold", "Identify",
    "Implement", "Improve", "Increase", "Institutionalize", "Integrate", "Investigate", "Issue", "Make",
    "Monitor", "Negotiate", "Offer", "Pass", "Prioritize", "Proactively", "Prohibit", "Prosecute", "Protect",
    "Provide", "Publish", "Raise", "Reduce", "Refer", "Regulate", "Remove", "Revise", "Screen", "Seek",
    "Share", "Significantly", "Standardize", "Strengthen", "Support", "Systematically", "Take", "Train",
    "Undertake", "Update", "Vigorously", "Work",
)
# fmt: on
_RUN_TOGETHER = re.compile(rf"(?<=[a-z0-9)”\"’'][.!?])(?P<space>\s*)(?=(?:{'|'.join(_IMPERATIVES)})\b)")
_IMPERATIVE_START = re.compile(rf"(?:{'|'.join(_IMPERATIVES)})\s")
_ABBREVIATIONS = frozenset({"e.g.", "i.e.", "no.", "u.s.", "etc.", "st.", "art.", "vs.", "approx."})
# Where a narrative ends: sentence punctuation, a closing quote or bracket. A letter or a comma there means
# the text was cut off mid-word or mid-sentence.
_COMPLETE_END = frozenset(".!?:;)]\"”’'…")

_SUMMARY_OPENING = re.compile(r"minimum\s+standards|special\s+case", re.IGNORECASE)

RecommendationStyle = Literal["list", "bullets", "semicolons", "paragraphs", "none"]


@dataclass(frozen=True)
class Heading:
    index: int  # position in the block list
    text: str  # as found, without a mirror banner: "KOREA, REPUBLIC OF: Tier 1"
    name: str  # "KOREA, REPUBLIC OF"
    tier: str  # one of snapshots.core.models.TIERS
    form: Literal["colon", "paren"]
    tier_in_capitals: bool  # "TIER 1" (2017) rather than "Tier 1"
    banner_edition: int | None  # the year a mirror banner names


@dataclass(frozen=True)
class Parts:
    heading: Heading
    summary: str
    recommendations: tuple[str, ...]
    recommendation_style: RecommendationStyle
    sections: dict[str, str] = field(default_factory=dict)
    cut_off: str | None = None  # why the text looks cut off before its end, if it does


def canonical_tier(raw: str) -> str:
    words = clean(raw).lower().replace("-", " ").replace("–", " ")
    if words.startswith("special"):
        return SPECIAL_CASE
    if "watch" in words:
        return TIER_2_WATCH_LIST
    return {"1": TIER_1, "2": TIER_2, "3": TIER_3}[re.sub(r"\D", "", words)]


def match_heading(text: str, index: int = 0) -> Heading | None:
    if len(text) > _MAX_HEADING_CHARS:
        return None
    banner = _BANNER.search(text)
    line = text[: banner.start()] if banner else text
    m = _HEADING.match(line)
    if not m or not _looks_like_a_name(m["name"]):
        return None
    raw_tier = m["colon"] or m["paren"]
    year = _BANNER_EDITION.search(banner["rest"]) if banner else None
    return Heading(
        index=index,
        text=clean(line),
        name=clean(m["name"]),
        tier=canonical_tier(raw_tier),
        form="colon" if m["colon"] else "paren",
        tier_in_capitals=raw_tier.isupper(),
        banner_edition=int(year[1]) if year else None,
    )


def _looks_like_a_name(name: str) -> bool:
    """Tell "KOREA, REPUBLIC OF" or "Côte d’Ivoire" from a sentence that happens to end in "(Tier 3)"."""
    words = name.split()
    if len(words) > _MAX_NAME_WORDS or any(w.lower() == "tier" for w in words):
        return False
    if name.islower():
        return len(words) <= 3  # an all-lower-case name is only believable when short
    return all(w[0].isupper() or w in _NAME_SMALL_WORDS or w[:2] in ("d'", "d’") for w in words if w[0].isalpha())


def find_heading(blocks: list[Block], expect: frozenset[str] = frozenset()) -> Heading | None:
    """The narrative heading: the first heading-like block for the page's own country (`expect`: the keys the
    URL, slug or title name), else the first heading-like block at all. Table cells come last: a tier table
    is not a narrative."""
    first: Heading | None = None
    in_table: Heading | None = None
    for i, block in enumerate(blocks):
        heading = match_heading(block.text, i)
        if heading is None:
            continue
        if block.in_table:
            in_table = in_table or heading
            continue
        if not expect or country_key(heading.name) in expect:
            return heading
        first = first or heading
    return first or in_table


def _ends_narrative(blocks: list[Block], at: int, heading: Heading, expect: frozenset[str]) -> bool:
    """Whether the tier-like line at `at` starts the next country's narrative (multi-country pages) or is a
    line inside this one's body. Only a block of the same kind as our heading counts, and on a page that
    names its country, only another country's heading. A heading told by nothing but its words (plain
    text, a bold line) must also be followed by a summary ("... minimum standards ...")."""
    block, ours = blocks[at], blocks[heading.index]
    other = match_heading(block.text)
    if other is None or block.kind != ours.kind or block.in_table:
        return False
    if expect and country_key(other.name) == country_key(heading.name):
        return False
    if block.kind == "heading":
        return True
    following = blocks[at + 1].text if at + 1 < len(blocks) else ""
    return bool(_SUMMARY_OPENING.search(following[:400]))


def assemble(blocks: list[Block], expect: frozenset[str] = frozenset()) -> Parts | None:
    """Read the narrative out of a page's blocks; None when there is no narrative heading."""
    heading = find_heading(blocks, expect)
    if heading is None:
        return None
    start = heading.index + 1
    if heading.banner_edition is None and start < len(blocks) and _BANNER.match(blocks[start].text):
        # the mirror banner sits in its own block right under the heading
        year = _BANNER_EDITION.search(blocks[start].text)
        heading = replace(heading, banner_edition=int(year[1]) if year else None)
        start += 1

    summary: list[str] = []
    rec_blocks: list[Block] = []
    rec_label = ""
    sections: dict[str, list[str]] = {}
    target: list[str] | None = summary  # None while reading recommendations
    last: Block | None = None
    for at in range(start, len(blocks)):
        block = blocks[at]
        if _ends_narrative(blocks, at, heading, expect):
            break  # the next country's narrative (multi-country pages)
        last = block
        section = _SECTION.match(block.text)
        if section:
            target = sections.setdefault(re.sub(r"\s+", "_", section[1].lower()), [])
            continue
        if target is summary and not rec_label:
            following = blocks[at + 1] if at + 1 < len(blocks) else None
            label, summary_part, first_items = _recommendations_start(block, following, bool(summary))
            if label:
                rec_label, target = label, None
                summary.extend(summary_part)
                rec_blocks.extend(first_items)
                continue
        if target is None:
            rec_blocks.append(block)
        else:
            target.append(block.text)

    items, style = split_recommendations(rec_blocks, semicolons=rec_label.lower().startswith("recommendations for"))
    return Parts(
        heading=heading,
        summary="\n\n".join(summary),
        recommendations=items,
        recommendation_style=style,
        sections={key: "\n\n".join(paras) for key, paras in sections.items() if paras},
        cut_off=_cut_off(last),
    )


def _recommendations_start(
    block: Block, following: Block | None, after_summary: bool
) -> tuple[str, list[str], list[Block]]:
    """Whether this block (read while in the summary) opens the recommendations.

    Returns (label or "", the part of the block that still belongs to the summary, the first items).
    """
    recs = _RECOMMENDATIONS.match(block.text)
    if recs and len(recs["label"].split()) <= 10:
        return recs["label"], [], _items_after(recs)
    inside = _RECOMMENDATIONS_INSIDE.search(block.text) if block.kind != "item" else None
    if inside:
        recs = _RECOMMENDATIONS.match(block.text[inside.start() :].strip())
        return "prioritized recommendations", [block.text[: inside.start()]], _items_after(recs)
    # The heading was lost: a list straight after the summary is the recommendations, and so are two
    # paragraphs in a row that open with an imperative ("Amend ...", "Train ..."), which no summary does.
    if after_summary and (
        block.kind == "item"
        or _STARTS_AS_LIST.match(block.text)
        or block.text.count(" • ") >= 2
        or (_IMPERATIVE_START.match(block.text) and following and _IMPERATIVE_START.match(following.text))
    ):
        return "(no heading)", [], [block]
    return "", [], []


def _items_after(label: re.Match[str] | None) -> list[Block]:
    """What follows a recommendations label in the same block ("PRIORITIZED RECOMMENDATIONS: Train ...")."""
    rest = clean((label["rest"] or label["run_on"] or "") if label else "")
    return [Block("para", rest)] if rest else []


def _cut_off(last: Block | None) -> str | None:
    """Why the narrative looks cut off: it ends on a heading, or mid-word or mid-sentence."""
    if last is None:
        return "the text stops right after the narrative heading"
    label = _RECOMMENDATIONS.match(last.text)
    if _SECTION.match(last.text) or (label and not _items_after(label)):
        return f"the text stops at the heading {last.text[:40]!r}"
    if last.text[-1] not in _COMPLETE_END:
        return f"the text stops mid-sentence: '…{last.text[-40:]}'"
    return None


def split_recommendations(blocks: list[Block], *, semicolons: bool) -> tuple[tuple[str, ...], RecommendationStyle]:
    """Recommendation items from whatever shape the edition or the republication used.

    <li> items win; else bullets inside paragraphs (" • " in 2019 and on ecoi, " * ", "- " on news wires);
    else one paragraph of semicolon-separated items after "RECOMMENDATIONS FOR X:" (2017-2018); else one
    paragraph per item (2020-2021, mirrors). Items a text extraction ran together ("...traffickers.Amend the
    labor code...") are split where a sentence ends and an imperative opens the next one.
    """
    if not blocks:
        return (), "none"
    items = [b.text for b in blocks if b.kind == "item"]
    style: RecommendationStyle = "list"
    if not items:
        paras = [b.text for b in blocks]
        if any("•" in p for p in paras):
            items, style = [part for p in paras for part in _BULLET.split(p)], "bullets"
        elif any(_STAR.search(p) for p in paras):
            items, style = [part for p in paras for part in _STAR.split(p)], "bullets"
        elif any(_STARTS_AS_LIST.match(p) or _DASH.search(p) for p in paras):
            items, style = [part for p in paras for part in _DASH.split(p)], "bullets"
        elif semicolons and len(paras) == 1:
            items, style = _split_semicolons(paras[0]), "semicolons"
        else:
            items, style = paras, "paragraphs"
    # One paragraph holding several sentences that each open with an imperative is a list that lost its
    # markup; in a paragraph per item, a second sentence belongs to its item.
    spaced = style == "paragraphs" and len(items) == 1
    split = [part for item in items if item and not item.isspace() for part in _split_run_together(item, spaced=spaced)]
    cleaned = tuple(t for t in (_LEADING_MARK.sub("", clean(i)) for i in split) if t)
    return cleaned, style


def _split_run_together(text: str, *, spaced: bool) -> list[str]:
    parts: list[str] = []
    start = 0
    for m in _RUN_TOGETHER.finditer(text):
        if m["space"] and not spaced:
            continue
        word = text[text.rfind(" ", start, m.start()) + 1 : m.start()].lower()
        if word in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.){2,}", word):
            continue  # "U.S.", "e.g.", "No.": not the end of an item
        parts.append(text[start : m.start()])
        start = m.end()
    parts.append(text[start:])
    return parts


def _split_semicolons(text: str) -> list[str]:
    """Split on top-level semicolons; the last item loses its joining "and" and the closing period."""
    items: list[str] = []
    depth = start = 0
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    items = [t for t in map(clean, items) if t]
    if len(items) > 1:
        items[-1] = re.sub(r"^and\s+", "", items[-1]).removesuffix(".")
    return items
