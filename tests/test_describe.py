"""The per-kind wording table: every kind is worded, and a detail survives its JSON round trip."""

from __future__ import annotations

from alerts.compose import compose
from snapshots.core import describe
from snapshots.core.models import DETAILS, KINDS, Change, LayoutDetail


def test_every_kind_has_a_detail_and_a_wording() -> None:
    assert set(KINDS) == set(DETAILS) == set(describe.WORDING)


def test_a_change_round_trips_through_json_for_every_kind() -> None:
    for kind, cls in DETAILS.items():
        change = Change("low", f"Testland: {kind}", "k", cls())
        assert Change.from_json(change.to_json(), key="k") == change


def test_the_layout_kind_reaches_an_alert_through_describe_alone() -> None:
    detail = LayoutDetail(part="recommendations", before=7)
    summary = describe.summary(detail, "Testland", "2025 report, revised")
    assert summary == "Testland: recommendations not found (7 before): possible layout change (2025 report, revised)"
    item = {"type": "change", "id": 3, "significance": "medium", "summary": summary, **Change(
        "medium", summary, "k", detail).to_json(), "detail": detail.to_json()}  # fmt: skip
    message = compose([item], base_url="http://localhost")
    assert "This version has no recommendations (7 before)." in message.text
    assert describe.what_changed([detail]) == "recommendations not found"


def test_parts_are_named_as_readers_name_them() -> None:
    assert describe.part_name("trafficking_profile") == "Trafficking profile"
    assert describe.part_name("summary") == describe.part_name("findings") == "Findings"
    assert describe.section_title("government_efforts") == "GOVERNMENT EFFORTS"
    assert describe.count(1, "upgrade") == "1 upgrade" and describe.count(2, "country", "countries") == "2 countries"


def test_the_figure_kind_says_the_move_and_quotes_its_source_sentence() -> None:
    from snapshots.core.models import FigureDetail

    detail = FigureDetail("move", "convictions", "all", "persons", 9, 35, 2024, 2025, "Courts convicted 9 traffickers.")
    assert describe.summary(detail, "Japan", "") == "Japan 2025: convictions 9, was 35 in 2024"
    assert describe.what_changed([detail]) == "convictions 35 -> 9"
    text = ["".join(t for _, t in line) for line in describe.lines(detail)]
    assert text == ["Convictions: 35 in 2024 -> 9 in 2025", "Source: Courts convicted 9 traffickers."]


def test_the_figure_kind_reaches_an_alert_with_its_source_sentence() -> None:
    from snapshots.core.models import FigureDetail

    sentence = "Courts convicted 14 traffickers, compared with 31 in the previous reporting period."
    detail = FigureDetail("move", "convictions", "all", "persons", 14, 31, 2024, 2025, sentence)
    summary = describe.summary(detail, "Brazil", "")
    item = {"type": "change", "id": 3, "significance": "medium", "summary": summary, **Change(
        "medium", summary, "k", detail).to_json(), "detail": detail.to_json()}  # fmt: skip
    message = compose([item], base_url="http://localhost")
    assert "Brazil 2025: convictions 14, was 31 in 2024" in message.text
    assert f"Source: {sentence}" in message.text
