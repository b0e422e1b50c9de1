"""Storage details: compact snapshots, the search index over current versions, reparse."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.demo import demo_config
from monitor.parse import PARSER_VERSION
from monitor.pipeline import sweep
from monitor.samples.server import SampleSite
from snapshots import read
from snapshots.core.compression import decompress
from snapshots.core.models import Narrative
from snapshots.store.db import open_db


@pytest.fixture
def swept(tmp_path: Path) -> Iterator[tuple[SampleSite, Path]]:
    db_path = tmp_path / "t.db"
    with SampleSite(published={2024}) as site:
        sweep(demo_config(site.base_url, db_path, alert_channel=None), db_path, countries=["japan", "haiti"])
        yield site, db_path


def test_snapshot_keeps_compressed_page_and_parse(swept: tuple[SampleSite, Path]) -> None:
    site, db_path = swept
    db = open_db(db_path)
    raw, blob = db.execute("select raw, narrative from snapshots where country_key = 'japan'").fetchone()
    page = site.page("/reports/2024-trafficking-in-persons-report/japan/")[1].body
    assert decompress(raw) == page and len(raw) < len(page) / 3
    narrative = Narrative.from_json(blob)
    assert narrative.tier == "Tier 2" and narrative.parser_version == PARSER_VERSION
    assert len(blob) < len(narrative.summary) + sum(len(t) for t in narrative.sections.values())


def test_snapshots_stored_with_zlib_before_zstd_still_read_reparse_and_leave_the_index(
    swept: tuple[SampleSite, Path],
) -> None:
    """Earlier versions stored the page and the parse as zlib streams: a store keeps them as they are, and
    everything that reads them (the read door, reparse, taking a replaced version out of the index) still can."""
    site, db_path = swept
    db = open_db(db_path)
    row = db.execute("select id, raw, narrative from snapshots where country_key = 'japan'").fetchone()
    snapshot_id, raw, blob = row
    assert raw[:4] == blob[:4] == b"\x28\xb5\x2f\xfd"  # zstd frames now
    stored = read.narrative(db, snapshot_id)
    with db.conn:
        db.execute(
            "update snapshots set raw = ?, narrative = ? where id = ?",
            [zlib.compress(decompress(raw), 5), zlib.compress(decompress(blob), 5), snapshot_id],
        )
    assert read.narrative(db, snapshot_id) == stored
    forced = CliRunner().invoke(cli, ["--db", str(db_path), "reparse", "--all"])
    assert forced.exit_code == 0 and "reparsed 2 snapshots" in forced.output
    site.revised = True  # a new version of the page: the old one leaves the search index
    sweep(demo_config(site.base_url, db_path, alert_channel=None), db_path, countries=["japan"])
    assert db.execute("select count(*) from sections where snapshot_id = ?", [snapshot_id]).fetchone()[0] == 0
    db.execute("insert into sections_fts(sections_fts) values ('integrity-check')")


def test_search_covers_only_the_current_version_of_a_page(swept: tuple[SampleSite, Path]) -> None:
    site, db_path = swept
    db = open_db(db_path)
    site.revised = True
    sweep(demo_config(site.base_url, db_path, alert_channel=None), db_path, countries=["japan"])
    rows = db.execute("select id from snapshots where country_key='japan' order by id").fetchall()
    assert len(rows) == 2
    hits = read.search(db, "government", section="summary")
    assert {h.snapshot_id for h in hits if h.country_key == "japan"} == {rows[1][0]}
    indexed = db.execute("select distinct snapshot_id from sections").fetchall()
    assert rows[0][0] not in {r[0] for r in indexed}


def test_search_snippet_marks_the_terms(swept: tuple[SampleSite, Path]) -> None:
    _, db_path = swept
    hits = read.search(open_db(db_path), "trafficking victims")
    assert hits
    marked = [text.lower() for hit in hits for matched, text in hit.snippet if matched]
    assert any(m.startswith("traffick") for m in marked) and any(m.startswith("victim") for m in marked)


def test_reparse_records_new_parses_and_keeps_the_index(swept: tuple[SampleSite, Path]) -> None:
    _, db_path = swept
    runner = CliRunner()
    current = runner.invoke(cli, ["--db", str(db_path), "reparse"])
    assert current.exit_code == 0 and "reparsed 0 snapshots; 2 already current" in current.output
    forced = runner.invoke(cli, ["--db", str(db_path), "reparse", "--all"])
    assert forced.exit_code == 0 and "reparsed 2 snapshots" in forced.output
    db = open_db(db_path)
    assert db["parses"].count == 2
    assert db.execute("select count(*) from sections").fetchone()[0] > 0
    assert read.search(db, "prosecution") or read.search(db, "government")
    db.execute("insert into sections_fts(sections_fts) values ('integrity-check')")


def test_phrases_with_common_words_still_match(swept: tuple[SampleSite, Path]) -> None:
    _, db_path = swept
    db = open_db(db_path)
    phrase = read.search(db, '"victims of trafficking"') or read.search(db, '"government of japan"')
    assert phrase, "a phrase holding a common word finds the narratives that contain it"
    assert read.search(db, "the of and") == []  # only common words: nothing to look for
    assert read.fts_query('the "victims of trafficking" and shelters') == '"victims trafficking" "shelters"'


def test_migration_moves_the_problem_alert_mark_to_page_health(tmp_path: Path) -> None:
    """A database from before m005 keeps its 'problem alert is out' marks, now in page_health."""
    from sqlite_utils import Database

    from snapshots.store import outbox
    from snapshots.store.migrations import migrations

    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m005_page_health")
    old.execute(
        "insert into pages (edition, slug, url, first_seen, consecutive_failures, problem_alerted_at)"
        " values (2024, 'japan', 'https://www.state.gov/japan/', '2024-06-24', 4, '2024-06-25T06:00:00+00:00')"
    )
    old.conn.commit()
    old.close()
    db = open_db(path)
    assert "problem_alerted_at" not in db.table("pages").columns_dict
    state = outbox.page_health(db, 1)
    assert state is not None and state.problem_alerted_at == "2024-06-25T06:00:00+00:00"
    assert state.failures == 4


def _figure_rows(db_path: Path) -> list[tuple[object, ...]]:
    db = open_db(db_path)
    return db.execute(
        "select s.country_key, f.measure, f.scope, f.value, f.sentence from figures f"
        " join snapshots s on s.id = f.snapshot_id order by f.snapshot_id, f.position"
    ).fetchall()


def test_figures_are_stored_with_each_snapshot(swept: tuple[SampleSite, Path]) -> None:
    _, db_path = swept
    rows = _figure_rows(db_path)
    assert "japan" in {row[0] for row in rows}
    db = open_db(db_path)
    for (key, _measure, _scope, _value, sentence), before in zip(rows, [None, *rows], strict=False):
        if sentence is None:  # stated in the same sentence as the figure before it, which holds it
            assert before is not None and before[0] == key
            continue
        blob = db.execute("select narrative from snapshots where country_key = ?", [key]).fetchone()[0]
        narrative = Narrative.from_json(blob)
        assert sentence in "\n".join([narrative.summary, *narrative.sections.values()])
    for row in read.country_figures(db, "japan"):
        assert row.sentence, "the read API fills every sentence in"
    japan = [r for r in read.country_figures(db, "japan") if r.measure == "victims_identified"]
    assert [(r.edition, r.value, r.country) for r in japan] == [(2024, 63, "Japan")]


def test_reparse_recomputes_the_figures(swept: tuple[SampleSite, Path]) -> None:
    _, db_path = swept
    before = _figure_rows(db_path)
    db = open_db(db_path)
    db.execute("delete from figures")
    db.conn.commit()
    result = CliRunner().invoke(cli, ["--db", str(db_path), "reparse", "--all"])
    assert result.exit_code == 0
    assert _figure_rows(db_path) == before and before


def test_migration_fills_in_the_figures_of_snapshots_stored_before_it(swept: tuple[SampleSite, Path]) -> None:
    _, db_path = swept
    before = _figure_rows(db_path)
    db = open_db(db_path)
    db.execute("drop table figures")
    db.execute("delete from _sqlite_migrations where name = 'm006_figures'")
    db.conn.commit()
    db.close()
    assert _figure_rows(db_path) == before and before


def test_the_sweep_records_the_figure_changes_compare_finds(sample_db: Path) -> None:
    """The sweep compares the figures stored with the two snapshots; reading them again from the text agrees."""
    from snapshots.core.compare import compare

    db = open_db(sample_db)
    recorded = read.changes(db, read.ChangeFilter(kind="figure", limit=None))
    assert any(c.summary == "Brazil 2025: convictions 14, was 31 in 2024" for c in recorded)
    for change in recorded:
        old, new = read.narrative(db, change.old_snapshot_id), read.narrative(db, change.new_snapshot_id)
        assert old is not None and new is not None
        again = [c.summary for c in compare(old, new, comparison="edition") if c.kind == "figure"]
        assert change.summary in again


def test_only_headline_figures_are_stored_and_they_give_the_same_headlines(sample_db_master: Path) -> None:
    from snapshots.core.figures import extract_figures, headline_figures
    from snapshots.read.figures import snapshot_figures

    db = open_db(sample_db_master, readonly=True)
    snapshots = db.execute("select id, narrative from snapshots").fetchall()
    left_out = 0
    for snapshot_id, blob in snapshots:
        extracted = extract_figures(Narrative.from_json(blob))
        stored = snapshot_figures(db, snapshot_id)
        assert len(stored) == len(headline_figures(extracted))
        assert headline_figures(stored) == headline_figures(extracted)
        left_out += len(extracted) - len(stored)
    assert left_out > 0, "the sample narratives state figures besides their headline ones"


def test_migration_keeps_only_the_headline_figure_rows(tmp_path: Path) -> None:
    """A database from before m008 keeps its headline figures and loses the others and the marking column."""
    from sqlite_utils import Database

    from snapshots.store.migrations import migrations

    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m008_headline_figures")
    for position, (value, headline) in enumerate([(12, 0), (40, 1), (7, 0)]):
        old.execute(
            "insert into figures (snapshot_id, position, measure, scope, value, reported, section, sentence, headline)"
            " values (1, ?, 'investigations', 'all', ?, 1, 'prosecution', 'They investigated.', ?)",
            [position, value, headline],
        )
    old.conn.commit()
    old.close()
    db = open_db(path)
    assert "headline" not in db.table("figures").columns_dict
    assert db.execute("select position, value from figures").fetchall() == [(1, 40)]


def test_a_sentence_stated_for_several_figures_is_stored_once_and_read_back_for_each(sample_db_master: Path) -> None:
    from snapshots.core.figures import extract_figures, headline_figures
    from snapshots.read.figures import snapshot_figures

    db = open_db(sample_db_master, readonly=True)
    counts = db.execute("select count(*), count(sentence) from figures").fetchone()
    assert counts[1] < counts[0], "some figures share a sentence with the figure before them"
    for snapshot_id, blob in db.execute("select id, narrative from snapshots").fetchall():
        expected = headline_figures(extract_figures(Narrative.from_json(blob)))
        assert headline_figures(snapshot_figures(db, snapshot_id)) == expected
    rows = read.edition_figures(db, 2024)
    assert rows and all(row.sentence for row in rows)


def test_migration_stores_a_repeated_figure_sentence_once(tmp_path: Path) -> None:
    from sqlite_utils import Database

    from snapshots.read.figures import snapshot_figures
    from snapshots.store.migrations import migrations

    path = tmp_path / "old.db"
    old = Database(path)
    migrations.apply(old, stop_before="m010_figure_sentences_once")
    said = ["Police investigated 40 cases and prosecutors charged 12.", "Courts convicted 9.", "Courts convicted 9."]
    for position, (measure, sentence) in enumerate(
        zip(("investigations", "prosecutions", "convictions"), said, strict=True)
    ):
        old.execute(
            "insert into figures (snapshot_id, position, measure, scope, value, reported, section, sentence)"
            " values (1, ?, ?, 'all', 1, 1, 'prosecution', ?)",
            [position, measure, sentence],
        )
    old.conn.commit()
    old.close()
    db = open_db(path)
    assert [r[0] for r in db.execute("select sentence from figures order by position")] == [said[0], said[1], None]
    assert [f.sentence for f in snapshot_figures(db, 1)] == said


def test_page_rows_are_made_once_in_the_order_asked_and_follow_the_landing_pages_urls(tmp_path: Path) -> None:
    from snapshots.store import writes

    db = open_db(tmp_path / "t.db")
    with db.conn:
        first = writes.upsert_pages(db, 2025, [("japan", "https://a/japan/"), ("chad", "https://a/chad/")], at="t1")
        again = writes.upsert_pages(
            db, 2025, [("chad", "https://b/chad/"), ("japan", "https://a/japan/"), ("chad", "https://b/chad/")], at="t2"
        )
    assert [p["slug"] for p in first] == ["japan", "chad"] and [p["slug"] for p in again] == ["chad", "japan", "chad"]
    assert again[0]["id"] == first[1]["id"] and again[0]["url"] == "https://b/chad/"
    assert again[1] == first[0] and again[1]["first_seen"] == "t1"  # an unchanged row, its first sight kept
    assert db.execute("select count(*) from pages").fetchone()[0] == 2
