"""Answer only to the names the page is served under.

Any Host header would otherwise be copied into permalinks and feed ids, and a page on 127.0.0.1 could
be read by a foreign site through DNS rebinding (its name pointed at 127.0.0.1 after the page loads).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from flask import abort, request

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


def host_of(url: str) -> str:
    """The host of a URL ("https://tipwatch.example.org:8443/" -> "tipwatch.example.org"), or ""."""
    return (urlsplit(url).hostname or "").lower()


def host_guard(hosts: Iterable[str]) -> Callable[[], None]:
    """A before_request hook that refuses (400) any Host header not naming one of `hosts` or loopback."""
    allowed = frozenset(h.lower().strip("[]") for h in (*LOOPBACK_HOSTS, *hosts) if h)

    def guard() -> None:
        if host_of(f"http://{request.host}") not in allowed or "@" in request.host:
            abort(400, description="This page is not served under that host name.")

    return guard
