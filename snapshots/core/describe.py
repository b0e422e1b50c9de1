"""The one per-kind wording table: how each change kind is said, at every door. Pure.

compare writes its summary lines with `summary`; the terminal's history column uses `what_changed`;
alerts and the web page's change page render `lines` (styled spans: "plain", "strong", "ins", "del").
A new kind adds one `Wording` row here and its detail class in models; no door spells a kind itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from snapshots.core.models import (
    KINDS,
    CoverageDetail,
    Detail,
    DoubtfulDetail,
    EditionDetail,
    FigureDetail,
    FindingsDetail,
    LayoutDetail,
    Op,
    RecommendationDetail,
    SectionDetail,
    TierDetail,
)

Span = tuple[str, str]  # (style, text); style is "plain", "strong", "ins" or "del"
Line = tuple[Span, ...]

CONTEXT_CHARS = 80  # unchanged text kept on each side of an edit in an excerpt
EXCERPT_CHARS = 1500
SUMMARY_ITEM_CHARS = 90


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def count(n: int, noun: str, plural: str | None = None) -> str:
    """ "1 upgrade", "2 upgrades", "0 countries" (pass `plural` where adding an s is wrong)."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def appeared(name: str, edition: int, tier: str, was: str | None) -> str:
    """A page of an edition read after its release digest: "Bhutan's 2025 narrative appeared: Tier 2, was Tier 1"."""
    after = "covered for the first time" if was is None else f"was {was}" if was != tier else "as before"
    return f"{name}'s {edition} narrative appeared: {tier}, {after}"


def label_words(label: str) -> str:
    """ "possibly_reworded" -> "possibly reworded"."""
    return label.replace("_", " ")


def part_name(name: str) -> str:
    """A part of a narrative as readers call it: "trafficking_profile" -> "Trafficking profile". The summary
    paragraph is "Findings" everywhere (the change kind's own word), never "Summary"."""
    return "Findings" if name in ("summary", "findings") else name.replace("_", " ").capitalize()


def section_title(name: str) -> str:
    """ "trafficking_profile" -> "TRAFFICKING PROFILE", as the report prints its headings."""
    return part_name(name).upper()


def percent(share: float) -> int:
    return round(share * 100)


def move_words(direction: str, previous_tier: str | None) -> str:
    """A tier move as a table cell: "downgrade", "upgrade", "status change", "first covered", or "" (same)."""
    if previous_tier is None:
        return "first covered"
    return {"same": "", "status": "status change"}.get(direction, direction)


def where(comparison: str, old_edition: int | None, new_edition: int | None) -> str:
    """Which comparison a change came from, as a summary's closing words."""
    if comparison == "revision":
        return f"{new_edition} report, revised"
    return f"{new_edition} vs {old_edition} report"


def heading(comparison: str, old_edition: int | None, new_edition: int | None, *, identical: bool = False) -> str:
    """What a diff compares, as its heading says it: "2024 report vs 2023 report", "2024 report, revised"."""
    if identical:
        return f"{new_edition} report, identical"
    if comparison == "revision":
        return f"{new_edition} report, revised"
    return f"{new_edition} report vs {old_edition} report"


def _short(text: str, limit: int = SUMMARY_ITEM_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- excerpts of word diffs ---


def _spans(ops: Sequence[Op]) -> list[Span]:
    styles = {1: "ins", -1: "del", 0: "plain"}
    return [(styles.get(op, "plain"), str(text)) for op, text in ops]


def _context(text: str, *, first: bool, last: bool) -> str:
    n = CONTEXT_CHARS
    if len(text) <= 2 * n + 5:
        return text
    if first:
        return "…" + text[-n:]
    if last:
        return text[:n] + "…"
    return text[:n] + " … " + text[-n:]


def excerpt(ops: Sequence[Op]) -> Line:
    """Every edit, with a little unchanged text around each, clipped to EXCERPT_CHARS."""
    spans = _spans(ops)
    widened = [
        (style, _context(text, first=i == 0, last=i == len(spans) - 1) if style == "plain" else text)
        for i, (style, text) in enumerate(spans)
    ]
    clipped: list[Span] = []
    budget = EXCERPT_CHARS
    for style, text in widened:
        if budget <= 0:
            clipped.append(("plain", " …"))
            break
        clipped.append((style, clip(text, budget)))
        budget -= len(text)
    return tuple(clipped)


# --- one row per kind ---


@dataclass(frozen=True)
class Wording:
    summary: Callable[[Any, str, str], str]  # (detail, country name, where) -> one line
    brief: Callable[[Any], str]  # (detail) -> a few words for a table cell ("" when grouped, see what_changed)
    lines: Callable[[Any], list[Line]]  # (detail) -> the lines of an alert or a change page


def _tier_summary(d: TierDetail, name: str, where: str) -> str:
    return f"{name}: {d.from_tier} -> {d.to_tier} ({where})"


def _tier_lines(d: TierDetail) -> list[Line]:
    direction = {"upgrade": "Upgrade", "downgrade": "Downgrade"}.get(d.direction, "Status change")
    lines: list[Line] = [(("strong", f"{direction}: "), ("plain", f"{d.from_tier or '?'} -> {d.to_tier or '?'}"))]
    if d.watch_list_streak:
        lines.append((("plain", f"Years in a row on the Tier 2 Watch List: {d.watch_list_streak}"),))
    if d.waiver:
        lines.append((("plain", "Granted a waiver from an automatic downgrade."),))
    if d.faces_automatic_downgrade:
        lines.append((("plain", "Faces an automatic downgrade to Tier 3 next year without a waiver."),))
    return lines


def _recommendation_summary(d: RecommendationDetail, name: str, where: str) -> str:
    return f"{name}: {label_words(d.label)} recommendation: {_short(d.new or d.old or '')} ({where})"


def _recommendation_lines(d: RecommendationDetail) -> list[Line]:
    if d.label == "new":
        return [(("strong", "New recommendation: "), ("ins", d.new or ""))]
    if d.label == "dropped":
        return [(("strong", "Dropped recommendation: "), ("del", d.old or ""))]
    heading = f"{label_words(d.label).capitalize()} recommendation: "
    if d.diff:
        return [(("strong", heading),), excerpt(d.diff)]
    return [
        (("strong", heading),),
        (("plain", "Before: "), ("del", d.old or "")),
        (("plain", "Now: "), ("ins", d.new or "")),
    ]


def _text_lines(d: FindingsDetail | SectionDetail, boilerplate_only: bool = False) -> list[Line]:
    added = sum(len(t.split()) for op, t in d.diff if op > 0)
    removed = sum(len(t.split()) for op, t in d.diff if op < 0)
    stats = f"{count(added, 'word')} added, {removed} removed (about {percent(d.share_changed)}% of the text)"
    if boilerplate_only:
        stats += "; only standard wording changed"
    lines: list[Line] = [(("plain", stats),)]
    if d.diff:
        lines.append(excerpt(d.diff))
    return lines


def _findings_summary(d: FindingsDetail, name: str, where: str) -> str:
    return f"{name}: findings changed, {percent(d.share_changed)}% of words ({where})"


def _findings_lines(d: FindingsDetail) -> list[Line]:
    return _text_lines(d, d.boilerplate_only)


def _section_summary(d: SectionDetail, name: str, where: str) -> str:
    share = f", {percent(d.share_changed)}% of words" if d.status == "changed" else ""
    return f"{name}: {part_name(d.section)} section {d.status}{share} ({where})"


def _section_lines(d: SectionDetail) -> list[Line]:
    return [(("strong", f"{part_name(d.section)} section {d.status}"),), *_text_lines(d)]


def _coverage_summary(d: CoverageDetail, name: str, where: str) -> str:
    if d.status == "added":
        return f"{name}: covered in the {d.edition} report for the first time, {d.tier}"
    return f"{name}: not covered in the {d.edition} report (last: {d.last_edition}, {d.tier})"


def _coverage_brief(d: CoverageDetail) -> str:
    return "first covered" if d.status == "added" else "no longer covered"


def _edition_summary(d: EditionDetail, name: str, where: str) -> str:
    if d.previous_edition is None:
        return f"{d.edition} report: {d.countries} countries"
    return (
        f"{d.edition} report: {d.countries} countries, {d.tier_moves} tier moves ({d.upgrades} up, {d.downgrades} down)"
    )


def _doubtful_summary(d: DoubtfulDetail, name: str, where: str) -> str:
    return f"{name}: extraction doubtful ({where}): {d.reason}"


def _layout_summary(d: LayoutDetail, name: str, where: str) -> str:
    return f"{name}: {label_words(d.part)} not found ({d.before} before): possible layout change ({where})"


def measure_label(measure: str, scope: str = "all") -> str:
    """ "convictions", "victims identified", "labor trafficking convictions"."""
    label = measure.replace("_", " ")
    return label if scope == "all" else f"{scope} trafficking {label}"


def figure_words(d: FigureDetail) -> str:
    """ "convictions 9, was 35 in 2024", or the revised prior figure said in full."""
    label = measure_label(d.measure, d.scope)
    if d.label == "move":
        return f"{label} {d.value}, was {d.was} in {d.old_edition}"
    return (
        f"{label}: the {d.new_edition} report gives {d.value} for the previous period, "
        f"the {d.old_edition} report said {d.was}"
    )


def _figure_summary(d: FigureDetail, name: str, where: str) -> str:
    return f"{name} {d.new_edition}: {figure_words(d)}"


def _figure_brief(d: FigureDetail) -> str:
    label = measure_label(d.measure, d.scope)
    return f"{label} {d.was} -> {d.value}" if d.label == "move" else f"{label} revised"


def _figure_lines(d: FigureDetail) -> list[Line]:
    label = measure_label(d.measure, d.scope)
    if d.label == "move":
        head: Line = (
            ("strong", f"{label.capitalize()}: "),
            ("del", f"{d.was} in {d.old_edition}"),
            ("plain", " -> "),
            ("ins", f"{d.value} in {d.new_edition}"),
        )
    else:
        head = (
            ("strong", f"{label.capitalize()}, prior figure revised: "),
            ("plain", f"the {d.new_edition} report gives "),
            ("ins", str(d.value)),
            ("plain", f" for the previous period; the {d.old_edition} report said "),
            ("del", str(d.was)),
        )
    return [head, (("plain", "Source: "), ("plain", d.sentence))]


WORDING: dict[str, Wording] = {
    "tier": Wording(_tier_summary, lambda d: f"{d.from_tier} -> {d.to_tier}", _tier_lines),
    "recommendation": Wording(_recommendation_summary, lambda d: "", _recommendation_lines),
    "findings": Wording(_findings_summary, lambda d: f"findings {percent(d.share_changed)}%", _findings_lines),
    "section": Wording(_section_summary, lambda d: "", _section_lines),
    "coverage": Wording(_coverage_summary, _coverage_brief, lambda d: [(("plain", f"Narrative {d.status}."),)]),
    "edition": Wording(
        _edition_summary,
        lambda d: "",
        lambda d: [(("plain", f"Countries: {d.countries}; tier moves: {d.tier_moves}"),)],
    ),
    "doubtful": Wording(
        _doubtful_summary,
        lambda d: "extraction doubtful",
        lambda d: [(("plain", f"Not sure about this one: {d.reason}"),)],
    ),
    "layout": Wording(
        _layout_summary,
        lambda d: f"{label_words(d.part)} not found",
        lambda d: [
            (
                (
                    "plain",
                    f"This version has no {label_words(d.part)} ({d.before} before). The page layout may have "
                    "changed or the page may be incomplete; nothing was reported as removed.",
                ),
            )
        ],
    ),
    "figure": Wording(_figure_summary, _figure_brief, _figure_lines),
}
assert set(WORDING) == set(KINDS), "every kind needs its wording"


def summary(detail: Detail, name: str, where: str) -> str:
    return WORDING[detail.kind].summary(detail, name, where)


def lines(detail: Detail) -> list[Line]:
    return WORDING[detail.kind].lines(detail)


def kind_rank(kind: str) -> int:
    """Higher for the kinds a reader wants first (the order of KINDS)."""
    return len(KINDS) - (KINDS.index(kind) if kind in KINDS else len(KINDS))


def what_changed(details: Sequence[Detail]) -> str:
    """One short line for a snapshot's changes: "Tier 1 -> Tier 2; findings 62%; recommendations: 1 new"."""
    parts = [b for b in (WORDING[d.kind].brief(d) for d in details) if b]
    labels = Counter(d.label for d in details if isinstance(d, RecommendationDetail))
    sections = [
        part_name(d.section).lower() + ("" if d.status == "changed" else f" {d.status}")
        for d in details
        if isinstance(d, SectionDetail)
    ]
    if labels:
        parts.append("recommendations: " + ", ".join(f"{n} {label_words(label)}" for label, n in labels.items()))
    if sections:
        parts.append("sections: " + ", ".join(sections))
    return "; ".join(parts) or "-"
