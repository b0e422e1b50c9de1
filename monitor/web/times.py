"""Times on the page: stored as UTC ISO 8601, shown in the server's local time zone in words a person reads
("1 Dec 2026, 06:55 EST"), with the exact stored value kept for hover and machines. Pure."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo


def readable(value: str | None, tz: tzinfo | None = None) -> str:
    """ "2026-12-01T11:55:32+00:00" -> "1 Dec 2026, 06:55 EST" in `tz` (default: this machine's zone).
    A value that is not a time is shown as it is."""
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        return value or ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)  # stored times without a zone are UTC
    local = moment.astimezone(tz)
    return f"{local.day} {local:%b %Y, %H:%M} {local.tzname() or ''}".rstrip()
