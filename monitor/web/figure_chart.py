"""Small charts of the report's own figures over the editions, drawn by the server as inline SVG.

One chart per measure (and per split part the narratives give), editions on the same columns as the
tier timeline. Each point carries its source sentence for a <title> (shown on hover); an edition whose
narrative says the figure was not reported gets a hollow mark on the baseline, never a zero.
"""

from __future__ import annotations

from dataclasses import dataclass

from snapshots.core.describe import measure_label
from snapshots.core.models import MEASURES, SCOPES
from snapshots.read import FigureRow

LEFT, TOP, COLUMN, PLOT, BOTTOM = 48, 14, 52, 70, 22


@dataclass(frozen=True)
class FigurePoint:
    x: float
    y: float
    edition: int
    label: str  # "9", "at least 9", "not reported"
    reported: bool
    sentence: str


@dataclass(frozen=True)
class FigureChart:
    measure: str
    scope: str
    title: str  # "convictions", "sex trafficking victims identified"
    width: int
    height: int
    top: float  # y of the top of the plot
    baseline: float  # y of zero
    top_value: int  # the value at the top of the plot  # the value at the top of the plot
    columns: list[tuple[int, float]]  # (edition, x)
    points: list[FigurePoint]
    lines: list[str]  # SVG polyline runs between consecutive editions with a reported figure


def figure_charts(rows: list[FigureRow]) -> list[FigureChart]:
    """The charts of one country's figures (see read.country_figures), in MEASURES and SCOPES order."""
    if not rows:
        return []
    first = min(r.edition for r in rows)
    editions = list(range(first, max(r.edition for r in rows) + 1))
    charts = []
    for measure in MEASURES:
        for scope in SCOPES:
            series = [r for r in rows if (r.measure, r.scope) == (measure, scope)]
            if any(r.value is not None for r in series):
                charts.append(_chart(measure, scope, series, editions))
    return charts


def _chart(measure: str, scope: str, series: list[FigureRow], editions: list[int]) -> FigureChart:
    top_value = max(r.value or 0 for r in series) or 1
    baseline = TOP + PLOT

    def x_of(edition: int) -> float:
        return LEFT + (edition - editions[0]) * COLUMN + COLUMN / 2

    points = []
    for r in series:
        y = baseline - (r.value or 0) / top_value * PLOT
        label = "not reported" if not r.reported else f"{r.qualifier} {r.value}" if r.qualifier else str(r.value)
        points.append(FigurePoint(x_of(r.edition), round(y, 1), r.edition, label, r.reported, r.sentence))
    lines: list[str] = []
    run: list[FigurePoint] = []
    for point in points:
        if not point.reported or (run and run[-1].edition != point.edition - 1):
            if len(run) > 1:
                lines.append(" ".join(f"{p.x:.0f},{p.y:.0f}" for p in run))
            run = []
        if point.reported:
            run.append(point)
    if len(run) > 1:
        lines.append(" ".join(f"{p.x:.0f},{p.y:.0f}" for p in run))
    return FigureChart(
        measure=measure,
        scope=scope,
        title=measure_label(measure, scope),
        width=int(LEFT + len(editions) * COLUMN + 8),
        height=TOP + PLOT + BOTTOM,
        top=TOP,
        baseline=baseline,
        top_value=top_value,
        columns=[(e, x_of(e)) for e in editions],
        points=points,
        lines=lines,
    )
