"""Figures over time: the report's own numbers read from the narrative, and when they move."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snapshots.core.describe import figure_words
from snapshots.core.figures import (
    FIGURE_SIGNIFICANCE,
    MEASURES,
    SCOPES,
    Figure,
    extract_figures,
    figure_changes,
    figures_in_text,
    parse_number,
    sentences,
)
from snapshots.core.models import FigureDetail, Narrative
from tests.figures_corpus import HELD_OUT_SETS, TUNING, load_corpus

CORPUS = load_corpus(TUNING) + [item for path in HELD_OUT_SETS for item in load_corpus(path)]


def test_the_corpus_is_large_enough_and_varied():
    assert len(CORPUS) >= 60
    figures = [f for item in CORPUS for f in item.expected]
    assert {f.measure for f in figures} == {"investigations", "prosecutions", "convictions", "victims_identified"}
    assert {f.scope for f in figures} == {"all", "sex", "labor"}
    assert any(not f.reported for f in figures) and any(f.previous is not None for f in figures)
    assert sum(1 for item in CORPUS if not item.expected) >= 15


@pytest.mark.parametrize("item", CORPUS, ids=lambda item: item.sentence[:60])
def test_each_labelled_sentence_gives_exactly_its_figures(item):
    assert figures_in_text(item.sentence, item.section) == item.expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("7", 7),
        ("1,204", 1204),
        ("seven", 7),
        ("Twenty-three", 23),
        ("one hundred twelve", 112),
        ("two hundred and five", 205),
    ],
)
def test_numbers_in_digits_and_words(text, value):
    assert parse_number(text) == value


def test_sentences_are_verbatim_and_split_at_sentence_ends_only():
    text = (
        "The U.S. Embassy met officials.  Courts convicted 9 traffickers (12 in 2022).\n\nPolice identified 3 victims."
    )
    assert sentences(text) == [
        "The U.S. Embassy met officials.",
        "Courts convicted 9 traffickers (12 in 2022).",
        "Police identified 3 victims.",
    ]


def test_sentences_do_not_end_at_abbreviations_but_do_end_after_closing_quotes_and_brackets():
    text = (
        "The U.S. Embassy and Mr. Sato met Ms. Kim and Dr. Ito.  Law No. 3 and St. Mary vs. Smith applied! "
        "Did the court rule? “It did.” Judges agreed (see Annex.) Later, it said “stop!”\n"
        "Then the XNo. Office closed.  Officials met at dawn. Courts sat on Tuesday."
    )
    assert sentences(text) == [
        "The U.S. Embassy and Mr. Sato met Ms. Kim and Dr. Ito.",
        "Law No. 3 and St. Mary vs. Smith applied!",
        "Did the court rule?",
        "“It did.”",
        "Judges agreed (see Annex.)",
        "Later, it said “stop!”",
        # "XNo." is a word of its own, not the abbreviation: the sentence ends there.
        "Then the XNo.",
        "Office closed.",
        "Officials met at dawn.",
        "Courts sat on Tuesday.",
    ]


def test_sentences_end_only_before_a_capital_quote_or_bracket_and_keep_their_text_verbatim():
    text = 'It met 3 times. it paused.  "Next" came. (Aside.) 4 more.\n \nA new paragraph.  \t Last one'
    assert sentences(text) == [
        "It met 3 times. it paused.",
        '"Next" came.',
        "(Aside.) 4 more.",
        "A new paragraph.",
        "Last one",
    ]


def _narrative(summary: str, prosecution: str, protection: str, edition: int = 2024) -> Narrative:
    return Narrative(
        country="JAPAN",
        country_key="japan",
        edition=edition,
        tier="Tier 2",
        summary=summary,
        recommendations=(),
        sections={"prosecution": prosecution, "protection": protection, "prevention": "It trained 40 judges."},
    )


def test_extract_figures_reads_summary_prosecution_and_protection_only():
    narrative = _narrative(
        "These efforts included convicting 23 traffickers.",
        "The government maintained efforts.  Courts convicted 23 traffickers, compared with 35 in 2023.",
        "Authorities identified 71 victims.",
    )
    figures = extract_figures(narrative)
    assert [(f.section, f.measure, f.value, f.previous) for f in figures] == [
        ("summary", "convictions", 23, None),
        ("prosecution", "convictions", 23, 35),
        ("protection", "victims_identified", 71, None),
    ]
    assert figures[1].sentence == "Courts convicted 23 traffickers, compared with 35 in 2023."


def test_a_figure_round_trips_through_json():
    figure = figures_in_text("Courts convicted at least 9 traffickers (35 in 2023).", "prosecution")[0]
    assert Figure.from_json(figure.to_json()) == figure
    assert figure.to_json() == {
        "measure": "convictions",
        "value": 9,
        "qualifier": "at least",
        "scope": "all",
        "previous": 35,
        "section": "prosecution",
        "sentence": "Courts convicted at least 9 traffickers (35 in 2023).",
        "reported": True,
        "unit": "persons",
    }


def _figures(prosecution: str, protection: str = "The government maintained efforts.") -> tuple[Figure, ...]:
    return extract_figures(_narrative("", prosecution, protection))


def test_a_figure_that_moves_by_half_and_by_five_is_a_medium_change():
    old = _figures("Courts convicted 35 traffickers.", "Authorities identified 60 victims.")
    new = _figures("Courts convicted 9 traffickers.", "Authorities identified 40 victims.")
    changes = figure_changes(old, new, 2024, 2025)
    assert changes == (
        FigureDetail("move", "convictions", "all", "persons", 9, 35, 2024, 2025, "Courts convicted 9 traffickers."),
    )
    assert FIGURE_SIGNIFICANCE[changes[0].label] == "medium"
    assert figure_words(changes[0]) == "convictions 9, was 35 in 2024"


@pytest.mark.parametrize(
    ("old", "new", "moved"),
    [(10, 5, True), (10, 6, False), (4, 8, False), (4, 9, True), (0, 5, True), (100, 60, False), (100, 150, True)],
)
def test_the_move_threshold_is_half_and_at_least_five(old, new, moved):
    changes = figure_changes(
        _figures(f"Police investigated {old} cases."), _figures(f"Police investigated {new} cases."), 2024, 2025
    )
    assert [c.label for c in changes] == (["move"] if moved else [])


def test_figures_in_different_units_or_not_reported_are_not_compared():
    cases = _figures("Police investigated 40 cases.")
    suspects = _figures("Police investigated 9 suspects.")
    not_reported = _figures("The government did not report law enforcement statistics.")
    assert figure_changes(cases, suspects, 2024, 2025) == ()
    assert figure_changes(cases, not_reported, 2024, 2025) == ()
    assert figure_changes(not_reported, cases, 2024, 2025) == ()


def test_a_revised_previous_figure_is_a_low_note():
    old = _figures("Courts convicted 21 traffickers.")
    new = _figures("Courts convicted 23 traffickers, compared with 18 in the previous reporting period.")
    (change,) = figure_changes(old, new, 2024, 2025)
    assert (change.label, FIGURE_SIGNIFICANCE[change.label], change.value, change.was) == ("revision", "low", 18, 21)
    assert (
        figure_words(change) == "convictions: the 2025 report gives 18 for the previous period, the 2024 report said 21"
    )
    # Two editions apart, "the previous period" is not the old edition's period.
    assert figure_changes(old, new, 2023, 2025) == ()
    # An approximate old figure is not contradicted by an exact one.
    approximate = _figures("Courts convicted more than 20 traffickers.")
    assert figure_changes(approximate, new, 2024, 2025) == ()
    # The old edition's sentence carried over unchanged restates its own period: no revision.
    assert figure_changes(new, new, 2024, 2025) == ()
    # A stated previous figure that agrees is no news.
    agreeing = _figures("Courts convicted 23 traffickers, compared with 21 in the previous reporting period.")
    assert figure_changes(old, agreeing, 2024, 2025) == ()


def test_the_headline_figure_comes_from_the_measure_s_own_section():
    old = extract_figures(
        _narrative("It identified 300 victims.", "Courts convicted 5 traffickers.", "Police identified 30 victims.")
    )
    new = extract_figures(
        _narrative("It identified 300 victims.", "Courts convicted 5 traffickers.", "Police identified 10 victims.")
    )
    assert [figure_words(c) for c in figure_changes(old, new, 2024, 2025)] == ["victims identified 10, was 30 in 2024"]


def test_a_split_figure_moves_on_its_own_scope():
    old = _figures("Courts convicted 25 traffickers (19 for sex trafficking and six for labor trafficking).")
    new = _figures("Courts convicted 27 traffickers (25 for sex trafficking and two for labor trafficking).")
    assert figure_changes(old, new, 2024, 2025) == ()
    old = _figures("Courts convicted 25 traffickers (5 for sex trafficking and 20 for labor trafficking).")
    new = _figures("Courts convicted 27 traffickers (25 for sex trafficking and two for labor trafficking).")
    assert [figure_words(c) for c in figure_changes(old, new, 2024, 2025)] == [
        "sex trafficking convictions 25, was 5 in 2024",
        "labor trafficking convictions 2, was 20 in 2024",
    ]


# -- the sample site, read the way a sweep reads it (rendered page -> parser -> figures) ----------


def _sample(year: int, slug: str, *, revised: bool = False) -> tuple[Figure, ...]:
    from monitor.parse import parse_narrative
    from monitor.samples.site import render_country

    return extract_figures(parse_narrative(render_country(year, slug, revised=revised)))


def test_the_sample_site_shows_a_figure_move_and_a_revised_prior_figure():
    brazil = figure_changes(_sample(2024, "brazil"), _sample(2025, "brazil"), 2024, 2025)
    assert [(FIGURE_SIGNIFICANCE[c.label], figure_words(c)) for c in brazil] == [
        ("medium", "convictions 14, was 31 in 2024")
    ]
    japan = figure_changes(_sample(2024, "japan"), _sample(2025, "japan"), 2024, 2025)
    assert [(FIGURE_SIGNIFICANCE[c.label], figure_words(c)) for c in japan] == [
        ("low", "victims identified: the 2025 report gives 68 for the previous period, the 2024 report said 63")
    ]
    # Against the page as edited after release (68 victims), the 2025 report agrees.
    assert figure_changes(_sample(2024, "japan", revised=True), _sample(2025, "japan"), 2024, 2025) == ()


def test_the_sample_site_states_figures_in_several_phrasings():
    colombia = {(f.measure, f.scope): f.value for f in _sample(2025, "colombia")}
    assert colombia[("victims_identified", "sex")] == 151 and colombia[("victims_identified", "labor")] == 53
    vietnam = [f for f in _sample(2025, "vietnam") if f.measure == "victims_identified"]
    assert [(f.value, f.qualifier) for f in vietnam] == [(350, "more than")]
    burma = [f for f in _sample(2025, "burma") if f.measure == "victims_identified"]
    assert [(f.value, f.reported) for f in burma] == [(None, False)]


def test_every_sample_figure_quotes_its_section_verbatim():
    from monitor.parse import parse_narrative
    from monitor.samples.data import load_reports
    from monitor.samples.site import render_country

    reports = load_reports()
    count = 0
    for slug, country in reports.countries.items():
        for year in country.editions:
            narrative = parse_narrative(render_country(year, slug))
            for figure in extract_figures(narrative):
                text = narrative.summary if figure.section == "summary" else narrative.sections[figure.section]
                assert figure.sentence in text
                count += 1
    assert count > 100


_FRAGMENTS = (
    "Police",
    "investigated",
    "prosecuted",
    "convicted",
    "identified",
    "charged",
    "did not report",
    "any",
    "cases",
    "suspects",
    "traffickers",
    "victims",
    "investigations",
    "sex trafficking",
    "labor trafficking",
    "forced labor",
    "compared with",
    "in 2022",
    "(",
    ")",
    ",",
    "and",
    "including",
    "for",
    "of",
    "at least",
    "more than",
    "seven",
    "twenty-three",
    "two dozen",
    "in the previous reporting period",
    "officials",
    ";",
)


@given(st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.integers(0, 5000).map(str)), max_size=25))
@settings(max_examples=300, deadline=None)
def test_any_text_gives_only_figures_whose_numbers_are_in_their_sentence(words):
    text = " ".join(words) + "."
    for figure in figures_in_text(text, "prosecution"):
        assert figure.sentence in text
        assert figure.reported == (figure.value is not None) == (figure.unit is not None)
        assert figure.measure in MEASURES and figure.scope in SCOPES
        for number in (figure.value, figure.previous):
            if number is not None and not any(w in figure.sentence for w in ("seven", "twenty-three")):
                assert re.search(rf"(?<![\d,]){number}(?![\d,])", figure.sentence)
