"""Shared by tests/test_faults_*.py and test_soak.py: configs, a webhook receiver, a raw socket server, counts."""

from __future__ import annotations

import dataclasses
import json
import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import closing, suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from monitor.config import AlertsConfig, ChannelConfig, Config
from monitor.demo import demo_config
from monitor.samples.server import SampleSite

HOOK_ENV = "TIPWATCH_FAULTS_HOOK_URL"
HTML = {"Content-Type": "text/html; charset=UTF-8"}


def fault_config(
    site: SampleSite, db: Path, *, hook: bool = False, failure_threshold: int = 3, **fetch: float
) -> Config:
    """The demo config against `site`, quick to fail (no retries), with an optional webhook channel."""
    config = demo_config(site.base_url, db, alert_channel=None)
    fetch = {"retries": 0, "backoff": 0.01, **fetch}
    channels = (ChannelConfig(name="hook", type="webhook", options={"url_env": HOOK_ENV}),) if hook else ()
    return config.with_overrides(
        fetch=dataclasses.replace(config.fetch, **fetch),
        alerts=AlertsConfig(base_url="http://tipwatch.test", failure_threshold=failure_threshold, channels=channels),
    )


def counts(db_path: Path) -> dict[str, int]:
    """Rows per table that a fault must never add to, read with a plain sqlite3 connection."""
    with closing(sqlite3.connect(db_path)) as conn:
        return {
            t: conn.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("snapshots", "changes", "sections", "outbox", "parses")
        }


def country_path(edition: int, slug: str) -> str:
    return f"/reports/{edition}-trafficking-in-persons-report/{slug}/"


class Hook:
    """A webhook receiver on loopback that keeps every JSON body it accepts (real HTTP, no mocks)."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with hook._lock:
                    hook.received.append(json.loads(body))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/hook"

    def notices(self, kind: str) -> list[list[dict[str, Any]]]:
        """Per received message: its notices of this type (messages without any are left out)."""
        with self._lock:
            found = [[n for n in m.get("notices", []) if n.get("type") == kind] for m in self.received]
        return [n for n in found if n]

    def keys(self) -> list[str]:
        with self._lock:
            return [m["idempotency_key"] for m in self.received]

    def __enter__(self) -> Hook:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class RawServer:
    """A TCP server on loopback whose every connection is handled by `answer(sock, request_bytes)`.

    For faults that an HTTP server library will not produce: a reset in the middle of a body, a body
    streamed without a length.
    """

    def __init__(self, answer: Callable[[socket.socket, bytes], None]) -> None:
        self._answer = answer
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self.connections = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                request += chunk
            with suppress(OSError):  # the client hung up first: what some faults are about
                self._answer(conn, request)

    def __enter__(self) -> RawServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sock.close()


def reset(conn: socket.socket) -> None:
    """Close with an RST instead of a FIN (SO_LINGER with a zero timeout)."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
    conn.close()


def write_cron(site: SampleSite, db_path: Path, directory: Path, edition: int) -> Path:
    path = directory / "cron.yaml"
    path.write_text(
        f"database: {db_path}\n"
        "source:\n"
        f"  base_url: {site.base_url}\n"
        "  archive_hosts: []\n"
        "  allowed_hosts: [127.0.0.1]\n"
        f"  editions: [{edition}]\n"
        "fetch: {min_interval: 0, retries: 0}\n"
    )
    return path


def tipwatch(config: Path, *args: str, timeout: float = 120, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """`tipwatch --config CONFIG ARGS...` as a real process."""
    return subprocess.run(
        [sys.executable, "-m", "monitor", "-q", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )
