"""The shared vocabulary: what a narrative is, and what a change is.

Everything above this module (parsers, comparison, alerts, the web page) speaks in these types.
They are frozen so that a Narrative parsed once can be passed around without anyone editing it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar, Literal, Self

from snapshots.core.compression import compress, decompress

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

# The one list of significances, lowest first (the change kinds are the keys of DETAILS, below).
SIGNIFICANCES: tuple[str, ...] = ("low", "medium", "high")
SIGNIFICANCE_RANK: dict[str, int] = {name: rank for rank, name in enumerate(SIGNIFICANCES, 1)}

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
    truncated: bool = False  # the page ended before the narrative did
    warnings: tuple[str, ...] = ()  # what the parser was unsure about, for a person to read

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["recommendations"] = list(self.recommendations)
        data["warnings"] = list(self.warnings)
        return data

    def to_blob(self) -> bytes:
        """The stored form: compressed JSON (a 36 KB narrative takes about 6.5 KB)."""
        return compress(json.dumps(self.to_json(), ensure_ascii=False).encode())

    @classmethod
    def from_json(cls, data: dict[str, Any] | str | bytes) -> Narrative:
        """Read a narrative from its JSON object, JSON text, or stored blob (see to_blob)."""
        if isinstance(data, bytes):
            data = decompress(data).decode()
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


Op = tuple[int, str]  # a word-diff op: (-1 deleted | 0 equal | 1 inserted, text)


def _ops_json(ops: tuple[Op, ...]) -> list[list[Any]]:
    return [[op, text] for op, text in ops]


def _ops_from(value: Any) -> tuple[Op, ...]:
    return tuple((int(op), str(text)) for op, text in value or ())


@dataclass(frozen=True)
class TierMove:
    """One country whose tier (or coverage) differs between two editions' rosters."""

    country_key: str
    country: str  # display name
    old_tier: str | None  # None: newly covered
    new_tier: str | None  # None: no longer covered
    direction: str  # upgrade | downgrade | status
    old_snapshot_id: int | None = None
    new_snapshot_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "country_key": self.country_key,
            "country": self.country,
            "from": self.old_tier,
            "to": self.new_tier,
            "direction": self.direction,
            "old_snapshot_id": self.old_snapshot_id,
            "new_snapshot_id": self.new_snapshot_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TierMove:
        return cls(
            data.get("country_key", ""),
            data.get("country", ""),
            data.get("from"),
            data.get("to"),
            data.get("direction", "status"),
            data.get("old_snapshot_id"),
            data.get("new_snapshot_id"),
        )


# --- the detail of each change kind: flat and JSON-ready through to_json, read back by from_json ---


class Detail:
    """Base of the per-kind details. `from_json` tolerates missing keys (older rows, hand-made test data)."""

    kind: ClassVar[str]
    _json_names: ClassVar[dict[str, str]] = {"from_tier": "from", "to_tier": "to"}

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            if f.name == "diff":
                value = _ops_json(value)
            elif f.name == "moves":
                value = [m.to_json() for m in value]
            elif f.name == "elided":
                value = [list(e) for e in value]
            elif isinstance(value, tuple):
                value = list(value)
            out[self._json_names.get(f.name, f.name)] = value
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        values: dict[str, Any] = {}
        for f in fields(cls):  # type: ignore[arg-type]
            name = cls._json_names.get(f.name, f.name)
            if name not in data:
                continue
            value = data[name]
            if f.name == "diff":
                value = _ops_from(value)
            elif f.name == "moves":
                value = tuple(TierMove.from_json(m) for m in value or ())
            elif f.name == "boilerplate":
                value = tuple(value or ())
            elif f.name == "elided":
                value = tuple((int(i), int(n)) for i, n in value or ())
            values[f.name] = value
        return cls(**values)


@dataclass(frozen=True)
class TierDetail(Detail):
    kind: ClassVar[str] = "tier"
    from_tier: str | None = None
    to_tier: str | None = None
    direction: str = "status"  # upgrade | downgrade | status
    watch_list_streak: int = 0
    waiver: bool = False
    faces_automatic_downgrade: bool = False


@dataclass(frozen=True)
class RecommendationDetail(Detail):
    kind: ClassVar[str] = "recommendation"
    label: str = "new"  # new | dropped | reworded | possibly_reworded
    old: str | None = None
    new: str | None = None
    score: float | None = None
    diff: tuple[Op, ...] = ()
    editions_carried: int | None = None


@dataclass(frozen=True)
class FindingsDetail(Detail):
    kind: ClassVar[str] = "findings"
    diff: tuple[Op, ...] = ()
    share_changed: float = 0.0
    boilerplate_only: bool = False
    boilerplate: tuple[int, ...] = ()  # indices of ops that are edition boilerplate drift


@dataclass(frozen=True)
class SectionDetail(Detail):
    kind: ClassVar[str] = "section"
    section: str = ""
    status: str = "changed"  # changed | added | removed
    diff: tuple[Op, ...] = ()
    share_changed: float = 0.0
    boilerplate: tuple[int, ...] = ()
    # As stored: (index, length) of each long unchanged run cut to its ends (see core.text.elide_unchanged).
    elided: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class CoverageDetail(Detail):
    kind: ClassVar[str] = "coverage"
    status: str = "added"  # added | removed
    tier: str | None = None
    from_tier: str | None = None
    to_tier: str | None = None
    direction: str = "status"
    edition: int | None = None  # the edition the country appears in or is missing from
    last_edition: int | None = None  # removed: the last edition that covered it


@dataclass(frozen=True)
class EditionDetail(Detail):
    kind: ClassVar[str] = "edition"
    edition: int | None = None
    previous_edition: int | None = None
    countries: int = 0
    tier_moves: int = 0
    upgrades: int = 0
    downgrades: int = 0
    moves: tuple[TierMove, ...] = ()


@dataclass(frozen=True)
class DoubtfulDetail(Detail):
    kind: ClassVar[str] = "doubtful"
    reason: str = "no reason given"
    from_tier: str | None = None
    to_tier: str | None = None


@dataclass(frozen=True)
class LayoutDetail(Detail):
    """A part the page used to have is gone (the page layout changed, or the parser lost it)."""

    kind: ClassVar[str] = "layout"
    part: str = ""  # e.g. "recommendations"
    before: int = 0  # how many items (or paragraphs) the previous version had


# --- the report's own figures (read out of the narrative's prose by snapshots.core.figures) ---

MEASURES: tuple[str, ...] = ("investigations", "prosecutions", "convictions", "victims_identified")
SCOPES: tuple[str, ...] = ("all", "sex", "labor")
FIGURE_SECTIONS: tuple[str, ...] = ("summary", "prosecution", "protection")
# A count of cases ("41 cases", "118 investigations") and a count of people ("12 suspects",
# "63 victims") are different numbers for the same measure: a change is only read between equals.
UNITS: tuple[str, ...] = ("cases", "persons")


@dataclass(frozen=True)
class Figure:
    """One figure as a narrative states it.

    `value` is None (and `reported` False, `unit` None) for an explicit "did not report" statement.
    `previous` is the prior period's figure when the same sentence gives it.
    """

    measure: str  # one of MEASURES
    value: int | None
    qualifier: str | None  # "at least", "approximately", "more than", ... lower case; None if exact
    scope: str  # one of SCOPES
    previous: int | None
    section: str  # one of FIGURE_SECTIONS
    sentence: str  # verbatim
    reported: bool = True
    unit: str | None = None  # one of UNITS; None when not reported

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Figure:
        return cls(
            measure=data["measure"],
            value=data.get("value"),
            qualifier=data.get("qualifier"),
            scope=data.get("scope", "all"),
            previous=data.get("previous"),
            section=data["section"],
            sentence=data["sentence"],
            reported=data.get("reported", True),
            unit=data.get("unit"),
        )


@dataclass(frozen=True)
class FigureDetail(Detail):
    """A figure the report states moved between editions ("move"), or the report revised its own prior
    figure ("revision": the new edition's "compared with N" disagrees with what the old edition said)."""

    kind: ClassVar[str] = "figure"
    label: str = "move"  # move | revision
    measure: str = ""  # investigations | prosecutions | convictions | victims_identified
    scope: str = "all"  # all | sex | labor
    unit: str | None = None  # cases | persons
    value: int | None = None  # move: the new figure; revision: the new edition's stated previous figure
    was: int | None = None  # what the old edition reported
    old_edition: int | None = None
    new_edition: int | None = None
    sentence: str = ""  # the new edition's source sentence, verbatim


DETAILS: dict[str, type[Detail]] = {
    cls.kind: cls
    for cls in (
        TierDetail,
        RecommendationDetail,
        FindingsDetail,
        SectionDetail,
        CoverageDetail,
        EditionDetail,
        DoubtfulDetail,
        LayoutDetail,
        FigureDetail,
    )
}
KINDS: tuple[str, ...] = tuple(DETAILS)


def detail_from_json(kind: str, data: dict[str, Any]) -> Detail:
    """The typed detail of a kind from its JSON; an unknown kind reads as doubtful (shown, never dropped)."""
    return DETAILS.get(kind, DoubtfulDetail).from_json(data)


@dataclass(frozen=True)
class Change:
    """One typed change between two versions of a narrative (or two editions).

    `key` identifies the change within its comparison so that recording it twice is a no-op.
    `detail` is the kind's own dataclass; `kind` is read from it.
    """

    significance: str
    summary: str  # one line a person can read: "Japan: Tier 2 -> Tier 2 Watch List (2024 report)"
    key: str
    detail: Detail

    @property
    def kind(self) -> str:
        return self.detail.kind

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "significance": self.significance, "summary": self.summary, **self.detail.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any], *, key: str = "") -> Change:
        """Read back `to_json` (or a stored row's kind, significance, summary and detail merged)."""
        detail = detail_from_json(str(data.get("kind", "")), data)
        return cls(str(data.get("significance", "low")), str(data.get("summary", "")), key, detail)
