"""Which channel wants which change or notice (kinds, countries, minimum significance). Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from alerts.settings import ChannelSettings
from snapshots.core.models import SIGNIFICANCE_RANK

# The `kinds:` name that selects each notice type; None: every channel gets it.
NOTICE_KINDS: dict[str, str | None] = {"baseline": None, "backfill": None, "edition_digest": "edition",
                                       "problem": "health", "resolved": "health"}  # fmt: skip
HEALTH_NOTICES = ("problem", "resolved")


def accepts_change(channel: ChannelSettings, change: Mapping[str, Any]) -> bool:
    if channel.kinds and change["kind"] not in channel.kinds:
        return False
    if channel.countries:
        wanted = {_slug(c) for c in channel.countries}
        if not wanted & {_slug(change.get("country_key") or ""), _slug(change.get("country") or "")}:
            return False
    return SIGNIFICANCE_RANK.get(change["significance"], 0) >= SIGNIFICANCE_RANK.get(channel.min_significance, 1)


def accepts_notice(channel: ChannelSettings, notice: Mapping[str, Any]) -> bool:
    kind = NOTICE_KINDS[notice["type"]]
    return kind is None or not channel.kinds or kind in channel.kinds


def _slug(name: str) -> str:
    """ "South Korea", "south_korea" and "south-korea" all match."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
