"""The text the search index holds for a narrative, pinned: the FTS table is contentless, so an old snapshot
is taken out of the index by recomputing its words, and any change to them would leave stale rows behind."""

from __future__ import annotations

import re

import pytest

from snapshots.core.models import Narrative
from snapshots.core.searchwords import _SEPARATORS, STOPWORDS, index_parts, index_words


@pytest.mark.parametrize(
    ("text", "held"),
    [
        ("The government’s “plan”—and its budget—were of use…", "government s plan budget use"),
        ("THE Of AnD tHe iS İs Kelvin ſo the\u00a0of\u202fand", "İs Kelvin ſo"),
        ("Côte d’Ivoire’s naïve_law 2023 ٣٤ ２０２５ e\u0301tude", "Côte d Ivoire s naïve_law 2023 ٣٤ ２０２５ e tude"),
        ("victims • of • trafficking – in – shelters", "victims trafficking shelters"),
        ("plain ascii: the_law of 12 and a half", "plain ascii the_law 12 half"),
    ],
)
def test_index_words_are_pinned(text: str, held: str) -> None:
    assert " ".join(index_words(text)) == held


def test_a_stopword_in_any_case_is_left_out_and_only_then() -> None:
    # Every character whose lower or upper case is a letter of a stopword (the dotless "ı", the long "ſ"), put
    # in that letter's place: the word is left out exactly when its lower case is the stopword.
    letters = {letter for word in STOPWORDS for letter in word}
    alike: dict[str, list[str]] = {letter: [] for letter in letters}
    for code in range(0x110000):
        char = chr(code)
        for letter in {char.lower(), char.upper().lower()} & letters:
            alike[letter].append(char)
    assert "\u0131" in alike["i"] and "\u017f" in alike["s"]
    for word in STOPWORDS:
        for at, letter in enumerate(word):
            for char in alike[letter]:
                variant = word[:at] + char + word[at + 1 :]
                kept = index_words(f"x {variant} y")
                assert kept == (["x", "y"] if variant.lower() in STOPWORDS else ["x", variant, "y"]), variant


def test_separators_are_not_word_characters() -> None:
    # Words are found by a faster pattern than `\w+` that treats these as separators: only right if `\w` does.
    assert [char for char in _SEPARATORS if re.match(r"\w", char)] == []
    text = "".join(f"x{char}y " for char in _SEPARATORS)
    assert index_words(text) == ["x", "y"] * len(_SEPARATORS)


def test_index_parts_are_pinned() -> None:
    narrative = Narrative(
        country="FREEDONIA",
        country_key="freedonia",
        edition=2024,
        tier="Tier 2",
        summary="The Government of Freedonia does not fully meet the standards\u2014but it is making efforts.",
        recommendations=(
            "• Increase funding for shelters; and",
            "2. Train judges \u2013 and prosecutors \u2013 on the law.",
        ),
        sections={"prosecution": "Courts in Côte-Nord heard\u00a0three.", "protection": "The ministry\u2019s hotline…"},
    )
    assert index_parts(narrative) == (
        ("summary", "Government Freedonia does not fully meet standards but making efforts"),
        ("recommendations", "Increase funding shelters 2 Train judges prosecutors law"),
        ("prosecution", "Courts Côte Nord heard three"),
        ("protection", "ministry s hotline"),
    )
