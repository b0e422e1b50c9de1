"""The error vocabulary of the monitor. Each one reads as a single line for a person."""

from __future__ import annotations

from snapshots.errors import TipwatchError

__all__ = ["BlockedError", "ConfigError", "FetchError", "ParseError", "SourceUnreachable", "TipwatchError"]


class ConfigError(TipwatchError):
    """cron.yaml (or an override) is missing, malformed or refers to something unknown."""


class ParseError(TipwatchError):
    """Bytes that are not a country narrative.

    `kind` says which: "not_narrative" (no narrative heading: an index page, a layout change),
    "blocked" (a block, challenge or "Technical Difficulties" page served as 200), "empty",
    "truncated" (the document stops before its end), "bad_encoding".
    """

    exit_code = 1  # main() exits with this: "not a narrative" is an answer about the input, not a usage error

    def __init__(self, message: str, *, kind: str = "not_narrative") -> None:
        super().__init__(message)
        self.kind = kind


class FetchError(TipwatchError):
    """A page could not be fetched. `kind` is a short machine-readable label stored with the check."""

    def __init__(self, kind: str, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status


class BlockedError(FetchError):
    """The server answered, but with a block, challenge or error page instead of the narrative."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__("blocked", message, status=status)


class SourceUnreachable(TipwatchError):
    """Not one edition's landing page could be read (network down, blocked): the sweep did not happen."""

    exit_code = 1
