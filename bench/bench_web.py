"""Benchmark the browse page: 10 editions x 190 countries with ~30 KB narratives.

Targets: diff page, home and edition pages <= 100 ms median; search <= 200 ms median; the diff of a pair with
2,000 reworded recommendations (in a database of its own, recorded as the sweep records it) <= 200 ms.
Rows are written through snapshots.store.writes and the changes through snapshots.store.changelog, as the job does.

    .venv/bin/python bench/bench_web.py [--countries 190] [--editions 10] [--runs 15] [--db PATH]

With --db pointing at an existing file the database is reused (built on the first run).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from monitor.web import app as web_app
from monitor.web.app import create_app
from snapshots.core.countries import COUNTRIES
from snapshots.core.models import SPECIAL_CASE, TIER_1, TIER_2, TIER_2_WATCH_LIST, TIER_3, Narrative
from snapshots.store import changelog, writes
from snapshots.store.db import open_db

FIRST_EDITION = 2016
TARGETS_MS = {
    "home": 100,
    "home filtered": 100,
    "edition": 100,
    "diff": 100,
    "diff changes-only": 100,
    "search": 200,
    "search filtered": 200,
    "diff, 2,000 recommendations": 200,
}
LONG_LIST = 2000
# Prose-like text: the report's own vocabulary first, then made-up words, drawn with Zipf-like weights
# (a few words very common, most rare), so word diffs see the kind of repetition real narratives have.
_STEM_TEXT = (
    "the of and to in government a for trafficking victims that on with by as law enforcement officials "
    "authorities reported investigated prosecuted convicted traffickers identified referred shelters "
    "services labor sex forced complicit corruption judicial training prevention campaign awareness "
    "inspectors recruitment agencies migrant workers children women protection assistance funding "
    "nongovernmental organizations court sentences penalties imprisonment fines cases during reporting "
    "period compared previous year decreased increased maintained efforts national action plan committee "
    "hotline repatriation foreign nationals domestic servitude fishing agriculture construction mining "
    "begging exploitation border "
)
STEMS = tuple(_STEM_TEXT.split())
_SYLLABLE_TEXT = "ka ro mi tan vel or is ash en dur pol im ra ne sto qua ber lin fo gal"
SYLLABLES = tuple(_SYLLABLE_TEXT.split())


def _vocabulary(rng: random.Random, size: int = 4000) -> tuple[list[str], list[float]]:
    words = list(STEMS)
    while len(words) < size:
        words.append("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return words, [1 / (rank + 1) for rank in range(len(words))]


VOCABULARY, WEIGHTS = _vocabulary(random.Random(1))


def _sentence(rng: random.Random) -> str:
    words = rng.choices(VOCABULARY, WEIGHTS, k=rng.randint(14, 30))
    if rng.random() < 0.4:
        words.insert(rng.randrange(len(words)), str(rng.randint(2, 900)))
    return " ".join(words).capitalize() + "."


def _paragraphs(rng: random.Random, chars: int) -> list[list[str]]:
    paragraphs, size = [], 0
    while size < chars:
        paragraph = [_sentence(rng) for _ in range(rng.randint(4, 8))]
        size += sum(len(s) + 1 for s in paragraph)
        paragraphs.append(paragraph)
    return paragraphs


def _evolve(rng: random.Random, paragraphs: list[list[str]], share: float) -> list[list[str]]:
    """Next year's text: about `share` of the sentences rewritten, a few added or removed."""
    out = []
    for paragraph in paragraphs:
        new = [(_sentence(rng) if rng.random() < share else s) for s in paragraph]
        if rng.random() < share:
            new.append(_sentence(rng))
        if len(new) > 3 and rng.random() < share:
            new.pop(rng.randrange(len(new)))
        out.append(new)
    return out


def _text(paragraphs: list[list[str]]) -> str:
    return "\n\n".join(" ".join(p) for p in paragraphs)


def _tier_path(rng: random.Random, editions: int) -> list[str]:
    ranked = [TIER_1, TIER_2, TIER_2_WATCH_LIST, TIER_3]
    if rng.random() < 0.02:
        return [SPECIAL_CASE] * editions
    tier, path = rng.choice(ranked), []
    for _ in range(editions):
        if rng.random() < 0.2:
            tier = ranked[max(0, min(3, ranked.index(tier) + rng.choice((-1, 1))))]
        path.append(tier)
    return path


def _history(rng: random.Random, editions: int) -> list[tuple[str, str, tuple[str, ...], dict[str, str]]]:
    """(tier, summary, recommendations, sections) of one synthetic country over `editions` editions."""
    parts = ("summary", "prosecution", "protection", "prevention", "trafficking_profile")
    sizes = {"summary": 2500, "prosecution": 7000, "protection": 7500, "prevention": 5500, "trafficking_profile": 5000}
    texts = {part: _paragraphs(rng, sizes[part]) for part in parts}
    recs = [_sentence(rng) for _ in range(rng.randint(8, 12))]
    out = []
    for i, tier in enumerate(_tier_path(rng, editions)):
        if i:
            texts = {part: _evolve(rng, value, 0.12) for part, value in texts.items()}
            recs = [(_sentence(rng) if rng.random() < 0.15 else r) for r in recs]
        out.append((tier, _text(texts["summary"]), tuple(recs), {p: _text(texts[p]) for p in parts[1:]}))
    return out


def _store(db, name: str, edition: int, version: tuple[str, str, tuple[str, ...], dict[str, str]]) -> int:
    tier, summary, recs, sections = version
    key = name.lower().replace(" ", "-").replace("'", "")
    narrative = Narrative(
        country=name.upper(), country_key=key, edition=edition, tier=tier, summary=summary, recommendations=recs,
        sections=sections, layout="bench", parser_version="bench", heading=f"{name.upper()} ({tier})",
    )  # fmt: skip
    page = writes.upsert_page(db, edition, key, f"https://www.state.gov/{edition}/{key}/")
    snapshot_id = writes.save_snapshot(
        db, page_id=page["id"], edition=edition,
        data=writes.SnapshotData.build(narrative, json.dumps(narrative.to_json()).encode()),
        url=page["url"], fetched_at=f"{edition}-06-24T12:00:00+00:00",
    )  # fmt: skip
    assert snapshot_id is not None
    return snapshot_id


def build(path: Path, countries: int, editions: int, templates: int) -> None:
    """`templates` countries are stored and compared as the job does (snapshots.store.changelog); the others copy a
    template's texts and change rows under their own name, which keeps the build to minutes."""
    rng = random.Random(6)
    db = open_db(path)
    histories = [_history(rng, editions) for _ in range(min(templates, countries))]
    template_ids: list[list[int]] = []
    for n, name in enumerate(list(COUNTRIES)[:countries]):
        history = histories[n % len(histories)]
        with db.conn:
            ids = [_store(db, name, FIRST_EDITION + i, version) for i, version in enumerate(history)]
            if n < len(histories):
                for snapshot_id in ids:
                    changelog.record_changes_for(db, snapshot_id)
                template_ids.append(ids)
            else:
                _copy_changes(db, template_ids[n % len(histories)], ids, name)
        if (n + 1) % 20 == 0:
            print(f"  built {n + 1}/{countries} countries", flush=True)
    db.conn.close()


def _copy_changes(db, source_ids: list[int], target_ids: list[int], name: str) -> None:
    remap = dict(zip(source_ids, target_ids, strict=True))
    key = name.lower().replace(" ", "-").replace("'", "")
    marks = ",".join("?" * len(source_ids))
    rows = list(db.query(f"SELECT * FROM changes WHERE new_snapshot_id IN ({marks}) ORDER BY id", source_ids))
    for row in rows:
        row.pop("id")
        old_country = row["country"]
        row.update(
            key=f"{key}:{row['key']}", country_key=key, country=name.upper(),
            summary=row["summary"].replace(old_country.title(), name).replace(old_country, name.upper()),
            old_snapshot_id=remap.get(row["old_snapshot_id"]), new_snapshot_id=remap[row["new_snapshot_id"]],
        )  # fmt: skip
        db["changes"].insert(row)


def long_list_pair(path: Path) -> str:
    """A database holding one country in two editions whose 2,000 recommendations are all reworded, compared
    as the sweep compares them; returns the diff page's URL."""
    from bench_matching import reworded_lists  # bench/ is on sys.path when this file runs as a script

    rng = random.Random(2)
    history = _history(rng, 2)
    db = open_db(path)
    with db.conn:
        ids = [
            _store(db, "Norway", FIRST_EDITION + i, (tier, summary, tuple(recs), sections))
            for i, ((tier, summary, _, sections), recs) in enumerate(
                zip(history, reworded_lists(LONG_LIST), strict=True)
            )
        ]
    started = time.process_time()
    with db.conn:
        changelog.record_changes_for(db, ids[1])
    print(f"2,000 reworded recommendations compared and recorded in {time.process_time() - started:.2f} s CPU")
    db.conn.close()
    return f"/countries/norway/diff?old_edition={FIRST_EDITION}&new_edition={FIRST_EDITION + 1}"


def measure(client, url: str, runs: int, *, cold: bool = True) -> float:
    """Median time of `runs` requests after a warm-up; `cold` empties the app's diff cache before each one."""
    client.get(url)  # warm SQLite's page cache and the compiled templates
    times = []
    for _ in range(runs):
        if cold:
            web_app._DIFF_CACHE.clear()
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--countries", type=int, default=190)
    parser.add_argument("--editions", type=int, default=10)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--templates", type=int, default=12, help="countries compared for real; others copy them")
    parser.add_argument("--db", type=Path, help="reuse (or build once) this database file")
    args = parser.parse_args()
    workdir = tempfile.TemporaryDirectory()
    path = args.db or Path(workdir.name) / "bench.db"
    if not path.exists():
        started = time.perf_counter()
        print(f"building {args.editions} editions x {args.countries} countries in {path} ...", flush=True)
        build(path, args.countries, args.editions, args.templates)
        print(f"built in {time.perf_counter() - started:.0f} s, {path.stat().st_size / 1e6:.0f} MB")
    open_db(path).conn.close()  # apply any newer migrations (indexes) to a reused file

    client = create_app(path).test_client()
    last = FIRST_EDITION + args.editions - 1
    key = "japan" if args.countries > 90 else "albania"
    sizes = client.get(f"/api/snapshots/{1}").get_json()
    print(f"narrative size: ~{len(json.dumps(sizes['parts'])) // 1000} KB")
    pages = {
        "home": "/",
        "home filtered": "/?kind=tier&significance=high",
        "edition": f"/editions/{last}",
        "diff": f"/countries/{key}/diff?old_edition={last - 1}&new_edition={last}",
        "diff changes-only": f"/countries/{key}/diff?old_edition={last - 1}&new_edition={last}&changes_only=1",
        "diff any two (live)": f"/countries/{key}/diff?old_edition={last - 3}&new_edition={last}",
        "country": f"/countries/{key}",
        "search": "/search?q=forced+labor+fishing",
        "search filtered": f"/search?q=shelters&edition={last}&section=protection",
    }
    repeat = pages["diff any two (live)"]
    failed = False
    print(f"{'page':<20} {'median ms':>10} {'target':>8}")
    for name, url in pages.items():
        median = measure(client, url, args.runs)
        target = TARGETS_MS.get(name)
        verdict = "" if target is None else ("ok" if median <= target else "SLOW")
        failed |= verdict == "SLOW"
        print(f"{name:<20} {median:>10.1f} {target or '-':>8} {verdict}")
    print(f"{'diff any two, seen':<20} {measure(client, repeat, args.runs, cold=False):>10.1f} {'-':>8} (cached)")

    long_url = long_list_pair(Path(workdir.name) / "long-list.db")
    name, target = "diff, 2,000 recommendations", TARGETS_MS["diff, 2,000 recommendations"]
    median = measure(create_app(Path(workdir.name) / "long-list.db").test_client(), long_url, max(5, args.runs // 3))
    failed |= median > target
    print(f"{name:<20} {median:>10.1f} {target:>8} {'ok' if median <= target else 'SLOW'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
