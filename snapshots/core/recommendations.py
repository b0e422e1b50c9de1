"""Recommendations across two versions or many editions: matching, carried counts and the tracker. Pure."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, utils

from snapshots.core.models import Narrative, Op
from snapshots.core.normalize import clean_recommendation, fold_boilerplate
from snapshots.core.textdiff import word_diff

# Recommendation matching (rapidfuzz token_set_ratio, 0-100). At or above REWORDED the two items are the
# same recommendation reworded; between POSSIBLY and REWORDED a person should look ("possibly reworded").
# Set from the fixture pairs and the sample narratives, where rewordings scored about 60-100 and brand-new
# items about 50 against the best old one.
REWORDED_CUTOFF = 72.0
POSSIBLY_CUTOFF = 55.0


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

    One-to-one: identical items (after normalization) pair first, then the best-scoring remaining pairs
    (token_set_ratio, ties broken by plain ratio) down to POSSIBLY_CUTOFF. `carried` maps an old item's
    key (`recommendation_key`) to how many consecutive editions it had been carried; given it, each result
    gets `editions_carried` (matched: old count + 1; new: 1; dropped: the old count).
    """
    old_items = [(c, _rec_key(c, fold=fold)) for c in map(clean_recommendation, old)]
    new_items = [(c, _rec_key(c, fold=fold)) for c in map(clean_recommendation, new)]
    old_items = [item for item in old_items if item[0]]
    new_items = [item for item in new_items if item[0]]
    pairs: dict[int, tuple[int, float]] = {}  # new index -> (old index, score)
    free_old = set(range(len(old_items)))
    by_key: dict[str, list[int]] = {}
    for i, (_, key) in enumerate(old_items):
        by_key.setdefault(key, []).append(i)
    for j, (_, key) in enumerate(new_items):
        candidates = [i for i in by_key.get(key, ()) if i in free_old]
        if candidates:
            pairs[j] = (candidates[0], 100.0)
            free_old.discard(candidates[0])
    scored = []
    for j, (_, new_key) in enumerate(new_items):
        if j in pairs:
            continue
        for i in free_old:
            score = fuzz.token_set_ratio(old_items[i][1], new_key, processor=utils.default_process)
            if score >= POSSIBLY_CUTOFF:
                scored.append((score, fuzz.ratio(old_items[i][1], new_key), j, i))
    for score, _, j, i in sorted(scored, reverse=True):
        if j not in pairs and i in free_old:
            pairs[j] = (i, round(score, 1))
            free_old.discard(i)

    def count(i: int) -> int | None:
        return None if carried is None else carried.get(old_items[i][1], 1)

    out: list[RecommendationDiff] = []
    for j, (text, key) in enumerate(new_items):
        if j not in pairs:
            out.append(RecommendationDiff("new", None, text, None, (), None if carried is None else 1))
            continue
        i, score = pairs[j]
        old_text, old_key = old_items[i]
        carried_now = None if carried is None else (count(i) or 1) + 1
        if old_key == key:
            out.append(RecommendationDiff("kept", old_text, text, 100.0, (), carried_now))
        else:
            label = "reworded" if score >= REWORDED_CUTOFF else "possibly_reworded"
            out.append(RecommendationDiff(label, old_text, text, score, tuple(word_diff(old_text, text)), carried_now))
    for i in sorted(free_old):
        out.append(RecommendationDiff("dropped", old_items[i][0], None, None, (), count(i)))
    return tuple(out)


def recommendation_key(text: str) -> str:
    """The key `match_recommendations(carried=...)` looks items up by (for edition comparisons)."""
    return _rec_key(clean_recommendation(text), fold=True)


def carried_counts(editions: Sequence[Sequence[str]]) -> dict[str, int]:
    """For a country's recommendations over consecutive covered editions (oldest first), how many
    consecutive editions each item of the last one has been carried (reworded items count as carried)."""
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
    years_carried: int  # editions it appears in
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
            years_carried=sum(1 for c in row.values() if c.label != "dropped"),
            active=latest in row and row[latest].label != "dropped",
            cells=row,
        )
        for row in cells
    ]
    threads.sort(key=lambda t: (not t.active, -max(t.cells)))
    return RecommendationTracker([edition for edition, _ in narratives], threads)
