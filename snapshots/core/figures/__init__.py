"""The report's own numbers: investigations, prosecutions, convictions and victims identified.

Every narrative states its law-enforcement and victim-identification figures in prose. This package
reads them out of the summary, prosecution and protection sections, each with its verbatim source
sentence, and says when a figure moves between editions. Pure: text in, frozen records out.

Precision comes first: a figure that is not in the text is worse than a missing one. So a count is
taken only when a measure verb or noun governs it directly ("convicted 9 traffickers", "opened 118
investigations") and it counts cases or people as a whole; sub-counts ("involving 58 suspects",
"including 22 children"), subsets ("officials", "child victims", "within TITP"), other actors
("NGOs identified ...") and vague amounts ("dozens", "two dozen", "several") give nothing.

The package, in reading order: numbers (how the report writes a number), sentences (a section cut into
sentences), phrases (the patterns of a figure and of what disqualifies one), extract and not_reported
(figures out of sentences), changes (figures between editions).
"""

from __future__ import annotations

from snapshots.core.figures.changes import FIGURE_SIGNIFICANCE, figure_changes, headline_figures
from snapshots.core.figures.extract import extract_figures, figures_in_sentence, figures_in_text
from snapshots.core.figures.numbers import COUNT, NUMBER, QUALIFIER, parse_number
from snapshots.core.figures.phrases import LAW_ENFORCEMENT
from snapshots.core.figures.sentences import sentences
from snapshots.core.models import MEASURES, SCOPES, Figure, FigureDetail

__all__ = [
    "COUNT",
    "FIGURE_SIGNIFICANCE",
    "LAW_ENFORCEMENT",
    "MEASURES",
    "NUMBER",
    "QUALIFIER",
    "SCOPES",
    "Figure",
    "FigureDetail",
    "extract_figures",
    "figure_changes",
    "figures_in_sentence",
    "figures_in_text",
    "headline_figures",
    "parse_number",
    "sentences",
]
