"""The one read API over the tipwatch database, for the CLI, the web page and the outbox. Reads only.

Rows come back as frozen dataclasses; countries are named by their display name; a change carries its
typed detail; the diff of two stored snapshots comes from `diff_pair` alone.
"""

from snapshots.core.models import TierMove
from snapshots.read.changes import (
    ChangeFilter,
    ChangeRecord,
    FilterOptions,
    change,
    changes,
    changes_by_id,
    filter_options,
)
from snapshots.read.diffs import PairDiff, SectionView, diff_pair
from snapshots.read.editions import (
    CountryOverview,
    CountryRef,
    EditionCount,
    EditionOverview,
    TierCount,
    TierPoint,
    country_overview,
    edition_moves,
    edition_overview,
    editions,
    roster,
    tier_timeline,
)
from snapshots.read.figures import CSV_COLUMNS, FigureRow, country_figures, edition_figures
from snapshots.read.panel import PanelRow, panel
from snapshots.read.search import SearchHit, fts_query, search, section_names, snippet
from snapshots.read.snapshots import (
    RefError,
    SnapshotRow,
    country_names,
    default_pair,
    edition_snapshot_id,
    latest_narratives,
    latest_per_edition,
    narrative,
    previous_of,
    resolve_country,
    resolve_ref,
    snapshot,
    snapshots_of,
    tier_history,
)

__all__ = [
    "CSV_COLUMNS",
    "ChangeFilter",
    "ChangeRecord",
    "CountryOverview",
    "CountryRef",
    "EditionCount",
    "EditionOverview",
    "FigureRow",
    "FilterOptions",
    "PairDiff",
    "PanelRow",
    "RefError",
    "SearchHit",
    "SectionView",
    "SnapshotRow",
    "TierCount",
    "TierMove",
    "TierPoint",
    "change",
    "changes",
    "changes_by_id",
    "country_figures",
    "country_names",
    "country_overview",
    "default_pair",
    "diff_pair",
    "edition_figures",
    "edition_moves",
    "edition_overview",
    "edition_snapshot_id",
    "editions",
    "filter_options",
    "fts_query",
    "latest_narratives",
    "latest_per_edition",
    "narrative",
    "panel",
    "previous_of",
    "resolve_country",
    "resolve_ref",
    "roster",
    "search",
    "section_names",
    "snapshot",
    "snapshots_of",
    "snippet",
    "tier_history",
    "tier_timeline",
]
