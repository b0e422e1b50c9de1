"""The channel registry: each channel type is a small class, registered by name, that checks its own options.

A channel is built from its config block and does one thing: `send(message, key=...)`, returning what the
server answered, or raising DeliveryError (permanent or not). `key` is the outbox row's idempotency key;
every channel passes it on (Message-ID, Slack block_id, X-Tipwatch-Idempotency-Key) so receivers can
drop a repeat after an interrupted delivery.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any, ClassVar

from alerts.errors import ChannelConfigError, DeliveryError
from alerts.settings import ChannelSettings
from snapshots.core.models import KINDS

if TYPE_CHECKING:
    from alerts.compose import Message

IDEMPOTENCY_HEADER = "X-Tipwatch-Idempotency-Key"
# What `kinds:` may name: every change kind, plus "health" for problem/resolved notices.
ROUTABLE_KINDS: tuple[str, ...] = (*KINDS, "health")


@dataclass(frozen=True)
class Option:
    types: tuple[type, ...]
    required: bool = False
    default: Any = None
    choices: tuple[Any, ...] = ()
    bounds: tuple[float, float] | None = None  # inclusive; also refuses NaN and infinity


class Channel:
    type_name: ClassVar[str] = ""
    OPTIONS: ClassVar[dict[str, Option]] = {}

    def __init__(self, name: str, options: Mapping[str, Any]) -> None:
        self.name = name
        self.options = self.check_options(name, options)

    @classmethod
    def check_options(cls, name: str, options: Mapping[str, Any]) -> dict[str, Any]:
        """Refuse unknown keys, missing required keys and wrong types; fill in defaults."""
        for key in options:
            if key not in cls.OPTIONS:
                expected = ", ".join(sorted(cls.OPTIONS)) or "none"
                raise ChannelConfigError(
                    name, key, f"unknown option for a {cls.type_name} channel (expected: {expected})"
                )
        checked: dict[str, Any] = {}
        for key, spec in cls.OPTIONS.items():
            if key not in options or options[key] is None:
                if spec.required:
                    raise ChannelConfigError(name, key, f"required for a {cls.type_name} channel")
                checked[key] = spec.default
                continue
            value = options[key]
            if (isinstance(value, bool) and bool not in spec.types) or not isinstance(value, spec.types):
                wanted = " or ".join(_TYPE_WORDS.get(t, t.__name__) for t in spec.types)
                raise ChannelConfigError(name, key, f"expected {wanted}, got {value!r}")
            if spec.choices and value not in spec.choices:
                raise ChannelConfigError(
                    name, key, f"expected one of {', '.join(map(str, spec.choices))}, got {value!r}"
                )
            # Bounds go with numeric types only; NaN fails both comparisons.
            if spec.bounds and isinstance(value, int | float) and not (spec.bounds[0] <= value <= spec.bounds[1]):
                low, high = spec.bounds
                raise ChannelConfigError(name, key, f"expected {low:g} to {high:g}, got {value!r}")
            checked[key] = value
        return checked

    def send(self, message: Message, *, key: str) -> str:
        raise NotImplementedError


_TYPE_WORDS = {str: "text", int: "a whole number", float: "a number", bool: "true or false", list: "a list"}

CHANNELS: dict[str, type[Channel]] = {}
# The built-in channel types and the module that registers each. A module is imported when its type is
# first used, so a job that only prints to stdout never loads smtplib and friends.
BUILTIN_CHANNELS: dict[str, str] = {
    "email": "alerts.channels.mailer",
    "slack": "alerts.channels.slack",
    "stdout": "alerts.channels.stdout",
    "webhook": "alerts.channels.webhook",
}


def register(type_name: str) -> Callable[[type[Channel]], type[Channel]]:
    def decorate(cls: type[Channel]) -> type[Channel]:
        cls.type_name = type_name
        CHANNELS[type_name] = cls
        return cls

    return decorate


def build_channel(settings: ChannelSettings) -> Channel:
    if settings.type not in CHANNELS and settings.type in BUILTIN_CHANNELS:
        import_module(BUILTIN_CHANNELS[settings.type])
    cls = CHANNELS.get(settings.type)
    if cls is None:
        known = ", ".join(sorted({*CHANNELS, *BUILTIN_CHANNELS}))
        raise ChannelConfigError(
            settings.name, "type", f"unknown channel type {settings.type!r} (expected one of: {known})"
        )
    return cls(settings.name, settings.options)


def validate_channels(channels: Sequence[ChannelSettings]) -> None:
    """Check every channel block (type, kinds, options); raise ChannelConfigError on the first problem."""
    for settings in channels:
        for kind in settings.kinds:
            if kind not in ROUTABLE_KINDS:
                raise ChannelConfigError(
                    settings.name, "kinds", f"unknown kind {kind!r} (expected: {', '.join(ROUTABLE_KINDS)})"
                )
        build_channel(settings)


def secret_from_env(variable: str, what: str) -> str:
    """Read a secret at send time; a missing one is a permanent failure until the operator sets it."""
    value = os.environ.get(variable, "")
    if not value:
        raise DeliveryError(f"environment variable {variable} ({what}) is not set", permanent=True)
    return value
