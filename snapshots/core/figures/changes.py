"""Figures between editions: one headline figure per measure and scope, and what moved or was revised."""

from __future__ import annotations

from collections.abc import Iterable

from snapshots.core.figures.phrases import LAW_ENFORCEMENT
from snapshots.core.models import MEASURES, SCOPES, Figure, FigureDetail

_HOME_SECTION = {m: "prosecution" for m in LAW_ENFORCEMENT} | {"victims_identified": "protection"}


def headline_figures(figures: Iterable[Figure]) -> dict[tuple[str, str], Figure]:
    """One figure per (measure, scope): the first stated in the measure's own section, else the summary's.

    A reported number wins over a "did not report" in the same section.
    """
    ranked = sorted(
        enumerate(figures),
        key=lambda item: (item[1].section != _HOME_SECTION[item[1].measure], not item[1].reported, item[0]),
    )
    chosen: dict[tuple[str, str], Figure] = {}
    for _, figure in ranked:
        chosen.setdefault((figure.measure, figure.scope), figure)
    return chosen


# A move is news a reader wants (medium); a revised prior figure is a note for the record (low).
FIGURE_SIGNIFICANCE: dict[str, str] = {"move": "medium", "revision": "low"}


def figure_changes(
    old_figures: Iterable[Figure], new_figures: Iterable[Figure], old_edition: int, new_edition: int
) -> tuple[FigureDetail, ...]:
    """What moved between two editions' figures, measure by measure, in MEASURES and SCOPES order.

    A move counts when the figure changes by at least half of the old one and by at least 5; a revision
    when the new edition, one year on, states a prior figure that differs from the old edition's exact one.
    Figures are compared only when both are reported and count the same unit.
    """
    old, new = headline_figures(old_figures), headline_figures(new_figures)
    changes = []
    for key in [(m, s) for m in MEASURES for s in SCOPES]:
        before, after = old.get(key), new.get(key)
        if before is None or after is None or before.value is None or after.value is None:
            continue
        if before.unit != after.unit:
            continue
        delta = abs(after.value - before.value)
        if delta >= 5 and 2 * delta >= before.value:
            changes.append(_change("move", after, after.value, before.value, old_edition, new_edition))
        # "more than 350" last year and "compared with 351" now is no revision: only exact figures are checked.
        # The same figure and prior figure again is the old period restated (a carried-over sentence), not
        # the next period looking back.
        restated = (after.value, after.previous) == (before.value, before.previous)
        revised = after.previous is not None and after.previous != before.value and before.qualifier is None
        if revised and not restated and after.previous is not None and new_edition - old_edition == 1:
            changes.append(_change("revision", after, after.previous, before.value, old_edition, new_edition))
    return tuple(changes)


def _change(label: str, figure: Figure, value: int, was: int, old: int, new: int) -> FigureDetail:
    return FigureDetail(label, figure.measure, figure.scope, figure.unit, value, was, old, new, figure.sentence)
