"""A synthetic state.gov mirror for benchmarks: ~190 countries x 3 editions of realistic report pages.

Each synthetic narrative recombines sentences from the bundled sample narratives, with fictional
country names substituted and figures varied, and is rendered with the same templates as the
samples (about 150 KB per page, 30-45 KB of it narrative). Consecutive editions of a country carry
most of their text, as the real report does. Everything is seeded, so a run is reproducible.

    reports = synthetic_reports(countries=190, editions=(2023, 2024, 2025), seed=0)
    with SampleSite(reports) as site: ...                 # serve it on loopback
    site.reports, changed = mutate(site.reports, 0.05)    # 5% of pages edited after release

Run `python bench/mirror.py` to print the page count and median page and narrative sizes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import re
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass

from monitor.samples.data import Country, Edition, SampleReports, load_reports
from monitor.samples.site import narrative_html, render_country
from snapshots.core.models import SPECIAL_CASE, TIER_1, TIER_2, TIER_2_WATCH_LIST, TIER_3

RANKED = (TIER_1, TIER_2, TIER_2_WATCH_LIST, TIER_3)
_START_WEIGHTS = (0.16, 0.52, 0.17, 0.13)  # roughly the real spread of tiers; the rest are Special Cases
_SAMPLE_NAMES = (
    "the Republic of Korea (ROK)",
    "the ROK",
    "ROK",
    "Japan",
    "Haiti",
    "Colombia",
    "Vietnam",
    "Burma",
    "Brazil",
)
_SAMPLE_ADJECTIVES = ("Japanese", "Korean", "Haitian", "Colombian", "Vietnamese", "Brazilian", "Burmese", "Venezuelan")
_SYLLABLES = (
    "ar",
    "bel",
    "cor",
    "da",
    "el",
    "fen",
    "gal",
    "hor",
    "is",
    "ka",
    "lor",
    "mar",
    "nev",
    "or",
    "pal",
    "qua",
    "ros",
    "sel",
    "tor",
    "ul",
    "val",
    "wen",
    "xan",
    "yor",
    "zan",
    "bri",
    "cal",
    "dor",
    "est",
    "gan",
)
_ENDINGS = ("ia", "a", "land", "stan", "ova", "ia", "ana", "or", "ea", "ium")
_SAMPLE_NAME = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in _SAMPLE_NAMES) + r")(?!\w)")
_SAMPLE_ADJECTIVE = re.compile("|".join(_SAMPLE_ADJECTIVES))
_NUMBER = re.compile(r"(?<![\d-])(\d{1,3}(?:,\d{3})?)(?![\d-])")


@dataclass(frozen=True)
class _Vocabulary:
    efforts: tuple[str, ...]  # "These efforts included ..." sentences
    weaknesses: tuple[str, ...]  # sentences after "However, the government did not meet ..."
    recommendations: tuple[str, ...]
    sections: dict[str, tuple[str, ...]]  # section key -> sentences


def _sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+(?=[A-Z])", paragraph) if s.strip()]


def _vocabulary(samples: SampleReports) -> _Vocabulary:
    efforts, weaknesses, recommendations = set(), set(), set()
    sections: dict[str, set[str]] = {}
    for country in samples.countries.values():
        for edition in country.editions.values():
            after_however = False
            for sentence in _sentences(" ".join(edition.summary)):
                if sentence.startswith("These efforts included"):
                    efforts.add(sentence)
                elif sentence.startswith(("However, the government did not meet", "Although the government meets")):
                    after_however = True
                elif after_however and not re.search(r"Tier|Special Case|waiver", sentence):
                    weaknesses.add(sentence)
            recommendations.update(edition.recommendations)
            for key, paragraphs in edition.sections.items():
                pool = sections.setdefault("protection" if key == "government_efforts" else key, set())
                pool.update(s for p in paragraphs for s in _sentences(p) if not s.startswith("As reported over"))
    return _Vocabulary(
        efforts=tuple(sorted(efforts)),
        weaknesses=tuple(sorted(weaknesses)),
        recommendations=tuple(sorted(recommendations)),
        sections={key: tuple(sorted(pool)) for key, pool in sections.items()},
    )


@dataclass(frozen=True)
class _Place:
    name: str
    heading: str
    slug: str
    adjective: str


def _places(count: int, rng: random.Random) -> list[_Place]:
    places: list[_Place] = []
    seen: set[str] = set()
    while len(places) < count:
        stem = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3))))
        base = (stem + rng.choice(_ENDINGS)).capitalize()
        form = rng.random()
        if form < 0.08:
            name, heading = f"Republic of {base}", f"{base.upper()}, REPUBLIC OF"
        elif form < 0.14:
            name = f"North {base}"
            heading = name.upper()
        elif form < 0.18:
            name = f"{base} and the {rng.choice(_SYLLABLES).capitalize()}nes Islands"
            heading = name.upper()
        else:
            name, heading = base, base.upper()
        slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        if slug in seen:
            continue
        seen.add(slug)
        adjective = base + ("ese" if base.endswith(("a", "o")) else "ian")
        places.append(_Place(name=name, heading=heading, slug=slug, adjective=adjective))
    return places


def _localize(sentence: str, place: _Place, rng: random.Random) -> str:
    sentence = _SAMPLE_NAME.sub(place.name, sentence)
    sentence = _SAMPLE_ADJECTIVE.sub(place.adjective, sentence)
    return _renumber(sentence, rng)


def _renumber(text: str, rng: random.Random) -> str:
    def vary(match: re.Match[str]) -> str:
        value = int(match.group(1).replace(",", ""))
        new = max(1, round(value * rng.uniform(0.6, 1.6)))
        return f"{new:,}" if value >= 1000 else str(new)

    return _NUMBER.sub(vary, text)


def _tier_sentences(place: _Place, tier: str, previous: str | None, year: int) -> list[str]:
    """Standards sentence and tier sentence in the wording of the edition (boilerplate drifts by edition)."""
    gov = f"The Government of {place.name}"
    if tier == SPECIAL_CASE:
        if previous == SPECIAL_CASE:
            return [f"{place.name} remains a Special Case for another consecutive year."]
        return [f"{place.name} is a Special Case this year."]
    fully = "fully " if year <= 2022 else ""
    not_fully = "not fully" if year <= 2024 else "not"
    standards = {
        TIER_1: f"{gov} {fully}meets the minimum standards for the elimination of trafficking.",
        TIER_3: f"{gov} does {not_fully} meet the minimum standards for the elimination of trafficking and is not "
        "making significant efforts to do so.",
    }.get(
        tier,
        f"{gov} does {not_fully} meet the minimum standards for the elimination of trafficking but is "
        "making significant efforts to do so.",
    )
    covid = {
        2021: ", considering the impact of the COVID-19 pandemic on its anti-trafficking capacity",
        2022: ", considering the impact of the COVID-19 pandemic, if any, on its anti-trafficking capacity",
        2023: ", considering the impact of the COVID-19 pandemic, if any, on its anti-trafficking capacity",
    }
    link = "; therefore" if year <= 2024 else ", so"
    if previous is None or previous == tier or SPECIAL_CASE in (previous, tier):
        move = "remained on"
    elif RANKED.index(tier) < RANKED.index(previous):
        move = "was upgraded to"
    else:
        move = "was downgraded to"
    return [
        standards,
        f"The government demonstrated overall increasing efforts compared with the previous reporting "
        f"period{covid.get(year, '')}{link} {place.name} {move} {tier}.",
    ]


_GAP = "However, the government did not meet the minimum standards in several key areas."
_GAP_TIER_1 = "Although the government meets the minimum standards, several shortcomings remained."


def _gap(tier: str) -> str:
    """The sentence that turns from efforts to shortcomings; Tier 1 narratives word it differently."""
    return _GAP_TIER_1 if tier == TIER_1 else _GAP


def _pick(pool: Sequence[str], count: int, place: _Place, rng: random.Random) -> list[str]:
    return [_localize(s, place, rng) for s in rng.sample(pool, min(count, len(pool)))]


def _paragraph(vocab: _Vocabulary, key: str, place: _Place, rng: random.Random) -> str:
    return " ".join(_pick(vocab.sections[key], rng.randint(3, 6), place, rng))


def _sections_for(tier: str) -> tuple[str, ...]:
    if tier == SPECIAL_CASE:
        return ("government_efforts", "trafficking_profile")
    return ("prosecution", "protection", "prevention", "trafficking_profile")


def _pool_key(key: str) -> str:
    return "protection" if key == "government_efforts" else key


def _first_edition(vocab: _Vocabulary, place: _Place, tier: str, year: int, rng: random.Random) -> Edition:
    summary = " ".join(
        [
            *_tier_sentences(place, tier, None, year),
            _localize(rng.choice(vocab.efforts), place, rng),
            _gap(tier),
            *_pick(vocab.weaknesses, rng.randint(3, 6), place, rng),
        ]
    )
    keys = _sections_for(tier)
    sections: dict[str, list[str]] = {key: [] for key in keys}
    target = rng.randint(30_000, 44_000)
    size = len(summary) + 2000
    while size < target:
        key = rng.choice(keys)
        paragraph = _paragraph(vocab, _pool_key(key), place, rng)
        sections[key].append(paragraph)
        size += len(paragraph) + 8
    return Edition(
        tier=tier,
        summary=(summary,),
        recommendations=tuple(_pick(vocab.recommendations, rng.randint(7, 14), place, rng)),
        sections={
            key: tuple(paragraphs or [_paragraph(vocab, _pool_key(key), place, rng)])
            for key, paragraphs in sections.items()
        },
    )


def _next_edition(
    vocab: _Vocabulary, place: _Place, before: Edition, tier: str, year: int, rng: random.Random
) -> Edition:
    """The following edition: new boilerplate, most text carried, some figures changed, some items replaced."""
    old = _sentences(before.summary[0])
    weaknesses = old[old.index(_gap(before.tier)) + 1 :]
    weaknesses = [w if rng.random() < 0.7 else _localize(rng.choice(vocab.weaknesses), place, rng) for w in weaknesses]
    summary = " ".join(
        [
            *_tier_sentences(place, tier, before.tier, year),
            _localize(rng.choice(vocab.efforts), place, rng),
            _gap(tier),
            *weaknesses,
        ]
    )
    recommendations = [r for r in before.recommendations if rng.random() < 0.85]
    recommendations += _pick(vocab.recommendations, rng.randint(0, 3), place, rng)
    sections: dict[str, tuple[str, ...]] = {}
    for key in _sections_for(tier):
        carried = before.sections.get(key) or before.sections.get("protection") or before.sections["government_efforts"]
        paragraphs = []
        for paragraph in carried:
            roll = rng.random()
            if roll < 0.6:
                paragraphs.append(paragraph)
            elif roll < 0.9:
                paragraphs.append(_renumber(paragraph, rng))
            else:
                paragraphs.append(_paragraph(vocab, _pool_key(key), place, rng))
        sections[key] = tuple(paragraphs)
    return Edition(
        tier=tier, summary=(summary,), recommendations=tuple(dict.fromkeys(recommendations)), sections=sections
    )


def _tier_walk(rng: random.Random, length: int) -> list[str]:
    if rng.random() < 0.02:
        return [SPECIAL_CASE] * length
    tier = rng.choices(RANKED, weights=_START_WEIGHTS)[0]
    tiers = [tier]
    for _ in range(length - 1):
        if rng.random() < 0.2:
            index = RANKED.index(tier) + rng.choice((-1, 1))
            tier = RANKED[min(max(index, 0), len(RANKED) - 1)]
        tiers.append(tier)
    return tiers


def synthetic_reports(
    countries: int = 190, editions: Sequence[int] = (2023, 2024, 2025), seed: int = 0
) -> SampleReports:
    """A SampleReports of `countries` fictional countries over `editions`, deterministic for a given seed."""
    rng = random.Random(seed)
    vocab = _vocabulary(load_reports())
    years = sorted(editions)
    result: dict[str, Country] = {}
    for place in _places(countries, rng):
        tiers = _tier_walk(rng, len(years))
        by_year = {years[0]: _first_edition(vocab, place, tiers[0], years[0], rng)}
        for previous, year, tier in zip(years, years[1:], tiers[1:], strict=False):
            by_year[year] = _next_edition(vocab, place, by_year[previous], tier, year, rng)
        result[place.slug] = Country(slug=place.slug, name=place.name, heading=place.heading, editions=by_year)
    return SampleReports(countries=result)


def mutate(
    reports: SampleReports, fraction: float = 0.05, seed: int = 1
) -> tuple[SampleReports, list[tuple[int, str]]]:
    """Edit `fraction` of all (edition, country) pages after release; returns the new reports and what changed.

    Each edited page gets a changed figure in one section, a reworded recommendation, and a
    Last-Modified date after the release, so a re-sweep sees new bytes, a new ETag and a new narrative.
    """
    rng = random.Random(seed)
    pages = sorted((year, slug) for slug, country in reports.countries.items() for year in country.editions)
    chosen = sorted(rng.sample(pages, round(len(pages) * fraction)))
    changes: dict[tuple[int, str], Edition] = {}
    for year, slug in chosen:
        edition = reports.countries[slug].editions[year]
        key = rng.choice(list(edition.sections))
        paragraphs = list(edition.sections[key])
        index = rng.randrange(len(paragraphs))
        paragraphs[index] = paragraphs[index] + f" Officials later corrected one figure to {rng.randint(2, 400)}."
        recommendations = list(edition.recommendations)
        slot = rng.randrange(len(recommendations))
        recommendations[slot] = recommendations[slot].rstrip(".") + ", and report publicly on progress."
        released = reports.release_dates.get(year, dt.date(year, 6, 30))
        changes[(year, slug)] = dataclasses.replace(
            edition,
            sections={**edition.sections, key: tuple(paragraphs)},
            recommendations=tuple(recommendations),
            modified=(edition.modified or released) + dt.timedelta(days=rng.randint(5, 60)),
        )
    return reports.replace_editions(changes), chosen


def main(argv: Sequence[str] = ()) -> None:
    countries = int(argv[0]) if argv else 190
    started = time.perf_counter()
    reports = synthetic_reports(countries=countries)
    built = time.perf_counter() - started
    page_sizes, narrative_sizes = [], []
    started = time.perf_counter()
    for slug, country in reports.countries.items():
        for year, edition in country.editions.items():
            page_sizes.append(len(render_country(year, slug, reports=reports)))
            narrative_sizes.append(len(narrative_html(year, country, edition).encode()))
    rendered = time.perf_counter() - started
    tiers = [e.tier for c in reports.countries.values() for e in c.editions.values()]
    print(f"pages: {len(page_sizes)} ({len(reports.countries)} countries x {len(reports.editions())} editions)")
    print(
        f"median page size: {statistics.median(page_sizes) / 1024:.1f} KiB "
        f"(min {min(page_sizes) / 1024:.1f}, max {max(page_sizes) / 1024:.1f})"
    )
    print(
        f"median narrative size: {statistics.median(narrative_sizes) / 1024:.1f} KiB "
        f"(min {min(narrative_sizes) / 1024:.1f}, max {max(narrative_sizes) / 1024:.1f})"
    )
    print("tiers: " + ", ".join(f"{t} {tiers.count(t)}" for t in (*RANKED, SPECIAL_CASE)))
    print(f"build {built:.2f} s, render all {rendered:.2f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
