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
        # A one-part message's text opens with the subject's own words: print them once.
        first, _, rest = message.text.partition("\n")
        body = rest if message.subject.endswith(first) else message.text
        sys.stdout.write(clean_text(f"=== {message.subject}\n{body}\n"))
        sys.stdout.flush()
        return "printed"
