"""The browse page in a real browser: Debian's chromium driven by Playwright, against `tipwatch serve`
started as a subprocess on a loopback port."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.test_web_routes import shared_web_db

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
# What Debian's chromium needs to run headless in a container, and nothing that phones home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-default-apps",
    "--disable-extensions",
    "--metrics-recording-only",
    "--mute-audio",
]
STARTUP_TIMEOUT_S = 20


def _unavailable(reason: str) -> None:
    """Locally a missing browser skips; in CI it must fail, so the browser tests can never silently vanish."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sample_db_master: Path) -> Iterator[str]:
    db_path = shared_web_db(tmp_path_factory, sample_db_master)
    proc = subprocess.Popen(
        [sys.executable, "-m", "monitor", "--db", str(db_path), "serve", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        if "serving http://127.0.0.1:" not in line:
            proc.kill()
            _, err = proc.communicate(timeout=STARTUP_TIMEOUT_S)
            pytest.fail(f"`tipwatch serve` did not start: {line!r} {err[-2000:]}")
        yield line.split("serving ", 1)[1].strip().rstrip("/")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: `apt-get install -y chromium` to run the browser tests")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("playwright is not installed in this environment")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.dialogs = dialogs  # type: ignore[attr-defined]
    yield page
    context.close()


def test_follow_a_tier_move_to_its_diff_and_toggle_changes_only(page, server):
    page.goto(f"{server}/")
    assert page.get_by_role("heading", name="Latest changes").is_visible()
    page.locator("table.editions").get_by_role("link", name="2024", exact=True).click()
    page.wait_for_url("**/editions/2024")
    row = page.locator("tr.move", has_text="FREEDONIA")
    assert "downgrade" in row.inner_text()
    row.get_by_role("link", name="diff").click()
    page.wait_for_url("**/countries/freedonia/diff?**")
    assert "downgrade" in page.locator("#tier-summary").inner_text()
    assert page.locator("#section-summary del").first.is_visible()
    assert page.locator("#section-trafficking_profile").count() == 1

    page.locator("#toggle-changes-only").click()
    page.wait_for_url("**changes_only=1**")
    assert page.locator("#section-trafficking_profile").count() == 0
    assert page.locator("p.gap").first.is_visible()
    page.locator("#toggle-mode").click()
    page.wait_for_url("**mode=side**")
    assert page.locator("table.side-by-side").first.is_visible()
    page.locator("#next-change").click()
    assert "old_edition" not in page.url and page.locator("#tier-summary").is_visible()


def test_country_chart_shows_streak_and_special_case(page, server):
    page.goto(f"{server}/countries/ruritania")
    chart = page.locator("svg#tier-chart")
    box = chart.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 100
    assert chart.locator("circle.point").count() == 3
    assert chart.locator("rect.point.sc").count() == 2
    assert "Watch List 3 years" in chart.locator("text.streak-label").text_content()
    assert page.locator("table.tracker tbody tr").count() >= 3


def test_country_figure_chart_shows_each_edition_and_its_source_sentence(page, server):
    page.goto(f"{server}/countries/brazil")
    chart = page.locator("svg#figure-convictions-all")
    box = chart.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 60
    points = chart.locator("circle.figure-point")
    assert points.count() == 5
    latest = points.last
    latest.hover()
    assert "convicted 14 traffickers" in latest.locator("title").text_content()
    assert chart.locator("text.figure-value").last.text_content() == "14"


def test_search_from_the_header(page, server):
    page.goto(f"{server}/")
    page.get_by_placeholder("Search narratives").fill("shelter")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?q=shelter**")
    assert page.locator("li.hit").count() > 0
    assert page.locator("li.hit mark").first.inner_text().lower().startswith("shelter")


def test_hostile_page_stays_inert(page, server):
    for path in (
        "/countries/evilland",
        "/countries/evilland/diff",
        "/countries/evilland/2025/sections/prosecution",
        "/search?q=government+efforts",
        "/",
    ):
        page.goto(f"{server}{path}")
        page.mouse.move(300, 300)
        assert page.evaluate("typeof window.__pwned") == "undefined", path
        assert page.locator("main script, main img, main [onload], main [onerror]").count() == 0, path
    page.goto(f"{server}/countries/evilland/2025/sections/prosecution")
    assert page.get_by_text("<script>window.__pwned = 1", exact=False).count() >= 1
    assert page.locator('a[href^="javascript:"]').count() == 0
    assert page.dialogs == []


def test_a_missing_browser_skips_locally_but_fails_in_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        _unavailable("no browser")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no browser"):
        _unavailable("no browser")


PHONE_PAGES = (
    "/",
    "/countries",
    "/editions",
    "/editions/2024",
    "/countries/ruritania",
    "/countries/freedonia/diff",
    "/countries/freedonia/diff?mode=side",
    "/countries/japan/diff",
    "/changes/1",
    "/search?q=shelter",
    "/snapshots/1",
    "/countries/freedonia/2025/sections/prosecution",
)


def test_every_page_fits_a_phone_without_sideways_scrolling(browser, server, tmp_path_factory):
    context = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=1)
    page = context.new_page()
    shots = tmp_path_factory.mktemp("phone")
    try:
        overflowing = {}
        for path in PHONE_PAGES:
            page.goto(f"{server}{path}")
            scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
            if scroll > inner:
                overflowing[path] = scroll
            page.screenshot(path=str(shots / (path.strip("/").replace("/", "_").replace("?", "_") or "home")) + ".png")
        assert not overflowing, f"wider than 390 px (look at the screenshots in {shots}): {overflowing}"
    finally:
        context.close()
