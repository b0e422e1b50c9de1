"""Pair two lists of recommendation keys one-to-one and label each pair. Pure: strings in, indices out.

Order of work, cheapest first:
1. identical keys pair first ("kept");
2. the remaining pairs are scored with rapidfuzz token_set_ratio (ties broken by plain ratio) and taken
   greedily, best first, down to POSSIBLY_CUTOFF.

Scoring every pair costs old x new; that is exact and cheap for real lists (7-15 items), so it is kept up
to EXHAUSTIVE_PAIRS. Past that, each unmatched new item is scored only against its best candidates from an
inverted index of word stems (weighted by rarity; rarest first, common ones skipped, at most
POSTINGS_PER_ITEM entries read), at most CANDIDATES_PER_ITEM of them, and never more than MAX_PAIRS_SCORED
pairs in all: time and memory grow linearly with the lists. Pruning finds a rewording through the rarer
words it shares with its original; items told apart by common words only may be missed (then new + dropped).

Judgement: a score in the "possibly reworded" band is not enough on its own. Short items in this domain
share much of their wording ("Establish a ... for ... victims"), so a pair below REWORDED_CUTOFF must also
share content words (CONTENT_WORDS_SHARED stems outside GENERIC_WORDS); otherwise the items are new and
dropped. A pair whose items both name people, places or programmes, but not the same ones, is at most
possibly reworded. A "possibly reworded" item starts its count of editions carried afresh (`carried_after`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

# token_set_ratio, 0-100. At or above REWORDED the two items are the same recommendation reworded; between
# POSSIBLY and REWORDED a person should look. Checked on tests/fixtures/recommendations/labelled.json:
# rewordings written like the report's score 73-100 (loose ones 61-67, "possibly"); unrelated items of the
# same domain 42-64, which the content-word check below keeps out of "possibly reworded".
REWORDED_CUTOFF = 72.0
POSSIBLY_CUTOFF = 55.0

EXHAUSTIVE_PAIRS = 10_000  # old x new up to this is scored in full (exact; real lists are ~200 pairs)
CANDIDATES_PER_ITEM = 12  # past that: old items scored per new item, the best by shared rare stems
MAX_PAIRS_SCORED = 200_000  # and never more than this in all, however long the lists
STEM = 5  # letters of a word kept as its index stem ("inspection" and "inspections" meet)
POSTINGS_PER_ITEM = 512  # index entries read per new item, its rarest stems first
COMMON_STEM = 64  # a stem in more old items than this says little: not read (unless the item has no other)

CONTENT_WORDS_SHARED = 2
# Words every recommendation may hold whatever it is about: sharing them says nothing about the topic.
_GENERIC = """a an the and or of for to in on at by with from into as its their them those these this that such other
    more all any each including include particularly especially through within among across who which while
    so be is are was were not no than increase increased strengthen expand improve ensure implement establish
    provide fund train enact adopt develop continue take make use trafficking traffickers trafficker victims
    victim anti law laws government efforts effort national human persons"""
GENERIC_WORDS = frozenset(_GENERIC.split())

KEPT, REWORDED, POSSIBLY_REWORDED, NEW, DROPPED = "kept", "reworded", "possibly_reworded", "new", "dropped"


@dataclass(frozen=True)
class Match:
    """One result: a pair (`old` and `new` indices), a new item (`old` None) or a dropped one (`new` None)."""

    label: str  # kept | reworded | possibly_reworded | new | dropped
    old: int | None
    new: int | None
    score: float | None


def match(old: Sequence[str], new: Sequence[str]) -> list[Match]:
    """Label every key of both lists: the new items in their order, then the dropped ones in theirs."""
    pairs: dict[int, tuple[int, float]] = {}  # new index -> (old index, score)
    free_old = pair_identical(old, new, pairs)
    unmatched = [j for j in range(len(new)) if j not in pairs]
    if unmatched and free_old:
        scored = _scored_pairs(old, new, unmatched, sorted(free_old))
        for score, _, j, i in sorted(scored, reverse=True):
            if j not in pairs and i in free_old:
                pairs[j] = (i, round(score, 1))
                free_old.discard(i)
    out = []
    for j in range(len(new)):
        if j not in pairs:
            out.append(Match(NEW, None, j, None))
            continue
        i, score = pairs[j]
        if old[i] == new[j]:
            label = KEPT
        elif score >= REWORDED_CUTOFF and not _name_other_things(old[i], new[j]):
            label = REWORDED
        else:
            label = POSSIBLY_REWORDED
        out.append(Match(label, i, j, score))
    out.extend(Match(DROPPED, i, None, None) for i in sorted(free_old))
    return out


def carried_after(label: str, previous: int) -> int:
    """Consecutive editions an item has been carried, given its label now and the old item's count: a
    possibly reworded item is not counted as carried (a person has not confirmed it is the same one)."""
    return previous + 1 if label in (KEPT, REWORDED) else 1


def _scored_pairs(
    old: Sequence[str], new: Sequence[str], unmatched: list[int], free_old: list[int]
) -> list[tuple[float, float, int, int]]:
    """(score, plain ratio, new index, old index) of the candidate pairs worth pairing."""
    old_p = [utils.default_process(k) for k in old]
    new_p = [utils.default_process(k) for k in new]
    old_c = [_content_stems(p) for p in old_p]
    new_c = [_content_stems(p) for p in new_p]
    scored = []
    for j, candidates in _candidates(old_c, new_c, unmatched, free_old):
        choices = [old_p[i] for i in candidates]
        found = process.extract(
            new_p[j], choices, scorer=fuzz.token_set_ratio, processor=None, score_cutoff=POSSIBLY_CUTOFF, limit=None
        )
        for _, score, k in found:
            i = candidates[k]
            if score >= REWORDED_CUTOFF or _share_content(old_c[i], new_c[j]):
                scored.append((score, fuzz.ratio(old[i], new[j]), j, i))
    return scored


def pair_identical(old: Sequence[str], new: Sequence[str], pairs: dict[int, tuple[int, float]]) -> set[int]:
    """Pair identical keys, first free old item first; returns the old indices left free. Step 1 of `match`,
    and all of it that a stored comparison does not record (kept items make no change)."""
    by_key: dict[str, list[int]] = {}
    for i, key in enumerate(old):
        by_key.setdefault(key, []).append(i)
    for j, key in enumerate(new):
        waiting = by_key.get(key)
        if waiting:
            pairs[j] = (waiting.pop(0), 100.0)
    return {i for waiting in by_key.values() for i in waiting}


def _candidates(
    old_c: Sequence[set[str]], new_c: Sequence[set[str]], unmatched: list[int], free_old: list[int]
) -> list[tuple[int, list[int]]]:
    """For each unmatched new item, the free old items to score it against (given the items' content stems)."""
    if len(unmatched) * len(free_old) <= EXHAUSTIVE_PAIRS:
        return [(j, free_old) for j in unmatched]
    per_item = max(1, min(CANDIDATES_PER_ITEM, MAX_PAIRS_SCORED // len(unmatched)))
    left = MAX_PAIRS_SCORED
    index: dict[str, list[int]] = {}
    for i in free_old:
        for stem in old_c[i]:
            index.setdefault(stem, []).append(i)
    weight = {stem: math.log(len(free_old) / len(ids)) + 1.0 for stem, ids in index.items()}
    out = []
    for j in unmatched:
        stems = sorted((s for s in new_c[j] if s in index), key=lambda s: len(index[s]))
        votes: dict[int, float] = {}
        budget = POSTINGS_PER_ITEM
        for stem in stems:
            postings = index[stem]
            if votes and (len(postings) > budget or len(postings) > COMMON_STEM):
                break
            for i in postings[:budget]:
                votes[i] = votes.get(i, 0.0) + weight[stem]
            budget -= len(postings)
        chosen = sorted(votes, key=votes.__getitem__, reverse=True)[: min(per_item, left)]
        left -= len(chosen)
        out.append((j, chosen))
    return out


def _content_stems(processed: str) -> set[str]:
    # Numbers are kept however short: "article 5" and "article 7" are told apart by them alone.
    words = processed.split()
    return {w[:STEM] for w in words if (len(w) > 2 or w.isdigit()) and w not in GENERIC_WORDS}


def _share_content(old_stems: set[str], new_stems: set[str]) -> bool:
    """Whether two items below REWORDED_CUTOFF share enough content words to be worth a person's look."""
    return len(old_stems & new_stems) >= min(CONTENT_WORDS_SHARED, len(old_stems), len(new_stems))


def _names(key: str) -> set[str]:
    """Stems of the capitalized words after the first (peoples, places, programmes: "North Korean", "TITP")."""
    words = (word.strip(".,;:()\"'") for word in key.split()[1:])
    return {word[:STEM].lower() for word in words if word[:1].isupper()}


def _name_other_things(old: str, new: str) -> bool:
    """Whether both items name something and not the same thing: "Screen North Korean workers" and "Screen
    Cuban workers" score high on their shared wording but are two recommendations; a person should look."""
    old_names, new_names = _names(old), _names(new)
    return bool(old_names and new_names and not old_names & new_names)
