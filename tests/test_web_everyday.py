"""Everyday use of the web page: indexes, readable times and wording, phone width. Routes through
Flask's test client over the shared real SQLite file of the route tests."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from monitor.web.app import create_app
from snapshots.core.models import TIERS
from tests.test_web_routes import shared_web_db


@pytest.fixture(scope="module")
def web_db(tmp_path_factory: pytest.TempPathFactory, sample_db_master: Path) -> Path:
    return shared_web_db(tmp_path_factory, sample_db_master)


@pytest.fixture(scope="module")
def client(web_db: Path):
    return create_app(web_db).test_client()


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)]


def test_diff_page_has_one_findings_heading_and_no_second_summary(client):
    html = _html(client, "/countries/colombia/diff")
    headings = _headings(html)
    assert not any(h.startswith("Summary") for h in headings), headings
    assert sum(h.startswith("Findings") for h in headings) == 1, headings
    assert "At a glance" in headings


def test_section_names_are_words_not_internal_keys(client):
    html = _html(client, "/countries/haiti/diff?old_edition=2023&new_edition=2024")
    text = re.sub(r"<[^>]+>", " ", html)
    assert "trafficking_profile" not in text and "government_efforts" not in text
    assert "Trafficking profile" in text and "Government efforts" in text


def _text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _rows(html: str, table_class: str) -> list[str]:
    table = re.search(rf'<table class="{table_class}[^"]*">(.*?)</table>', html, re.S)
    assert table, table_class
    return [_text(row) for row in re.findall(r"<tr class=\"country[^\"]*\">(.*?)</tr>", table.group(1), re.S)]


def _cells(html: str, table_class: str) -> list[list[str]]:
    table = re.search(rf'<table class="{table_class}[^"]*">(.*?)</table>', html, re.S)
    assert table, table_class
    return [
        re.findall(r"<td>(.*?)</td>", row, re.S)
        for row in re.findall(r"<tbody>.*?</tbody>", table.group(1), re.S)[0].split("</tr>")
        if "<td>" in row
    ]


def test_countries_index_lists_every_country_with_its_current_tier_and_last_change(client, web_db):
    html = _html(client, "/countries")
    rows = _rows(html, "countries")
    names = [row.split(" Tier")[0].split(" Special")[0] for row in rows]
    data = client.get("/countries?format=json").get_json()["countries"]
    stored = _keys(web_db, "select distinct country_key from snapshots")
    assert sorted(c["country_key"] for c in data) == sorted(stored) and len(rows) == len(stored)
    assert names == sorted(names, key=str.casefold)
    by_key = {c["country_key"]: c for c in data}
    assert by_key["oldland"]["edition"] == 2022 and by_key["oldland"]["tier"] == "Tier 3"  # dropped after 2022
    freedonia = next(row for row in rows if row.startswith("Freedonia"))
    assert "Tier 3 → Tier 2 (2025)" in freedonia  # its last tier move, linked to the change
    assert 'href="/countries"' in html and 'href="/editions"' in html  # in the header of every page


def test_editions_index_and_the_full_sortable_edition_table_with_csv(client, web_db):
    html = _html(client, "/editions")
    for year in (2021, 2022, 2023, 2024, 2025):
        assert f'href="/editions/{year}"' in html and f'href="/editions/{year}.csv"' in html
    page = _html(client, "/editions/2025")
    rows = _rows(page, "edition-table")
    assert len(rows) == len(_keys(web_db, "select distinct country_key from snapshots where edition = 2025"))
    freedonia = next(row for row in rows if row.startswith("Freedonia"))
    assert freedonia == "Freedonia Tier 2 Tier 3 upgrade"
    sorted_page = _html(client, "/editions/2025?sort=tier")
    tiers_in_order = [_text(cells[1]) for cells in _cells(sorted_page, "edition-table")]
    assert tiers_in_order == sorted(tiers_in_order, key=list(TIERS).index) and len(set(tiers_in_order)) > 2
    response = client.get("/editions/2025.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "country,tier,previous_tier,move,watch_list_streak" and len(lines) == len(rows) + 1
    assert "Freedonia,Tier 2,Tier 3,upgrade," in lines
    assert client.get("/editions/2025?sort=nonsense").status_code == 400
    assert client.get("/editions/1999.csv").status_code == 404


def test_times_are_readable_with_the_exact_iso_on_hover(client):
    from zoneinfo import ZoneInfo

    from monitor.web.times import readable

    assert readable("2026-12-01T11:55:32+00:00", ZoneInfo("America/New_York")) == "1 Dec 2026, 06:55 EST"
    assert readable("2026-07-04T23:05:00", ZoneInfo("UTC")) == "4 Jul 2026, 23:05 UTC"
    assert readable("not a time") == "not a time"
    html = _html(client, "/")
    stamps = re.findall(r'<time datetime="([^"]+)" title="([^"]+)">([^<]+)</time>', html)
    assert stamps and all(iso == hover and iso not in shown for iso, hover, shown in stamps)
    assert not re.search(r">[^<]*\d{4}-\d\d-\d\dT\d\d:\d\d", html)  # no raw ISO time as visible text


def _keys(web_db: Path, sql: str) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(web_db)
    try:
        return [row[0] for row in conn.execute(sql)]
    finally:
        conn.close()


def test_change_page_says_its_fields_in_sentences_not_raw_keys(client, web_db):
    ids = _keys(web_db, "select id from changes where kind in ('tier', 'coverage', 'findings', 'section') order by id")
    for change_id in ids:
        text = _text(_html(client, f"/changes/{change_id}"))
        for raw in ("faces_automatic_downgrade", "watch_list_streak", "from_tier", "share_changed", "False", "True"):
            assert raw not in text, (change_id, raw)
    tier_change = _keys(web_db, "select id from changes where kind = 'tier' and summary like 'Freedonia%' order by id")
    text = _text(_html(client, f"/changes/{tier_change[0]}"))
    assert "Downgrade: Tier 2 -> Tier 2 Watch List" in text


def test_edition_boilerplate_is_dimmed_in_the_web_diff_as_in_the_terminal(client):
    data = client.get("/countries/japan/diff?format=json").get_json()["diff"]
    parts = [data["findings"], *data["sections"]]
    drift_texts = [p["diff"][i][1] for p in parts for i in p["boilerplate"]]
    assert drift_texts, "the sample's Japan diff has boilerplate drift"
    page = _html(client, "/countries/japan/diff")
    dimmed = [html.unescape(t) for t in re.findall(r'<(?:ins|del) class="drift"[^>]*>(.*?)</(?:ins|del)>', page, re.S)]
    assert dimmed and all(any(t.strip() in d for d in drift_texts) for t in dimmed)
    real = re.findall(r"<(?:ins|del)>(.*?)</(?:ins|del)>", page, re.S)
    assert real  # the real changes keep their colours


def test_a_watch_list_band_never_covers_the_row_labels(client, web_db):
    from monitor.web.chart import LEFT

    for key in _keys(web_db, "select distinct country_key from snapshots"):
        page = _html(client, f"/countries/{key}")
        for x, width in re.findall(r'<rect class="streak" x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', page):
            assert float(x) >= LEFT and float(width) > 0, (key, x)
    vietnam = _html(client, "/countries/vietnam")
    assert "Watch List 2 years" in vietnam  # the streak the 2021 narrative states is still drawn and labelled


def test_one_name_per_country_with_the_pages_own_heading_where_it_is_cited(client, web_db):
    korea = _keys(web_db, "select id from snapshots where country_key = 'south-korea' order by id")[0]
    page = _text(_html(client, f"/snapshots/{korea}"))
    assert "South Korea, 2021 report" in page and "The page's own heading: “KOREA, REPUBLIC OF" in page
    feed = client.get("/countries/south-korea/feed.atom").get_data(as_text=True)
    assert "<title>tipwatch changes: South Korea</title>" in feed


def test_a_snapshot_diffed_with_itself_is_identical_on_the_page_too(client, web_db):
    snapshot_id = _keys(web_db, "select max(id) from snapshots where country_key = 'japan' and edition = 2025")[0]
    page = _text(_html(client, f"/countries/japan/diff?old={snapshot_id}&new={snapshot_id}"))
    assert "2025 report, identical" in page and "revised" not in page
    assert "2025 report vs 2024 report" in _text(_html(client, "/countries/japan/diff"))
