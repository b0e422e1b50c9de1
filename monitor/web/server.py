"""Run the browse app on a threaded WSGI server (werkzeug's; a local, read-only page needs no more)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from werkzeug.serving import BaseWSGIServer, make_server

from monitor.web.app import create_app
from monitor.web.hosts import host_of


def bind(db_path: str | Path, *, host: str = "127.0.0.1", port: int = 8150, base_url: str = "") -> BaseWSGIServer:
    """The server with its socket bound (port 0 picks a free one), not yet serving; see `url`.

    It answers to loopback names, `host` and the host of `base_url` (where alerts link to).
    """
    return make_server(host, port, create_app(db_path, hosts=(host, host_of(base_url))), threaded=True)


def url(server: BaseWSGIServer) -> str:
    shown = f"[{server.host}]" if ":" in server.host else server.host
    return f"http://{shown}:{server.server_port}/"


def serve_forever(
    db_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8150,
    announce: Callable[[str], None] | None = None,
    base_url: str = "",
    server: BaseWSGIServer | None = None,
) -> None:
    """Serve until interrupted (on `server` when already bound). `announce` gets the URL once the socket is bound.

    Requests are answered under loopback names, `host` and the host of `base_url` (where alerts link to).
    """
    server = server or bind(db_path, host=host, port=port, base_url=base_url)
    if announce is not None:
        announce(url(server))
    try:
        server.serve_forever()
    finally:
        server.server_close()
