"""The word diff: whole words, exact reconstruction, a share of words changed."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snapshots.core.text import diff_text
from snapshots.core.textdiff import (
    DELETE,
    EQUAL,
    INSERT,
    _sentences,
    condense,
    new_text,
    old_text,
    share_changed,
    word_diff,
)

WORDS = st.sampled_from(["the", "government", "did", "not", "increase", "12", "31", "victims.", "\n\n", "efforts,"])
PROSE = st.lists(WORDS, max_size=40).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(PROSE, PROSE)
def test_word_diff_rebuilds_both_prose_texts(a: str, b: str) -> None:
    ops = word_diff(a, b)
    assert old_text(ops) == a
    assert new_text(ops) == b


@settings(max_examples=100, deadline=None)
@given(st.text(), st.text())
def test_word_diff_rebuilds_any_text(a: str, b: str) -> None:
    ops = word_diff(a, b)
    assert (old_text(ops), new_text(ops)) == (a, b)
    assert all(text for _, text in ops)


def test_numbers_change_as_whole_words() -> None:
    ops = word_diff(
        "The government did not increase efforts and it identified 12 victims.",
        "The government increased efforts and it identified 31 victims.",
    )
    assert (DELETE, "12 ") in ops and (INSERT, "31 ") in ops
    assert (DELETE, "did not increase ") in ops and (INSERT, "increased ") in ops


def test_share_changed() -> None:
    assert share_changed(word_diff("a b c d", "a b c d")) == 0.0
    assert share_changed(word_diff("a b c d", "w x y z")) == 1.0
    half = share_changed(word_diff("one two three four", "one two five six"))
    assert 0.4 < half < 0.6


def test_condense_keeps_changes_with_context_only() -> None:
    words = [f"w{i}" for i in range(100)]
    changed = list(words)
    changed[50] = "CHANGED"
    out = condense(word_diff(" ".join(words), " ".join(changed)), context_words=3)
    assert None in out
    kept = "".join(text for item in out if item for op, text in [item] if op == EQUAL)
    assert "w49" in kept and "w51" in kept and "w10" not in kept
    assert condense(word_diff("same text", "same text")) == []


PRINTED_WORDS = st.sampled_from(
    ["Dra", "DRA", "Province", "the", "government’s", "“shelter”", '"shelter"', "—", "--", "–", "fully", "meets",
     "for the sixth consecutive year", "12", "ﬁne", "&amp;", "<b>", "\n\n", "(", ")", ",", "Ⅻ", "ß"]
)  # fmt: skip
PRINTED_PROSE = st.lists(PRINTED_WORDS, max_size=30).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(PRINTED_PROSE, PRINTED_PROSE, st.booleans())
def test_a_text_diff_quotes_the_new_page_whole_and_judges_on_normalized_words(a: str, b: str, fold: bool) -> None:
    from snapshots.core.normalize import canonical_text, printed_paragraphs

    diff = diff_text(a, b, fold=fold)
    assert new_text(diff.ops) == printed_paragraphs(b)
    assert all(text for _, text in diff.ops)
    assert all(diff.ops[i][0] != EQUAL for i in diff.boilerplate)
    if not fold:
        assert diff.changed == (canonical_text(a) != canonical_text(b))
    assert all(text in printed_paragraphs(a) for op, text in diff.ops if op == DELETE)  # the old page's words


def test_sentences_split_after_closing_stops_and_newlines_only() -> None:
    text = 'U.S. law applies. He said "no." Then left.\n\nWait... what?! Cases rose (see para. 3.)x more. End'
    assert _sentences(text) == [
        "U.S. ",
        "law applies. ",
        'He said "no." ',
        "Then left.\n\n",
        "Wait... ",
        "what?! ",
        "Cases rose (see para. ",
        # A stop closed by a bracket with no space after it ends no sentence: the characters up to the
        # next sentence come one at a time, as they always have (the diff's alphabet depends on it).
        "3",
        ".",
        ")x more. ",
        "End",
    ]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet='ab .!?")\n', max_size=40))
def test_sentences_rebuild_the_text(text: str) -> None:
    assert "".join(_sentences(text)) == text


@pytest.mark.parametrize("name", ["Ruritania", "İstanbul"])  # "İ" lengthens in lower case: no word offsets
def test_drift_is_marked_only_where_the_drift_words_are(name: str) -> None:
    filler = " ".join(f"Officials in {name} met {n} times with partners." for n in range(12))
    old = (
        f"{filler}\n\nThe government has prosecuted traffickers for the sixth consecutive year.\n\n{filler}\n\n"
        "The government identified 12 victims."
    )
    new = (
        f"{filler}\n\nThe government has prosecuted traffickers for the seventh consecutive year.\n\n{filler}\n\n"
        "The government identified 31 victims."
    )
    diff = diff_text(old, new, fold=True)
    marked = [text for op, text, boilerplate in diff.segments() if op and boilerplate]
    real = [text for op, text, boilerplate in diff.segments() if op and not boilerplate]
    assert marked == ["sixth ", "seventh "]
    assert real == ["12 ", "31 "]
    assert diff.changed and not diff.boilerplate_only
