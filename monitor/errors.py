"""The error vocabulary of the monitor. Each one reads as a single line for a person."""

from __future__ import annotations


class TipwatchError(Exception):
    """Base of every error that the CLI turns into one line instead of a traceback."""


class ConfigError(TipwatchError):
    """cron.yaml (or an override) is missing, malformed or refers to something unknown."""


class ParseError(TipwatchError):
    """Bytes that are not a country narrative (a non-narrative page, a block page, a layout change)."""


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
