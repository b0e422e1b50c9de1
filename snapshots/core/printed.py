"""Word diffs quoted in the page's own words. Pure.

Texts are matched on their normalized form (`normalize_text`: plain quotes and dashes, heading lines
case-folded), which alone decides what changed; a reader must still see the words as printed ("Dra", not
"dra"). `align` lines a printed text up with its normalized form, and `quote_printed` cuts each op of a
diff found on normalized words out of the printed texts instead.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

from diff_match_patch import diff_match_patch

from snapshots.core.models import Op
from snapshots.core.normalize import plain_punctuation
from snapshots.core.textdiff import DELETE, DIFF_TIMEOUT_S, EQUAL, INSERT

_PARAGRAPH = "\n\n"


def align(printed: str, normalized: str, offsets: Iterable[int]) -> dict[int, int]:
    """Each of `offsets` in `normalized` -> where the text behind normalized[offset:] starts in `printed`.

    Paragraph by paragraph when both hold the same paragraphs (they do when both come from one page text:
    see `printed_paragraphs`), and only the paragraphs an offset falls inside: a diff's ops mostly start
    and end on paragraph edges or in the few paragraphs edited.
    """
    printed_parts, normalized_parts = printed.split(_PARAGRAPH), normalized.split(_PARAGRAPH)
    if len(printed_parts) != len(normalized_parts):
        whole = _align_run(printed, normalized)
        return {at: whole[at] for at in offsets}
    printed_starts, normalized_starts = _starts(printed_parts), _starts(normalized_parts)
    runs: dict[int, list[int]] = {}
    out: dict[int, int] = {}
    for at in offsets:
        i = bisect_right(normalized_starts, at) - 1
        inside = at - normalized_starts[i]
        length = len(normalized_parts[i])
        if inside == 0 or inside >= length:  # a paragraph's edge, or the blank line after it
            out[at] = printed_starts[i] + (inside and len(printed_parts[i]) + inside - length)
            continue
        if i not in runs:
            runs[i] = _align_run(printed_parts[i], normalized_parts[i])
        out[at] = printed_starts[i] + runs[i][inside]
    return out


def _starts(parts: Sequence[str]) -> list[int]:
    starts, at = [], 0
    for part in parts:
        starts.append(at)
        at += len(part) + len(_PARAGRAPH)
    return starts


def _comparable(text: str) -> str:
    """`text` with plain punctuation and lower case, one character for one, so that the character diff
    has only the few edits normalization makes that change lengths (spaces around dashes, NFKC)."""
    text = plain_punctuation(text)
    lowered = text.lower()
    return lowered if len(lowered) == len(text) else text


def _align_run(printed: str, normalized: str) -> list[int]:
    if printed == normalized:
        return list(range(len(normalized) + 1))
    dmp = diff_match_patch()
    dmp.Diff_Timeout = DIFF_TIMEOUT_S
    offsets: list[int] = []
    at = 0
    changed_from: int | None = None  # where the current run of edits starts in `printed`
    for op, text in dmp.diff_main(_comparable(printed), _comparable(normalized), False):
        if op == EQUAL:
            offsets.extend(range(at, at + len(text)))
            at += len(text)
            changed_from = None
            continue
        changed_from = at if changed_from is None else changed_from
        if op == DELETE:
            at += len(text)
        else:  # normalized text inside an edit stands for the whole edited printed span
            offsets.extend([changed_from] * len(text))
    offsets.append(at)
    return offsets


def quote_printed(
    ops: Sequence[Op],
    boilerplate: Sequence[int],
    old: tuple[str, str],
    new: tuple[str, str],
) -> tuple[tuple[Op, ...], tuple[int, ...]]:
    """`ops` (a diff of two normalized texts) with each op's words as printed, and `boilerplate` (indices
    into `ops`) renumbered. `old` and `new` are (normalized, printed) texts. Deleted words come from the old
    page; kept and inserted ones from the new page, so the kept and inserted ops rebuild it exactly."""
    old_bounds, new_bounds = _bounds(ops)
    old_at, new_at = align(old[1], old[0], old_bounds), align(new[1], new[0], new_bounds)
    marked = set(boilerplate)
    quoted: list[tuple[int, str, bool]] = []
    o = n = 0
    for i, (op, text) in enumerate(ops):
        printed, at, start = (old[1], old_at, o) if op == DELETE else (new[1], new_at, n)
        words = printed[at[start] : at[start + len(text)]]
        o += len(text) if op != INSERT else 0
        n += len(text) if op != DELETE else 0
        if not words:  # normalized words inside one printed edit: the last of them carries it
            continue
        if quoted and quoted[-1][0] == op and quoted[-1][2] == (i in marked):
            quoted[-1] = (op, quoted[-1][1] + words, i in marked)
        else:
            quoted.append((op, words, i in marked))
    return tuple((op, words) for op, words, _ in quoted), tuple(i for i, q in enumerate(quoted) if q[2])


def _bounds(ops: Sequence[Op]) -> tuple[set[int], set[int]]:
    """The offsets where ops start and end in the old and in the new text."""
    old, new = {0}, {0}
    o = n = 0
    for op, text in ops:
        o += len(text) if op != INSERT else 0
        n += len(text) if op != DELETE else 0
        old.add(o)
        new.add(n)
    return old, new
