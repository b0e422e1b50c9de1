"""Network down: a host that does not resolve fails the sweep at once, in one line, without retry rounds.

No DNS server may be asked from a test (loopback only), so the resolver is the one thing replaced: the
system's getaddrinfo answers every name except those ending in `.down.test`, which fail as they do offline.
"""

from __future__ import annotations

import socket
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from monitor.config import Config, FetchConfig, SourceConfig
from monitor.errors import FetchError, SourceUnreachable
from monitor.fetch import Fetcher
from monitor.pipeline import sweep


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    asked: Counter[str] = Counter()
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith(".down.test"):
            asked[host] += 1
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


def test_an_unresolvable_host_is_looked_up_once_and_not_retried(lookups: Counter[str]) -> None:
    fetcher = Fetcher(FetchConfig(retries=3, backoff=0.05, min_interval=0), ("www.down.test",))
    for path in ("/a", "/b", "/c"):
        with pytest.raises(FetchError) as err:
            fetcher.get(f"http://www.down.test{path}")
        assert err.value.kind == "dns" and "cannot resolve www.down.test" in str(err.value)
    assert lookups == {"www.down.test": 1}


def test_a_sweep_with_the_network_down_fails_at_once_in_one_line(lookups: Counter[str], tmp_path: Path) -> None:
    config = Config(
        source=SourceConfig(
            base_url="http://www.down.test",
            archive_hosts=("http://archive.down.test",),
            allowed_hosts=("www.down.test", "archive.down.test"),
        ),
        fetch=FetchConfig(retries=3, backoff=0.05, min_interval=0),
    )
    with pytest.raises(SourceUnreachable) as err:
        sweep(config, tmp_path / "t.db", deliver=False)
    assert "cannot resolve" in str(err.value) and "\n" not in str(err.value)
    assert lookups == {"www.down.test": 1, "archive.down.test": 1}


def test_schedule_once_on_a_terminal_shows_progress_without_v(tmp_path: Path) -> None:
    """On a terminal the retries are shown as they happen, so a slow failure is never a silent one."""
    import os
    import pty
    import subprocess
    import sys

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]  # nobody listens: connection refused, retried with backoff
    (tmp_path / "cron.yaml").write_text(
        f"database: t.db\nsource: {{base_url: 'http://127.0.0.1:{closed}', archive_hosts: [],"
        " allowed_hosts: [127.0.0.1], editions: [2024]}\n"
        "fetch: {retries: 2, backoff: 0.05, min_interval: 0}\n"
        "jobs: [{id: sweep, cron: '0 6 * * *', action: sweep}]\n"
    )
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(tmp_path / "cron.yaml"), "schedule", "--once", "sweep"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=follower,
        cwd=tmp_path,
    )
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert proc.wait(60) == 1
    text = output.decode(errors="replace")
    assert "retry 1 in" in text and "retry 2 in" in text
    assert "Traceback" not in text
    assert text.strip().splitlines()[-1].startswith("tipwatch: error: no edition could be read")
