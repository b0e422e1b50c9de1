"""Blocks -> the parts of a narrative: heading (name and tier), summary, recommendations, sections.

Shared by every layout family. The tier is read from the narrative heading and nowhere else: body text,
sidebars and navigation mention other tiers when they explain the scale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal

from monitor.parse.blocks import Block, clean
from snapshots.core.models import SPECIAL_CASE, TIER_1, TIER_2, TIER_2_WATCH_LIST, TIER_3

_TIER = r"tier\s*[123](?:\s*[-–]?\s*watch\s*-?\s*list)?|special\s+case"
# "JAPAN: Tier 1", "COLOMBIA: TIER 1", "HAITI (Tier 2 Watch List)", "CHINA (PRC) (Tier 3)", "Libya (Special Case)"
_HEADING = re.compile(
    rf"^(?P<name>[^\W\d_][^:]{{0,69}}?)\s*(?::\s*(?P<colon>{_TIER})|\(\s*(?P<paren>{_TIER})\s*\))\s*$", re.IGNORECASE
)
# gvnet: "JAPAN (Tier 2) Extracted in part from the U.S. State Dept 2023 TIP Report"
_BANNER = re.compile(r"\s*extracted\s+in\s+part\s+from\b(?P<rest>.*)$", re.IGNORECASE | re.DOTALL)
_BANNER_EDITION = re.compile(r"\b((?:19|20)\d\d)\s+TIP\s+report\b", re.IGNORECASE)
_MAX_NAME_WORDS = 7
_MAX_HEADING_CHARS = 240  # a heading with a mirror banner; anything longer is a paragraph
_NAME_SMALL_WORDS = frozenset(["and", "of", "the", "de", "da", "du", "des", "la", "le", "et"])
_RECOMMENDATIONS = re.compile(
    r"^(?P<label>prioritized\s+recommendations|recommendations\s+for\s+[^:]{1,80}?)\s*(?::\s*(?P<rest>.*))?$",
    re.IGNORECASE | re.DOTALL,
)
_SECTION = re.compile(
    r"^(prosecution|protection|prevention|trafficking\s+profile|government\s+efforts)\s*[:.]?$", re.IGNORECASE
)
_BULLET = re.compile(r"\s*•\s*")
_LEADING_MARK = re.compile(r"^(?:[•·*▪◦]|[-–—](?=\s))\s*")

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


def find_heading(blocks: list[Block]) -> Heading | None:
    for i, block in enumerate(blocks):
        heading = match_heading(block.text, i)
        if heading:
            return heading
    return None


def assemble(blocks: list[Block]) -> Parts | None:
    """Read the narrative out of a page's blocks; None when there is no narrative heading."""
    heading = find_heading(blocks)
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
    for block in blocks[start:]:
        if match_heading(block.text):
            break  # the next country's narrative (multi-country pages)
        section = _SECTION.match(block.text)
        if section:
            target = sections.setdefault(re.sub(r"\s+", "_", section[1].lower()), [])
            continue
        recs = _RECOMMENDATIONS.match(block.text) if target is summary and not rec_label else None
        if recs and len(recs["label"].split()) <= 10:
            rec_label, target = recs["label"], None
            if recs["rest"] and recs["rest"].strip():
                rec_blocks.append(Block("para", clean(recs["rest"])))
        elif target is None:
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
    )


def split_recommendations(blocks: list[Block], *, semicolons: bool) -> tuple[tuple[str, ...], RecommendationStyle]:
    """Recommendation items from whatever shape the edition used.

    <li> items win; else " • " inside paragraphs (2019); else one paragraph of semicolon-separated items after
    "RECOMMENDATIONS FOR X:" (2017-2018); else one paragraph per item (2020-2021, mirrors).
    """
    if not blocks:
        return (), "none"
    items = [b.text for b in blocks if b.kind == "item"]
    style: RecommendationStyle = "list"
    if not items:
        paras = [b.text for b in blocks]
        if any("•" in p for p in paras):
            items, style = [part for p in paras for part in _BULLET.split(p)], "bullets"
        elif semicolons and len(paras) == 1:
            items, style = _split_semicolons(paras[0]), "semicolons"
        else:
            items, style = paras, "paragraphs"
    cleaned = tuple(t for t in (_LEADING_MARK.sub("", clean(i)) for i in items) if t)
    return cleaned, style


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


_URL_EDITION = (
    re.compile(r"/reports/((?:19|20)\d\d)-trafficking-in-persons-report", re.IGNORECASE),
    re.compile(r"/tiprpt/(?:countries/)?((?:19|20)\d\d)\b", re.IGNORECASE),
)
_TITLE_EDITION = (
    re.compile(r"\b((?:19|20)\d\d)\s+trafficking\s+in\s+persons\s+report\b", re.IGNORECASE),
    re.compile(r"\btrafficking\s+in\s+persons\s+report\s*[,:–-]?\s*((?:19|20)\d\d)\b", re.IGNORECASE),
    _BANNER_EDITION,
)


def edition_from_url(url: str | None) -> int | None:
    """2023 from `/reports/2023-trafficking-in-persons-report/japan/` (and the 2019 `-2` variant)."""
    for pattern in _URL_EDITION:
        m = pattern.search(url or "")
        if m:
            return int(m[1])
    return None


def edition_from_titles(titles: list[str]) -> int | None:
    """2023 from "2023 Trafficking in Persons Report: Japan" or "Trafficking in Persons Report 2018 - ..."."""
    for title in titles:
        for pattern in _TITLE_EDITION:
            m = pattern.search(title)
            if m:
                return int(m[1])
    return None
