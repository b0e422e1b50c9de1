"""Faults at the source that test_pipeline.py does not cover: the site going away mid-sweep, resets,
storms across every page (with their health alerts), redirect loops, huge bodies, garbage bytes.

Each asserts the recorded outcome, that no snapshot and no change was made, and that nothing earlier was lost.
"""

from __future__ import annotations

import json
import random
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.pipeline import PageOutcome, sweep
from monitor.samples.server import SampleSite
from snapshots.store.db import open_db
from tests.fault_site import FaultSite
from tests.faults_helpers import HOOK_ENV, HTML, Hook, RawServer, country_path, counts, fault_config, reset

EDITION = 2024
COUNTRIES = 7


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hook]:
    with Hook() as h:
        monkeypatch.setenv(HOOK_ENV, h.url)
        yield h


def japan() -> str:
    return country_path(EDITION, "japan")


def baseline(site: SampleSite, db: Path, **kwargs: object) -> dict[str, int]:
    """A first, clean sweep; returns the table counts that the faulty sweep must leave alone."""
    result = sweep(fault_config(site, db, **kwargs), db)
    assert result.count("new") == COUNTRIES and result.count("error") == 0
    return counts(db)


def last_check(db: Path, slug: str = "japan") -> tuple[str, str, str]:
    row = (
        open_db(db)
        .execute(
            """select c.outcome, c.error_kind, c.message from checks c join pages p on p.id = c.page_id
               where p.slug = ? order by c.id desc limit 1""",
            [slug],
        )
        .fetchone()
    )
    return tuple(row)


def only_japan_fails(site: SampleSite, db: Path, kind: str, **fetch: float) -> PageOutcome:
    """Sweep Japan alone against whatever override is in place; check the outcome and that nothing was stored."""
    before = counts(db)
    (page,) = sweep(fault_config(site, db, **fetch), db, countries=["japan"]).pages
    assert (page.outcome, page.error_kind) == ("error", kind), page
    assert page.message and "\n" not in page.message
    assert last_check(db) == ("error", kind, page.message)
    assert counts(db) == before  # no snapshot, no change, no alert, nothing lost
    return page


# --- the site goes away -----------------------------------------------------------------------------


def test_site_stopped_mid_sweep_refuses_the_rest_then_a_rerun_completes(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    site = FaultSite(published={EDITION}).start()
    port = int(site.base_url.rsplit(":", 1)[1])
    # Close every connection after its answer, so that stopping the server really refuses the next request
    # (a kept-alive connection would otherwise go on being served by its handler thread).
    for slug in site.reports.countries:
        path = country_path(EDITION, slug)
        body = site.page(path)[1].body
        site.override(path, (200, {**HTML, "Connection": "close"}, body))
    seen: list[PageOutcome] = []

    def stop_after_three(event: str, payload: object) -> None:
        if event == "page":
            seen.append(payload)  # type: ignore[arg-type]
            if len(seen) == 3:
                site.stop()

    # One reader thread, so that "after the third page" is a moment in the sweep (more threads read ahead).
    result = sweep(fault_config(site, db, workers=1), db, progress=stop_after_three)
    stored = result.count("new")
    failed = [p for p in result.pages if p.outcome == "error"]
    assert len(failed) == len(result.pages) - 3 and failed
    assert {p.error_kind for p in failed} == {"connection"}
    assert all("connection refused" in p.message for p in failed)
    assert counts(db)["snapshots"] == stored and counts(db)["changes"] == 0
    db_handle = open_db(db)
    assert db_handle.execute("select status from runs").fetchall() == [("ok",)]  # the sweep itself completed

    with SampleSite(published={EDITION}, port=port) as again:
        rerun = sweep(fault_config(again, db), db)
    assert rerun.count("error") == 0
    assert rerun.count("new") == COUNTRIES - stored
    assert counts(db)["snapshots"] == COUNTRIES
    # The only change is the edition summary, recorded once every page of the edition has its snapshot.
    assert [k for (k,) in db_handle.execute("select kind from changes")] == ["edition"]
    streaks = db_handle.execute("select max(consecutive_failures) from pages").fetchone()[0]
    assert streaks == 0


def test_reset_mid_body_is_truncated(site: SampleSite, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    baseline(site, db)
    body = site.page(japan())[1].body

    def half_then_reset(conn: socket.socket, request: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(body))
        conn.sendall(body[: len(body) // 2])
        reset(conn)

    with RawServer(half_then_reset) as raw:
        site.override(japan(), (302, {"Location": raw.base_url + "/japan/"}, b""))
        only_japan_fails(site, db, "truncated", retries=1)
        assert raw.connections == 2  # a broken transfer is retried once, then recorded


@pytest.mark.parametrize("hops", [1, 2], ids=["to-itself", "between-two"])
def test_redirect_loop_is_recorded(site: SampleSite, tmp_path: Path, hops: int) -> None:
    db = tmp_path / "t.db"
    baseline(site, db)
    other = country_path(EDITION, "elsewhere")
    site.override(japan(), (302, {"Location": site.base_url + (japan() if hops == 1 else other)}, b""))
    site.override(other, (301, {"Location": site.base_url + japan()}, b""))
    page = only_japan_fails(site, db, "redirect_loop")
    assert "redirects" in page.message
    assert site.hits[japan()] >= 3  # it did follow, up to the limit


def test_ten_megabyte_body_with_length_is_refused_before_reading(site: SampleSite, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    baseline(site, db)
    real = site.page(japan())[1].body
    huge = real.replace(b"</body>", b"<!--" + b"x" * (10 * 1024 * 1024) + b"--></body>")
    site.override(japan(), (200, HTML, huge))
    page = only_japan_fails(site, db, "too_large")
    assert f"{len(huge):,}" in page.message


def test_ten_megabyte_body_streamed_without_length_is_cut_off_at_the_cap(site: SampleSite, tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    baseline(site, db)
    sent: list[int] = []

    def stream_forever(conn: socket.socket, request: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n<html><body>")
        total = 0
        while total < 10 * 1024 * 1024:
            conn.sendall(b"<p>" + b"y" * 65536 + b"</p>")
            total += 65543
            sent.append(total)

    with RawServer(stream_forever) as raw:
        site.override(japan(), (302, {"Location": raw.base_url + "/japan/"}, b""))
        page = only_japan_fails(site, db, "too_large", max_bytes=1_000_000)
    assert "1,000,000-byte cap" in page.message
    assert sent[-1] < 10 * 1024 * 1024  # the client hung up long before the end


@pytest.mark.parametrize(
    ("garbage", "kind"),
    [
        (random.Random(7).randbytes(150_000), "bad_encoding"),
        (bytes(random.Random(8).choices(b'abcdefghij <>/&;="\n', k=150_000)), "not_narrative"),
    ],
    ids=["binary", "text-noise"],
)
def test_garbage_bytes_with_200_are_not_a_narrative(
    site: SampleSite, tmp_path: Path, garbage: bytes, kind: str
) -> None:
    db = tmp_path / "t.db"
    baseline(site, db)
    site.override(japan(), (200, HTML, garbage))
    only_japan_fails(site, db, kind)


# --- storms across every page: one aggregated health alert, one "resolved" -------------------------


def storm(site: SampleSite, statuses: tuple[int, ...] = (500, 503)) -> None:
    for i, slug in enumerate(sorted(site.reports.countries)):
        status = statuses[i % len(statuses)]
        site.override(country_path(EDITION, slug), (status, {**HTML, "Retry-After": "1"}, b"<h1>Service down</h1>"))


def test_5xx_storm_gives_one_problem_alert_then_one_resolved(site: SampleSite, tmp_path: Path, hook: Hook) -> None:
    db = tmp_path / "t.db"
    config = fault_config(site, db, hook=True, failure_threshold=3)
    sweep(config, db)
    assert len(hook.notices("baseline")) == 1
    before = counts(db)
    storm(site)

    for run in range(1, 5):
        result = sweep(config, db)
        assert result.count("error") == COUNTRIES
        assert {p.error_kind for p in result.pages if p.outcome == "error"} == {"http_5xx"}
        # Below the threshold: nothing; at it: one message for every failing page; after it: nothing more.
        assert len(hook.notices("problem")) == (0 if run < 3 else 1), run
    (problem,) = hook.notices("problem")
    assert len(problem) == COUNTRIES and {n["failures"] for n in problem} == {3}
    statuses = open_db(db).execute("select distinct status_code from checks where outcome = 'error'").fetchall()
    assert sorted(s for (s,) in statuses) == [500, 503]

    site.clear_overrides()
    recovered = sweep(config, db)
    assert recovered.count("not_modified") == COUNTRIES
    (resolved,) = hook.notices("resolved")
    assert len(resolved) == COUNTRIES
    sweep(config, db)
    assert len(hook.notices("resolved")) == 1 and len(hook.notices("problem")) == 1

    after = counts(db)
    assert (after["snapshots"], after["changes"], after["sections"]) == (
        before["snapshots"],
        before["changes"],
        before["sections"],
    )
    rows = open_db(db).execute("select notice, status from outbox where change_id is null").fetchall()
    kinds = sorted(json.loads(n)["type"] for n, _ in rows)
    assert kinds == ["baseline"] + ["problem"] * COUNTRIES + ["resolved"] * COUNTRIES
    assert {s for _, s in rows} == {"sent"}
    assert len(hook.keys()) == len(set(hook.keys())) == 3  # baseline, problem, resolved: each sent once


def test_a_storm_shorter_than_the_threshold_alerts_nobody(site: SampleSite, tmp_path: Path, hook: Hook) -> None:
    db = tmp_path / "t.db"
    config = fault_config(site, db, hook=True, failure_threshold=3)
    sweep(config, db)
    storm(site, (503,))
    sweep(config, db)
    sweep(config, db)
    site.clear_overrides()
    sweep(config, db)
    assert hook.notices("problem") == [] and hook.notices("resolved") == []


def test_a_page_failing_in_a_storm_of_others_keeps_its_own_streak(site: SampleSite, tmp_path: Path) -> None:
    """Per-page accounting: pages that recover between storms start counting from zero again."""
    db = tmp_path / "t.db"
    config = fault_config(site, db)
    sweep(config, db)
    storm(site)
    sweep(config, db)
    site.clear_overrides()
    site.override(japan(), (503, HTML, b"down"))
    sweep(config, db)
    streaks = dict(open_db(db).execute("select slug, consecutive_failures from pages where kind = 'narrative'"))
    assert streaks.pop("japan") == 2 and set(streaks.values()) == {0}
