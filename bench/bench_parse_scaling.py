"""Does parse time grow linearly with page size? ms per MB at 50 KB, 500 KB, 2 MB and 5 MB (target: flat,
and a 5 MB page parsed in <= 1 s), for normal pages and for pathological markup.

Pages are built from a bundled sample narrative (monitor/samples), grown to each size:

- normal:          a state.gov page whose narrative sections are repeated until the page has the size;
- entry-content:   the same, with the word "entry-content" written many times in a long attribute before
                   the narrative (the case that made the region finder rescan);
- deep-nesting:    every paragraph opens a <font> it never closes (old mirror pages), so the nesting
                   depth grows with the page;
- tag-soup:        thousands of empty inline elements and unterminated attribute runs;
- plain-text:      the narrative as plain text (a saved mirror page), no markup at all.

A case whose time at one size passes SKIP_AFTER seconds is not run at the larger sizes (the old parser
took minutes there); the table says so.

    .venv/bin/python bench/bench_parse_scaling.py [ROUNDS]
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

from monitor.parse import parse_narrative
from monitor.samples.data import load_reports
from monitor.samples.site import render_country

SIZES = (50_000, 500_000, 2_000_000, 5_000_000)
TARGET_5MB_S = 1.0
SKIP_AFTER = 20.0


def _base() -> tuple[str, str, str]:
    """(before the narrative sections, one round of section paragraphs, after) of a sample page."""
    reports = load_reports()
    page = render_country(2023, "japan", reports=reports).decode()
    start = page.index("<h2", page.index("entry-content"))
    sections = page.index("<h3", page.index("</ul>", start))
    end = page.index("</div>", sections)
    return page[:sections], page[sections:end], page[end:]


def normal(size: int) -> bytes:
    head, body, tail = _base()
    rounds = max(1, (size - len(head) - len(tail)) // len(body))
    return (head + body * rounds + tail).encode()


def entry_content_words(size: int) -> bytes:
    head, body, tail = _base()
    noise = '<div data-note="' + "entry-content " * (size // 2 // 14) + '"></div>'
    at = head.index("<main")
    head = head[:at] + noise + head[at:]
    rounds = max(1, (size - len(head) - len(tail)) // len(body))
    return (head + body * rounds + tail).encode()


def deep_nesting(size: int) -> bytes:
    head, body, tail = _base()
    unclosed = body.replace("<p>", '<div><font face="Arial"><p>')
    rounds = max(1, (size - len(head) - len(tail)) // len(unclosed))
    return (head + unclosed * rounds + tail).encode()


def tag_soup(size: int) -> bytes:
    head, body, tail = _base()
    soup = body.replace(" ", " <span></span><i class='x' data-a=1 data-b=2></i> ")
    rounds = max(1, (size - len(head) - len(tail)) // len(soup))
    return (head + soup * rounds + tail).encode()


def plain_text(size: int) -> bytes:
    reports = load_reports()
    edition = reports.countries["japan"].editions[2023]
    head = f"JAPAN ({edition.tier})\n\n" + "\n\n".join(edition.summary) + "\n\nPRIORITIZED RECOMMENDATIONS:\n\n"
    head += "\n\n".join(edition.recommendations) + "\n\n"
    body = "".join(f"{name.upper()}\n\n" + "\n\n".join(paras) + "\n\n" for name, paras in edition.sections.items())
    rounds = max(1, (size - len(head)) // len(body))
    return (head + body * rounds).encode()


CASES: dict[str, Callable[[int], bytes]] = {
    "normal": normal,
    "entry-content": entry_content_words,
    "deep-nesting": deep_nesting,
    "tag-soup": tag_soup,
    "plain-text": plain_text,
}


def _time(page: bytes, rounds: int) -> float:
    timings = []
    for _ in range(rounds):
        started = time.process_time()
        parse_narrative(page)
        timings.append(time.process_time() - started)
        if timings[-1] > SKIP_AFTER:
            break
    return statistics.median(timings)


def main(argv: list[str]) -> None:
    rounds = int(argv[0]) if argv else 3
    print(f"parse time per MB (CPU time, median of {rounds}); target: flat, 5 MB <= {TARGET_5MB_S:.0f} s")
    print(f"{'case':15}" + "".join(f"{s / 1e6:>9.2f} MB" for s in SIZES) + "   5 MB total")
    worst_5mb = 0.0
    for name, build in CASES.items():
        cells, seconds = [], 0.0
        for size in SIZES:
            if seconds > SKIP_AFTER:
                cells.append(f"{'skipped':>12}")
                continue
            page = build(size)
            seconds = _time(page, rounds)
            cells.append(f"{seconds * 1000 / (len(page) / 1e6):>9.0f} ms")
        total = f"{seconds:.2f} s" if len(cells) == len(SIZES) and "skipped" not in cells[-1] else "> limit"
        worst_5mb = max(worst_5mb, seconds if "skipped" not in cells[-1] else float("inf"))
        print(f"{name:15}" + "".join(cells) + f"   {total}")
    print(f"(ms per MB of page; a row that stays flat is linear) worst 5 MB page: {worst_5mb:.2f} s")
    print(f"target 5 MB <= {TARGET_5MB_S:.0f} s: {'met' if worst_5mb <= TARGET_5MB_S else 'MISSED'}")


if __name__ == "__main__":
    main(sys.argv[1:])
