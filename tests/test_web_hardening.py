"""The web page against odd input: numbers too big for SQLite, non-ASCII digits, foreign Host headers."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.web.app import create_app
from tests.test_web_routes import shared_web_db


@pytest.fixture(scope="module")
def web_db(tmp_path_factory: pytest.TempPathFactory, sample_db: Path) -> Path:
    return shared_web_db(tmp_path_factory, sample_db)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/changes/99999999999999999999", 404),
        ("/api/changes/99999999999999999999", 404),
        ("/snapshots/99999999999999999999", 404),
        ("/snapshots/99999999999999999999/sections/prosecution", 404),
        ("/diff/1/99999999999999999999", 404),
        ("/editions/99999999999999999999", 404),
        ("/countries/japan/99999999999999999999/sections/prosecution", 404),
        ("/changes/\u00b2", 404),
        ("/?before=\u00b2", 400),
        ("/?before=\u0661\u0662", 400),
        ("/feed.atom?before=\u00b2", 400),
    ],
)
def test_huge_and_non_ascii_numbers_are_400_or_404(web_db: Path, url: str, status: int) -> None:
    response = create_app(web_db).test_client().get(url)
    assert response.status_code == status
    assert "Traceback" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("localhost", 200),
        ("127.0.0.1:8150", 200),
        ("[::1]:8150", 200),
        ("tipwatch.example.org", 200),
        ("TIPWATCH.example.org:443", 200),
        ("evil.example", 400),
        ("127.0.0.1.evil.example", 400),
        ("localhost@evil.example", 400),
    ],
)
def test_only_the_configured_hosts_are_served(web_db: Path, host: str, status: int) -> None:
    client = create_app(web_db, hosts=("tipwatch.example.org",)).test_client()
    response = client.get("/feed.atom", headers={"Host": host})
    assert response.status_code == status
    if status == 400:
        assert "evil" not in response.get_data(as_text=True)  # the foreign name is not echoed into a page


def test_serve_accepts_the_base_url_host_and_refuses_others(web_db: Path, tmp_path: Path) -> None:
    (tmp_path / "cron.yaml").write_text(f"database: {web_db}\nalerts: {{base_url: 'https://tipwatch.example.org/'}}\n")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(tmp_path / "cron.yaml"), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        assert "serving" in server.stdout.readline()
        statuses = {host: _status(port, host) for host in ("tipwatch.example.org", "127.0.0.1", "rebound.example")}
    finally:
        server.terminate()
        server.wait(10)
    assert statuses == {"tipwatch.example.org": 200, "127.0.0.1": 200, "rebound.example": 400}


def _status(port: int, host: str) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(f"GET /feed.atom HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        head = conn.recv(200).decode("latin-1")
    match = re.match(r"HTTP/1\.[01] (\d{3})", head)
    assert match, head
    return int(match.group(1))
