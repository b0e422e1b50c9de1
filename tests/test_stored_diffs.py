"""Stored section diffs: long unchanged runs are cut to their ends and read back whole."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from snapshots.core.compare import diff_narratives
from snapshots.core.describe import CONTEXT_CHARS, excerpt
from snapshots.core.text import KEPT_CHARS, diff_text, elide_unchanged, restore_unchanged
from snapshots.store.db import open_db


def _sample_pairs(db_path: Path) -> list[tuple[str, str]]:
    """Every section of every sample country as the job stored it, against the same section an edition later."""
    from snapshots import read

    db = open_db(db_path, readonly=True)
    pairs = []
    for key in {row[0] for row in db.execute("select country_key from snapshots").fetchall()}:
        for (_, old), (_, new) in itertools.pairwise(read.latest_narratives(db, key)):
            pairs += [(old.sections[name], new.sections[name]) for name in old.sections.keys() & new.sections.keys()]
    return pairs


def test_a_cut_diff_reads_back_whole_and_excerpts_the_same(sample_db_master: Path) -> None:
    cut_any = False
    for old, new in _sample_pairs(sample_db_master):
        for fold in (False, True):
            ops = diff_text(old, new, fold=fold).ops
            cut, elided = elide_unchanged(ops, new)
            cut_any |= bool(elided)
            assert len(cut) == len(ops), "one op for one op: the boilerplate indices still hold"
            assert restore_unchanged(cut, elided, new) == tuple(ops)
            assert excerpt(cut) == excerpt(ops), "alerts and change pages read the same from the cut ops"
    assert cut_any, "the sample sections hold unchanged runs long enough to cut"
    assert KEPT_CHARS >= CONTEXT_CHARS


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab .\\n", min_size=0, max_size=900), st.text(alphabet="ab .\\n", min_size=0, max_size=900))
def test_any_diff_reads_back_whole(old: str, new: str) -> None:
    ops = diff_text(old, new, fold=False).ops
    cut, elided = elide_unchanged(ops, new)
    assert restore_unchanged(cut, elided, new) == tuple(ops)


def test_ops_that_do_not_spell_the_new_text_are_stored_whole() -> None:
    ops = ((0, "x" * 500), (1, " added"))
    assert elide_unchanged(ops, "something else entirely") == (ops, ())


def test_a_section_change_is_stored_cut_and_the_diff_page_shows_it_whole(sample_db_master: Path) -> None:
    from snapshots import read

    db = open_db(sample_db_master, readonly=True)
    rows = db.execute(
        "select old_snapshot_id, new_snapshot_id, detail from changes"
        " where kind = 'section' and detail like '%\"elided\": [[%'"
    ).fetchall()
    assert rows
    for old_id, new_id, detail in rows:
        stored = json.loads(detail)
        pair = read.diff_pair(db, old_id, new_id)
        old, new = read.narrative(db, old_id), read.narrative(db, new_id)
        assert pair is not None and old is not None and new is not None
        live = {s.name: s.text.ops for s in diff_narratives(old, new).sections}
        shown = {s.name: s.text.ops for s in pair.diff.sections}
        assert shown[stored["section"]] == live[stored["section"]]
        whole = json.dumps(live[stored["section"]], ensure_ascii=False)
        assert len(json.dumps(stored["diff"], ensure_ascii=False)) < len(whole)
