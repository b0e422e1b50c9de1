"""The one read API over the tipwatch database, for the CLI, the web page and the outbox. Reads only.

Rows come back as frozen dataclasses; countries are named by their display name; a change carries its
typed detail; the diff of two stored snapshots comes from `diff_pair` alone.
"""

import importlib
from typing import TYPE_CHECKING, Any

from snapshots.core.models import TierMove
from snapshots.read.alert_states import EditionAlertState, edition_alert_states, unsettled_pages
from snapshots.read.changes import (
    ChangeFilter,
    ChangeRecord,
    FilterOptions,
    change,
    changes,
    changes_by_id,
    filter_options,
)
from snapshots.read.editions import (
    TABLE_COLUMNS,
    TABLE_SORTS,
    CountryOverview,
    CountryRef,
    EditionCount,
    EditionOverview,
    EditionRow,
    TierCount,
    TierPoint,
    country_overview,
    edition_moves,
    edition_overview,
    edition_table,
    editions,
    listing_problems,
    roster,
    table_cells,
    tier_timeline,
)
from snapshots.read.figures import CSV_COLUMNS, FigureRow, country_figures, edition_figures
from snapshots.read.indexes import CountryIndexRow, country_index
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

if TYPE_CHECKING:
    from snapshots.read.diffs import PairDiff, SectionView, diff_pair

__all__ = [
    "CSV_COLUMNS",
    "TABLE_COLUMNS",
    "TABLE_SORTS",
    "ChangeFilter",
    "ChangeRecord",
    "CountryIndexRow",
    "CountryOverview",
    "CountryRef",
    "EditionAlertState",
    "EditionCount",
    "EditionOverview",
    "EditionRow",
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
    "country_index",
    "country_names",
    "country_overview",
    "default_pair",
    "diff_pair",
    "edition_alert_states",
    "edition_figures",
    "edition_moves",
    "edition_overview",
    "edition_snapshot_id",
    "edition_table",
    "editions",
    "filter_options",
    "fts_query",
    "latest_narratives",
    "latest_per_edition",
    "listing_problems",
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
    "table_cells",
    "tier_history",
    "tier_timeline",
    "unsettled_pages",
]


# Loaded on first use: the diff of two snapshots needs the comparison code (about 35 ms of imports), which
# a sweep never uses. (A name loaded this way must not be its module's: importing `snapshots.read.x` makes
# `read.x` that module.)
_LAZY = {"PairDiff": "diffs", "SectionView": "diffs", "diff_pair": "diffs"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = importlib.import_module(f"snapshots.read.{_LAZY[name]}")
        return getattr(module, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
