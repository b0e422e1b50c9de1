"""Print the plain-text message: for local use and the demo."""

from __future__ import annotations

import sys

from alerts.channels import Channel, register
from alerts.compose import Message
from snapshots.core.safe_text import clean_text


@register("stdout")
class StdoutChannel(Channel):
    OPTIONS = {}  # noqa: RUF012

    def send(self, message: Message, *, key: str) -> str:
        sys.stdout.write(clean_text(f"=== {message.subject}\n{message.text}\n"))
        sys.stdout.flush()
        return "printed"
