"""A webhook receiver on loopback and a quick-failing config against the sample site: for bench/soak.py and
the fault tests (real HTTP, no mocks)."""

from __future__ import annotations

import dataclasses
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from monitor.config import AlertsConfig, ChannelConfig, Config
from monitor.demo import demo_config
from monitor.samples.server import SampleSite

HOOK_ENV = "TIPWATCH_FAULTS_HOOK_URL"


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
