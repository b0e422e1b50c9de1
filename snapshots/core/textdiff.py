"""Word-level diffs of prose, with diff-match-patch.

Each word (with the whitespace after it) is mapped to one character, diffed in that alphabet and mapped
back, the way diff-match-patch's own line mode works: "12 -> 31" reads as one replaced word, not as
"+3 =1 -2". Ops are `(op, text)` with op -1 (deleted), 0 (kept), 1 (inserted); concatenating the kept
and deleted texts gives the old text back exactly, kept and inserted the new one.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence

from diff_match_patch import diff_match_patch
from rapidfuzz import fuzz, process

from snapshots.core.models import Op

DELETE, EQUAL, INSERT = -1, 0, 1

# A time limit keeps a pathological pair from stalling a sweep (0 would mean no limit: minutes on
# unrelated 30 KB texts); real narrative pairs finish in milliseconds.
DIFF_TIMEOUT_S = 2.0
# Above this (words removed x words added) a changed run is aligned by sentence before the word diff;
# SIMILAR_SENTENCE is the rapidfuzz ratio (0-100) from which two sentences are diffed word by word.
BLOCK_WORDS_SQUARED = 20 * 20
SIMILAR_SENTENCE = 60.0

# Settings only, no state between calls: one instance serves every diff.
_DMP = diff_match_patch()
_DMP.Diff_Timeout = DIFF_TIMEOUT_S

_TOKEN = re.compile(r"\S+\s*|\s+")
_CHARS_PER_WORD = 24  # a generous window: most words with their spacing are shorter
# A sentence with the whitespace after it; a blank line ends one too. Lossless, like _TOKEN.
# The body takes whole runs of ordinary characters, and never gives any back: the closing alternatives can
# only match where the body stopped (at a newline, a closing stop or the end), so backtracking into it
# could only fail again, one character at a time. Taken a character at a time it was a quarter of a diff.
_SENTENCE = re.compile(r"(?:[^.!?\n]++|[.!?]++(?![\s\"')\]]|$))*+(?:[.!?]+[\"')\]]*(?:\s+|$)|\n\s*|$)|.", re.DOTALL)


def _encode(pieces: list[str], vocabulary: dict[str, int]) -> str:
    """`pieces` as one character each: a piece's code is its place in `vocabulary`, counted from 1 (0 unused,
    like diff_linesToChars); new pieces are added."""
    code = vocabulary.setdefault
    return "".join([chr(code(piece, len(vocabulary) + 1)) for piece in pieces])


def _token_diff(old: list[str], new: list[str], *, semantic: bool) -> list[Op]:
    """Diff two token lists as strings of one character per distinct token (diff_linesToChars' trick)."""
    vocabulary: dict[str, int] = {}
    diffs = _DMP.diff_main(_encode(old, vocabulary), _encode(new, vocabulary), False)
    if semantic:  # on the token alphabet, before mapping back, so that it never splits a word
        _DMP.diff_cleanupSemantic(diffs)
    # diff_charsToLines' mapping back, as one C-speed translate per op instead of a loop over characters.
    tokens = {code: piece for piece, code in vocabulary.items()}
    return [(op, text.translate(tokens)) for op, text in diffs if text]


def _changed_block(removed: str, added: str, *, semantic: bool) -> list[Op]:
    """Word diff of a run of changed sentences. A long run (a rewritten section) is first aligned sentence
    by sentence, fuzzily and in order, so that only similar sentences are diffed word by word: a word diff
    of two long unrelated passages is slow and reads no better than "these sentences out, those in"."""
    if len(removed.split()) * len(added.split()) <= BLOCK_WORDS_SQUARED:
        return _token_diff(_TOKEN.findall(removed), _TOKEN.findall(added), semantic=semantic)
    ops: list[Op] = []
    inserted = _sentences(added)
    j = 0
    for sentence in _sentences(removed):
        best = process.extractOne(
            sentence, inserted[j:], scorer=fuzz.ratio, score_cutoff=SIMILAR_SENTENCE, processor=None
        )
        if best is None:
            ops.append((DELETE, sentence))
            continue
        k = j + best[2]
        ops.extend((INSERT, text) for text in inserted[j:k])
        ops.extend(_token_diff(_TOKEN.findall(sentence), _TOKEN.findall(inserted[k]), semantic=semantic))
        j = k + 1
    ops.extend((INSERT, text) for text in inserted[j:])
    return ops


def _sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.findall(text) if s]


def word_diff(old: str, new: str, *, semantic: bool = True) -> list[Op]:
    """The word diff of two texts; `semantic` cleans it up (no one-word islands of equality).

    Two passes, like diff-match-patch's line mode: sentences first, so that the unchanged ones anchor the
    diff cheaply, then words within each run of changed sentences.
    """
    if old == new:
        return [(EQUAL, old)] if old else []
    coarse = _token_diff(_sentences(old), _sentences(new), semantic=False)
    ops: list[Op] = []
    removed, added = "", ""
    for op, text in [*coarse, (EQUAL, "")]:
        if op == DELETE:
            removed += text
        elif op == INSERT:
            added += text
        else:
            if removed and added:
                ops.extend(_changed_block(removed, added, semantic=semantic))
            else:
                ops.extend((o, t) for o, t in ((DELETE, removed), (INSERT, added)) if t)
            removed, added = "", ""
            if text:
                ops.append((EQUAL, text))
    return merge_ops(ops)


def merge_ops(ops: Iterable[Op]) -> list[Op]:
    """Join neighbouring ops of the same kind."""
    merged: list[Op] = []
    for op, text in ops:
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return merged


def old_text(ops: Sequence[Op]) -> str:
    return "".join(text for op, text in ops if op != INSERT)


def new_text(ops: Sequence[Op]) -> str:
    return "".join(text for op, text in ops if op != DELETE)


def word_count(text: str) -> int:
    return len(text.split())


def share_changed(ops: Sequence[Op], *, ignore: Collection[int] = ()) -> float:
    """Words deleted plus words inserted, over the words of both texts: 0.0 identical, 1.0 nothing shared.

    Ops whose index is in `ignore` (e.g. boilerplate drift) count as unchanged.
    """
    changed = sum(word_count(text) for i, (op, text) in enumerate(ops) if op != EQUAL and i not in ignore)
    total = sum(word_count(text) * (2 if op == EQUAL else 1) for op, text in ops)
    return round(changed / total, 4) if total else 0.0


def hunks(ops: Sequence[Op]) -> list[tuple[int, int]]:
    """Index ranges [start, end) of the runs of non-equal ops: each run is one changed passage."""
    ranges: list[tuple[int, int]] = []
    start = None
    for i, (op, _) in enumerate(ops):
        if op != EQUAL and start is None:
            start = i
        elif op == EQUAL and start is not None:
            ranges.append((start, i))
            start = None
    if start is not None:
        ranges.append((start, len(ops)))
    return ranges


def context_before(text: str, words: int) -> str:
    """The last `words` words of an equal run (with their spacing), for showing a change in context."""
    if not words:
        return ""
    tokens = _TOKEN.findall(text[-words * _CHARS_PER_WORD :])
    if len(tokens) <= words:  # the window was too short for this text's words
        tokens = _TOKEN.findall(text)
    return "".join(tokens[-words:])


def context_after(text: str, words: int) -> str:
    """The first `words` words of an equal run."""
    if not words:
        return ""
    tokens = _TOKEN.findall(text[: words * _CHARS_PER_WORD])
    if len(tokens) <= words:
        tokens = _TOKEN.findall(text)
    return "".join(tokens[:words])


def condense(ops: Sequence[Op], context_words: int = 8) -> list[Op | None]:
    """Only the changed passages with a little context; `None` marks where unchanged text was left out."""
    if all(op == EQUAL for op, _ in ops):
        return []
    out: list[Op | None] = []
    last = len(ops) - 1
    for i, (op, text) in enumerate(ops):
        if op != EQUAL:
            out.append((op, text))
            continue
        head = context_after(text, context_words) if i > 0 else ""
        tail = context_before(text, context_words) if i < last else ""
        if len(head) + len(tail) >= len(text):
            out.append((op, text))
            continue
        if head:
            out.append((EQUAL, head))
        out.append(None)
        if tail:
            out.append((EQUAL, tail))
    return out
