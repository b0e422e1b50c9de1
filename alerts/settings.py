"""The shape of the `alerts:` config this package reads.

monitor/config.py builds frozen dataclasses with these attributes; alerts never imports monitor,
so it states what it needs as read-only protocols.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol


class ChannelSettings(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def enabled(self) -> bool: ...
    @property
    def kinds(self) -> Sequence[str]: ...
    @property
    def countries(self) -> Sequence[str]: ...
    @property
    def min_significance(self) -> str: ...
    @property
    def mode(self) -> str: ...
    @property
    def options(self) -> Mapping[str, Any]: ...


class AlertsSettings(Protocol):
    @property
    def base_url(self) -> str: ...
    @property
    def failure_threshold(self) -> int: ...
    @property
    def max_attempts(self) -> int: ...
    @property
    def channels(self) -> Sequence[ChannelSettings]: ...
