"""Two narratives in, the changes a reader cares about out. Pure: no database, network or clock.

`diff_narratives` builds the full structured diff (tier, each recommendation labelled, findings and every
section as word ops with boilerplate marked); `compare` returns only its typed changes. Every view
(terminal, web, email, Slack) renders these structures and never diffs again.

Two comparisons: "revision" (a page edited after release, same edition) and "edition" (a country's
narrative against its narrative in the previous edition that covered it). Edition boilerplate drift is
folded only for the edition comparison; cosmetic differences are never a change.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from snapshots.core import describe
from snapshots.core.countries import display_name
from snapshots.core.models import (
    SECTION_NAMES,
    Change,
    Comparison,
    CoverageDetail,
    Detail,
    DoubtfulDetail,
    EditionDetail,
    Figure,
    FigureDetail,
    FindingsDetail,
    LayoutDetail,
    Narrative,
    RecommendationDetail,
    SectionDetail,
    TierDetail,
    TierMove,
)
from snapshots.core.normalize import clean_recommendation
from snapshots.core.recommendations import RecommendationDiff, match_recommendations
from snapshots.core.text import SectionDiff, TextDiff, diff_text, text_significance
from snapshots.core.textdiff import EQUAL
from snapshots.core.tiers import TierDiff, diff_tier


@dataclass(frozen=True)
class NarrativeDiff:
    comparison: str
    country: str  # display name
    country_key: str
    old_edition: int | None
    new_edition: int | None
    tier: TierDiff
    findings: TextDiff
    recommendations: tuple[RecommendationDiff, ...]
    sections: tuple[SectionDiff, ...]
    changes: tuple[Change, ...] = field(default=())

    @property
    def identical(self) -> bool:
        """The same narrative on both sides (a snapshot against itself, or an unchanged page): not a revision."""
        return (
            self.comparison == "revision"
            and not self.changes
            and not self.findings.changed
            and all(s.status == "same" for s in self.sections)
            and all(r.label == "kept" for r in self.recommendations)
        )

    def recommendations_by_label(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for rec in self.recommendations:
            counts[rec.label] = counts.get(rec.label, 0) + 1
        return counts

    def to_json(self) -> dict[str, Any]:
        return {
            "comparison": self.comparison,
            "identical": self.identical,
            "country": self.country,
            "country_key": self.country_key,
            "old_edition": self.old_edition,
            "new_edition": self.new_edition,
            "tier": self.tier.to_json(),
            "findings": self.findings.to_json(),
            "recommendations": [r.to_json() for r in self.recommendations],
            "sections": [s.to_json() for s in self.sections],
            "changes": [c.to_json() for c in self.changes],
        }


def _sections(old: Narrative, new: Narrative, *, fold: bool) -> tuple[SectionDiff, ...]:
    known = [n for n in SECTION_NAMES if n in old.sections or n in new.sections]
    others = [n for n in (*old.sections, *new.sections) if n not in SECTION_NAMES]
    out = []
    for name in dict.fromkeys([*known, *others]):
        text = diff_text(old.sections.get(name, ""), new.sections.get(name, ""), fold=fold)
        if not text.ops:
            continue
        # An empty side holds no words at all: its text printed nothing.
        had, has = any(op <= EQUAL for op, _ in text.ops), any(op >= EQUAL for op, _ in text.ops)
        status = "added" if not had else "removed" if not has else "changed" if text.changed else "same"
        out.append(SectionDiff(name, status, text))
    return tuple(out)


def _comparison_of(old: Narrative, new: Narrative, comparison: Comparison | None) -> str:
    if comparison is not None:
        return comparison
    return "edition" if old.edition != new.edition else "revision"


def diff_narratives(
    old: Narrative,
    new: Narrative,
    *,
    comparison: Comparison | None = None,
    tier_history: Mapping[int, str] | None = None,
    carried: Mapping[str, int] | None = None,
    figures: tuple[Sequence[Figure], Sequence[Figure]] | None = None,
) -> NarrativeDiff:
    """The full structured diff of two versions of one country's narrative, with its typed changes.

    `comparison` defaults to "edition" when the editions differ, else "revision". `tier_history` maps
    earlier editions to this country's tier (for the Watch List streak); `carried` is `carried_counts`
    of the old edition (for how long each recommendation has been carried; edition comparisons only).
    `figures` are the two narratives' `extract_figures`, when the caller has them stored (extracting
    them is most of an edition comparison's time); without them they are extracted here.
    """
    kind = _comparison_of(old, new, comparison)
    fold = kind == "edition"
    diff = assemble_diff(
        old,
        new,
        comparison=kind,
        tier_history=tier_history,
        findings=diff_text(old.summary, new.summary, fold=fold),
        recommendations=match_recommendations(
            old.recommendations, new.recommendations, fold=fold, carried=carried if fold else None
        ),
        sections=_sections(old, new, fold=fold),
    )
    return replace(diff, changes=tuple(_changes(diff, old, new, _figure_moves(old, new, kind, figures))))


def assemble_diff(
    old: Narrative,
    new: Narrative,
    *,
    comparison: str,
    tier_history: Mapping[int, str] | None,
    findings: TextDiff,
    recommendations: tuple[RecommendationDiff, ...],
    sections: tuple[SectionDiff, ...],
    changes: tuple[Change, ...] = (),
) -> NarrativeDiff:
    """A NarrativeDiff from its text parts, whether just computed or read back from stored changes: the
    country's one display name, the editions and the tier are filled in here, the same for both."""
    return NarrativeDiff(
        comparison=comparison,
        country=display_name(new.country or old.country),
        country_key=new.country_key,
        old_edition=old.edition,
        new_edition=new.edition,
        tier=diff_tier(old, new, comparison=comparison, tier_history=tier_history),
        findings=findings,
        recommendations=recommendations,
        sections=sections,
        changes=changes,
    )


def compare(
    old: Narrative,
    new: Narrative,
    *,
    comparison: Comparison | None = None,
    tier_history: Mapping[int, str] | None = None,
    carried: Mapping[str, int] | None = None,
    figures: tuple[Sequence[Figure], Sequence[Figure]] | None = None,
) -> list[Change]:
    """The typed changes between two versions of a narrative (see `diff_narratives` for the arguments)."""
    diff = diff_narratives(old, new, comparison=comparison, tier_history=tier_history, carried=carried, figures=figures)
    return list(diff.changes)


# --- typed changes ---


def _digest(*parts: str | None) -> str:
    return hashlib.sha1("\x1f".join(p or "" for p in parts).encode("utf-8")).hexdigest()[:12]


def _change(diff: NarrativeDiff, significance: str, key: str, detail: Detail) -> Change:
    where = describe.where(diff.comparison, diff.old_edition, diff.new_edition)
    base = f"{diff.comparison}:{diff.country_key}:{diff.old_edition}>{diff.new_edition}"
    return Change(significance, describe.summary(detail, diff.country, where), f"{base}:{key}", detail)


def _figure_moves(
    old: Narrative, new: Narrative, comparison: str, figures: tuple[Sequence[Figure], Sequence[Figure]] | None
) -> list[tuple[str, FigureDetail]]:
    """(significance, detail) of each move of the report's own figures between two editions (a page revised
    within an edition is not a new period)."""
    if comparison != "edition" or old.edition is None or new.edition is None:
        return []
    # Imported when an edition comparison needs it: its patterns take 50-80 ms to compile, and every reader of
    # the database imports this module.
    from snapshots.core.figures import FIGURE_SIGNIFICANCE, extract_figures, figure_changes

    old_figures, new_figures = figures if figures is not None else (extract_figures(old), extract_figures(new))
    moves = figure_changes(old_figures, new_figures, old.edition, new.edition)
    return [(FIGURE_SIGNIFICANCE[move.label], move) for move in moves]


def _lost_parts(old: Narrative, new: Narrative) -> list[tuple[str, int]]:
    """Whole parts the old version had and the new one lacks: (part, how many items or paragraphs)."""
    parts = [
        ("recommendations", len(old.recommendations), len(new.recommendations)),
        ("sections", len(old.sections), len(new.sections)),
        ("summary", len([p for p in old.summary.split("\n\n") if p.strip()]), len(new.summary.strip())),
    ]
    return [(part, before) for part, before, after in parts if before and not after]


def _anomaly(old: Narrative, new: Narrative, diff: NarrativeDiff) -> list[Change]:
    """One change standing for the whole comparison when the new version looks misread rather than
    edited (a part gone, another country named): no per-item drops and no tier move are made of it."""
    if old.country_key != new.country_key:
        reason = f"the page now names another country ({display_name(new.country)}, was {display_name(old.country)})"
        return [_change(diff, "medium", "doubtful:country", DoubtfulDetail(reason, old.tier, new.tier))]
    lost = _lost_parts(old, new)
    return [_change(diff, "medium", f"layout:{part}", LayoutDetail(part, before)) for part, before in lost]


def _changes(
    diff: NarrativeDiff, old: Narrative, new: Narrative, figures: Sequence[tuple[str, FigureDetail]]
) -> list[Change]:
    anomaly = _anomaly(old, new, diff)
    if anomaly:
        return anomaly
    # A truncated page ends early: what it lacks was cut off, not removed. A page whose tier disagrees with
    # its own text may be misread: nothing it lacks is reported as removed either.
    suspect = old.truncated or new.truncated
    changes: list[Change] = []
    tier = diff.tier
    if tier.doubtful and (tier.direction != "same" or diff.findings.changed):
        changes.append(_change(diff, "medium", "doubtful", DoubtfulDetail(tier.doubtful, tier.old, tier.new)))
        suspect = True
    elif tier.direction != "same":
        detail = TierDetail(
            tier.old, tier.new, tier.direction, tier.watch_list_streak, tier.waiver, tier.faces_automatic_downgrade
        )
        changes.append(_change(diff, "high", "tier", detail))
    if diff.findings.changed and not diff.findings.boilerplate_only:
        f = diff.findings
        findings = FindingsDetail(f.ops, f.share_changed, f.boilerplate_only, f.boilerplate)
        changes.append(_change(diff, text_significance(f), "findings", findings))
    for rec in diff.recommendations:
        if rec.label == "kept" or (suspect and rec.label == "dropped"):
            continue
        rec_detail = RecommendationDetail(rec.label, rec.old, rec.new, rec.score, rec.ops, rec.editions_carried)
        significance = "medium" if rec.label in ("new", "dropped") else "low"
        # Keyed on the normalized words, as before quotes were kept as printed: a recomputed change keeps its key.
        key = (
            f"recommendation:{rec.label}:{_digest(*(clean_recommendation(t) if t else t for t in (rec.old, rec.new)))}"
        )
        changes.append(_change(diff, significance, key, rec_detail))
    for section in diff.sections:
        if section.status == "same" or section.text.boilerplate_only or (suspect and section.status == "removed"):
            continue
        text = section.text
        significance = "medium" if section.status != "changed" else text_significance(text)
        section_detail = SectionDetail(section.name, section.status, text.ops, text.share_changed, text.boilerplate)
        changes.append(_change(diff, significance, f"section:{section.name}", section_detail))
    for significance, figure in figures:
        changes.append(_change(diff, significance, f"figure:{figure.label}:{figure.measure}:{figure.scope}", figure))
    return changes


def coverage_change(n: Narrative, status: str, *, edition: int | None) -> Change:
    """A country appearing in ("added", `n` its new narrative) or missing from ("removed", `n` its last
    narrative) edition `edition`."""
    if status == "added":
        detail = CoverageDetail(status, n.tier, None, n.tier, "status", edition)
    else:
        detail = CoverageDetail(status, n.tier, n.tier, None, "status", edition, n.edition)
    summary = describe.summary(detail, display_name(n.country), "")
    return Change("high", summary, f"coverage:{n.country_key}:{edition}:{status}", detail)


def edition_change(edition: int, countries: int, moves: Sequence[TierMove], previous: int | None) -> Change:
    """A new edition seen: how many countries it covers and its tier moves against `previous`."""
    ups = sum(1 for m in moves if m.direction == "upgrade")
    downs = sum(1 for m in moves if m.direction == "downgrade")
    detail = EditionDetail(edition, previous, countries, len(moves), ups, downs, tuple(moves))
    return Change("high", describe.summary(detail, "", ""), f"edition:{edition}", detail)
