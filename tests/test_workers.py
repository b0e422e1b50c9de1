"""A sweep's worker processes: the same rows as building and comparing in-process, and a dead worker
costs no page."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from pathlib import Path

import pytest

from monitor import workers
from monitor.errors import ParseError
from monitor.fetch import Fetcher
from monitor.pipeline import sweep
from monitor.samples.server import SampleSite
from monitor.workers import Workers
from snapshots.store.db import open_db
from snapshots.store.writes import SnapshotData
from tests.fault_site import FaultSite
from tests.test_pipeline import EDITION, config_for

pytestmark = pytest.mark.skipif(
    len(os.sched_getaffinity(0)) < 2 or "fork" not in multiprocessing.get_all_start_methods(),
    reason="worker processes are used only with a second core and fork",
)


def _stored(db_path: Path) -> dict[str, object]:
    db = open_db(db_path)
    return {
        "snapshots": db.execute(
            "select country_key, tier, content_hash, raw, raw_sha256, narrative, layout from snapshots order by 1"
        ).fetchall(),
        "figures": db.execute(
            "select s.country_key, f.position, f.measure, f.scope, f.value, f.sentence from figures f"
            " join snapshots s on s.id = f.snapshot_id order by 1, 2"
        ).fetchall(),
        "sections": db.execute(
            "select s.country_key, x.name, x.position from sections x join snapshots s on s.id = x.snapshot_id"
            " order by 1, 3"
        ).fetchall(),
        "checks": db.execute(
            "select p.slug, c.url, c.outcome, c.error_kind from checks c join pages p on p.id = c.page_id order by 1"
        ).fetchall(),
    }


def test_worker_processes_store_exactly_what_the_reader_threads_store(
    site: SampleSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_threads = sweep(config_for(site, tmp_path / "threads.db"), tmp_path / "threads.db")

    monkeypatch.setattr(workers, "MIN_NEW_PAGES", 1)
    children: list[int] = []
    in_processes = sweep(
        config_for(site, tmp_path / "processes.db"),
        tmp_path / "processes.db",
        progress=lambda event, _: children.append(len(multiprocessing.active_children())) if event == "page" else None,
    )
    assert min(children) >= 2, "the pages were built while the worker processes were alive"
    assert multiprocessing.active_children() == [], "the workers end with the sweep"
    assert in_processes.count("new") == in_threads.count("new") == 7
    assert in_processes.count("skipped") == in_threads.count("skipped") == 2  # ParseError crossed intact
    threads, processes = _stored(tmp_path / "threads.db"), _stored(tmp_path / "processes.db")
    for table in ("snapshots", "figures", "sections"):
        assert processes[table] == threads[table], table
    assert processes["checks"] == threads["checks"]


def test_a_sweep_of_known_pages_forks_nothing(
    site: SampleSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db_path = tmp_path / "t.db"
    sweep(config_for(site, db_path), db_path)
    monkeypatch.setattr(workers, "MIN_NEW_PAGES", 1)
    children: list[int] = []
    again = sweep(
        config_for(site, db_path),
        db_path,
        progress=lambda event, _: children.append(len(multiprocessing.active_children())) if event == "page" else None,
    )
    assert again.count("not_modified") == 7
    assert children and max(children) == 0, "every page has validators: none needs building, so no worker"


def test_a_killed_worker_costs_no_page(site: SampleSite, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    config = config_for(site, tmp_path / "t.db")
    fetcher = Fetcher(config.fetch, config.source.allowed_hosts)
    fetcher.allow_host(site.base_url)
    base = f"{site.base_url}/reports/{EDITION}-trafficking-in-persons-report"
    page = fetcher.get(f"{base}/japan/")
    intro = fetcher.get(f"{base}/introduction/")
    expected = workers.build(page.body, page.final_url, page.charset)
    assert isinstance(expected, SnapshotData)

    db_path = tmp_path / "t.db"
    open_db(db_path).close()
    row = {"id": 1, "edition": EDITION}
    with Workers(new_pages=100, database=str(db_path)) as pool:
        children = multiprocessing.active_children()
        assert len(children) >= 2
        first = pool.build(page, row)
        assert first == (expected, None)  # an empty store: nothing to compare with
        for child in children:
            os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
        for child in children:
            child.join(5)
        again = pool.build(page, row)
        after = pool.build(intro, row)
    assert again == (expected, None), "the page is built in this process instead"
    assert isinstance(after, ParseError) and after.kind == "not_narrative"
    assert "a worker process died" in caplog.text
    fetcher.close()


def _changes(db_path: Path) -> list[tuple[object, ...]]:
    db = open_db(db_path)
    return db.execute(
        "select c.kind, c.significance, c.summary, c.detail, o.country_key, n.country_key from changes c"
        " left join snapshots o on o.id = c.old_snapshot_id left join snapshots n on n.id = c.new_snapshot_id"
        " order by c.key"
    ).fetchall()


@pytest.mark.published(2023, 2024)
def test_a_release_compared_ahead_in_workers_records_what_in_line_comparison_records(
    site: SampleSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from snapshots.store import changelog

    in_line, ahead = tmp_path / "in-line.db", tmp_path / "ahead.db"
    for db_path in (in_line, ahead):
        sweep(config_for(site, db_path), db_path, editions=[2023])
    sweep(config_for(site, in_line), in_line, editions=[2024])

    compared_here: list[str | None] = []
    compare = changelog.compare
    monkeypatch.setattr(
        changelog, "compare", lambda old, new, **kw: compared_here.append(new.country_key) or compare(old, new, **kw)
    )
    monkeypatch.setattr(workers, "MIN_NEW_PAGES", 1)
    result = sweep(config_for(site, ahead), ahead, editions=[2024])
    assert result.count("new") == 7
    assert compared_here == [], "every edition comparison ran in a worker process"
    recorded = _changes(ahead)
    assert any(kind == "tier" for kind, *_ in recorded)
    assert recorded == _changes(in_line)


def test_workers_die_with_a_killed_sweep(site: FaultSite, tmp_path: Path) -> None:
    """A SIGKILLed `tipwatch run` leaves no worker behind (they wait on a queue whose end they never see)."""
    import subprocess
    import sys
    import time

    from tests.conftest import write_cron_file
    from tests.test_pipeline import slow_pages, wait_for

    db_path = tmp_path / "t.db"
    config_path = write_cron_file(tmp_path, site.base_url, db_path, editions=[EDITION])
    slow_pages(site, 0.5)
    run = subprocess.Popen(
        [sys.executable, "-c", "import monitor.workers as w; w.MIN_NEW_PAGES = 1\nfrom monitor.cli import main; main()",
         "--config", str(config_path), "run", "--no-deliver"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    children: list[int] = []

    def forked() -> bool:
        children[:] = [int(p) for p in Path(f"/proc/{run.pid}/task/{run.pid}/children").read_text().split()]
        return len(children) >= 2

    try:
        wait_for(forked)
        os.kill(run.pid, signal.SIGKILL)
        run.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(Path(f"/proc/{pid}").exists() for pid in children):
            time.sleep(0.05)
        alive = [pid for pid in children if Path(f"/proc/{pid}").exists()]
        assert alive == [], "the workers ended with the sweep"
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_a_store_the_worker_cannot_read_costs_no_page(site: SampleSite, tmp_path: Path) -> None:
    """Comparing ahead is extra work: if the worker cannot read the store, the page is built all the same
    (and compared in-line when it is stored)."""
    config = config_for(site, tmp_path / "t.db")
    fetcher = Fetcher(config.fetch, config.source.allowed_hosts)
    fetcher.allow_host(site.base_url)
    page = fetcher.get(f"{site.base_url}/reports/{EDITION}-trafficking-in-persons-report/japan/")
    expected = workers.build(page.body, page.final_url, page.charset)
    with Workers(new_pages=100, database=str(tmp_path / "missing" / "t.db")) as pool:
        assert pool.build(page, {"id": 1, "edition": EDITION}) == (expected, None)
    fetcher.close()
