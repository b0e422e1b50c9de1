"""Errors of the alerts package: a bad channel block, and a delivery that did not go through."""

from __future__ import annotations

from snapshots.errors import TipwatchError


class ChannelConfigError(TipwatchError, ValueError):
    """A channel block in the config is wrong; the message names the channel and the key."""

    def __init__(self, channel: str, key: str, problem: str) -> None:
        super().__init__(f"alerts.channels[{channel}].{key}: {problem}")
        self.channel = channel
        self.key = key


class DeliveryError(TipwatchError):
    """The channel did not accept a message.

    `permanent` failures (4xx other than 429, refused login, SMTP 5xx, a missing secret) are tried a
    few times only and then kept as dead letters; the others are retried with backoff across runs.
    `retry_after` is the server's own wait in seconds (429 Retry-After), when it gave one.
    The message never contains a secret: channels redact webhook URLs before raising.
    """

    def __init__(self, message: str, *, permanent: bool, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after
