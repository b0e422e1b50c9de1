"""Secrets are removed from text by their value, in every form a library may print them in.

A channel's secrets live in environment variables its options name (`url_env`, `webhook_url_env`,
`password_env`). Rather than guess which part of an error message is a URL, the values themselves are
looked up and every form they can take in a message is blanked: the whole URL, its host (a secret can
be the host, with path "/"), its path percent-encoded or not, its query, and any case (urllib3 writes
host names in lower case). The result is what the outbox stores, the log shows and the CLI prints.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Iterable
from urllib.parse import quote, unquote, urlsplit

from alerts.settings import ChannelSettings

REDACTED = "[redacted]"
SECRET_OPTIONS = ("url_env", "webhook_url_env", "password_env")
_MIN_LENGTH = 4  # shorter values ("/", "a") would blank ordinary words, and are no secret anyway


def channel_secrets(channels: Iterable[ChannelSettings]) -> list[str]:
    """The current values of every secret the channels name, each in the forms it may be printed in."""
    values: list[str] = []
    for settings in channels:
        for option in SECRET_OPTIONS:
            variable = settings.options.get(option)
            value = os.environ.get(variable, "") if isinstance(variable, str) else ""
            if value:
                values += secret_forms(value)
    return values


def secret_forms(value: str) -> list[str]:
    """`value`, and for a URL its host, path and query as they appear encoded, decoded or bare."""
    forms = {value, quote(value, safe=":/?&=@%"), unquote(value)}
    parts = urlsplit(value) if "://" in value else None
    if parts is not None:
        host = parts.hostname or ""
        if host and host != "localhost" and not _is_ip(host):
            forms.add(host)
        forms.add(parts.netloc)
        for piece in (parts.path, parts.query, parts.fragment):
            if len(piece) > 1:
                forms |= {piece, quote(piece, safe="/?&=%"), unquote(piece)}
    return sorted((f for f in forms if len(f) >= _MIN_LENGTH), key=len, reverse=True)


def redact(text: str, secrets: Iterable[str], mark: str = REDACTED) -> str:
    """`text` with every occurrence of every secret form replaced by `mark`, ignoring case."""
    forms = sorted({s for s in secrets if s}, key=len, reverse=True)
    if not forms:
        return text
    return re.sub("|".join(re.escape(s) for s in forms), lambda _: mark, text, flags=re.IGNORECASE)


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True
