"""Geometry of the tier timeline, drawn by the server as inline SVG (readable without JavaScript).

Ranked tiers sit on rows top (Tier 1) to bottom (Tier 3); Special Case, being unranked, has its own row below
a gap and shades its whole column. A Watch List streak of two or more years is a band labelled with its length.
"""

from __future__ import annotations

from dataclasses import dataclass

from snapshots.core.models import SPECIAL_CASE, TIER_1, TIER_2, TIER_2_WATCH_LIST, TIER_3
from snapshots.read import TierPoint

LEFT, TOP, COLUMN, ROW, BOTTOM = 132, 16, 52, 34, 30
ROWS: tuple[tuple[str, float], ...] = (
    (TIER_1, 0),
    (TIER_2, 1),
    (TIER_2_WATCH_LIST, 2),
    (TIER_3, 3),
    (SPECIAL_CASE, 4.4),
)
TIER_CSS = {
    TIER_1: "t1",
    TIER_2: "t2",
    TIER_2_WATCH_LIST: "t2wl",
    TIER_3: "t3",
    SPECIAL_CASE: "sc",
}


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    edition: int
    tier: str
    css: str
    snapshot_id: int
    streak: int


@dataclass(frozen=True)
class Band:
    x: float
    y: float
    width: float
    height: float
    label: str


@dataclass(frozen=True)
class TierChart:
    width: int
    height: int
    rows: list[tuple[str, float]]  # (label, y)
    columns: list[tuple[int, float]]  # (edition, x)
    points: list[ChartPoint]
    lines: list[str]  # SVG polyline "x,y x,y ..." runs between consecutive ranked editions
    streaks: list[Band]
    special: list[Band]  # shaded Special Case columns


def _y(tier: str) -> float:
    row = dict(ROWS).get(tier, 4.4)
    return TOP + row * ROW + ROW / 2


def tier_chart(timeline: list[TierPoint]) -> TierChart | None:
    if not timeline:
        return None
    first, last = timeline[0].edition, timeline[-1].edition
    editions = list(range(first, last + 1))

    def x_of(edition: int) -> float:
        return LEFT + (edition - first) * COLUMN + COLUMN / 2

    points = [
        ChartPoint(
            x_of(p.edition),
            _y(p.tier),
            p.edition,
            p.tier,
            TIER_CSS.get(p.tier, "sc"),
            p.snapshot_id,
            p.watch_list_streak,
        )
        for p in timeline
    ]
    lines: list[str] = []
    run: list[str] = []
    for prev, point in zip([None, *points], points, strict=False):
        joins = prev is not None and prev.edition == point.edition - 1 and SPECIAL_CASE not in (prev.tier, point.tier)
        if not joins:
            if len(run) > 1:
                lines.append(" ".join(run))
            run = []
        run.append(f"{point.x:.0f},{point.y:.0f}")
    if len(run) > 1:
        lines.append(" ".join(run))

    streaks = []
    for i, point in enumerate(points):
        continues = i + 1 < len(points) and points[i + 1].streak == point.streak + 1
        if point.streak >= 2 and not continues:
            # A streak the narrative states began before the first edition stored is drawn from the first
            # column, never over the row labels on the left.
            start_x = max(x_of(point.edition - point.streak + 1), x_of(first)) - COLUMN / 2 + 4
            end_x = point.x + COLUMN / 2 - 4
            streaks.append(Band(start_x, point.y - ROW / 2 + 3, end_x - start_x, ROW - 6, f"{point.streak} years"))
    height = int(TOP + 5.4 * ROW + BOTTOM)
    special = [
        Band(p.x - COLUMN / 2, TOP, COLUMN, height - TOP - BOTTOM, "Special Case")
        for p in points
        if p.tier == SPECIAL_CASE
    ]
    return TierChart(
        width=int(LEFT + len(editions) * COLUMN + 16),
        height=height,
        rows=[(label, _y(label)) for label, _ in ROWS],
        columns=[(edition, x_of(edition)) for edition in editions],
        points=points,
        lines=lines,
        streaks=streaks,
        special=special,
    )
