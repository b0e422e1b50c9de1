"""Recommendations across two versions or many editions: matching, carried counts and the tracker. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from snapshots.core import matching
from snapshots.core.models import Narrative, Op, RecommendationDetail
from snapshots.core.normalize import clean_recommendation, fold_boilerplate, printed_text
from snapshots.core.textdiff import word_diff


@dataclass(frozen=True)
class RecommendationDiff:
    label: str  # kept | reworded | possibly_reworded | new | dropped
    old: str | None
    new: str | None
    score: float | None
    ops: tuple[Op, ...] = ()
    editions_carried: int | None = None  # edition comparisons: consecutive editions including this one

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "old": self.old,
            "new": self.new,
            "score": self.score,
            "diff": [[op, text] for op, text in self.ops],
            "editions_carried": self.editions_carried,
        }


def _rec_key(cleaned: str, *, fold: bool) -> str:
    """The matching key of a recommendation already passed through clean_recommendation."""
    text = cleaned.rstrip(". ")
    return fold_boilerplate(text) if fold else text


def match_recommendations(
    old: Sequence[str], new: Sequence[str], *, fold: bool, carried: Mapping[str, int] | None = None
) -> tuple[RecommendationDiff, ...]:
    """Label every recommendation of both lists: kept, reworded, possibly_reworded, new or dropped.

    One-to-one, as `snapshots.core.matching.match` pairs the keys. `carried` maps an old item's key
    (`recommendation_key`) to how many consecutive editions it had been carried; given it, each result gets
    `editions_carried` (kept or reworded: old count + 1; possibly reworded or new: 1; dropped: the old count).
    """
    old_items, new_items = _items(old, fold=fold), _items(new, fold=fold)
    out: list[RecommendationDiff] = []
    for m in matching.match([key for _, key in old_items], [key for _, key in new_items]):
        old_text = None if m.old is None else old_items[m.old][0]
        new_text = None if m.new is None else new_items[m.new][0]
        count = None
        if carried is not None:
            before = 0 if m.old is None else carried.get(old_items[m.old][1], 1)
            count = before if m.label == "dropped" else matching.carried_after(m.label, before)
        reworded = old_text is not None and new_text is not None and m.label != "kept"
        ops = tuple(word_diff(old_text, new_text)) if old_text and new_text and reworded else ()
        out.append(RecommendationDiff(m.label, old_text, new_text, m.score, ops, count))
    return tuple(out)


def _items(texts: Sequence[str], *, fold: bool) -> list[tuple[str, str]]:
    """(text as shown, matching key) of each non-empty recommendation: matched on normalized words, shown
    and quoted as the page printed them (curly quotes, dashes and case kept; see `printed_text`)."""
    items = []
    for text in texts:
        cleaned = clean_recommendation(text)
        if cleaned:
            items.append((printed_text(text), _rec_key(cleaned, fold=fold)))
    return items


def recommendations_from_changes(
    old: Sequence[str], new: Sequence[str], stored: Sequence[RecommendationDetail], *, fold: bool
) -> tuple[RecommendationDiff, ...] | None:
    """What `match_recommendations(old, new, fold=fold)` returns, rebuilt from the recommendation changes
    compare stored for this pair: only the kept items (identical keys, linear) are paired again, so a long
    list costs no fuzzy matching or word diffs. None when the stored rows do not account for exactly the
    items left unpaired (stored by another matcher, or not for this pair): then match instead.
    """
    old_items, new_items = _items(old, fold=fold), _items(new, fold=fold)
    pairs: dict[int, tuple[int, float]] = {}
    free_old = matching.pair_identical([k for _, k in old_items], [k for _, k in new_items], pairs)
    free_by_text: dict[str, list[int]] = {}
    for i in sorted(free_old):
        free_by_text.setdefault(old_items[i][0], []).append(i)
    by_new: dict[str, list[RecommendationDetail]] = {}
    dropped: dict[str, list[RecommendationDetail]] = {}
    for detail in stored:
        if detail.label == matching.DROPPED and detail.old is not None:
            dropped.setdefault(detail.old, []).append(detail)
        elif detail.new is not None:
            by_new.setdefault(detail.new, []).append(detail)
    out: list[RecommendationDiff] = []
    for j, (text, _) in enumerate(new_items):
        if j in pairs:
            i, score = pairs[j]
            out.append(RecommendationDiff(matching.KEPT, old_items[i][0], text, score))
            continue
        rows = by_new.get(text)
        if not rows:
            return None
        detail = rows.pop(0)
        if detail.old is not None:
            waiting = free_by_text.get(detail.old)
            if not waiting:
                return None
            free_old.discard(waiting.pop(0))
        out.append(RecommendationDiff(detail.label, detail.old, detail.new, detail.score, detail.diff))
    for i in sorted(free_old):
        rows = dropped.get(old_items[i][0])
        if not rows:
            return None
        rows.pop(0)
        out.append(RecommendationDiff(matching.DROPPED, old_items[i][0], None, None))
    if any(by_new.values()) or any(dropped.values()):
        return None
    return tuple(out)


def recommendation_key(text: str) -> str:
    """The key `match_recommendations(carried=...)` looks items up by (for edition comparisons)."""
    return _rec_key(clean_recommendation(text), fold=True)


def carried_counts(editions: Sequence[Sequence[str]]) -> dict[str, int]:
    """For a country's recommendations over consecutive covered editions (oldest first), how many
    consecutive editions each item of the last one has been carried (reworded items count as carried,
    possibly reworded ones start again at 1)."""
    carried: dict[str, int] = {}
    previous: Sequence[str] = ()
    for i, items in enumerate(editions):
        if i == 0:
            carried = {recommendation_key(t): 1 for t in items}
        else:
            matched = match_recommendations(previous, items, fold=True, carried=carried)
            carried = {recommendation_key(r.new): r.editions_carried or 1 for r in matched if r.new is not None}
        previous = items
    return carried


@dataclass(frozen=True)
class TrackerCell:
    label: str  # first | kept | reworded | possibly_reworded | new | dropped
    text: str


@dataclass(frozen=True)
class TrackedRecommendation:
    text: str  # the latest wording
    years_carried: int  # consecutive editions carried (kept or reworded) up to its last appearance
    active: bool  # still in the latest edition
    cells: dict[int, TrackerCell]


@dataclass(frozen=True)
class RecommendationTracker:
    editions: list[int]
    threads: list[TrackedRecommendation]


def recommendation_tracker(narratives: list[tuple[int, Narrative]]) -> RecommendationTracker:
    """Follow each recommendation through consecutive covered editions (oldest first), as compare matches them."""
    cells: list[dict[int, TrackerCell]] = []
    by_text: dict[str, list[int]] = {}  # normalized text in the previous edition -> thread indices
    previous: tuple[str, ...] = ()
    for position, (edition, narrative) in enumerate(narratives):
        current: dict[str, list[int]] = {}
        for rec in match_recommendations(previous, narrative.recommendations, fold=True):
            if rec.label == "dropped":
                thread = by_text[rec.old or ""].pop(0)
                cells[thread][edition] = TrackerCell("dropped", rec.old or "")
                continue
            if rec.label == "new":
                thread = len(cells)
                cells.append({})
            else:
                thread = by_text[rec.old or ""].pop(0)
            label = "first" if position == 0 else rec.label
            cells[thread][edition] = TrackerCell(label, rec.new or "")
            current.setdefault(rec.new or "", []).append(thread)
        by_text, previous = current, narrative.recommendations
    latest = narratives[-1][0] if narratives else None
    threads = [
        TrackedRecommendation(
            text=[c.text for c in row.values() if c.label != "dropped"][-1],
            years_carried=_years_carried(row),
            active=latest in row and row[latest].label != "dropped",
            cells=row,
        )
        for row in cells
    ]
    threads.sort(key=lambda t: (not t.active, -max(t.cells)))
    return RecommendationTracker([edition for edition, _ in narratives], threads)


def _years_carried(row: dict[int, TrackerCell]) -> int:
    """Editions carried as compare counts them (`matching.carried_after`): a possibly reworded link is
    shown in the row but starts the count again."""
    count = 0
    for cell in row.values():
        if cell.label != "dropped":
            count = matching.carried_after(cell.label, count)
    return count
