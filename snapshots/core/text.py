"""Word diffs of one text (the findings or a section), with edition boilerplate drift marked. Pure."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from snapshots.core.models import Op
from snapshots.core.normalize import (
    drift_word_spans,
    fold_boilerplate,
    fold_whitespace,
    may_hold_boilerplate,
    normalize_printed,
    one_line,
    printed_paragraphs,
)
from snapshots.core.printed import quote_printed
from snapshots.core.textdiff import (
    DELETE,
    EQUAL,
    INSERT,
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
    """A word diff of one text (the findings or a section), quoting the page's words as printed.

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

    @classmethod
    def unchanged(cls, text: str) -> TextDiff:
        return cls(((EQUAL, text),) if text else (), 0.0, False)


@dataclass(frozen=True)
class SectionDiff:
    name: str
    status: str  # same | changed | added | removed
    text: TextDiff

    def to_json(self) -> dict[str, Any]:
        return {"section": self.name, "status": self.status, **self.text.to_json()}


def diff_text(old: str, new: str, *, fold: bool) -> TextDiff:
    """Word diff of two page texts in their printed words (see `printed_paragraphs`): matched, counted and
    judged changed or not on their cosmetically normalized words; `fold` folds edition boilerplate for
    `changed`. Kept and inserted ops rebuild the new text as printed."""
    if old == new:  # normalizes the same: nothing to match (most sections of a revised page)
        return TextDiff.unchanged(printed_paragraphs(new))
    (old_n, old_p), (new_n, new_p) = normalize_printed(old, new)
    old_c, new_c = one_line(old_n), one_line(new_n)
    if old_c == new_c:
        return TextDiff.unchanged(new_p)
    matched = _diff_normalized((old_n, old_c), (new_n, new_c), fold=fold)
    ops, boilerplate = quote_printed(matched.ops, matched.boilerplate, (old_n, old_p), (new_n, new_p))
    return TextDiff(ops, matched.share_changed, matched.changed, boilerplate)


def _diff_normalized(old: tuple[str, str], new: tuple[str, str], *, fold: bool) -> TextDiff:
    """The diff of two normalized texts, each given as (normalized, `one_line` of it)."""
    (old_n, old_c), (new_n, new_c) = old, new
    spans = drift_word_spans(old_n), drift_word_spans(new_n)
    if spans == ([], []):  # no drift word in either text: may_hold_boilerplate would say False for both
        ops = tuple(word_diff(old_n, new_n))
        return TextDiff(ops, share_changed(ops), True)
    changed = fold_boilerplate(old_c) != fold_boilerplate(new_c) if fold else True
    ops = _split_boilerplate(word_diff(old_n, new_n), spans)
    boilerplate = _boilerplate_ops(ops, spans)
    return TextDiff(ops, share_changed(ops, ignore=boilerplate), changed, boilerplate)


def _hunk_sides(ops: Sequence[Op], start: int, end: int) -> tuple[str, str, str, str]:
    """(context before, old text, new text, context after) of the changed passage ops[start:end]."""
    before = context_before(ops[start - 1][1], BOILERPLATE_CONTEXT_WORDS) if start > 0 else ""
    after = context_after(ops[end][1], BOILERPLATE_CONTEXT_WORDS) if end < len(ops) else ""
    removed = "".join(t for op, t in ops[start:end] if op < 0)
    added = "".join(t for op, t in ops[start:end] if op > 0)
    return before, removed, added, after


def _is_folded_away(before: str, removed: str, added: str, after: str) -> bool:
    old_side, new_side = fold_whitespace(before + removed + after), fold_whitespace(before + added + after)
    if not (may_hold_boilerplate(old_side) or may_hold_boilerplate(new_side)):
        return False
    return fold_boilerplate(old_side) == fold_boilerplate(new_side)


_Spans = tuple[list[tuple[int, int]] | None, list[tuple[int, int]] | None]


def _drift_hunks(ops: Sequence[Op], spans: _Spans) -> list[tuple[int, int]]:
    """The hunks of `ops` whose sides (`_hunk_sides`) may hold boilerplate drift, given the `drift_word_spans`
    of the old and the new text: those with a drift word between the start of the kept op before them and
    the end of the kept op after them, in either text. Their sides lie inside that stretch, so no other hunk
    can be drift; and in a long text most hunks are far from the few sentences holding drift words."""
    old_at, new_at = [0], [0]
    for op, text in ops:
        old_at.append(old_at[-1] + (len(text) if op != INSERT else 0))
        new_at.append(new_at[-1] + (len(text) if op != DELETE else 0))
    old_spans, new_spans = spans
    near = []
    for start, end in hunks(ops):
        first, last = max(start - 1, 0), min(end + 1, len(ops))
        if _holds_span(old_spans, old_at[first], old_at[last]) or _holds_span(new_spans, new_at[first], new_at[last]):
            near.append((start, end))
    return near


def _holds_span(spans: list[tuple[int, int]] | None, start: int, end: int) -> bool:
    if spans is None:  # offsets unknown: any passage may hold drift
        return True
    for i in range(bisect_left(spans, (start,)), len(spans)):
        span_start, span_end = spans[i]
        if span_start >= end:
            return False
        if span_end <= end:
            return True
    return False


def _split_boilerplate(ops: list[Op], spans: _Spans) -> tuple[Op, ...]:
    """Re-diff, word by word, a changed passage that mixes boilerplate drift with a real edit.

    Semantic cleanup merges nearby edits into one passage ("…COVID clause; therefore X remained on Tier 2.
    These efforts included <new findings>"); the finer diff lets the drift be marked on its own.
    """
    out: list[Op] = []
    previous_end = 0
    for start, end in _drift_hunks(ops, spans):
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


def _boilerplate_ops(ops: Sequence[Op], spans: _Spans) -> tuple[int, ...]:
    """Indices of the changed passages that vanish once edition boilerplate is folded (judged in context)."""
    marked: list[int] = []
    for start, end in _drift_hunks(ops, spans):
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


def text_significance(text: TextDiff) -> str:
    return "medium" if not text.boilerplate_only and is_substantive(text) else "low"


# --- stored section diffs ---

# A stored section change keeps this much of each long unchanged run at either end: more than an excerpt
# shows of it (describe.CONTEXT_CHARS), so alerts and change pages read the same from the cut ops.
KEPT_CHARS = 100
ELISION = " … "


def elide_unchanged(ops: Sequence[Op], new_text: str) -> tuple[tuple[Op, ...], tuple[tuple[int, int], ...]]:
    """The ops with each long unchanged run cut to its ends, and the (index, length) of each run cut.

    A section diff holds the whole section; stored whole, a one-word revision of a long section cost
    about 9 KB. The runs are cut only when the unchanged and inserted ops spell `new_text` exactly, so
    that `restore_unchanged` can read them back from it.
    """
    if "".join(text for op, text in ops if op >= 0) != new_text:
        return tuple(ops), ()
    cut: list[Op] = []
    elided: list[tuple[int, int]] = []
    for i, (op, text) in enumerate(ops):
        if op == EQUAL and len(text) > 2 * KEPT_CHARS + len(ELISION):
            cut.append((op, text[:KEPT_CHARS] + ELISION + text[-KEPT_CHARS:]))
            elided.append((i, len(text)))
        else:
            cut.append((op, text))
    return tuple(cut), tuple(elided)


def restore_unchanged(ops: Sequence[Op], elided: Sequence[tuple[int, int]], new_text: str) -> tuple[Op, ...]:
    """The whole ops back from `elide_unchanged`'s, with the new text they were cut from."""
    lengths = dict(elided)
    restored: list[Op] = []
    position = 0
    for i, (op, text) in enumerate(ops):
        if i in lengths:
            text = new_text[position : position + lengths[i]]
        if op >= 0:
            position += len(text)
        restored.append((op, text))
    return tuple(restored)
