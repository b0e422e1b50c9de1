"""Two narratives in, the changes a reader cares about out. Pure: no database, network or clock.

`diff_narratives` builds the full structured diff (tier, each recommendation labelled, findings and every
section as word ops with boilerplate marked); `compare` returns only its typed changes. Every view
(terminal, web, email, Slack) renders these structures and never diffs again.

Two comparisons: "revision" (a page edited after release, same edition) and "edition" (a country's
narrative against its narrative in the previous edition that covered it). Edition boilerplate drift is
folded only for the edition comparison; cosmetic differences are never a change.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from snapshots import matching
from snapshots.countries import display_name
from snapshots.models import (
    SECTION_NAMES,
    SPECIAL_CASE,
    TIER_1,
    TIER_2,
    TIER_2_WATCH_LIST,
    TIER_3,
    TIER_RANK,
    Change,
    Comparison,
    Narrative,
)
from snapshots.normalize import (
    canonical_text,
    clean_recommendation,
    fold_boilerplate,
    may_hold_boilerplate,
    normalize_text,
)
from snapshots.textdiff import (
    EQUAL,
    Op,
    context_after,
    context_before,
    hunks,
    merge_ops,
    share_changed,
    word_count,
    word_diff,
)

# A text change is "substantive" (medium) rather than rewording (low) when it touches figures, flips a
# verdict word, adds or removes a sentence-sized passage, or changes this share of the words.
SUBSTANTIVE_SHARE = 0.10
SENTENCE_WORDS = 8
_VERDICT_WORDS = frozenset(
    {"not", "no", "never", "none", "increased", "decreased", "maintained", "insufficient", "failed", "did"}
    | {"didn't", "lack", "lacked", "without"}
)
_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[a-z']+")
BOILERPLATE_CONTEXT_WORDS = 20


@dataclass(frozen=True)
class TextDiff:
    """A word diff of one text (the findings or a section).

    `changed` says whether it is a change at all: false when the texts agree after normalization (and,
    for edition comparisons, after folding boilerplate) even though `ops` may still show folded drift.
    `boilerplate` holds the indices of ops that are edition boilerplate drift, shown but not counted.
    """

    ops: tuple[Op, ...]
    share_changed: float
    changed: bool
    boilerplate: tuple[int, ...] = ()

    @property
    def boilerplate_only(self) -> bool:
        changed_ops = [i for i, (op, _) in enumerate(self.ops) if op != EQUAL]
        return bool(changed_ops) and set(changed_ops) <= set(self.boilerplate)

    def segments(self) -> list[tuple[int, str, bool]]:
        """(op, text, is_boilerplate) for renderers."""
        marked = set(self.boilerplate)
        return [(op, text, i in marked) for i, (op, text) in enumerate(self.ops)]

    def to_json(self) -> dict[str, Any]:
        return {
            "diff": [[op, text] for op, text in self.ops],
            "share_changed": self.share_changed,
            "changed": self.changed,
            "boilerplate": list(self.boilerplate),
        }


@dataclass(frozen=True)
class SectionDiff:
    name: str
    status: str  # same | changed | added | removed
    text: TextDiff

    def to_json(self) -> dict[str, Any]:
        return {"section": self.name, "status": self.status, **self.text.to_json()}


@dataclass(frozen=True)
class RecommendationDiff:
    label: str  # kept | reworded | possibly_reworded | new | dropped
    old: str | None
    new: str | None
    score: float | None
    ops: tuple[Op, ...] = ()
    editions_carried: int | None = None  # edition comparisons: consecutive editions including this one

    def to_json(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "old": self.old,
            "new": self.new,
            "score": self.score,
            "diff": [[op, text] for op, text in self.ops],
            "editions_carried": self.editions_carried,
        }


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


@dataclass(frozen=True)
class NarrativeDiff:
    comparison: str
    country: str  # display name
    country_key: str
    old_edition: int | None
    new_edition: int | None
    tier: TierDiff
    findings: TextDiff
    recommendations: tuple[RecommendationDiff, ...]
    sections: tuple[SectionDiff, ...]
    changes: tuple[Change, ...] = field(default=())

    def recommendations_by_label(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for rec in self.recommendations:
            counts[rec.label] = counts.get(rec.label, 0) + 1
        return counts

    def to_json(self) -> dict[str, Any]:
        return {
            "comparison": self.comparison,
            "country": self.country,
            "country_key": self.country_key,
            "old_edition": self.old_edition,
            "new_edition": self.new_edition,
            "tier": self.tier.to_json(),
            "findings": self.findings.to_json(),
            "recommendations": [r.to_json() for r in self.recommendations],
            "sections": [s.to_json() for s in self.sections],
            "changes": [c.to_json() for c in self.changes],
        }


# --- text ---


def diff_text(old: str, new: str, *, fold: bool) -> TextDiff:
    """Word diff of two texts after cosmetic normalization; `fold` folds edition boilerplate for `changed`."""
    return _diff_normalized(normalize_text(old), normalize_text(new), fold=fold)


def _diff_normalized(old_n: str, new_n: str, *, fold: bool) -> TextDiff:
    old_c, new_c = _one_line(old_n), _one_line(new_n)
    if old_c == new_c:
        return TextDiff(((EQUAL, old_n),) if old_n else (), 0.0, False)
    if not (may_hold_boilerplate(old_c) or may_hold_boilerplate(new_c)):
        ops = tuple(word_diff(old_n, new_n))
        return TextDiff(ops, share_changed(ops), True)
    changed = fold_boilerplate(old_c) != fold_boilerplate(new_c) if fold else True
    ops = _split_boilerplate(word_diff(old_n, new_n))
    boilerplate = _boilerplate_ops(ops)
    return TextDiff(ops, share_changed(ops, ignore=boilerplate), changed, boilerplate)


def _hunk_sides(ops: Sequence[Op], start: int, end: int) -> tuple[str, str, str, str]:
    """(context before, old text, new text, context after) of the changed passage ops[start:end]."""
    before = context_before(ops[start - 1][1], BOILERPLATE_CONTEXT_WORDS) if start > 0 else ""
    after = context_after(ops[end][1], BOILERPLATE_CONTEXT_WORDS) if end < len(ops) else ""
    removed = "".join(t for op, t in ops[start:end] if op < 0)
    added = "".join(t for op, t in ops[start:end] if op > 0)
    return before, removed, added, after


def _one_line(text: str) -> str:
    """canonical_text for text that is already normalized: only the whitespace is left to fold."""
    return " ".join(text.split())


def _is_folded_away(before: str, removed: str, added: str, after: str) -> bool:
    old_side, new_side = _one_line(before + removed + after), _one_line(before + added + after)
    if not (may_hold_boilerplate(old_side) or may_hold_boilerplate(new_side)):
        return False
    return fold_boilerplate(old_side) == fold_boilerplate(new_side)


def _split_boilerplate(ops: list[Op]) -> tuple[Op, ...]:
    """Re-diff, word by word, a changed passage that mixes boilerplate drift with a real edit.

    Semantic cleanup merges nearby edits into one passage ("…COVID clause; therefore X remained on Tier 2.
    These efforts included <new findings>"); the finer diff lets the drift be marked on its own.
    """
    out: list[Op] = []
    previous_end = 0
    for start, end in hunks(ops):
        out.extend(ops[previous_end:start])
        before, removed, added, after = _hunk_sides(ops, start, end)
        sides = (before + removed + after, before + added + after)
        has_drift = any(may_hold_boilerplate(t) and fold_boilerplate(t) != t for t in sides)
        if has_drift and not _is_folded_away(before, removed, added, after):
            out.extend(word_diff(removed, added, semantic=False))
        else:
            out.extend(ops[start:end])
        previous_end = end
    out.extend(ops[previous_end:])
    return tuple(merge_ops(out))


def _boilerplate_ops(ops: Sequence[Op]) -> tuple[int, ...]:
    """Indices of the changed passages that vanish once edition boilerplate is folded (judged in context)."""
    marked: list[int] = []
    for start, end in hunks(ops):
        if _is_folded_away(*_hunk_sides(ops, start, end)):
            marked.extend(range(start, end))
    return tuple(marked)


def is_substantive(diff: TextDiff) -> bool:
    """Figures, verdict words, whole sentences or a sizeable share changed (see SUBSTANTIVE_SHARE)."""
    if diff.share_changed >= SUBSTANTIVE_SHARE:
        return True
    ignore = set(diff.boilerplate)
    for start, end in hunks(diff.ops):
        if start in ignore:
            continue
        removed = "".join(t for op, t in diff.ops[start:end] if op < 0)
        added = "".join(t for op, t in diff.ops[start:end] if op > 0)
        if max(word_count(removed), word_count(added)) >= SENTENCE_WORDS:
            return True
        if _DIGIT.search(removed) or _DIGIT.search(added):
            return True
        flipped = set(_WORD.findall(removed.lower())) ^ set(_WORD.findall(added.lower()))
        if flipped & _VERDICT_WORDS:
            return True
    return False


# --- recommendations ---


def _rec_key(cleaned: str, *, fold: bool) -> str:
    """The matching key of a recommendation already passed through clean_recommendation."""
    text = cleaned.rstrip(". ")
    return fold_boilerplate(text) if fold else text


def match_recommendations(
    old: Sequence[str], new: Sequence[str], *, fold: bool, carried: Mapping[str, int] | None = None
) -> tuple[RecommendationDiff, ...]:
    """Label every recommendation of both lists: kept, reworded, possibly_reworded, new or dropped.

    One-to-one, as `snapshots.matching.match` pairs the keys. `carried` maps an old item's key
    (`recommendation_key`) to how many consecutive editions it had been carried; given it, each result gets
    `editions_carried` (kept or reworded: old count + 1; possibly reworded or new: 1; dropped: the old count).
    """
    old_items = [(c, _rec_key(c, fold=fold)) for c in map(clean_recommendation, old)]
    new_items = [(c, _rec_key(c, fold=fold)) for c in map(clean_recommendation, new)]
    old_items = [item for item in old_items if item[0]]
    new_items = [item for item in new_items if item[0]]
    out: list[RecommendationDiff] = []
    for m in matching.match([key for _, key in old_items], [key for _, key in new_items]):
        old_text = None if m.old is None else old_items[m.old][0]
        new_text = None if m.new is None else new_items[m.new][0]
        count = None
        if carried is not None:
            before = 0 if m.old is None else carried.get(old_items[m.old][1], 1)
            count = before if m.label == "dropped" else matching.carried_after(m.label, before)
        reworded = old_text is not None and new_text is not None and m.label != "kept"
        ops = tuple(word_diff(old_text, new_text)) if reworded else ()
        out.append(RecommendationDiff(m.label, old_text, new_text, m.score, ops, count))
    return tuple(out)


def recommendation_key(text: str) -> str:
    """The key `match_recommendations(carried=...)` looks items up by (for edition comparisons)."""
    return _rec_key(clean_recommendation(text), fold=True)


def carried_counts(editions: Sequence[Sequence[str]]) -> dict[str, int]:
    """For a country's recommendations over consecutive covered editions (oldest first), how many
    consecutive editions each item of the last one has been carried (reworded items count as carried,
    possibly reworded ones start again at 1)."""
    carried: dict[str, int] = {}
    previous: Sequence[str] = ()
    for i, items in enumerate(editions):
        if i == 0:
            carried = {recommendation_key(t): 1 for t in items}
        else:
            matched = match_recommendations(previous, items, fold=True, carried=carried)
            carried = {recommendation_key(r.new): r.editions_carried or 1 for r in matched if r.new is not None}
        previous = items
    return carried


# --- tier ---

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


# --- the whole narrative ---


def _sections(old: Narrative, new: Narrative, *, fold: bool) -> tuple[SectionDiff, ...]:
    known = [n for n in SECTION_NAMES if n in old.sections or n in new.sections]
    others = [n for n in (*old.sections, *new.sections) if n not in SECTION_NAMES]
    out = []
    for name in dict.fromkeys([*known, *others]):
        old_text = normalize_text(old.sections.get(name, ""))
        new_text = normalize_text(new.sections.get(name, ""))
        text = _diff_normalized(old_text, new_text, fold=fold)
        if not old_text and not new_text:
            continue
        status = "added" if not old_text else "removed" if not new_text else "changed" if text.changed else "same"
        out.append(SectionDiff(name, status, text))
    return tuple(out)


def _comparison_of(old: Narrative, new: Narrative, comparison: Comparison | None) -> str:
    if comparison is not None:
        return comparison
    return "edition" if old.edition != new.edition else "revision"


def diff_narratives(
    old: Narrative,
    new: Narrative,
    *,
    comparison: Comparison | None = None,
    tier_history: Mapping[int, str] | None = None,
    carried: Mapping[str, int] | None = None,
) -> NarrativeDiff:
    """The full structured diff of two versions of one country's narrative, with its typed changes.

    `comparison` defaults to "edition" when the editions differ, else "revision". `tier_history` maps
    earlier editions to this country's tier (for the Watch List streak); `carried` is `carried_counts`
    of the old edition (for how long each recommendation has been carried; edition comparisons only).
    """
    kind = _comparison_of(old, new, comparison)
    fold = kind == "edition"
    diff = NarrativeDiff(
        comparison=kind,
        country=display_name(new.country or old.country),
        country_key=new.country_key,
        old_edition=old.edition,
        new_edition=new.edition,
        tier=diff_tier(old, new, comparison=kind, tier_history=tier_history),
        findings=diff_text(old.summary, new.summary, fold=fold),
        recommendations=match_recommendations(
            old.recommendations, new.recommendations, fold=fold, carried=carried if fold else None
        ),
        sections=_sections(old, new, fold=fold),
    )
    return NarrativeDiff(**{**diff.__dict__, "changes": tuple(_changes(diff, old, new))})


def compare(
    old: Narrative,
    new: Narrative,
    *,
    comparison: Comparison | None = None,
    tier_history: Mapping[int, str] | None = None,
    carried: Mapping[str, int] | None = None,
) -> list[Change]:
    """The typed changes between two versions of a narrative (see `diff_narratives` for the arguments)."""
    return list(diff_narratives(old, new, comparison=comparison, tier_history=tier_history, carried=carried).changes)


# --- typed changes ---


def _where(diff: NarrativeDiff) -> str:
    if diff.comparison == "revision":
        return f"{diff.new_edition} report, revised"
    return f"{diff.new_edition} vs {diff.old_edition} report"


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _digest(*parts: str | None) -> str:
    return hashlib.sha1("\x1f".join(p or "" for p in parts).encode("utf-8")).hexdigest()[:12]


def _text_significance(text: TextDiff) -> str:
    return "medium" if not text.boilerplate_only and is_substantive(text) else "low"


def _changes(diff: NarrativeDiff, old: Narrative, new: Narrative) -> list[Change]:
    base = f"{diff.comparison}:{diff.country_key}:{diff.old_edition}>{diff.new_edition}"
    name, where = diff.country, _where(diff)
    changes: list[Change] = []
    tier = diff.tier
    if tier.doubtful and (tier.direction != "same" or diff.findings.changed):
        changes.append(
            Change(
                "doubtful",
                "medium",
                f"{name}: extraction doubtful ({where}): {tier.doubtful}",
                f"{base}:doubtful",
                {"reason": tier.doubtful, "from": tier.old, "to": tier.new},
            )
        )
    elif tier.direction != "same":
        changes.append(
            Change(
                "tier",
                "high",
                f"{name}: {tier.old} -> {tier.new} ({where})",
                f"{base}:tier",
                {k: v for k, v in tier.to_json().items() if k != "doubtful"},
            )
        )
    if diff.findings.changed:
        f = diff.findings
        changes.append(
            Change(
                "findings",
                _text_significance(f),
                f"{name}: findings changed, {round(f.share_changed * 100)}% of words ({where})",
                f"{base}:findings",
                {
                    "diff": [[op, text] for op, text in f.ops],
                    "share_changed": f.share_changed,
                    "boilerplate_only": f.boilerplate_only,
                    "boilerplate": list(f.boilerplate),
                },
            )
        )
    for rec in diff.recommendations:
        if rec.label == "kept":
            continue
        verb = {"new": "new", "dropped": "dropped", "reworded": "reworded", "possibly_reworded": "possibly reworded"}
        changes.append(
            Change(
                "recommendation",
                "medium" if rec.label in ("new", "dropped") else "low",
                f"{name}: {verb[rec.label]} recommendation: {_short(rec.new or rec.old or '')} ({where})",
                f"{base}:recommendation:{rec.label}:{_digest(rec.old, rec.new)}",
                {
                    "label": rec.label,
                    "old": rec.old,
                    "new": rec.new,
                    "score": rec.score,
                    "diff": [[op, text] for op, text in rec.ops],
                    "editions_carried": rec.editions_carried,
                },
            )
        )
    for section in diff.sections:
        if section.status == "same":
            continue
        title = section.name.replace("_", " ").upper()
        significance = "medium" if section.status != "changed" else _text_significance(section.text)
        share = f", {round(section.text.share_changed * 100)}% of words" if section.status == "changed" else ""
        changes.append(
            Change(
                "section",
                significance,
                f"{name}: {title} {section.status}{share} ({where})",
                f"{base}:section:{section.name}",
                {
                    "section": section.name,
                    "status": section.status,
                    "diff": [[op, text] for op, text in section.text.ops],
                    "share_changed": section.text.share_changed,
                    "boilerplate": list(section.text.boilerplate),
                },
            )
        )
    return changes


def coverage_change(n: Narrative, status: str, *, edition: int | None) -> Change:
    """A country appearing in ("added", `n` its new narrative) or missing from ("removed", `n` its last
    narrative) edition `edition`."""
    name = display_name(n.country)
    if status == "added":
        summary = f"{name}: covered in the {edition} report for the first time, {n.tier}"
        detail = {"status": status, "tier": n.tier, "from": None, "to": n.tier, "direction": "status"}
    else:
        summary = f"{name}: not covered in the {edition} report (last: {n.edition}, {n.tier})"
        detail = {"status": status, "tier": n.tier, "from": n.tier, "to": None, "direction": "status"}
    return Change("coverage", "high", summary, f"coverage:{n.country_key}:{edition}:{status}", detail)


def edition_change(edition: int, countries: int, moves: Sequence[Mapping[str, Any]], previous: int | None) -> Change:
    """A new edition seen: how many countries it covers and its tier moves against `previous`."""
    ups = sum(1 for m in moves if m["direction"] == "upgrade")
    downs = sum(1 for m in moves if m["direction"] == "downgrade")
    summary = f"{edition} report: {countries} countries, {len(moves)} tier moves ({ups} up, {downs} down)"
    if previous is None:
        summary = f"{edition} report: {countries} countries"
    return Change(
        "edition",
        "high",
        summary,
        f"edition:{edition}",
        {
            "edition": edition,
            "previous_edition": previous,
            "countries": countries,
            "tier_moves": len(moves),
            "upgrades": ups,
            "downgrades": downs,
            "moves": [dict(m) for m in moves],
        },
    )
