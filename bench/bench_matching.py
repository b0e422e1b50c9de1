"""Benchmark recommendation matching: prints median time and peak memory per list size, before and after.

Target: 2,000 reworded recommendations matched in 0.5 s or less and 150 MB or less, growing
near-linearly. "before" is the matcher as it was up to commit c3bd346 (every old x new pair scored), run
in this same script on the sizes it can finish; "after" is snapshots.core.recommendations.match_recommendations. Also
prints the share of synthetic items paired with their own rewording, and the agreement of both matchers
with the labelled pairs in tests/fixtures/recommendations/labelled.json.

    .venv/bin/python bench/bench_matching.py [--runs N] [--sizes 100,500,...] [--before-up-to N]

Two sets: items made from every sample recommendation, and items made from only 10 (alike, so that
scoring every pair keeps nearly all of them). Medians of --runs calls; CPU seconds are the figure to read
on a shared machine (wall time moves with other processes' load). MB is tracemalloc's peak of Python
allocations during one more call; the process's peak RSS is printed at the end.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import fuzz, utils

from monitor.samples.data import load_reports
from snapshots.core.normalize import clean_recommendation
from snapshots.core.recommendations import _rec_key, match_recommendations
from snapshots.core.textdiff import word_diff

LABELLED = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "recommendations" / "labelled.json"
_SYLLABLES = tuple(a + b for a in "bcdfgklmnprstvz" for b in "aeiou")
_SWAPS = (
    ("Increase", "Expand"),
    ("increase", "expand"),
    ("including", "particularly"),
    ("victims", "survivors"),
    ("Investigate", "Proactively investigate"),
    ("Screen", "Systematically screen"),
    ("Train", "Provide training to"),
    ("Fund", "Allocate funding for"),
    ("implement", "carry out"),
    ("and", "as well as"),
)

Matcher = Callable[[Sequence[str], Sequence[str]], list[tuple[str, str | None, str | None]]]


def _place(rng: random.Random) -> str:
    return " ".join("".join(rng.choice(_SYLLABLES) for _ in range(3)).title() for _ in range(2))


def reworded_lists(n: int, seed: int = 0, templates: int | None = None) -> tuple[list[str], list[str]]:
    """`n` recommendations (sample items, each placed in its own fictional province) and the same `n`
    reworded, in another order. `templates` limits the sample items used: with few, every pair of items
    is alike (the worst case for scoring every pair, whose kept scores then grow as old x new)."""
    rng = random.Random(seed)
    reports = load_reports()
    texts = sorted(
        {r.rstrip(". ") for c in reports.countries.values() for e in c.editions.values() for r in e.recommendations}
    )[:templates]
    old, new = [], []
    for i in range(n):
        text, place = texts[i % len(texts)], _place(rng)
        old.append(f"{text}, including in {place} province.")
        reworded = text
        for before, after in rng.sample(_SWAPS, 3):
            reworded = reworded.replace(before, after, 1)
        new.append(f"In {place} province, {reworded[0].lower()}{reworded[1:]}.")
    order = list(range(n))
    rng.shuffle(order)
    return old, [new[k] for k in order]


def before(old: Sequence[str], new: Sequence[str]) -> list[tuple[str, str | None, str | None]]:
    """The matcher up to commit c3bd346: identical keys, then every remaining old x new pair scored."""
    old_items = [(c, _rec_key(c, fold=True)) for c in map(clean_recommendation, old) if c]
    new_items = [(c, _rec_key(c, fold=True)) for c in map(clean_recommendation, new) if c]
    pairs: dict[int, tuple[int, float]] = {}
    free_old = set(range(len(old_items)))
    by_key: dict[str, list[int]] = {}
    for i, (_, key) in enumerate(old_items):
        by_key.setdefault(key, []).append(i)
    for j, (_, key) in enumerate(new_items):
        candidates = [i for i in by_key.get(key, ()) if i in free_old]
        if candidates:
            pairs[j] = (candidates[0], 100.0)
            free_old.discard(candidates[0])
    scored = []
    for j, (_, new_key) in enumerate(new_items):
        if j in pairs:
            continue
        for i in free_old:
            score = fuzz.token_set_ratio(old_items[i][1], new_key, processor=utils.default_process)
            if score >= 55.0:
                scored.append((score, fuzz.ratio(old_items[i][1], new_key), j, i))
    for score, _, j, i in sorted(scored, reverse=True):
        if j not in pairs and i in free_old:
            pairs[j] = (i, round(score, 1))
            free_old.discard(i)
    out: list[tuple[str, str | None, str | None]] = []
    for j, (text, key) in enumerate(new_items):
        if j not in pairs:
            out.append(("new", None, text))
            continue
        old_text, old_key = old_items[pairs[j][0]]
        if old_key == key:
            out.append(("kept", old_text, text))
        else:
            word_diff(old_text, text)
            out.append(("reworded" if pairs[j][1] >= 72.0 else "possibly_reworded", old_text, text))
    out.extend(("dropped", old_items[i][0], None) for i in sorted(free_old))
    return out


def after(old: Sequence[str], new: Sequence[str]) -> list[tuple[str, str | None, str | None]]:
    return [(r.label, r.old, r.new) for r in match_recommendations(old, new, fold=True)]


def measure(matcher: Matcher, old: list[str], new: list[str], runs: int) -> tuple[float, float, float, float]:
    """(median CPU seconds, median wall seconds, peak MB, share of new items paired with their own original)."""
    cpu, wall = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = matcher(old, new)
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started)
    tracemalloc.start()
    matcher(old, new)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    # old: "..., including in Xx Yy province."; new: "In Xx Yy province, ..."
    right = sum(1 for _, o, n in result if o and n and o.rsplit(" in ", 1)[-1] == n.split(",", 1)[0][3:] + ".")
    return statistics.median(cpu), statistics.median(wall), peak, right / len(new)


def agreement(matcher: Matcher) -> tuple[int, int, int, list[str]]:
    """(cases labelled exactly as expected, cases with an accepted outcome, cases, ids of the rest)."""
    cases = json.loads(LABELLED.read_text())["cases"]
    exact, accepted, wrong = 0, 0, []
    for case in cases:
        labels = sorted(label for label, _, _ in matcher(case["old"], case["new"]))
        exact += labels == case["expect"]
        ok = labels in [case["expect"], *[sorted(also) for also in case.get("also", [])]]
        accepted += ok
        if not ok:
            wrong.append(case["id"])
    return exact, accepted, len(cases), wrong


def _max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes", default="100,500,1000,2000,4000")
    parser.add_argument("--before-up-to", type=int, default=1000, help="largest size to run the old matcher on")
    args = parser.parse_args()

    sets = (("varied (all sample items)", None), ("alike (10 sample items)", 10))
    sizes = [int(s) for s in args.sizes.split(",")]
    # Every "after" figure first, so that the peak RSS printed after them is theirs alone.
    after_rows = {(t, n): measure(after, *reworded_lists(n, templates=t), args.runs) for _, t in sets for n in sizes}
    rss_after = _max_rss_mb()
    for title, templates in sets:
        print(f"recommendation matching, {title}: N old items, the same N reworded")
        print(f"{'items':>6} {'CPU s':>7} {'wall s':>7} {'MB':>6} {'paired':>7} | before: ", end="")
        print(f"{'CPU s':>7} {'wall s':>7} {'MB':>6} {'paired':>7} {'CPU ratio':>9}")
        for n in sizes:
            cpu, wall, peak, right = after_rows[templates, n]
            line = f"{n:>6} {cpu:>7.3f} {wall:>7.3f} {peak:>6.1f} {right:>7.1%}"
            if n <= args.before_up_to:
                old, new = reworded_lists(n, templates=templates)
                b_cpu, b_wall, b_peak, b_right = measure(before, old, new, 1 if n > 500 else args.runs)
                line += f" |         {b_cpu:>7.3f} {b_wall:>7.3f} {b_peak:>6.1f} {b_right:>7.1%} {b_cpu / cpu:>8.1f}x"
            print(line)
    print(f"process peak RSS after the 'after' runs: {rss_after:.0f} MB; after everything: {_max_rss_mb():.0f} MB")
    for name, matcher in (("before", before), ("after", after)):
        exact, accepted, total, wrong = agreement(matcher)
        print(f"labelled pairs, {name}: {exact}/{total} as labelled ({exact / total:.0%}), ", end="")
        print(f"{accepted}/{total} accepted ({accepted / total:.0%})")
        print(f"  not accepted: {', '.join(wrong) or '-'}")


if __name__ == "__main__":
    main()
