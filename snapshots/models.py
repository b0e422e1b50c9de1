"""The shared vocabulary: what a narrative is, and what a change is.

Everything above this module (parsers, comparison, alerts, the web page) speaks in these types.
They are frozen so that a Narrative parsed once can be passed around without anyone editing it.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

TIER_1 = "Tier 1"
TIER_2 = "Tier 2"
TIER_2_WATCH_LIST = "Tier 2 Watch List"
TIER_3 = "Tier 3"
SPECIAL_CASE = "Special Case"
TIERS: tuple[str, ...] = (TIER_1, TIER_2, TIER_2_WATCH_LIST, TIER_3, SPECIAL_CASE)

# Ordinal for sorting and for telling an upgrade from a downgrade. Special Case is unranked:
# a move to or from it is a status change, never an up- or downgrade.
TIER_RANK: dict[str, float | None] = {
    TIER_1: 1.0,
    TIER_2: 2.0,
    TIER_2_WATCH_LIST: 2.5,
    TIER_3: 3.0,
    SPECIAL_CASE: None,
}

# Canonical section names (snake_case keys of Narrative.sections), in report order.
SECTION_NAMES: tuple[str, ...] = (
    "prosecution",
    "protection",
    "prevention",
    "government_efforts",
    "trafficking_profile",
)

Significance = Literal["high", "medium", "low"]
SIGNIFICANCE_RANK: dict[str, int] = {"low": 1, "medium": 2, "high": 3}

ChangeKind = Literal["tier", "recommendation", "findings", "section", "coverage", "edition", "doubtful"]
Comparison = Literal["revision", "edition"]


@dataclass(frozen=True)
class Narrative:
    """One country narrative as parsed from one page.

    `summary` and each section are plain text, paragraphs separated by a blank line.
    `sections` maps a canonical snake_case name (see SECTION_NAMES) to its text, in page order;
    a section the page does not have is simply absent.
    """

    country: str  # the name as printed in the heading, e.g. "KOREA, REPUBLIC OF"
    country_key: str  # stable across editions and renamings, e.g. "south-korea"
    edition: int | None  # report year, None when the page does not say
    tier: str  # one of TIERS
    summary: str
    recommendations: tuple[str, ...]
    sections: dict[str, str] = field(default_factory=dict)
    layout: str = ""  # which layout family read it, e.g. "stategov-2022", "gvnet", "plaintext"
    parser_version: str = ""
    heading: str = ""  # the heading line exactly as found, e.g. "JAPAN (Tier 2)"
    truncated: bool = False  # the text or page stops before its end: what is missing is unknown, not removed
    warnings: tuple[str, ...] = ()  # what the parser noticed but could still read (one line each)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["recommendations"] = list(self.recommendations)
        data["warnings"] = list(self.warnings)
        return data

    def to_blob(self) -> bytes:
        """The stored form: zlib-compressed JSON (a 36 KB narrative takes about 7 KB)."""
        return zlib.compress(json.dumps(self.to_json(), ensure_ascii=False).encode(), 6)

    @classmethod
    def from_json(cls, data: dict[str, Any] | str | bytes) -> Narrative:
        """Read a narrative from its JSON object, JSON text, or stored blob (see to_blob)."""
        if isinstance(data, bytes):
            data = zlib.decompress(data).decode()
        if isinstance(data, str):
            data = json.loads(data)
        assert isinstance(data, dict)
        return cls(
            country=data["country"],
            country_key=data["country_key"],
            edition=data.get("edition"),
            tier=data["tier"],
            summary=data.get("summary", ""),
            recommendations=tuple(data.get("recommendations", ())),
            sections=dict(data.get("sections", {})),
            layout=data.get("layout", ""),
            parser_version=data.get("parser_version", ""),
            heading=data.get("heading", ""),
            truncated=bool(data.get("truncated", False)),
            warnings=tuple(data.get("warnings", ())),
        )


@dataclass(frozen=True)
class Change:
    """One typed change between two versions of a narrative.

    `detail` holds the kind-specific fields, flat and JSON-ready:
      tier:           from, to, direction ("upgrade" | "downgrade" | "status"), watch_list_streak,
                      waiver (bool), faces_automatic_downgrade (bool)
      recommendation: label ("new" | "dropped" | "reworded" | "possibly_reworded"), old, new,
                      score, diff (word ops), editions_carried
      findings:       diff (word ops [[op, text], ...]), share_changed, boilerplate_only (bool)
      section:        section, diff, share_changed, status ("changed" | "added" | "removed")
      coverage:       status ("added" | "removed")
      edition:        countries, tier_moves
      doubtful:       reason
    `key` identifies the change within its comparison so that recording it twice is a no-op.
    """

    kind: str
    significance: str
    summary: str  # one line a person can read: "Japan: Tier 2 -> Tier 2 Watch List (2024 report)"
    key: str
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "significance": self.significance, "summary": self.summary, **self.detail}
