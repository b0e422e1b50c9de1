"""The sample report data: which countries appear in which edition, with what text.

The bundled narratives live in reports/<slug>.yaml, one file per country. Each file holds
`slug`, `name` (as used in page titles and navigation), `heading` (the name as printed in the
narrative heading, e.g. "KOREA, REPUBLIC OF"), `editions` (year -> edition entry) and optional
`revisions` (year -> a partial edition entry laid over the released one when the site serves its
post-release edits). An edition entry has `tier`, `summary` (paragraphs), `recommendations`,
`sections` (canonical section key -> paragraphs) and optional layout flags `heading_style: bold`
(the heading as a bold paragraph instead of an <h2>) and `heading_nbsp: true` (a no-break space
inside the heading, as some real pages have).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from snapshots.core.models import SECTION_NAMES, TIERS

REPORTS_DIR = Path(__file__).parent / "reports"

# Release dates of the editions; pages are served with these as Last-Modified.
RELEASE_DATES: dict[int, dt.date] = {
    2021: dt.date(2021, 7, 1),
    2022: dt.date(2022, 7, 19),
    2023: dt.date(2023, 6, 15),
    2024: dt.date(2024, 6, 24),
    2025: dt.date(2025, 9, 29),
}


class SampleDataError(ValueError):
    """A sample YAML file that does not follow the format above."""


@dataclass(frozen=True)
class Edition:
    """One country's narrative in one edition, as the sample site renders it."""

    tier: str
    summary: tuple[str, ...]
    recommendations: tuple[str, ...]
    sections: Mapping[str, tuple[str, ...]]
    heading_style: str = "h2"  # "h2" or "bold" (ignored for 2021 and earlier: always bold "NAME: Tier N")
    heading_nbsp: bool = False
    modified: dt.date | None = None  # a post-release edit date; None means the edition's release date


@dataclass(frozen=True)
class Country:
    slug: str
    name: str
    heading: str
    editions: Mapping[int, Edition]
    revisions: Mapping[int, Edition] = field(default_factory=dict)


@dataclass(frozen=True)
class SubPage:
    """A non-country sub-page of an edition (no narrative heading)."""

    slug: str
    title: str


SUBPAGES: tuple[SubPage, ...] = (SubPage("introduction", "Introduction"), SubPage("tier-placements", "Tier Placements"))


@dataclass(frozen=True)
class SampleReports:
    """Every country of the sample site. The bundled samples and the benchmark mirror are both one of these."""

    countries: Mapping[str, Country]
    release_dates: Mapping[int, dt.date] = field(default_factory=lambda: dict(RELEASE_DATES))

    def editions(self) -> list[int]:
        return sorted({year for country in self.countries.values() for year in country.editions})

    def countries_in(self, year: int) -> list[Country]:
        """Countries covered by an edition, sorted by name as the report's navigation lists them."""
        return sorted((c for c in self.countries.values() if year in c.editions), key=lambda c: c.name)

    def edition(self, year: int, slug: str, *, revised: bool = False) -> Edition | None:
        country = self.countries.get(slug)
        if country is None or year not in country.editions:
            return None
        if revised and year in country.revisions:
            return country.revisions[year]
        return country.editions[year]

    def last_modified(self, year: int, slug: str | None = None, *, revised: bool = False) -> dt.date:
        edition = self.edition(year, slug, revised=revised) if slug else None
        if edition is not None and edition.modified is not None:
            return edition.modified
        return self.release_dates.get(year, dt.date(year, 6, 30))

    def replace_editions(self, changes: Mapping[tuple[int, str], Edition]) -> SampleReports:
        """A copy with some (year, slug) editions replaced; the rest shared."""
        countries = dict(self.countries)
        for (year, slug), edition in changes.items():
            country = countries[slug]
            countries[slug] = dataclasses.replace(country, editions={**country.editions, year: edition})
        return SampleReports(countries=countries, release_dates=self.release_dates)


def _paragraphs(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(p, str) and p.strip() for p in value):
        raise SampleDataError(f"{where}: expected a non-empty list of paragraphs")
    return tuple(p.strip() for p in value)


def _edition(raw: Mapping[str, Any], where: str, base: Edition | None = None) -> Edition:
    if not isinstance(raw, Mapping):
        raise SampleDataError(f"{where}: expected a mapping")
    tier = raw.get("tier", base.tier if base else None)
    if tier not in TIERS:
        raise SampleDataError(f"{where}: tier {tier!r} is not one of {', '.join(TIERS)}")
    sections = dict(base.sections) if base else {}
    for key, paragraphs in (raw.get("sections") or {}).items():
        if key not in SECTION_NAMES:
            raise SampleDataError(f"{where}: unknown section {key!r}")
        sections[key] = _paragraphs(paragraphs, f"{where}.sections.{key}")
    # Keep report order whatever order the file uses.
    ordered = {key: sections[key] for key in SECTION_NAMES if key in sections}
    summary = _paragraphs(raw["summary"], f"{where}.summary") if "summary" in raw else None
    recommendations = (
        _paragraphs(raw["recommendations"], f"{where}.recommendations") if "recommendations" in raw else None
    )
    if base is None and (summary is None or recommendations is None):
        raise SampleDataError(f"{where}: summary and recommendations are required")
    modified = raw.get("modified")
    if modified is not None and not isinstance(modified, dt.date):
        raise SampleDataError(f"{where}.modified: expected a date (YYYY-MM-DD)")
    return Edition(
        tier=tier,
        summary=summary if summary is not None else base.summary,  # type: ignore[union-attr]
        recommendations=recommendations if recommendations is not None else base.recommendations,  # type: ignore[union-attr]
        sections=ordered,
        heading_style=raw.get("heading_style", base.heading_style if base else "h2"),
        heading_nbsp=bool(raw.get("heading_nbsp", base.heading_nbsp if base else False)),
        modified=modified,
    )


def parse_country(raw: Mapping[str, Any], source: str = "<data>") -> Country:
    """One country file's data -> Country. Revisions default to a month after the edition's release."""
    try:
        slug, name, heading = raw["slug"], raw["name"], raw["heading"]
        editions_raw = raw["editions"]
    except (KeyError, TypeError) as exc:
        raise SampleDataError(f"{source}: missing key {exc}") from None
    editions = {int(year): _edition(entry, f"{source}:{year}") for year, entry in editions_raw.items()}
    revisions: dict[int, Edition] = {}
    for year, entry in (raw.get("revisions") or {}).items():
        year = int(year)
        if year not in editions:
            raise SampleDataError(f"{source}: revision for {year}, an edition the file does not have")
        revised = _edition(entry, f"{source}:revisions.{year}", base=editions[year])
        if revised.modified is None:
            revised = dataclasses.replace(revised, modified=RELEASE_DATES[year] + dt.timedelta(days=30))
        revisions[year] = revised
    return Country(slug=slug, name=name, heading=heading, editions=editions, revisions=revisions)


def load_reports(paths: Iterable[Path] | None = None) -> SampleReports:
    """Load the bundled sample narratives (or the given YAML files)."""
    files = sorted(REPORTS_DIR.glob("*.yaml")) if paths is None else list(paths)
    countries: dict[str, Country] = {}
    for path in files:
        with open(path, encoding="utf-8") as handle:
            country = parse_country(yaml.safe_load(handle), source=path.name)
        countries[country.slug] = country
    return SampleReports(countries=countries)


def editions() -> list[int]:
    """The editions the bundled samples cover."""
    return load_reports().editions()
