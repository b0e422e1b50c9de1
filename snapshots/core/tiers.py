"""Tiers: direction of a move, what the summary says about the tier, the Watch List streak, and the one
rule for the tier moves between two editions' rosters. Pure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from snapshots.core.countries import display_name
from snapshots.core.models import (
    SPECIAL_CASE,
    TIER_1,
    TIER_2,
    TIER_2_WATCH_LIST,
    TIER_3,
    TIER_RANK,
    Narrative,
    TierMove,
)
from snapshots.core.normalize import canonical_text


@dataclass(frozen=True)
class TierDiff:
    """The tier of both versions and what the new narrative says about it."""

    old: str
    new: str
    direction: str  # same | upgrade | downgrade | status
    watch_list_streak: int  # consecutive editions on Tier 2 Watch List up to the new one (0 if not on it)
    waiver: bool  # the new summary states a waiver from the automatic downgrade
    faces_automatic_downgrade: bool  # the next edition must downgrade to Tier 3 unless waived/upgraded
    doubtful: str | None = None  # why the tier disagrees with the summary, if it does

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.old,
            "to": self.new,
            "direction": self.direction,
            "watch_list_streak": self.watch_list_streak,
            "waiver": self.waiver,
            "faces_automatic_downgrade": self.faces_automatic_downgrade,
            "doubtful": self.doubtful,
        }


_TIER_NAME = r"(Tier\s+(?:1|2|3|one|two|three)(?:\s+Watch\s+List)?)"
_MOVEMENT = re.compile(
    rf"\b(remained|remains|was\s+upgraded|was\s+downgraded|was\s+placed|is\s+placed|moved)\s+(?:on|to|at|in)\s+"
    rf"(?:the\s+)?{_TIER_NAME}|\b(remained|remains|was\s+designated)\s+(?:as\s+)?a\s+(Special\s+Case)",
    re.IGNORECASE,
)
_NOT_MAKING = re.compile(r"\bnot\s+making\s+significant\s+efforts", re.IGNORECASE)
_DOES_NOT_MEET = re.compile(
    r"\bdoes\s+not\s+(?:fully\s+)?(?:meet|comply\s+with)\s+the\s+minimum\s+standards", re.IGNORECASE
)
_MAKING = re.compile(r"\bmaking\s+significant\s+efforts", re.IGNORECASE)
_MEETS = re.compile(r"\b(?:fully\s+)?(?:meets|complies\s+with)\s+the\s+minimum\s+standards", re.IGNORECASE)
_WAIVER = re.compile(r"\bgranted\s+a\s+waiver\b|\bwaiver\b[^.]{0,200}?\botherwise\s+required\s+downgrade", re.I)
_STATED_STREAK = re.compile(
    r"Tier\s+2\s+Watch\s+List\s+for\s+(?:at\s+least\s+)?the\s+(\w+)\s+consecutive\s+year", re.IGNORECASE
)
_ORDINALS = {
    word: i
    for i, word in enumerate(
        ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"), 1
    )
}
_NUMBERS = {"1": TIER_1, "one": TIER_1, "2": TIER_2, "two": TIER_2, "3": TIER_3, "three": TIER_3}


def _tier_from_words(words: str) -> str:
    parts = words.split()
    tier = _NUMBERS[parts[1].lower()]
    return TIER_2_WATCH_LIST if tier == TIER_2 and len(parts) > 2 else tier


def stated_movement(summary: str) -> tuple[str, str] | None:
    """The tier sentence of a summary as (verb, tier): ("downgraded", "Tier 2"); the last one wins."""
    matches = list(_MOVEMENT.finditer(canonical_text(summary)))
    if not matches:
        return None
    m = matches[-1]
    if m.group(4):
        return m.group(3).split()[-1].lower(), SPECIAL_CASE
    verb = m.group(1).split()[-1].lower()
    return verb, _tier_from_words(m.group(2))


def standards_tiers(summary: str) -> frozenset[str] | None:
    """The tiers the standards sentence allows (meets / making significant efforts / not making them)."""
    text = canonical_text(summary)
    if _NOT_MAKING.search(text):
        return frozenset({TIER_3})
    if _DOES_NOT_MEET.search(text):
        return frozenset({TIER_2, TIER_2_WATCH_LIST}) if _MAKING.search(text) else None
    if _MEETS.search(text):
        return frozenset({TIER_1})
    return None


def tier_direction(old: str | None, new: str | None) -> str:
    if old == new:
        return "same"
    old_rank, new_rank = TIER_RANK.get(old or ""), TIER_RANK.get(new or "")
    if old_rank is None or new_rank is None:
        return "status"
    return "downgrade" if new_rank > old_rank else "upgrade"


def consistency_problem(old: Narrative | None, new: Narrative, *, comparison: str) -> str | None:
    """Why the new narrative's tier (from its heading) disagrees with its own summary, or None."""
    allowed = standards_tiers(new.summary)
    if allowed is not None and new.tier not in allowed:
        return f"heading says {new.tier} but the standards sentence fits {' or '.join(sorted(allowed))}"
    stated = stated_movement(new.summary)
    if stated is None:
        return None
    verb, tier = stated
    if tier != new.tier:
        return f"heading says {new.tier} but the summary says {verb} {tier}"
    consecutive = old is not None and old.edition is not None and new.edition == old.edition + 1
    if comparison == "edition" and consecutive and old is not None:
        expected = {"upgraded": "upgrade", "downgraded": "downgrade", "remained": "same", "remains": "same"}
        direction = tier_direction(old.tier, new.tier)
        if verb in expected and direction != "status" and expected[verb] != direction:
            return f"the summary says {verb} but the previous edition was {old.tier}"
    return None


def watch_list_streak(new: Narrative, tier_history: Mapping[int, str] | None) -> int:
    """Consecutive editions on Tier 2 Watch List ending with `new`: the stored history, or the count the
    narrative states ("for the third consecutive year") when the history does not reach back far enough."""
    if new.tier != TIER_2_WATCH_LIST:
        return 0
    streak = 1
    if tier_history and new.edition is not None:
        edition = new.edition - 1
        while tier_history.get(edition) == TIER_2_WATCH_LIST:
            streak += 1
            edition -= 1
    stated = _STATED_STREAK.search(canonical_text(new.summary))
    return max(streak, _ORDINALS.get(stated.group(1).lower(), 0) if stated else 0)


def diff_tier(
    old: Narrative, new: Narrative, *, comparison: str, tier_history: Mapping[int, str] | None = None
) -> TierDiff:
    history = dict(tier_history or {})
    if comparison == "edition" and old.edition is not None:
        history.setdefault(old.edition, old.tier)
    streak = watch_list_streak(new, history)
    return TierDiff(
        old=old.tier,
        new=new.tier,
        direction=tier_direction(old.tier, new.tier),
        watch_list_streak=streak,
        waiver=bool(_WAIVER.search(canonical_text(new.summary))),
        faces_automatic_downgrade=new.tier == TIER_2_WATCH_LIST and streak >= 2,
        doubtful=consistency_problem(old, new, comparison=comparison),
    )


@dataclass(frozen=True)
class RosterEntry:
    """A country in one edition: its latest snapshot there."""

    country_key: str
    country: str  # as printed
    tier: str
    snapshot_id: int


_MOVE_ORDER = {"downgrade": 0, "upgrade": 1, "status": 2}


def tier_moves(
    previous: Mapping[str, RosterEntry], current: Mapping[str, RosterEntry], *, coverage: bool = False
) -> list[TierMove]:
    """The tier moves from one edition's roster to the next, by country key; with `coverage`, countries
    entering or leaving the report count too (as "status" moves with a None side)."""
    keys = set(current) | set(previous) if coverage else set(current) & set(previous)
    moves = []
    for key in sorted(keys):
        old, new = previous.get(key), current.get(key)
        old_tier, new_tier = (old.tier if old else None), (new.tier if new else None)
        if old_tier == new_tier:
            continue
        either = new or old
        assert either is not None
        moves.append(
            TierMove(
                key,
                display_name(either.country),
                old_tier,
                new_tier,
                tier_direction(old_tier, new_tier),
                old.snapshot_id if old else None,
                new.snapshot_id if new else None,
            )
        )
    return moves


def by_severity(moves: list[TierMove]) -> list[TierMove]:
    """Downgrades first, then upgrades, then status moves; by country within each."""
    return sorted(moves, key=lambda m: (_MOVE_ORDER.get(m.direction, 3), m.country_key))
