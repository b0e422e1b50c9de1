"""Cosmetic normalization never makes a new snapshot; edition boilerplate folds only where asked."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snapshots.core.models import Narrative
from snapshots.core.normalize import (
    canonical_text,
    clean_recommendation,
    content_hash,
    fold_boilerplate,
    fold_whitespace,
    normalize_printed,
    normalize_recommendation,
    normalize_text,
    one_line,
    printed_paragraphs,
)


def narrative(**overrides: object) -> Narrative:
    base: dict[str, object] = {
        "country": "JAPAN",
        "country_key": "japan",
        "edition": 2023,
        "tier": "Tier 2",
        "summary": "The government’s efforts – overall – increased.\n\nIt identified 12 victims.",
        "recommendations": ("Increase resources for victim care.", "Enact a comprehensive law."),
        "sections": {"prosecution": "The government maintained law enforcement efforts."},
    }
    base.update(overrides)
    return Narrative(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("messy", "clean"),
    [
        ("The  government\u00a0did   not\n act.", "The government did not act."),
        ("The government&rsquo;s &ldquo;plan&rdquo; &amp; law", 'The government\'s "plan" & law'),
        ("efforts\u2014including", "efforts-including"),
        ("efforts \u2013 including", "efforts-including"),
        ("efforts -- including", "efforts-including"),
        ("traf\u00adficking\u200b", "trafficking"),
        ("the <em>Penal Code</em> , and <a href='x'>law</a>", "the Penal Code, and law"),
    ],
)
def test_canonical_text_folds_cosmetic_differences(messy: str, clean: str) -> None:
    assert canonical_text(messy) == clean


def test_normalize_text_keeps_paragraphs_and_folds_heading_case() -> None:
    text = "PRIORITIZED RECOMMENDATIONS:\n\n\n First  paragraph.\n \nSecond."
    assert normalize_text(text) == "prioritized recommendations:\n\nFirst paragraph.\n\nSecond."
    assert normalize_text("Prioritized Recommendations:") == normalize_text("PRIORITIZED RECOMMENDATIONS:")


@pytest.mark.parametrize("marker", ["• ", "- ", "1. ", "(a) ", "iv) ", "* "])
def test_recommendation_markers_and_separators_are_dropped(marker: str) -> None:
    assert normalize_recommendation(f"{marker}Increase victim care; and") == "Increase victim care"
    assert normalize_recommendation(f"{marker}Increase victim care.") == "Increase victim care"


@pytest.mark.parametrize("ending", [";", ",", "; and", ", or", " AND", " Or", ";\n", ", and ;", " and,"])
def test_every_trailing_separator_is_dropped(ending: str) -> None:
    # clean_recommendation skips its separator pattern for items that cannot end in one: these all can.
    assert clean_recommendation(f"Fund shelters{ending}") == "Fund shelters"
    assert clean_recommendation(f"Fund shelters for adults and minors{ending}") == "Fund shelters for adults and minors"


@pytest.mark.parametrize(
    "text", ["Screen for indicators of trafficking among migrants and", "Fund shelters in the province of Mandor"]
)
def test_words_ending_like_a_separator_stay_unless_they_are_one(text: str) -> None:
    assert clean_recommendation(text) == text.removesuffix(" and")


def test_content_hash_ignores_cosmetics_but_not_content() -> None:
    base = narrative()
    cosmetic = narrative(
        summary="The government&#8217;s efforts \u2014 overall \u2014 increased.\n\n\nIt  identified 12 victims. ",
        recommendations=("• Increase resources for victim care;", "2. Enact a comprehensive law"),
        sections={"prosecution": "<p>The government maintained law enforcement efforts.</p>", "protection": "  "},
        country="Japan",
        layout="gvnet",
        heading="Japan (Tier 2)",
    )
    assert content_hash(cosmetic) == content_hash(base)
    assert content_hash(narrative(summary=base.summary.replace("12", "13"))) != content_hash(base)
    assert content_hash(narrative(tier="Tier 1")) != content_hash(base)
    assert content_hash(narrative(edition=2024)) != content_hash(base)
    assert content_hash(narrative(recommendations=base.recommendations[:1])) != content_hash(base)


def test_content_hash_does_not_fold_boilerplate() -> None:
    """A post-release edit of boilerplate is still an edit (a new snapshot)."""
    a = narrative(summary="The government fully meets the minimum standards.")
    b = narrative(summary="The government meets the minimum standards.")
    assert content_hash(a) != content_hash(b)


def test_content_hash_of_a_fixed_narrative_is_pinned() -> None:
    """Stores in the field hold hashes made by older code: any change to the hashed text makes every page a
    new snapshot on the next sweep. The value was computed before normalization was last made faster."""
    fixed = Narrative(
        country="FREEDONIA",
        country_key="freedonia",
        edition=2024,
        tier="Tier 2 Watch List",
        summary="The Government of Freedonia does not fully meet the minimum standards\u2014but it is making efforts."
        "\n\nPROSECUTION\n\nIt convicted 7 traffickers ( down from 9 ) , and opened &ldquo;one&rdquo; shelter.",
        recommendations=(
            "• Increase funding for shelters; and",
            "2. Train judges \u2013 and prosecutors \u2013 on the law.",
            "(c) Screen migrants for indicators ,",
        ),
        sections={
            " Prosecution ": "Officials investigated 12 cases -- fewer than before."
            "\n \nCourts in Côte-Nord heard\u00a0three.",
            "Prevention": "",
            "protection": "The ministry\u2019s hotline took 40\u202fcalls\u2026",
        },
    )
    assert content_hash(fixed) == "0e079013df1bcd24fc28ae010a2185296d3e42f45f76fd9f5948e398bf1e8dbf"


def test_white_space_is_the_same_to_regex_and_str_split() -> None:
    # Tidying a whole text at once relies on both: a paragraph break (`\s*` after it) leaves no paragraph
    # that `str.split` finds empty, and printable text with no double space needs no folding.
    for code in range(0x110000):
        char = chr(code)
        assert bool(re.match(r"\s", char)) == char.isspace(), hex(code)
        assert not (char.isspace() and char.isprintable()) or char == " ", hex(code)


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        # Dashes, loose punctuation and heading case are tidied paragraph by paragraph, never across a break.
        (
            "Efforts \u2013\n\n\u2013 including shelters\n\n, and courts (\n\n) closed",
            "efforts-\n\n-including shelters\n\n, and courts (\n\n) closed",
        ),
        (
            "PROSECUTION\n\nThe law -- \n\n-- passed\n\n\n\nVictim Care and Shelters\n\n\u0130stanbul Office",
            "prosecution\n\nThe law-\n\n-passed\n\nvictim care and shelters\n\ni\u0307stanbul office",
        ),
        (
            " \n\n Officials ( named ) met ; then [ left ] .\n\nSTRA\u00dfE Und Heading",
            "Officials (named) met; then [left].\n\nstrasse und heading",
        ),
        # The character that marks breaks while tidying, in the text itself; spaces at the ends of paragraphs.
        ("See \u00b6 12 \u2013\n\n\u2013 Courts ( named ) met", "see \u00b6 12-\n\n-Courts (named) met"),
        ("\n\n Officials met. \n\n\n\tThe END \n\n", "Officials met.\n\nthe end"),
    ],
)
def test_paragraph_breaks_bound_the_tidying(text: str, normalized: str) -> None:
    assert normalize_text(text) == normalized
    assert canonical_text(text) == normalized.replace("\n\n", " ")


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("The government fully meets the minimum standards.", "The government meets the minimum standards."),
        ("does not fully meet the minimum standards", "does not meet the minimum standards"),
        ("to do so; therefore Japan remained on Tier 2.", "to do so, so Japan remained on Tier 2."),
        ("to do so. Therefore Japan was downgraded to Tier 2.", "to do so, so Japan was downgraded to Tier 2."),
        (
            "increasing efforts, considering the impact of the COVID-19 pandemic on its anti-trafficking capacity; "
            "therefore",
            "increasing efforts; therefore",
        ),
        (
            "efforts, considering the impact of the COVID-19 pandemic, if any, on its anti-trafficking capacity.",
            "efforts.",
        ),
        ("for at least the sixth consecutive year, courts", "for at least the seventh consecutive year, courts"),
        ("on Tier 2 Watch List for the second consecutive year", "on Tier 2 Watch List for the third consecutive year"),
        ("for the 21st consecutive year", "for the twenty-second consecutive year"),
    ],
)
def test_boilerplate_drift_folds(old: str, new: str) -> None:
    assert fold_boilerplate(normalize_text(old)) == fold_boilerplate(normalize_text(new))


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("Japan remained on Tier 2.", "Japan was downgraded to Tier 2 Watch List."),
        ("The government meets the minimum standards.", "The government does not meet the minimum standards."),
        (
            "identified 12 victims for the sixth consecutive year",
            "identified 13 victims for the sixth consecutive year",
        ),
        ("so the law was amended", "therefore the law was repealed"),
    ],
)
def test_real_changes_survive_folding(old: str, new: str) -> None:
    assert fold_boilerplate(normalize_text(old)) != fold_boilerplate(normalize_text(new))


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Fully meets the standards", "meets the standards"),
        ("it fully complies", "it complies"),
        ("(fully meets)", "(meets)"),
        ("Ffully meets", "Ffully meets"),  # not a word of its own: left as printed
        ("xfully meets", "xfully meets"),
        ("éfully meets", "éfully meets"),
        ("fully meetsx", "fully meetsx"),
        ("For the sixth consecutive year", "For the Nth consecutive year"),
        ("(for at least the 3rd consecutive reporting period)", "(for at least the Nth consecutive reporting period)"),
        ("Effor the sixth consecutive year", "Effor the sixth consecutive year"),
        ("received fully suspended sentences", "received fully suspended sentences"),
        # Folding the COVID clause first can make "fully meets" where the page had none.
        (
            "It fully, considering the impact of the COVID-19 pandemic on its anti-trafficking capacity meets them",
            "It meets them",
        ),
    ],
)
def test_boilerplate_folds_whole_words_only(text: str, folded: str) -> None:
    assert fold_boilerplate(text) == folded


@pytest.mark.parametrize(
    ("text", "normalized"),
    [
        ("victims ( 12 ) and [ 3 ] cases , then ; more .", "victims (12) and [3] cases, then; more."),
        ("a - , b", "a-, b"),  # the dash takes the space before the comma first
        ("Prevention Efforts", "prevention efforts"),
        ("Prevention Efforts.", "Prevention Efforts."),
        ("One Two Three Four Five Six Seven", "One Two Three Four Five Six Seven"),
    ],
)
def test_paragraphs_tidy_loose_punctuation_and_heading_case(text: str, normalized: str) -> None:
    assert normalize_text(text) == normalized


# Pieces where the two passes could part: quotes, dashes, spaces that NFKC changes or that split paragraphs,
# a compatibility character that NFKC turns into a space and a mark, entities and markup.
PAGE_PIECES = st.sampled_from(
    ["Word", "word.", "\u2019s", "\u201cquoted\u201d", "\u2014", " \u2013 ", " -- ", "(", ")", ",", " ", "\n",
     "\n\n", "\n \n", "\n\u00a0\n", "\u00a0", "\u2007", "\u00b4", "\ufb01ne", "&amp;", "&nbsp;", "<b>", "\u00ad",
     "PROSECUTION", "\u0130"]
)  # fmt: skip


PAGE = st.lists(PAGE_PIECES, max_size=25).map("".join)


@settings(max_examples=300, deadline=None)
@given(PAGE, PAGE)
def test_normalize_printed_gives_both_forms_of_each_text(old: str, new: str) -> None:
    shared = "A paragraph both versions keep \u2019as printed\u2019.\n\n"
    texts = (old, new, shared + old, shared + new)
    assert normalize_printed(*texts) == [(normalize_text(t), printed_paragraphs(t)) for t in texts]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_normalize_printed_gives_both_forms_of_any_text(text: str) -> None:
    assert normalize_printed(text) == [(normalize_text(text), printed_paragraphs(text))]


@settings(max_examples=200, deadline=None)
@given(st.one_of(PAGE, st.text()))
def test_one_line_of_a_normalized_text_folds_its_whitespace(text: str) -> None:
    normalized = normalize_text(text)
    assert one_line(normalized) == fold_whitespace(normalized)
