"""`diff_pair`: the one way to get the diff of two stored snapshots, for every door. Reads only."""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from snapshots.core.compare import NarrativeDiff, assemble_diff, diff_narratives
from snapshots.core.models import SECTION_NAMES, FindingsDetail, Narrative, RecommendationDetail, SectionDetail
from snapshots.core.recommendations import match_recommendations, recommendations_from_changes
from snapshots.core.text import SectionDiff, TextDiff, restore_unchanged
from snapshots.read.changes import ChangeRecord, changes_of_pair
from snapshots.read.figures import snapshot_figures
from snapshots.read.snapshots import SnapshotRow, narrative, snapshot, tier_history


@dataclass(frozen=True)
class SectionView:
    name: str
    status: str  # same | changed | added | removed (as compare says)
    share_changed: float
    ops: tuple[tuple[int, str], ...]
    boilerplate: tuple[int, ...] = ()  # indices of ops that are edition boilerplate drift (shown dimmed)


@dataclass(frozen=True)
class PairDiff:
    old: SnapshotRow
    new: SnapshotRow
    diff: NarrativeDiff

    @property
    def sections(self) -> list[SectionView]:
        """The findings (summary) first, then each section."""
        findings = self.diff.findings
        views = [
            SectionView(
                "summary",
                "changed" if findings.changed else "same",
                findings.share_changed,
                findings.ops,
                findings.boilerplate,
            )
        ]
        views += [
            SectionView(s.name, s.status, s.text.share_changed, s.text.ops, s.text.boilerplate)
            for s in self.diff.sections
        ]
        return views


def diff_pair(db: Database, old_id: int, new_id: int) -> PairDiff | None:
    """The structured diff of two snapshots of one country (None if either is missing or unreadable).

    A pair the job compared is rebuilt from its stored changes (what the alerts said, and no word diffing
    per request); any other pair is diffed by compare, with the stored tier history for the Watch List streak.
    """
    old_row, new_row = snapshot(db, old_id), snapshot(db, new_id)
    old, new = narrative(db, old_id), narrative(db, new_id)
    if old_row is None or new_row is None or old is None or new is None:
        return None
    history = tier_history(db, new.country_key, before=new_row.edition)
    stored = changes_of_pair(db, old_id, new_id)
    if stored:
        result = _from_changes(old, new, stored, history)
    else:
        figures = snapshot_figures(db, old_id), snapshot_figures(db, new_id)
        result = diff_narratives(old, new, tier_history=history, figures=figures)
    return PairDiff(old_row, new_row, result)


def _stored_text(detail: FindingsDetail | SectionDetail, new_text: str = "") -> TextDiff:
    """A stored text diff, whole again: a section's long unchanged runs are stored cut (`elide_unchanged`)."""
    ops = detail.diff
    if isinstance(detail, SectionDetail) and detail.elided:
        ops = restore_unchanged(ops, detail.elided, new_text)
    return TextDiff(ops, detail.share_changed, True, detail.boilerplate)


def _from_changes(old: Narrative, new: Narrative, stored: list[ChangeRecord], history: dict[int, str]) -> NarrativeDiff:
    """A NarrativeDiff rebuilt from the change rows compare produced for this very pair (parts with no row
    were unchanged), so the costly word diffs of long sections are never recomputed per request."""
    comparison = stored[0].comparison
    findings = [r.detail for r in stored if isinstance(r.detail, FindingsDetail)]
    section_rows = {r.detail.section: r.detail for r in stored if isinstance(r.detail, SectionDetail)}
    fold = comparison == "edition"
    recommendations = recommendations_from_changes(
        old.recommendations,
        new.recommendations,
        [r.detail for r in stored if isinstance(r.detail, RecommendationDetail)],
        fold=fold,
    )
    if recommendations is None:  # rows stored by an older matcher: match again rather than show a mix
        recommendations = match_recommendations(old.recommendations, new.recommendations, fold=fold)
    names = [n for n in SECTION_NAMES if n in old.sections or n in new.sections]
    names += [n for n in dict.fromkeys([*old.sections, *new.sections]) if n not in SECTION_NAMES]
    sections = tuple(
        SectionDiff(name, section_rows[name].status, _stored_text(section_rows[name], new.sections.get(name, "")))
        if name in section_rows
        else SectionDiff(name, "same", TextDiff.unchanged(new.sections.get(name, "")))
        for name in names
        if new.sections.get(name) or old.sections.get(name)
    )
    return assemble_diff(
        old,
        new,
        comparison=comparison,
        tier_history=history,
        findings=_stored_text(findings[0]) if findings else TextDiff.unchanged(new.summary),
        recommendations=recommendations,
        sections=sections,
        changes=tuple(r.change() for r in stored),
    )
