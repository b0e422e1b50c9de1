"""The browse page's routes, through Flask's test client over a real SQLite file."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from monitor.web.app import create_app
from snapshots.core.models import SPECIAL_CASE, TIER_1, TIER_2, TIER_2_WATCH_LIST, TIER_3, Narrative
from snapshots.store import changelog, writes
from snapshots.store.db import open_db
from tests.conftest import copy_db

HOSTILE = (
    '<script>window.__pwned = 1; alert("x")</script> The government <img src=x onerror="window.__pwned=2"> '
    'made efforts. <a href="javascript:window.__pwned=3">read more</a> <svg onload="window.__pwned=4"></svg>'
)

# (country_key, name, {edition: tier}); the story each one tells on the pages is in its comment.
STORIES = [
    # Watch List 2022-23, automatic downgrade to Tier 3 in 2024, back to Tier 2 in 2025.
    (
        "freedonia",
        "FREEDONIA",
        {2021: TIER_2, 2022: TIER_2_WATCH_LIST, 2023: TIER_2_WATCH_LIST, 2024: TIER_3, 2025: TIER_2},
    ),
    # Tier 1 throughout, with a post-release edit of its 2024 narrative.
    ("sylvania", "SYLVANIA", {2021: TIER_1, 2022: TIER_1, 2023: TIER_1, 2024: TIER_1, 2025: TIER_1}),
    # Watch List, then Special Case (unranked).
    (
        "ruritania",
        "RURITANIA",
        {
            2021: TIER_2_WATCH_LIST,
            2022: TIER_2_WATCH_LIST,
            2023: TIER_2_WATCH_LIST,
            2024: SPECIAL_CASE,
            2025: SPECIAL_CASE,
        },
    ),
    # Dropped after 2022; another added from 2024.
    ("oldland", "OLDLAND", {2021: TIER_3, 2022: TIER_3}),
    ("newland", "NEWLAND", {2024: TIER_2, 2025: TIER_2}),
    # Scraped text that tries to run script.
    ("evilland", "EVILLAND <b onmouseover=alert(1)>", {2024: TIER_2, 2025: TIER_3}),
]


def _narrative(key: str, name: str, edition: int, tier: str, *, revised: bool = False) -> Narrative:
    hostile = key == "evilland"
    year_note = f"In the {edition} reporting period the government prosecuted {edition - 2000} cases."
    recommendations = [
        "Vigorously investigate and prosecute trafficking crimes, including officials complicit in trafficking.",
        "Increase funding for victim shelters and specialized services.",
    ]
    if edition >= 2022:
        recommendations.append("Train labor inspectors to identify forced labor indicators in fishing.")
    if edition <= 2023:
        recommendations.append("Amend the law to remove the requirement of force for child sex trafficking.")
    if edition >= 2024:
        recommendations[1] = "Significantly increase funding for victim shelters and for specialized services."
    if hostile:
        recommendations.append(HOSTILE)
    summary = f"The Government of {name.title()} is placed on {tier}. {year_note}"
    if revised:
        summary += " Officials also convicted two traffickers."
    sections = {
        "prosecution": f"{year_note}\n\nThe anti-trafficking law criminalized sex and labor trafficking."
        + (f"\n\n{HOSTILE}" if hostile else ""),
        "protection": "The government identified victims and referred them to care."
        + (" It opened a new Zorbex shelter." if edition % 2 else ""),
        "trafficking_profile": "Traffickers exploit domestic and foreign victims in the country.",
    }
    if tier == SPECIAL_CASE:
        sections = {
            "government_efforts": "No functioning government made anti-trafficking efforts.",
            "trafficking_profile": sections["trafficking_profile"],
        }
    return Narrative(
        country=name,
        country_key=key,
        edition=edition,
        tier=tier,
        summary=summary,
        recommendations=tuple(recommendations),
        sections=sections,
        layout="test",
        parser_version="test-1",
        heading=f"{name} ({tier})",
    )


def build_web_db(path: Path, sample_db: Path) -> Path:
    """A copy of the sample database (the bundled editions as the job stores them), plus the stories above
    written through snapshots.store, the writers the job uses."""
    copy_db(sample_db, path)
    db = open_db(path)
    with db.conn:
        for key, name, tiers in STORIES:
            for edition, tier in sorted(tiers.items()):
                versions = [False, True] if (key, edition) == ("sylvania", 2024) else [False]
                for revised in versions:
                    at = f"{edition}-06-{25 + int(revised):02d}T10:00:00+00:00"
                    page = writes.upsert_page(db, edition, key, f"https://www.state.gov/{edition}/{key}/")
                    narrative = _narrative(key, name, edition, tier, revised=revised)
                    snapshot_id = writes.save_snapshot(
                        db,
                        page_id=page["id"],
                        edition=edition,
                        data=writes.SnapshotData.build(narrative, f"<html>{edition} {key} {revised}</html>".encode()),
                        url=page["url"],
                        fetched_at=at,
                    )
                    assert snapshot_id is not None
                    changelog.record_changes_for(db, snapshot_id)
        for edition in sorted({e for _, _, tiers in STORIES for e in tiers}):
            changelog.record_edition_summary(db, edition)
    db.conn.close()
    return path


def shared_web_db(tmp_path_factory: pytest.TempPathFactory, sample_db: Path) -> Path:
    """One database per test session, shared by the route and browser tests (the pages never write)."""
    path = tmp_path_factory.getbasetemp() / "web-db" / "tipwatch.db"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        build_web_db(path, sample_db)
    return path


@pytest.fixture(scope="module")
def web_db(tmp_path_factory: pytest.TempPathFactory, sample_db_master: Path) -> Path:
    return shared_web_db(tmp_path_factory, sample_db_master)


@pytest.fixture(scope="module")
def client(web_db: Path):
    app = create_app(web_db)
    return app.test_client()


def _ids(web_db: Path, sql: str, params=()) -> list:
    conn = sqlite3.connect(web_db)
    try:
        return [row[0] for row in conn.execute(sql, params)]
    finally:
        conn.close()


def test_home_lists_changes_newest_first_with_editions(client, web_db):
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Freedonia: Tier 2 Watch List -&gt; Tier 3" in html or "FREEDONIA" in html.upper()
    data = client.get("/?format=json").get_json()
    ids = [c["id"] for c in data["changes"]]
    assert ids == sorted(ids, reverse=True) and ids
    assert [e["edition"] for e in data["editions"]] == [2025, 2024, 2023, 2022, 2021]
    covered = _ids(web_db, "SELECT count(DISTINCT country_key) FROM snapshots WHERE edition = 2025")[0]
    assert data["editions"][0]["countries"] == covered


def test_home_filters_by_kind_country_and_significance(client):
    tiers = client.get("/api/?kind=tier").get_json()["changes"]
    assert tiers and {c["kind"] for c in tiers} == {"tier"}
    fredonia = client.get("/api/?country=freedonia&significance=high").get_json()["changes"]
    assert fredonia and {c["country_key"] for c in fredonia} == {"freedonia"}
    assert {c["significance"] for c in fredonia} == {"high"}
    medium_up = client.get("/api/?significance=medium").get_json()["changes"]
    assert "low" not in {c["significance"] for c in medium_up}


def test_edition_page_shows_moves_counts_added_and_dropped(client, web_db):
    data = client.get("/editions/2024?format=json").get_json()["edition"]
    moves = {m["country_key"]: m for m in data["moves"]}
    assert moves["freedonia"]["direction"] == "downgrade"
    assert moves["ruritania"]["direction"] == "status"
    assert "sylvania" not in moves
    assert [c["country_key"] for c in data["added"]] == ["evilland", "newland"]
    assert data["previous_edition"] == 2023
    latest = (
        "SELECT count(*) FROM snapshots WHERE tier = ?"
        " AND id IN (SELECT max(id) FROM snapshots WHERE edition = ? GROUP BY country_key)"
    )
    counts = {t["tier"]: t for t in data["tier_counts"]}
    for tier in (TIER_1, TIER_3, SPECIAL_CASE):
        now, before = _ids(web_db, latest, (tier, 2024))[0], _ids(web_db, latest, (tier, 2023))[0]
        assert (counts[tier]["count"], counts[tier]["delta"]) == (now, now - before)
    dropped = client.get("/api/editions/2023").get_json()["edition"]["dropped"]
    assert [c["country_key"] for c in dropped] == ["oldland"]
    html = client.get("/editions/2024").get_data(as_text=True)
    assert "downgrade" in html and "/countries/freedonia/diff?old=" in html


def test_country_page_has_svg_timeline_streaks_special_case_and_tracker(client):
    html = client.get("/countries/ruritania").get_data(as_text=True)
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "Watch List 3 years" in svg
    assert svg.count('class="special-band"') == 2
    assert svg.count("<circle") == 3 and svg.count('<rect class="point sc"') == 2
    data = client.get("/countries/freedonia?format=json").get_json()
    tracker = data["recommendations"]
    assert tracker["editions"] == [2021, 2022, 2023, 2024, 2025]
    labels = {t["text"][:30]: {int(e): c["label"] for e, c in t["cells"].items()} for t in tracker["threads"]}
    assert labels["Vigorously investigate and pro"] == {
        e: ("first" if e == 2021 else "kept") for e in range(2021, 2026)
    }
    assert labels["Significantly increase funding"][2024] == "reworded"
    assert labels["Amend the law to remove the re"][2024] == "dropped"
    assert labels["Train labor inspectors to iden"][2022] == "new"
    carried = {t["text"][:10]: t["years_carried"] for t in tracker["threads"]}
    assert carried["Vigorously"] == 5 and carried["Amend the "] == 3


def test_diff_between_editions_renders_structured_summary_and_word_diff(client):
    page = client.get("/countries/freedonia/diff?old_edition=2023&new_edition=2024")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "downgrade" in html
    assert "<del>2023 " in html or "<del>23" in html
    data = client.get("/api/countries/freedonia/diff?old_edition=2023&new_edition=2024").get_json()
    assert data["diff"]["tier"]["from"] == TIER_2_WATCH_LIST and data["diff"]["tier"]["to"] == TIER_3
    labels = {r["label"] for r in data["diff"]["recommendations"]}
    assert {"kept", "reworded", "dropped"} <= labels
    assert data["neighbours"]["previous"] and data["neighbours"]["next"]


def test_changes_only_folds_unchanged_sections_and_side_by_side_aligns(client):
    full = client.get("/countries/freedonia/diff?old_edition=2023&new_edition=2024").get_data(as_text=True)
    only = client.get("/countries/freedonia/diff?old_edition=2023&new_edition=2024&changes_only=1").get_data(
        as_text=True
    )
    assert 'id="section-trafficking_profile"' in full
    assert 'id="section-trafficking_profile"' not in only
    assert "unchanged paragraph" in only
    side = client.get("/countries/freedonia/diff?old_edition=2023&new_edition=2024&mode=side").get_data(as_text=True)
    pairs = re.findall(r'<tr class="changed"><td>(.*?)</td><td>(.*?)</td></tr>', side, re.S)
    assert pairs
    assert all("<ins>" not in left and "<del>" not in right for left, right in pairs)
    assert any("<del>" in left for left, _ in pairs) and any("<ins>" in right for _, right in pairs)


def test_previous_next_links_walk_the_snapshot_sequence(client, web_db):
    ids = _ids(web_db, "SELECT id FROM snapshots WHERE country_key = 'sylvania' ORDER BY edition, id")
    data = client.get(f"/api/countries/sylvania/diff?old={ids[3]}&new={ids[4]}").get_json()
    assert data["neighbours"] == {"previous": [ids[2], ids[3]], "next": [ids[4], ids[5]]}
    first = client.get(f"/api/countries/sylvania/diff?old={ids[0]}&new={ids[1]}").get_json()
    assert first["neighbours"]["previous"] is None


def test_change_permalink_shows_citation(client, web_db):
    change_id = _ids(web_db, "SELECT id FROM changes WHERE kind = 'tier' AND country_key = 'freedonia' LIMIT 1")[0]
    html = client.get(f"/changes/{change_id}").get_data(as_text=True)
    hashes = _ids(web_db, "SELECT content_hash FROM snapshots WHERE country_key = 'freedonia'")
    assert sum(h in html for h in hashes) == 2
    assert "Fetched" in html and f"/changes/{change_id}" in html


def test_section_permalinks_per_edition_and_per_snapshot(client, web_db):
    latest = _ids(web_db, "SELECT max(id) FROM snapshots WHERE country_key = 'sylvania' AND edition = 2024")[0]
    by_edition = client.get("/countries/sylvania/2024/sections/summary").get_data(as_text=True)
    assert "Officials also convicted two traffickers." in by_edition
    assert f"/snapshots/{latest}/sections/summary" in by_edition
    pinned = client.get(f"/snapshots/{latest - 1}/sections/summary").get_data(as_text=True)
    assert "Officials also convicted" not in pinned
    assert client.get("/countries/sylvania/2024/sections/nonsense").status_code == 404


def test_search_by_edition_and_section(client):
    data = client.get("/api/search?q=zorbex").get_json()
    assert data["hits"] and {h["section"] for h in data["hits"]} == {"protection"}
    assert {h["edition"] for h in data["hits"]} == {2021, 2023, 2025}
    narrowed = client.get("/api/search?q=Zorbex+shelter&section=protection&edition=2023").get_json()["hits"]
    assert narrowed and {h["edition"] for h in narrowed} == {2023}
    html = client.get("/search?q=%22labor+inspectors%22").get_data(as_text=True)
    assert "<mark>labor</mark>" in html or "<mark>labor inspectors</mark>" in html
    # FTS syntax in user text is neutralized, not an error
    assert client.get("/search?q=AND+OR+NEAR(%22*").status_code == 200


def test_atom_feeds(client):
    feed = client.get("/feed.atom")
    assert feed.status_code == 200 and feed.mimetype == "application/atom+xml"
    text = feed.get_data(as_text=True)
    assert text.count("<entry>") > 5 and "/changes/" in text
    per_country = client.get("/countries/freedonia/feed.atom").get_data(as_text=True)
    assert per_country.count("<entry>") >= 1 and "SYLVANIA" not in per_country
    per_kind = client.get("/kinds/tier/feed.atom").get_data(as_text=True)
    assert re.findall(r'<category term="(\w+)"/>', per_kind) and set(
        re.findall(r'<category term="(\w+)"/>', per_kind)
    ) == {"tier"}


def test_hostile_text_is_escaped_everywhere(client):
    for url in (
        "/countries/evilland",
        "/countries/evilland/diff",
        "/",
        "/search?q=government+efforts",
        "/countries/evilland/2025/sections/prosecution",
    ):
        page = client.get(url)
        html = page.get_data(as_text=True)
        assert page.status_code == 200, url
        assert "<script>window" not in html and "<img src=x" not in html and "<svg onload" not in html, url
        assert 'href="javascript:' not in html and "<b onmouseover" not in html, url
        assert "script-src" not in page.headers["Content-Security-Policy"]
        assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert "&lt;script&gt;" in client.get("/countries/evilland/2025/sections/prosecution").get_data(as_text=True)


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/countries/atlantis", 404),
        ("/countries/atlantis/diff", 404),
        ("/editions/1999", 404),
        ("/editions/abc", 404),
        ("/changes/999999", 404),
        ("/snapshots/999999", 404),
        ("/api/changes/999999", 404),
        ("/?significance=huge", 400),
        ("/?before=abc", 400),
        ("/?kind=<script>", 400),
        ("/?format=xml", 400),
        ("/countries/freedonia/diff?old=abc", 400),
        ("/countries/freedonia/diff?mode=weird", 400),
        ("/countries/freedonia/diff?old_edition=1990", 404),
        ("/search?q=" + "x" * 600, 400),
    ],
)
def test_bad_input_gets_a_clean_error_page(client, url, status):
    page = client.get(url)
    assert page.status_code == status
    body = page.get_data(as_text=True)
    assert "Traceback" not in body
    if url.startswith("/api/"):
        assert page.get_json()["error"]
    else:
        assert f"<h1>{status}" in body


def test_snapshot_of_another_country_is_not_diffed(client, web_db):
    other = _ids(web_db, "SELECT id FROM snapshots WHERE country_key = 'sylvania' LIMIT 1")[0]
    assert client.get(f"/countries/freedonia/diff?old={other}").status_code == 404


def test_app_never_writes(web_db, tmp_path):
    before = web_db.read_bytes()
    client = create_app(web_db).test_client()
    for url in ("/", "/editions/2024", "/countries/freedonia", "/countries/freedonia/diff", "/search?q=law"):
        assert client.get(url).status_code == 200
    assert web_db.read_bytes() == before
    from monitor.web.app import db

    app = create_app(web_db)
    with app.test_request_context("/"), pytest.raises(sqlite3.OperationalError, match="readonly"):
        db().execute("INSERT INTO runs (job) VALUES ('x')")


def test_missing_database_is_a_one_line_cli_error(tmp_path):
    from click.testing import CliRunner

    from monitor.cli import cli

    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "nope.db"), "serve", "--port", "0"])
    assert result.exit_code != 0
    assert "does not exist" in str(result.exception) or "does not exist" in result.output


def test_every_change_permalink_renders(client, web_db):
    ids = _ids(web_db, "SELECT id FROM changes")
    kinds = set(_ids(web_db, "SELECT DISTINCT kind FROM changes"))
    assert {"tier", "recommendation", "section", "coverage", "edition"} <= kinds
    for change_id in ids:
        page = client.get(f"/changes/{change_id}")
        assert page.status_code == 200, change_id


def test_a_recorded_pair_renders_exactly_what_compare_says(web_db):
    """The diff page reads a compared pair from its stored changes; it must match a fresh comparison."""
    from snapshots import read
    from snapshots.core.compare import diff_narratives

    db = open_db(web_db, readonly=True)
    pairs = db.execute(
        "SELECT DISTINCT old_snapshot_id, new_snapshot_id FROM changes"
        " WHERE old_snapshot_id IS NOT NULL AND new_snapshot_id IS NOT NULL"
    ).fetchall()
    assert len(pairs) > 10
    for old_id, new_id in pairs:
        pair = read.diff_pair(db, old_id, new_id)
        assert pair is not None
        old, new = read.narrative(db, old_id), read.narrative(db, new_id)
        assert old is not None and new is not None
        history = read.tier_history(db, new.country_key, before=pair.new.edition)
        stored, live = pair.diff, diff_narratives(old, new, tier_history=history)
        assert [(s.name, s.status) for s in stored.sections] == [(s.name, s.status) for s in live.sections]
        assert [s.text.ops for s in stored.sections if s.status != "same"] == [
            s.text.ops for s in live.sections if s.status != "same"
        ]
        assert stored.findings.changed == live.findings.changed
        if live.findings.changed:
            assert stored.findings.ops == live.findings.ops
        # Rebuilt from the stored rows (never matched again per request), in the order and with the scores
        # and word diffs a fresh match gives.
        assert stored.recommendations == live.recommendations
        assert stored.tier == live.tier
    db.conn.close()


def test_sample_editions_post_release_edit_and_special_case(client, web_db):
    """On the bundled sample editions: Japan's 2024 page was edited after release; Haiti became a Special Case."""
    japan = client.get("/api/countries/japan").get_json()["country"]
    editions = [s["edition"] for s in japan["snapshots"]]
    assert editions.count(2024) == 2
    revised = max(s["id"] for s in japan["snapshots"] if s["edition"] == 2024)
    diff = client.get(f"/api/countries/japan/diff?new={revised}").get_json()
    assert diff["old"]["edition"] == diff["new"]["edition"] == 2024
    assert diff["diff"]["comparison"] == "revision"
    haiti = client.get("/countries/haiti").get_data(as_text=True)
    assert haiti.count('class="special-band"') == 2
    moves = client.get("/api/editions/2024").get_json()["edition"]["moves"]
    assert {"country_key": "haiti", "direction": "status"}.items() <= next(
        m for m in moves if m["country_key"] == "haiti"
    ).items()


def test_short_diff_link_redirects_to_the_country_diff(client, web_db):
    old_id, new_id = _ids(web_db, "SELECT id FROM snapshots WHERE country_key = 'freedonia' ORDER BY id LIMIT 2")
    page = client.get(f"/diff/{old_id}/{new_id}?mode=side&old=1")
    assert page.status_code == 302
    assert page.headers["Location"].startswith("/countries/freedonia/diff?")
    assert f"old={old_id}" in page.headers["Location"] and "mode=side" in page.headers["Location"]
    assert client.get("/diff/1/999999").status_code == 404


def test_an_unreadable_row_is_a_500_page_not_a_traceback(web_db, tmp_path):
    broken = tmp_path / "broken.db"
    source = sqlite3.connect(web_db)
    target = sqlite3.connect(broken)
    source.backup(target)
    source.close()
    snapshot_id = target.execute("SELECT max(id) FROM snapshots").fetchone()[0]
    target.execute("UPDATE snapshots SET narrative = '{not json' WHERE id = ?", [snapshot_id])
    target.commit()
    target.close()
    client = create_app(broken).test_client()
    page = client.get(f"/snapshots/{snapshot_id}")
    assert page.status_code == 500
    body = page.get_data(as_text=True)
    assert "<h1>500" in body and "Traceback" not in body and "JSONDecodeError" not in body
    assert client.get(f"/api/snapshots/{snapshot_id}").get_json()["error"] == "Internal Server Error"
