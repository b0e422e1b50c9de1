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
        # The text opens with the line the subject was made from: print it once.
        body = message.text.split("\n", 1)[1] if "\n" in message.text else ""
        sys.stdout.write(clean_text(f"=== {message.subject}\n{body}\n"))
        sys.stdout.flush()
        return "printed"
