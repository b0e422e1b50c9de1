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
