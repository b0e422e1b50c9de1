"""Run the browse app on a threaded WSGI server (werkzeug's; a local, read-only page needs no more)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from werkzeug.serving import make_server

from monitor.web.app import create_app
from monitor.web.hosts import host_of


def serve_forever(
    db_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8150,
    announce: Callable[[str], None] | None = None,
    base_url: str = "",
) -> None:
    """Serve until interrupted. `announce` gets the URL once the socket is bound (port 0 picks a free one).

    Requests are answered under loopback names, `host` and the host of `base_url` (where alerts link to).
    """
    server = make_server(host, port, create_app(db_path, hosts=(host, host_of(base_url))), threaded=True)
    if announce is not None:
        shown = f"[{host}]" if ":" in host else host
        announce(f"http://{shown}:{server.server_port}/")
    try:
        server.serve_forever()
    finally:
        server.server_close()
