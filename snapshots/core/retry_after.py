"""Retry-After, as a server may send it with 429 or 503: a number of seconds or an HTTP date.

The fetcher (monitor) and the alert channels (alerts) both honour it; this is the one package both
import. Pure: the caller gives the current time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def retry_after_seconds(value: str, now: datetime) -> float | None:
    """Seconds to wait from `now` (aware); None when the value is neither spelling. A past date waits 0."""
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:  # "-0000": a date in UTC with no source zone given
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
