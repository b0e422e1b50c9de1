"""The sweep end to end against the loopback sample site: what is stored, and what never is."""

from __future__ import annotations

import dataclasses
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from monitor.config import Config
from monitor.demo import demo_config
from monitor.errors import SourceUnreachable
from monitor.pipeline import sweep
from monitor.samples.server import Request, SampleSite
from snapshots.store.db import open_db
from tests.conftest import write_cron_file
from tests.fault_site import FaultSite

EDITION = 2024


def config_for(site: SampleSite, db: Path, **fetch: float) -> Config:
    config = demo_config(site.base_url, db, alert_channel=None)
    return config.with_overrides(fetch=dataclasses.replace(config.fetch, **fetch))


def table_counts(db_path: Path) -> dict[str, int]:
    db = open_db(db_path)
    return {t: db[t].count for t in ("snapshots", "changes", "sections", "outbox")}


def japan_path() -> str:
    return f"/reports/{EDITION}-trafficking-in-persons-report/japan/"


def test_sweep_stores_each_narrative_once_and_skips_other_pages(site: SampleSite, tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    result = sweep(config_for(site, db_path), db_path)
    assert result.editions == [EDITION]
    assert result.count("new") == 7 and result.count("skipped") == 2 and result.count("error") == 0
    db = open_db(db_path)
    tiers = dict(db.execute("select country_key, tier from snapshots").fetchall())
    assert tiers["japan"] == "Tier 2" and tiers["haiti"] == "Special Case" and tiers["south-korea"] == "Tier 1"
    kinds = dict(db.execute("select slug, kind from pages").fetchall())
    assert kinds["introduction"] == "other" and kinds["japan"] == "narrative"

    hits_before = site.hits[f"/reports/{EDITION}-trafficking-in-persons-report/introduction/"]
    again = sweep(config_for(site, db_path), db_path)
    assert again.count("not_modified") == 7 and again.count("new") == 0
    assert db["snapshots"].count == 7
    # Unchanged pages are settled together, but every check is still recorded.
    assert db.execute("select count(*) from checks where outcome = 'not_modified'").fetchone()[0] == 7
    # A page known to hold no narrative is not fetched again.
    assert site.hits[f"/reports/{EDITION}-trafficking-in-persons-report/introduction/"] == hits_before


def test_cosmetic_markup_change_makes_no_snapshot(site: SampleSite, tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    sweep(config_for(site, db_path), db_path)
    body = site.page(japan_path())[1].body
    restyled = body.replace(b"<p>", b'<p class="restyled">  ').replace(b"\n", b"\n\n")
    assert restyled != body
    site.override(japan_path(), (200, {"Content-Type": "text/html; charset=UTF-8"}, restyled))
    result = sweep(config_for(site, db_path), db_path, countries=["japan"])
    assert [p.outcome for p in result.pages] == ["unchanged"]
    assert open_db(db_path)["snapshots"].count == 7


def slow(seconds: float, status: int = 200, body: bytes = b"") -> object:
    def answer(request: Request) -> tuple[int, dict[str, str], bytes]:
        time.sleep(seconds)
        return status, {"Content-Type": "text/html"}, body

    return answer


HTML = {"Content-Type": "text/html; charset=UTF-8"}
BAD_ANSWERS = {
    "not_found": (404, HTML, b"<html><body>Page Not Found</body></html>"),
    "http_5xx": (500, HTML, b"<html><body>Internal error</body></html>"),
    "rate_limited": (429, {**HTML, "Retry-After": "3600"}, b"slow down"),
    "blocked-403": (403, HTML, b"<html><body><h1>Access Denied</h1></body></html>"),
    "blocked-200": (
        200,
        HTML,
        b"<html><head><title>Technical Difficulties</title></head><body><h1>Technical Difficulties</h1>"
        b"<p>We're sorry, this site is currently experiencing technical difficulties.</p></body></html>",
    ),
    "empty": (200, HTML, b""),
    "not_html": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7 binary"),
    "truncated-html": (200, HTML, None),  # filled in from the real page below
    "truncated-transfer": (200, {**HTML, "Content-Length": "90000", "Connection": "close"}, b"<html><body><h2>JA"),
    "redirect_foreign": (302, {"Location": "http://example.org/japan/"}, b""),
    "too_large": (200, HTML, b"<html>" + b"x" * 400_000),
    "not_narrative": (200, HTML, b"<html><body><h1>Japan</h1><p>This page moved.</p></body></html></html>"),
}


@pytest.mark.parametrize("case", sorted(BAD_ANSWERS))
def test_bad_answers_are_recorded_never_stored(site: SampleSite, tmp_path: Path, case: str) -> None:
    db_path = tmp_path / "t.db"
    config = config_for(site, db_path, retries=1, backoff=0.01, read_timeout=2, max_bytes=300_000)
    sweep(config, db_path)
    before = table_counts(db_path)
    status, headers, body = BAD_ANSWERS[case]
    if body is None:
        full = site.page(japan_path())[1].body
        body = full[: len(full) // 2]
    site.override(japan_path(), (status, headers, body))

    result = sweep(config, db_path, countries=["japan"])

    (page,) = result.pages
    assert page.outcome == "error", page
    expected_kind = case.split("-")[0]
    if case == "truncated-transfer":
        expected_kind = "truncated"
    assert page.error_kind == expected_kind
    assert page.message and "\n" not in page.message
    assert table_counts(db_path) == before  # no snapshot, no change, no alert, nothing lost
    db = open_db(db_path)
    check = db.execute("select outcome, error_kind, message from checks order by id desc limit 1").fetchone()
    assert check[0] == "error" and check[1] == expected_kind and check[2] == page.message
    failures = db.execute("select consecutive_failures, last_error from pages where slug = 'japan'").fetchone()
    assert failures == (1, page.message)


def test_timeout_is_recorded(site: SampleSite, tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    config = config_for(site, db_path, retries=0, read_timeout=0.3)
    site.override(japan_path(), slow(1.0))
    result = sweep(config, db_path, countries=["japan"])
    (page,) = result.pages
    assert page.outcome == "error" and page.error_kind == "timeout"
    assert open_db(db_path)["snapshots"].count == 0


def test_500_then_success_is_stored_normally(site: SampleSite, tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    real = site.page(japan_path())[1].body
    answers = iter([(500, HTML, b"oops"), (200, HTML, real)])
    site.override(japan_path(), lambda request: next(answers))
    result = sweep(config_for(site, db_path, retries=2, backoff=0.01), db_path, countries=["japan"])
    assert [p.outcome for p in result.pages] == ["new"]


def test_wrong_charset_label_still_parses(site: SampleSite, tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    real = site.page(japan_path())[1].body.decode("utf-8")
    latin = real.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"') + "<!-- caf\u00e9 -->"
    cp1252 = latin.encode("cp1252", errors="replace")
    site.override(japan_path(), (200, {"Content-Type": "text/html; charset=UTF-8"}, cp1252))
    result = sweep(config_for(site, db_path), db_path, countries=["japan"])
    assert [p.outcome for p in result.pages] == ["new"]
    assert result.pages[0].tier == "Tier 2"


def test_recovery_after_failure_resets_the_streak(site: SampleSite, tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    config = config_for(site, db_path, retries=0)
    site.override(japan_path(), BAD_ANSWERS["http_5xx"])
    sweep(config, db_path, countries=["japan"])
    sweep(config, db_path, countries=["japan"])
    db = open_db(db_path)
    assert db.execute("select consecutive_failures from pages where slug='japan'").fetchone()[0] == 2
    site.clear_overrides()
    result = sweep(config, db_path, countries=["japan"])
    assert [p.outcome for p in result.pages] == ["new"]
    row = db.execute("select consecutive_failures, failing_since from pages where slug='japan'").fetchone()
    assert row == (0, None)


def test_unpublished_edition_is_not_an_error(site: SampleSite, tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    result = sweep(config_for(site, db_path), db_path, editions=[2019, EDITION])
    assert result.missing_editions == [2019] and result.editions == [EDITION]
    assert result.count("error") == 0


def test_archive_host_answers_when_www_does_not(tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    with SampleSite(published=set()) as www, SampleSite(published={EDITION}) as archive:
        config = config_for(www, db_path)
        config = config.with_overrides(source=dataclasses.replace(config.source, archive_hosts=(archive.base_url,)))
        result = sweep(config, db_path, countries=["japan"])
    assert [p.outcome for p in result.pages] == ["new"]
    host = open_db(db_path).execute("select host from pages where slug = 'japan'").fetchone()[0]
    assert archive.base_url.endswith(host.split(":")[-1])


def test_a_check_stores_its_url_only_when_another_one_answered(site: FaultSite, tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    site.override(japan_path(), (301, {"Location": f"{site.base_url}/moved/japan/"}, b""))
    site.override("/moved/japan/", lambda r: SampleSite.respond(site, Request(r.method, japan_path(), r.headers)))
    sweep(config_for(site, db_path), db_path)
    db = open_db(db_path)
    urls = db.execute("select p.slug, c.url from checks c join pages p on p.id = c.page_id where c.url is not null")
    assert urls.fetchall() == [("japan", f"{site.base_url}/moved/japan/")]
    assert db.execute("select count(*) from checks where url is null").fetchone()[0] == 8


def test_migration_leaves_check_urls_out_where_they_are_the_page_s(tmp_path: Path) -> None:
    from sqlite_utils import Database

    from snapshots.store.migrations import migrations

    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m009_check_urls")
    old.execute("insert into pages (id, edition, slug, url) values (1, 2024, 'japan', 'https://www.state.gov/j/')")
    for url in ("https://www.state.gov/j/", "https://web.archive.org/j/"):
        old.execute("insert into checks (page_id, url, outcome) values (1, ?, 'not_modified')", [url])
    old.conn.commit()
    old.close()
    assert open_db(path).execute("select url from checks order by id").fetchall() == [
        (None,),
        ("https://web.archive.org/j/",),
    ]


def slow_pages(site: SampleSite, seconds: float) -> None:
    """Every country page answers correctly, but only after a pause: room to kill a run mid-sweep."""
    for slug in site.reports.countries:
        path = f"/reports/{EDITION}-trafficking-in-persons-report/{slug}/"
        body = site.page(path)[1].body
        site.override(path, slow(seconds, 200, body))


def start_run(config_path: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "monitor", "--config", str(config_path), "run", "--no-deliver"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(predicate: object, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def snapshot_count(db_path: Path) -> int:
    if not db_path.exists():
        return 0
    try:
        return open_db(db_path, migrate=False)["snapshots"].count
    except Exception:  # the schema may not exist yet while the child starts
        return 0


def test_killed_run_leaves_whole_pages_and_the_rerun_completes(site: SampleSite, tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    config_path = write_cron_file(tmp_path, site.base_url, db_path, editions=[EDITION])
    slow_pages(site, 1.0)
    child = start_run(config_path)
    wait_for(lambda: snapshot_count(db_path) >= 2)
    child.send_signal(signal.SIGKILL)
    child.wait(10)
    partial = snapshot_count(db_path)
    assert 2 <= partial < 7

    site.clear_overrides()
    rerun = start_run(config_path)
    _, err = rerun.communicate(timeout=60)
    assert rerun.returncode == 0, err
    db = open_db(db_path)
    assert db["snapshots"].count == 7
    duplicates = db.execute("select page_id from snapshots group by page_id having count(*) > 1").fetchall()
    assert duplicates == []
    statuses = [r[0] for r in db.execute("select status from runs order by id")]
    assert statuses == ["interrupted", "ok"]
    assert db.execute("select count(*) from checks where snapshot_id is not null").fetchone()[0] == 7


def test_second_run_says_a_run_is_in_progress_and_touches_nothing(site: SampleSite, tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    config_path = write_cron_file(tmp_path, site.base_url, db_path, editions=[EDITION])
    slow_pages(site, 3.0)
    first = start_run(config_path)
    try:
        wait_for(lambda: Path(f"{db_path}.lock").exists() and Path(f"{db_path}.lock").read_text().strip())
        wait_for(lambda: snapshot_count(db_path) >= 1)
        second = start_run(config_path)
        _, err = second.communicate(timeout=30)
        assert second.returncode == 75
        assert err.strip().splitlines() == [err.strip().splitlines()[-1]]
        assert "a run is in progress" in err
        runs = open_db(db_path).execute("select count(*) from runs").fetchone()[0]
        assert runs == 1  # the refused run recorded nothing
    finally:
        first.kill()
        first.wait(10)


def test_discovery_reads_report_navigation_and_links_of_one_edition_only() -> None:
    from monitor.sources import discover_pages

    landing = b"""<html><body><nav id="report-nav"><select>
      <option value="https://www.state.gov/reports/2019-trafficking-in-persons-report-2/japan/">Japan</option>
      <option value="/reports/2019-trafficking-in-persons-report-2/colombia__trashed/">Colombia</option>
      <option value="/reports/2019-trafficking-in-persons-report/introduction">Introduction</option>
    </select></nav>
    <a href="/reports/2019-trafficking-in-persons-report-2/japan/">Japan again</a>
    <a href="/reports/2018-trafficking-in-persons-report/japan/">Japan 2018</a>
    <a href="https://www.state.gov/reports/2019-trafficking-in-persons-report-2/south-korea/#top">Korea</a>
    </body></html>"""
    refs = discover_pages(landing, "https://www.state.gov/reports/2019-trafficking-in-persons-report/", 2019)
    assert [(r.slug, r.url) for r in refs] == [
        ("japan", "https://www.state.gov/reports/2019-trafficking-in-persons-report-2/japan/"),
        ("introduction", "https://www.state.gov/reports/2019-trafficking-in-persons-report/introduction/"),
        ("south-korea", "https://www.state.gov/reports/2019-trafficking-in-persons-report-2/south-korea/"),
    ]
    assert discover_pages(b"", "https://www.state.gov/", 2019) == []


def test_unchanged_landing_page_is_not_parsed_again(site: SampleSite, tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    config = config_for(site, db_path)
    sweep(config, db_path)
    landing = open_db(db_path).execute("select url, etag from landings where edition = ?", [EDITION]).fetchone()
    assert landing[0] == site.url(EDITION) and landing[1]
    # A landing page that now lists nothing would lose every page if it were parsed: a 304 proves it is not.
    body = b"<html><body>no links at all</body></html>"
    site.override(
        f"/reports/{EDITION}-trafficking-in-persons-report/",
        lambda request: (
            (304, {"ETag": landing[1]}, b"")
            if request.headers.get("If-None-Match") == landing[1]
            else (200, HTML, body)
        ),
    )
    again = sweep(config, db_path)
    assert again.editions == [EDITION] and again.count("not_modified") == 7


def test_landing_validators_without_pages_fall_back_to_a_full_fetch(site: SampleSite, tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    config = config_for(site, db_path)
    db = open_db(db_path)
    etag = site.page(f"/reports/{EDITION}-trafficking-in-persons-report/")[1].etag
    db["landings"].insert({"edition": EDITION, "url": site.url(EDITION), "etag": etag})
    result = sweep(config, db_path, editions=[EDITION])
    assert result.editions == [EDITION] and result.count("new") == 7


def test_unreachable_source_is_an_error_not_an_empty_sweep(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db_path = tmp_path / "t.db"
    with SampleSite() as site:
        config = config_for(site, db_path, retries=0)
    config = config.with_overrides(source=dataclasses.replace(config.source, base_url=f"http://127.0.0.1:{port}"))
    with pytest.raises(SourceUnreachable) as err:
        sweep(config, db_path)
    assert "no edition could be read" in str(err.value) and "cannot connect" in str(err.value)
    db = open_db(db_path)
    assert db.execute("select status, error from runs").fetchone()[0] == "failed"
    assert db["snapshots"].count == 0


def test_one_unreachable_edition_does_not_stop_the_others(site: SampleSite, tmp_path: Path) -> None:
    db_path = tmp_path / "t.db"
    site.published.add(2023)
    site.override("/reports/2023-trafficking-in-persons-report/", (503, HTML, b"busy"))
    result = sweep(config_for(site, db_path, retries=0), db_path, editions=[2023, EDITION])
    assert result.editions == [EDITION] and list(result.unreachable) == [2023]
    assert "HTTP 503" in result.unreachable[2023] and result.missing_editions == []


def _open_files(path: Path) -> list[str]:
    """Files of this process whose path starts with `path` (the database, its -wal and -shm)."""
    links = [str(fd.readlink()) for fd in Path("/proc/self/fd").iterdir() if fd.is_symlink()]
    return [link for link in links if link.startswith(str(path))]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to list open files")
def test_sweep_and_discover_close_their_database(site: SampleSite, tmp_path: Path) -> None:
    """A connection left to the garbage collector lives on in a long-lived process (the scheduler): over
    hundreds of sweeps they and their page caches made the process grow by megabytes."""
    import gc

    from monitor.pipeline import discover

    db_path = tmp_path / "t.db"
    config = config_for(site, db_path)
    gc.disable()  # what a collection would hide: a connection kept alive by a reference cycle
    try:
        assert sweep(config, db_path).count("new") == 7
        assert _open_files(db_path) == []
        discover(config, db_path)
        assert _open_files(db_path) == []
    finally:
        gc.enable()
