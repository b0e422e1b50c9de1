"""Benchmark the comparison: prints medians.

Targets: word diff of two 30 KB narratives in 30 ms or less (median); the edition comparison
of 190 countries (summary, every section and every recommendation) in 5 s or less. The comparison is
timed twice: extracting each narrative's figures, and with them precomputed, as the sweep compares
against the figures it stored (what remains is the text comparison alone).

    .venv/bin/python bench/bench_compare.py [--runs N]

The narratives come from bench/mirror.py (synthetic countries recombining the bundled sample text,
consecutive editions carrying most of their text, as the real report does).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from mirror import synthetic_reports

from monitor.samples.data import Country, Edition
from snapshots.core.compare import compare
from snapshots.core.figures import extract_figures
from snapshots.core.models import Narrative
from snapshots.core.textdiff import word_diff


def narrative(country: Country, year: int, edition: Edition) -> Narrative:
    return Narrative(
        country=country.heading,
        country_key=country.slug,
        edition=year,
        tier=edition.tier,
        summary="\n\n".join(edition.summary),
        recommendations=edition.recommendations,
        sections={name: "\n\n".join(paragraphs) for name, paragraphs in edition.sections.items()},
    )


def whole_text(n: Narrative) -> str:
    return "\n\n".join([n.summary, *n.recommendations, *n.sections.values()])


def thirty_kb_pair(pairs: list[tuple[Narrative, Narrative]]) -> tuple[str, str]:
    """Two consecutive editions of one country, trimmed or repeated to 30 KB each."""
    old, new = (whole_text(n) for n in pairs[0])

    def sized(text: str) -> str:
        return (text * (30_000 // len(text) + 1))[:30_000]

    return sized(old), sized(new)


def edited_copy(text: str, share: float, seed: int = 0) -> str:
    """`text` with `share` of its sentences reworded, deleted or inserted (a post-release edit)."""
    rng = random.Random(seed)
    sentences = text.split(". ")
    for _ in range(int(len(sentences) * share)):
        i = rng.randrange(len(sentences))
        action = rng.choice(("reword", "delete", "insert"))
        if action == "reword":
            words = sentences[i].split()
            if words:
                words[rng.randrange(len(words))] = rng.choice(("increased", "decreased", "17", "did not"))
            sentences[i] = " ".join(words)
        elif action == "delete":
            sentences.pop(i)
        else:
            sentences.insert(i, "The government reported new figures on identified victims during the period")
    return ". ".join(sentences)


def median_ms(fn, runs: int, clock=time.perf_counter) -> float:  # type: ignore[no-untyped-def]
    """Median milliseconds of `runs` calls; `clock=time.process_time` measures CPU time instead of wall time
    (useful on a shared machine, where other processes stretch wall time)."""
    times = []
    for _ in range(runs):
        start = clock()
        fn()
        times.append((clock() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    reports = synthetic_reports(countries=190, editions=(2024, 2025), seed=0)
    pairs = [
        (narrative(c, 2024, c.editions[2024]), narrative(c, 2025, c.editions[2025]))
        for c in reports.countries.values()
        if 2024 in c.editions and 2025 in c.editions
    ]
    sizes = sorted(len(whole_text(n)) for pair in pairs for n in pair)

    old, new = thirty_kb_pair(pairs)
    edited = edited_copy(old, 0.05)
    revision_ms = median_ms(lambda: word_diff(old, edited), args.runs * 4)
    edition_ms = median_ms(lambda: word_diff(old, new), args.runs * 4)
    sweep_s = median_ms(lambda: [compare(a, b, comparison="edition") for a, b in pairs], args.runs) / 1000
    sweep_cpu_s = (
        median_ms(lambda: [compare(a, b, comparison="edition") for a, b in pairs], args.runs, time.process_time) / 1000
    )
    figures = [(extract_figures(a), extract_figures(b)) for a, b in pairs]
    stored = list(zip(pairs, figures, strict=True))

    def sweep_stored() -> None:
        for (a, b), f in stored:
            compare(a, b, comparison="edition", figures=f)

    stored_s = median_ms(sweep_stored, args.runs) / 1000
    stored_cpu_s = median_ms(sweep_stored, args.runs, time.process_time) / 1000
    changes = sum(len(compare(a, b, comparison="edition")) for a, b in pairs)

    print(f"narratives: {len(pairs)} countries x 2 editions, median {statistics.median(sizes) / 1000:.1f} KB")
    print(f"word diff, 30 KB vs 30 KB with 5% of sentences edited: median {revision_ms:.1f} ms (target <= 30 ms)")
    print(f"word diff, 30 KB vs the next edition's 30 KB:          median {edition_ms:.1f} ms (target <= 30 ms)")
    print(
        f"edition comparison of {len(pairs)} countries: median {sweep_s:.2f} s wall, {sweep_cpu_s:.2f} s CPU"
        f" (target <= 5 s), {changes} changes"
    )
    print(
        f"  the same with figures precomputed (the sweep's case): median {stored_s:.2f} s wall,"
        f" {stored_cpu_s:.2f} s CPU, {stored_s * 1000 / len(pairs):.1f} ms a country"
    )


if __name__ == "__main__":
    main()
