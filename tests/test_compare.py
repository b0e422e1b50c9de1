"""Typed changes from labelled before/after pairs, and the structured diff every view renders."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snapshots.core.compare import compare, diff_narratives
from snapshots.core.models import TIERS, Narrative
from snapshots.core.recommendations import carried_counts, match_recommendations
from snapshots.core.textdiff import new_text, old_text

PAIRS = Path(__file__).parent / "fixtures" / "pairs"


def load_pair(name: str) -> tuple[Narrative, Narrative, list[dict[str, Any]]]:
    folder = PAIRS / name
    read = lambda f: json.loads((folder / f).read_text())  # noqa: E731
    return Narrative.from_json(read("old.json")), Narrative.from_json(read("new.json")), read("expected.json")


@pytest.mark.parametrize("name", sorted(p.name for p in PAIRS.glob("truepos-*")))
def test_true_positive_yields_exactly_the_expected_changes(name: str) -> None:
    old, new, expected = load_pair(name)
    changes = [c.to_json() for c in compare(old, new)]
    assert len(changes) == len(expected), changes
    for want, got in zip(expected, changes, strict=True):
        assert {k: got.get(k) for k in want} == want


@pytest.mark.parametrize("name", sorted(p.name for p in PAIRS.glob("falsepos-*")))
def test_false_positive_yields_no_change(name: str) -> None:
    old, new, expected = load_pair(name)
    assert expected == []
    assert compare(old, new) == []


def test_boilerplate_drift_stays_visible_in_the_full_diff() -> None:
    old, new, _ = load_pair("falsepos-boilerplate-2024")
    diff = diff_narratives(old, new)
    assert diff.comparison == "edition"
    assert not diff.findings.changed
    marked = [text for op, text, boilerplate in diff.findings.segments() if op and boilerplate]
    assert any("COVID-19" in text for text in marked)
    assert any("sixth" in text for text in marked) and any("seventh" in text for text in marked)
    assert diff.findings.boilerplate_only


def test_boilerplate_next_to_a_real_edit_is_marked_apart_from_it() -> None:
    old, new, _ = load_pair("truepos-tier-downgrade")
    segments = diff_narratives(old, new).findings.segments()
    boilerplate = " ".join(text for op, text, marked in segments if op and marked)
    real = " ".join(text for op, text, marked in segments if op and not marked)
    assert "sixth" in boilerplate and "Watch List" in real


def test_a_revision_that_only_changes_edition_boilerplate_is_no_change() -> None:
    old, new, _ = load_pair("falsepos-boilerplate-2025")
    new = replace(new, edition=old.edition)
    assert diff_narratives(old, new).findings.boilerplate_only  # the diff still shows the drift, marked
    assert compare(old, new) == []


def test_full_diff_ops_rebuild_the_normalized_texts() -> None:
    old, new, _ = load_pair("truepos-findings-sentence")
    diff = diff_narratives(old, new)
    assert "did not update" in new_text(diff.findings.ops)
    assert "Some of these procedures were updated" in old_text(diff.findings.ops)
    assert {s.name: s.status for s in diff.sections} == {
        "prosecution": "same",
        "protection": "same",
        "prevention": "same",
        "trafficking_profile": "same",
    }
    json.dumps(diff.to_json())  # every view can serialize it


def test_change_json_shape_matches_the_issue() -> None:
    old, new, _ = load_pair("truepos-tier-downgrade")
    tier, findings = (c.to_json() for c in compare(old, new))
    assert {"kind", "significance", "from", "to", "direction"} <= tier.keys()
    assert {"kind", "significance", "diff", "share_changed"} <= findings.keys()
    assert all(op in (-1, 0, 1) and isinstance(text, str) for op, text in findings["diff"])


def _summary(tier_sentence: str) -> str:
    return (
        "The Government of Haiti does not fully meet the minimum standards for the elimination of trafficking but "
        f"is making significant efforts to do so. {tier_sentence} These efforts included training officials."
    )


def test_watch_list_streak_waiver_and_automatic_downgrade() -> None:
    old = Narrative("HAITI", "haiti", 2022, "Tier 2 Watch List", _summary("Haiti remained on Tier 2 Watch List."), ())
    waiver = (
        "Because the government has devoted sufficient resources to a written plan, Haiti was granted a waiver per "
        "the Trafficking Victims Protection Act from an otherwise required downgrade to Tier 3. Therefore Haiti "
        "remained on Tier 2 Watch List for the third consecutive year."
    )
    new = Narrative("HAITI", "haiti", 2023, "Tier 2 Watch List", _summary(waiver), ())
    tier = diff_narratives(old, new, tier_history={2021: "Tier 2 Watch List", 2022: "Tier 2 Watch List"}).tier
    assert (tier.direction, tier.watch_list_streak, tier.waiver, tier.faces_automatic_downgrade) == (
        "same",
        3,
        True,
        True,
    )
    first = Narrative("HAITI", "haiti", 2021, "Tier 2", _summary("Haiti remained on Tier 2."), ())
    down = replace(old, edition=2022, summary=_summary("Haiti was downgraded to Tier 2 Watch List."))
    change = compare(first, down, tier_history={2020: "Tier 2"})[0]
    assert change.detail.watch_list_streak == 1 and change.detail.faces_automatic_downgrade is False
    assert change.detail.direction == "downgrade" and change.significance == "high"


def test_movement_that_contradicts_the_previous_edition_is_doubtful_not_a_move() -> None:
    old = Narrative("HAITI", "haiti", 2022, "Tier 2", _summary("Haiti remained on Tier 2."), ())
    new = replace(
        old, edition=2023, tier="Tier 2 Watch List", summary=_summary("Haiti was upgraded to Tier 2 Watch List.")
    )
    kinds = [c.kind for c in compare(old, new)]
    assert "doubtful" in kinds and "tier" not in kinds


def test_recommendation_matching_labels_and_carried_counts() -> None:
    y1 = ["Increase resources for victim care, including shelters for male victims.", "Enact a comprehensive law."]
    y2 = [
        "Increase funding for victim care, including shelters that accept male victims.",
        "Enact a comprehensive law.",
    ]
    y3 = [*y2, "Screen migrant workers in fishing for forced labor indicators."]
    carried = carried_counts([y1, y2])
    result = {r.label: r for r in match_recommendations(y2, y3, fold=True, carried=carried)}
    assert result["kept"].editions_carried == 3
    assert result["new"].editions_carried == 1
    labels = [r.label for r in match_recommendations(y1, y2, fold=True)]
    assert sorted(labels) == ["kept", "reworded"]
    dropped = match_recommendations(y3, y2[:1], fold=True)
    assert sorted(r.label for r in dropped) == ["dropped", "dropped", "kept"]


NARRATIVES = st.builds(
    Narrative,
    country=st.just("JAPAN"),
    country_key=st.just("japan"),
    edition=st.integers(2017, 2025),
    tier=st.sampled_from(TIERS),
    summary=st.text(max_size=300),
    recommendations=st.lists(st.text(max_size=60), max_size=5).map(tuple),
    sections=st.dictionaries(st.sampled_from(["prosecution", "protection", "other"]), st.text(max_size=200)),
)


@settings(max_examples=100, deadline=None)
@given(NARRATIVES)
def test_a_narrative_compared_with_itself_yields_nothing(n: Narrative) -> None:
    assert compare(n, n) == []
    assert compare(n, n, comparison="edition") == []


def _figures_narrative(edition: int, prosecution: str) -> Narrative:
    return Narrative(
        country="JAPAN",
        country_key="japan",
        edition=edition,
        tier="Tier 2",
        summary="The government made efforts.",
        recommendations=("Increase prosecutions.",),
        sections={"prosecution": prosecution},
    )


def test_a_figure_that_moves_between_editions_is_a_medium_figure_change() -> None:
    old = _figures_narrative(2024, "Courts convicted 35 traffickers.")
    new = _figures_narrative(2025, "Courts convicted 9 traffickers, compared with 36 in the previous reporting period.")
    figures = [c for c in compare(old, new) if c.kind == "figure"]
    assert [(c.significance, c.summary) for c in figures] == [
        ("medium", "Japan 2025: convictions 9, was 35 in 2024"),
        (
            "low",
            "Japan 2025: convictions: the 2025 report gives 36 for the previous period, the 2024 report said 35",
        ),
    ]
    assert (
        figures[0].detail.sentence
        == "Courts convicted 9 traffickers, compared with 36 in the previous reporting period."
    )
    assert figures[0].key != figures[1].key
    # A page edited within an edition is not a new reporting period: no figure change.
    revised = replace(new, edition=2024)
    assert [c.kind for c in compare(old, revised)] == ["section"]


def test_figures_given_by_the_caller_are_compared_instead_of_extracted_again() -> None:
    from snapshots.core.figures import extract_figures

    old = _figures_narrative(2024, "Courts convicted 35 traffickers.")
    new = _figures_narrative(2025, "Courts convicted 33 traffickers.")
    assert [c.kind for c in compare(old, new) if c.kind == "figure"] == []
    stored = extract_figures(_figures_narrative(2024, "Courts convicted 12 traffickers."))
    moved = [c.summary for c in compare(old, new, figures=(stored, extract_figures(new))) if c.kind == "figure"]
    assert moved == ["Japan 2025: convictions 33, was 12 in 2024"]


def test_a_revision_that_loses_its_recommendations_is_one_layout_change_not_a_drop_each() -> None:
    old, new, _ = load_pair("truepos-tier-downgrade")
    old = replace(old, edition=new.edition)
    assert len(old.recommendations) > 3
    changes = compare(old, replace(new, recommendations=()))
    assert [(c.kind, c.detail.part, c.detail.before) for c in changes] == [
        ("layout", "recommendations", len(old.recommendations))
    ]
    assert "recommendations not found" in changes[0].summary


def test_a_page_that_names_another_country_is_one_doubtful_change_without_a_tier_move() -> None:
    old, new, _ = load_pair("truepos-tier-downgrade")
    decoy = replace(new, edition=old.edition, country="KOREA, DEMOCRATIC PEOPLE'S REPUBLIC OF",
                    country_key="north-korea", tier="Tier 3", sections={})  # fmt: skip
    changes = compare(old, decoy, comparison="revision")
    assert [c.kind for c in changes] == ["doubtful"]
    assert "names another country" in changes[0].summary


def test_a_truncated_side_never_yields_dropped_or_removed_items() -> None:
    old, new, _ = load_pair("truepos-tier-downgrade")
    old = replace(old, edition=new.edition)
    first_section = next(iter(old.sections))
    cut = replace(old, recommendations=old.recommendations[:1], sections={first_section: old.sections[first_section]},
                  truncated=True)  # fmt: skip
    changes = compare(old, cut)
    assert changes == []
    full = compare(old, replace(cut, truncated=False))
    assert {c.detail.label for c in full if c.kind == "recommendation"} == {"dropped"}


def test_a_reworded_recommendation_is_quoted_as_the_page_printed_it() -> None:
    old, new, _ = load_pair("truepos-tier-downgrade")
    old = replace(old, edition=new.edition, recommendations=("Screen Dra workers’ contracts — including fees.",))
    new = replace(old, recommendations=("Screen Dra workers’ contracts — including all fees.",))
    (change,) = compare(old, new)
    assert (change.detail.old, change.detail.new) == (old.recommendations[0], new.recommendations[0])
    assert "".join(t for op, t in change.detail.diff if op >= 0) == new.recommendations[0]
    assert "workers’ contracts — including all fees." in change.summary


def test_a_doubtful_tier_reports_nothing_as_dropped() -> None:
    old = Narrative("HAITI", "haiti", 2022, "Tier 2", _summary("Haiti remained on Tier 2."), ("Train judges.",),
                    {"prosecution": "Courts convicted two traffickers."})  # fmt: skip
    new = replace(old, tier="Tier 3", summary=_summary("Haiti remained on Tier 2."), recommendations=(), sections={})
    changes = compare(old, replace(new, recommendations=("Screen migrants.",), sections={"protection": "Shelters."}))
    assert [c.kind for c in changes] == ["doubtful", "recommendation", "section"]
    assert [c.detail.label for c in changes if c.kind == "recommendation"] == ["new"]
    assert [c.detail.status for c in changes if c.kind == "section"] == ["added"]


def test_every_recommendation_of_a_diff_is_shown_as_printed_kept_ones_included() -> None:
    old = Narrative("JAPAN", "japan", 2024, "Tier 2", "The government made efforts.",
                    ("Screen workers’ contracts — including fees.", "Train judges."))  # fmt: skip
    new = replace(old, recommendations=("Screen workers’ contracts — including fees.", "Train more judges."))
    shown = {(r.label, r.old, r.new) for r in diff_narratives(old, new).recommendations}
    assert ("kept", old.recommendations[0], new.recommendations[0]) in shown


_PRINTED_OLD = (
    "Dra Province\n\n"
    "The government’s inspectors — with the “Dra” labour office — visited farms in the north.\n\n"
    "Shelters stayed open."
)
_PRINTED_NEW = (
    "Dra Province\n\n"
    "The government’s inspectors — with the “Dra” labour office — visited 40 farms in the north.\n\n"
    "Shelters stayed open."
)


def _printed_pair() -> tuple[Narrative, Narrative]:
    old = Narrative("JAPAN", "japan", 2024, "Tier 2", _PRINTED_OLD, ("Train judges.",),
                    {"prosecution": _PRINTED_OLD})  # fmt: skip
    return old, replace(old, summary=_PRINTED_NEW, sections={"prosecution": _PRINTED_NEW})


def test_findings_and_section_diffs_quote_the_page_as_printed() -> None:
    old, new = _printed_pair()
    diff = diff_narratives(old, new)
    (section,) = diff.sections
    for text in (diff.findings, section.text):
        assert text.changed
        assert new_text(text.ops) == _PRINTED_NEW  # "Dra" not "dra", curly quotes and the em dash kept
        assert [t for op, t in text.ops if op == 1] == ["40 "]
    findings, prosecution = compare(old, new)
    for change in (findings, prosecution):
        quoted = "".join(t for op, t in change.detail.diff if op >= 0)
        assert "Dra Province" in quoted and "government’s inspectors — with the “Dra” labour" in quoted


def test_cosmetic_differences_from_the_printed_page_are_still_no_change() -> None:
    old, _ = _printed_pair()
    plain = _PRINTED_OLD.replace("’", "'").replace("“", '"').replace("”", '"').replace(" — ", "--")
    cosmetic = replace(old, summary=plain.replace("Dra Province", "DRA PROVINCE"), sections={"prosecution": plain})
    assert compare(old, cosmetic) == []
    diff = diff_narratives(old, cosmetic)
    assert not diff.findings.changed and diff.sections[0].status == "same"
    assert new_text(diff.findings.ops) == cosmetic.summary  # the new page's own words
