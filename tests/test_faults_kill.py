"""SIGKILL `tipwatch run` at seeded random moments of N runs against a changing mirror, rerun cleanly each time,
and compare with a reference database built from the same mirror states without kills.

Afterwards: no duplicate snapshots, the same snapshots and the same changes as the reference, every
alert row sent, and every message received at the webhook and SMTP servers under exactly one
idempotency key (a kill between "the server accepted it" and "recorded as sent" makes the rerun send
the same message again with the same key, which receivers drop: see alerts/outbox.py).

N is TIPWATCH_KILL_RUNS (default 50); TIPWATCH_KILL_SEED picks another sequence.
"""

from __future__ import annotations

import itertools
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

from monitor.pipeline import sweep
from monitor.samples.data import load_reports
from monitor.samples.server import SampleSite
from tests.alerts_helpers import Sink, start_smtp
from tests.conftest import write_cron_file
from tests.faults_helpers import HOOK_ENV, Hook, fault_config

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from mirror import mutate

EDITION = 2024
RUNS = int(os.environ.get("TIPWATCH_KILL_RUNS", "50"))
SEED = int(os.environ.get("TIPWATCH_KILL_SEED", "20261128"))

pytestmark = pytest.mark.slow


def write_config(site: SampleSite, db: Path, directory: Path, smtp_port: int) -> Path:
    mail = {"name": "mail", "type": "email", "host": "127.0.0.1", "port": smtp_port, "security": "none",
            "from": "tipwatch@example.test", "to": "desk@example.test"}  # fmt: skip
    hook = {"name": "hook", "type": "webhook", "url_env": HOOK_ENV}
    alerts = {"base_url": "http://tipwatch.test", "channels": [hook, mail]}
    return write_cron_file(directory, site.base_url, db, editions=[EDITION], alerts=alerts)


def start(config: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor", "-q", "--config", str(config), "run"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )


def query(db: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(db)) as conn:
        return conn.execute(sql).fetchall()


def snapshot_history(db: Path) -> dict[str, list[str]]:
    history: dict[str, list[str]] = {}
    for slug, digest in query(db, "select p.slug, s.content_hash from snapshots s join pages p on p.id = s.page_id "
                                  "order by s.id"):  # fmt: skip
        history.setdefault(slug, []).append(digest)
    return history


def change_records(db: Path) -> Counter[tuple]:
    return Counter(query(db, "select comparison, kind, country_key, edition, summary from changes"))


def test_sigkill_at_random_points_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    states = [load_reports()]
    for k in range(1, RUNS):
        states.append(mutate(states[-1], fraction=0.3, seed=SEED + k)[0])
    sink = Sink()
    smtp = start_smtp(sink)
    killed_at: Counter[str] = Counter()
    try:
        with SampleSite(published={EDITION}) as site, Hook() as hook:
            env = {**os.environ, HOOK_ENV: hook.url}
            db, reference = tmp_path / "killed.db", tmp_path / "reference.db"
            config = write_config(site, db, tmp_path, smtp.port)
            clean = fault_config(site, reference)
            durations: list[float] = []
            for state in states:
                site.reports = state
                sweep(clean, reference, deliver=False)

                # The median clean run bounds where the kills land: from start-up
                # through the sweep to delivery, and now and then after the process would have finished.
                if durations:
                    victim = start(config, env)
                    time.sleep(rng.uniform(0.0, 1.1 * statistics.median(durations)))
                    finished = victim.poll() is not None
                    victim.send_signal(signal.SIGKILL)
                    victim.wait(30)
                    killed_at["after exit" if finished else "mid-run"] += 1
                started = time.monotonic()
                rerun = start(config, env)
                _, err = rerun.communicate(timeout=120)
                assert rerun.returncode == 0, err.decode()
                durations.append(time.monotonic() - started)

            statuses = Counter(s for (s,) in query(db, "select status from outbox"))
            batches = query(db, "select distinct channel, batch from outbox")
            hook_keys = Counter(hook.keys())
            mail_keys = Counter(m["X-Tipwatch-Idempotency-Key"] for _, _, m in sink.messages)
    finally:
        smtp.stop()

    history = snapshot_history(db)
    for slug, digests in history.items():
        assert all(a != b for a, b in itertools.pairwise(digests)), f"duplicate snapshot of {slug}"
    assert history == snapshot_history(reference)
    assert change_records(db) == change_records(reference)
    assert sum(change_records(db).values()) > RUNS // 4  # the mirror really changed along the way

    assert set(statuses) == {"sent"}, statuses
    # Every message the outbox recorded as sent arrived, and nothing else did.
    assert set(hook_keys) == {key for channel, key in batches if channel == "hook"}
    assert set(mail_keys) == {key for channel, key in batches if channel == "mail"}
    repeats = sum(n - 1 for n in hook_keys.values()) + sum(n - 1 for n in mail_keys.values())
    print(
        f"\n{RUNS} runs, {killed_at['mid-run']} killed mid-run, {killed_at['after exit']} after they had finished; "
        f"{sum(change_records(db).values())} changes, {len(batches)} alert messages, "
        f"{repeats} repeated once with the same idempotency key"
    )
