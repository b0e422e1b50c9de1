"""Precision and recall of the figure extractor on the labelled sentences, and its time per narrative.

Goal: precision 100%, recall >= 95%. Each held-out batch (tests/fixtures/figures/heldout*.yaml) was
written before the extractor version that first scored it; that first score, the honest one, is in
the batch's header. Once its misses have been fixed, a batch is no longer unseen: write a new one.
A figure counts as found only when every field matches its label (value, qualifier, scope,
previous, unit, reported); one wrong field is a false positive and a miss. The last column is the
precision when the prior figure is not checked: how often a figure's value itself is wrong.

    .venv/bin/python bench/bench_figures.py [ROUNDS]
    .venv/bin/python bench/bench_figures.py --dump FILE   # every input's sentences and figures, as JSON

The dump is the check for a change that must not change output (a speed-up): dump before and after,
and compare the two files byte for byte.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections import Counter
from dataclasses import replace
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from snapshots.core.figures import MEASURES, extract_figures, figures_in_text, sentences  # noqa: E402
from tests.figures_corpus import HELD_OUT_SETS, TUNING, Labelled, load_corpus  # noqa: E402


def score(corpus: list[Labelled], *, with_previous: bool = True) -> dict[str, tuple[int, int, int]]:
    """(true positives, false positives, misses) per measure and "overall". Without `with_previous`, a
    figure whose only fault is a missed or wrong prior figure counts as right: its value is in the text."""
    counts: dict[str, Counter[str]] = {m: Counter() for m in (*MEASURES, "overall")}
    for item in corpus:
        found_figures = figures_in_text(item.sentence, item.section)
        if not with_previous:
            found_figures = tuple(replace(f, previous=None) for f in found_figures)
        expected = Counter(item.expected if with_previous else (replace(f, previous=None) for f in item.expected))
        found = Counter(found_figures)
        for figure in expected | found:
            hit = min(expected[figure], found[figure])
            for key in (figure.measure, "overall"):
                counts[key]["tp"] += hit
                counts[key]["fp"] += found[figure] - hit
                counts[key]["fn"] += expected[figure] - hit
    return {k: (c["tp"], c["fp"], c["fn"]) for k, c in counts.items()}


def misses(corpus: list[Labelled]) -> list[str]:
    lines = []
    for item in corpus:
        found = figures_in_text(item.sentence, item.section)
        if found != item.expected:
            lines.append(f"  {item.sentence}\n    expected {_short(item.expected)}\n    found    {_short(found)}")
    return lines


def _short(figures) -> str:
    return (
        "; ".join(f"{f.measure}/{f.scope}={f.value} q={f.qualifier} prev={f.previous} {f.unit}" for f in figures) or "-"
    )


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "    -"


def report(name: str, corpus: list[Labelled]) -> None:
    print(f"{name}: {len(corpus)} sentences, {sum(len(i.expected) for i in corpus)} labelled figures")
    print(f"  {'measure':<20} {'precision':>9} {'recall':>7}   tp  fp  fn   precision of values alone")
    values = score(corpus, with_previous=False)
    for measure, (tp, fp, fn) in score(corpus).items():
        value_tp, value_fp, _ = values[measure]
        print(
            f"  {measure:<20} {_percent(tp, tp + fp):>9} {_percent(tp, tp + fn):>7} {tp:4} {fp:3} {fn:3}   "
            f"{_percent(value_tp, value_tp + value_fp)}"
        )
    for line in misses(corpus):
        print(line)


def pages():
    """Full-size pages and their narratives: the synthetic mirror's (30-45 KB each, parsed like real pages),
    oldest edition first for each country."""
    from monitor.parse import parse_narrative
    from monitor.samples.site import render_country

    sys.path.insert(0, str(ROOT / "bench"))
    from mirror import synthetic_reports

    reports = synthetic_reports(countries=30)
    raws = [render_country(year, slug, reports=reports) for year, slug in _pages(reports)]
    return [(raw, parse_narrative(raw)) for raw in raws]


def _median_ms(work, items, rounds: int) -> float:
    timings = []
    for _ in range(rounds):
        for item in items:
            start = time.perf_counter()
            work(item)
            timings.append(time.perf_counter() - start)
    return 1000 * statistics.median(timings)


def sweep_share(read: list, rounds: int) -> None:
    """What figures add to the sweep's work for a new page: extraction in SnapshotData.build (on the reading
    threads), and the figure comparison of an edition comparison (on the settling thread), which reads the
    figures stored with both snapshots instead of extracting them again."""
    from snapshots.core.compare import compare
    from snapshots.store.writes import SnapshotData

    build = _median_ms(lambda page: SnapshotData.build(page[1], page[0]), read, rounds)
    extract = _median_ms(lambda page: extract_figures(page[1]), read, rounds)
    narratives = [n for _, n in read]
    pairs = [(a, b, (extract_figures(a), extract_figures(b))) for a, b in pairwise(narratives)
             if a.country_key == b.country_key]  # fmt: skip
    extracting = _median_ms(lambda pair: compare(pair[0], pair[1]), pairs, rounds)
    stored = _median_ms(lambda pair: compare(pair[0], pair[1], figures=pair[2]), pairs, rounds)
    print(
        f"per new page: SnapshotData.build {build:.2f} ms, of which extract_figures {extract:.2f} ms "
        f"({100 * extract / build:.0f}%)"
    )
    print(
        f"edition compare: {stored:.2f} ms with the stored figures, {extracting:.2f} ms extracting them again "
        f"(ratio {extracting / stored:.1f}x) (medians, {len(read)} pages, {len(pairs)} edition pairs)"
    )


def _pages(reports):
    return [(year, slug) for slug, country in reports.countries.items() for year in country.editions]


def dump_inputs():
    """(name, narrative) for every narrative the extractor can be checked on: the full mirror (190 countries,
    three editions), the bundled samples as released and as revised, every page fixture that parses, every
    narrative of the compare pairs, and the seed text."""
    from monitor.errors import ParseError
    from monitor.parse import parse_narrative
    from monitor.samples.data import load_reports
    from monitor.samples.site import render_country
    from snapshots.core.models import Narrative

    sys.path.insert(0, str(ROOT / "bench"))
    from mirror import synthetic_reports

    mirror = synthetic_reports(countries=190, editions=(2023, 2024, 2025), seed=0)
    for year, slug in _pages(mirror):
        yield f"mirror/{year}/{slug}", parse_narrative(render_country(year, slug, reports=mirror))
    samples = load_reports()
    for year, slug in _pages(samples):
        for revised in (False, True):
            yield f"sample/{year}/{slug}/{revised}", parse_narrative(render_country(year, slug, revised=revised))
    fixtures = ROOT / "tests" / "fixtures"
    for path in sorted((fixtures / "pages").iterdir()):
        if path.suffix not in (".html", ".txt", ".bin", ".pdf"):
            continue
        try:
            yield f"page/{path.name}", parse_narrative(path.read_bytes())
        except ParseError:
            continue
    for path in sorted((fixtures / "pairs").glob("*/*.json")):
        if path.name != "expected.json":
            yield f"pair/{path.parent.name}/{path.name}", Narrative.from_json(path.read_text(encoding="utf-8"))
    seed = Path("/work/shared/seed/gvnet-japan-2023.txt")
    if seed.exists():
        yield "seed", parse_narrative(seed.read_bytes())


def dump(path: Path) -> None:
    """Every input's sentences (all its texts) and figures (extract_figures, and figures_in_text on every
    section), then every labelled sentence's figures, as one JSON file."""
    out: dict[str, object] = {}
    for name, narrative in dump_inputs():
        texts = {"summary": narrative.summary, **narrative.sections}
        out[name] = {
            "figures": [f.to_json() for f in extract_figures(narrative)],
            "sections": {
                section: {
                    "sentences": sentences(text),
                    "figures": [f.to_json() for f in figures_in_text(text, section)],
                }
                for section, text in texts.items()
            },
        }
    for corpus in (TUNING, *HELD_OUT_SETS):
        for index, item in enumerate(load_corpus(corpus)):
            out[f"corpus/{corpus.name}/{index}"] = {
                "sentences": sentences(item.sentence),
                "figures": [f.to_json() for f in figures_in_text(item.sentence, item.section)],
            }
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"{len(out)} inputs dumped to {path}")


def main() -> None:
    if sys.argv[1:2] == ["--dump"]:
        dump(Path(sys.argv[2]))
        return
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    held_out = []
    for path in HELD_OUT_SETS:
        batch = load_corpus(path)
        report(f"held-out {path.name}", batch)
        held_out += batch
    tuning = load_corpus(TUNING)
    report("tuning", tuning)
    report("all", tuning + held_out)
    read = pages()
    narratives = [n for _, n in read]
    per_narrative = _median_ms(extract_figures, narratives, rounds)
    size = statistics.median(len(n.summary) + sum(len(t) for t in n.sections.values()) for n in narratives)
    found = statistics.median(len(extract_figures(n)) for n in narratives)
    print(
        f"extract_figures: median {per_narrative:.2f} ms per narrative "
        f"({len(narratives)} synthetic narratives, median {size / 1000:.0f} KB of text and {found:.0f} figures, "
        f"{rounds} rounds)"
    )
    sweep_share(read, rounds)


if __name__ == "__main__":
    main()
