"""The figure patterns' fast case-insensitive search finds exactly what re.IGNORECASE finds."""

from __future__ import annotations

import random
import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snapshots.core.figures import caseless, extract, not_reported, phrases
from snapshots.core.figures.caseless import Caseless, lowered
from tests.figures_corpus import HELD_OUT_SETS, TUNING, load_corpus

PATTERNS: dict[str, Caseless] = {}
for module in (phrases, extract, not_reported):
    for name, value in vars(module).items():
        if isinstance(value, Caseless) and value not in PATTERNS.values():
            PATTERNS[f"{module.__name__.rsplit('.', 1)[-1]}.{name}"] = value
GUARDED = {name: pattern for name, pattern in PATTERNS.items() if pattern.words}
CORPUS = load_corpus(TUNING) + [item for path in HELD_OUT_SETS for item in load_corpus(path)]
EVERY_CHARACTER = "".join(map(chr, range(0x110000)))


def test_the_figure_patterns_are_caseless_and_the_costly_ones_have_words():
    assert {"phrases.FIGURE", "phrases.PASSIVE", "extract._MENTIONS", "not_reported._NOT_REPORTED"} <= set(PATTERNS)
    assert {"phrases.NOT_NEW", "phrases.IN_COMPARISON", "phrases.OTHER_ACTOR", "phrases.OTHER_PERIOD"} <= set(GUARDED)


def test_only_the_listed_characters_fold_to_an_ascii_letter_without_being_one():
    ignorecase_folds = {m.group(0) for m in re.finditer("[a-z]", EVERY_CHARACTER, re.IGNORECASE)}
    lower_folds = {c for c in EVERY_CHARACTER if c.lower() != c and not (c.isascii() or len(c.lower()) == 1)}
    lower_folds |= {c for c in EVERY_CHARACTER if not c.isascii() and re.search("[a-z]", c.lower())}
    listed = set(caseless._FOLDS_TO_ASCII.pattern.strip("[]"))
    assert (ignorecase_folds - set(string.ascii_letters)) | lower_folds == listed


@pytest.mark.parametrize("cls", [r"\w", r"\s", r"\d", r"\W", "."])
def test_lower_case_keeps_every_other_character_in_its_class(cls):
    pattern = re.compile(cls)
    listed = set(caseless._FOLDS_TO_ASCII.pattern.strip("[]"))
    changed = [c for c in EVERY_CHARACTER if c.lower() != c and c not in listed]
    assert all(len(c.lower()) == 1 for c in changed)
    assert [c for c in changed if bool(pattern.match(c)) != bool(pattern.match(c.lower()))] == []


def test_lowered_gives_up_on_text_with_a_listed_character():
    assert lowered("The Courts CONVICTED 9") == "the courts convicted 9"
    assert lowered("Ünal’s café") == "ünal’s café"
    assert lowered("convıcted 9") is None
    assert lowered("İzmir") is None


def test_a_caseless_pattern_is_written_in_lower_case():
    with pytest.raises(ValueError, match="lower-case"):
        Caseless(r"\bNGOs?\b")
    assert Caseless(r"(?P<noun>ngos?)\s+\w+\b").pattern.flags & re.IGNORECASE


def _caseless(match: re.Match[str]) -> tuple[tuple[int, int], dict[str, str | None]]:
    """Where a match is and its groups, without regard to case (how the figure readers read them)."""
    return match.span(), {name: None if value is None else value.lower() for name, value in match.groupdict().items()}


SENTENCES = [item.sentence for item in CORPUS]


def _recased(text: str, rng: random.Random) -> str:
    """The text with its letters' case shuffled and, now and then, a character that re.IGNORECASE folds
    to an ASCII letter put in."""
    letters = [c.upper() if rng.random() < 0.3 else c for c in text]
    if rng.random() < 0.2:
        letters.insert(rng.randrange(len(letters) + 1), rng.choice("ıſKİ"))
    return "".join(letters)


def test_the_prior_figure_lists_are_ruled_out_by_compared_alone():
    # extract._previous_list skips all three on a sentence without "compared".
    for pattern in (phrases.PREVIOUS_LIST, phrases.PREVIOUS_GERUND, phrases.PREVIOUS_RESPECTIVELY):
        assert pattern.words == ("compared",)


@pytest.mark.parametrize("name", sorted(GUARDED))
@settings(max_examples=100, deadline=None)
@given(data=st.data())
def test_every_match_holds_one_of_the_pattern_words(name, data):
    pattern = GUARDED[name]
    text = data.draw(st.from_regex(pattern.pattern))
    assert pattern.possible(lowered(text))


@pytest.mark.parametrize("name", sorted(PATTERNS))
@settings(max_examples=200, deadline=None)
@given(sentence=st.sampled_from(SENTENCES), rng=st.randoms(use_true_random=False))
def test_the_fast_search_finds_what_ignorecase_finds(name, sentence, rng):
    pattern = PATTERNS[name]
    text = _recased(sentence, rng)
    low = lowered(text)
    expected = [_caseless(m) for m in pattern.pattern.finditer(text)]
    assert [_caseless(m) for m in pattern.finditer(text, low)] == expected
    assert pattern.occurs_in(text, low) == bool(expected)


@settings(max_examples=150, deadline=None)
@given(
    pieces=st.lists(
        st.one_of(st.from_regex(phrases.PASSIVE.pattern), st.sampled_from([";", ",", " ", "of", "of the ", "ſ", "A"])),
        max_size=6,
    )
)
def test_passive_tried_only_at_its_openings_finds_what_ignorecase_finds(pieces):
    text = "".join(pieces)
    expected = [_caseless(m) for m in phrases.PASSIVE.pattern.finditer(text)]
    assert [_caseless(m) for m in phrases.PASSIVE.finditer(text, lowered(text))] == expected


@settings(max_examples=300, deadline=None)
@given(item=st.sampled_from(CORPUS), rng=st.randoms(use_true_random=False))
def test_a_sentence_gives_the_same_figures_read_fast_or_with_ignorecase_throughout(item, rng):
    text = _recased(item.sentence, rng)
    low = lowered(text)
    assert extract._figures(text, item.section, low) == extract._figures(text, item.section, None)
    assert list(not_reported.not_reported(text, item.section, low)) == list(
        not_reported.not_reported(text, item.section, None)
    )
