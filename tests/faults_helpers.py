"""Shared by tests/test_faults_*.py: a raw socket server, table counts, `tipwatch` as a process (and, from
bench/loopback.py, the quick config and the webhook receiver the soak benchmark uses too)."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import closing, suppress
from pathlib import Path
from typing import Any

from bench.loopback import HOOK_ENV, Hook, fault_config

__all__ = ["HOOK_ENV", "HTML", "Hook", "RawServer", "country_path", "counts", "fault_config", "reset", "tipwatch"]

HTML = {"Content-Type": "text/html; charset=UTF-8"}


def counts(db_path: Path) -> dict[str, int]:
    """Rows per table that a fault must never add to, read with a plain sqlite3 connection."""
    with closing(sqlite3.connect(db_path)) as conn:
        return {
            t: conn.execute(f"select count(*) from {t}").fetchone()[0]
            for t in ("snapshots", "changes", "sections", "outbox", "parses")
        }


def country_path(edition: int, slug: str) -> str:
    return f"/reports/{edition}-trafficking-in-persons-report/{slug}/"


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


def tipwatch(config: Path, *args: str, timeout: float = 120, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """`tipwatch --config CONFIG ARGS...` as a real process."""
    return subprocess.run(
        [sys.executable, "-m", "monitor", "-q", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )
