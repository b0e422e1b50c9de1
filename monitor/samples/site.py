"""Render the sample report site: SampleReports -> state.gov-shaped HTML bytes. Pure functions.

Layouts follow the real pages: 2021 and earlier print the heading as a bold paragraph
`NAME: Tier N` and one <p> per recommendation; 2022 on print `<h2>NAME (Tier N)</h2>` and a <ul>.
Every render takes `base_url` so that navigation links point at whichever server serves the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from monitor.samples import chrome
from monitor.samples.data import SUBPAGES, Country, Edition, SampleReports, editions, load_reports
from snapshots.core.models import TIERS

__all__ = [
    "edition_path",
    "editions",
    "load_reports",
    "narrative_html",
    "page_path",
    "render_country",
    "render_landing",
    "render_path",
    "render_subpage",
]

DEFAULT_BASE = chrome.SITE
TITLE = "Trafficking in Persons Report"

_LAW_URL = f"{chrome.SITE}/international-and-domestic-law-on-human-trafficking/"

# Inline markup that real narratives carry inside paragraphs (links, emphasis).
_INLINE = (
    (
        "Trafficking Victims Protection Act",
        f'<a href="{_LAW_URL}">Trafficking Victims Protection Act</a>',
    ),
    ("National Action Plan", "<em>National Action Plan</em>"),
    ("Employment for Skill Development", "<em>Employment for Skill Development</em>"),
)

_DEFAULT_REPORTS: SampleReports | None = None


def _reports(reports: SampleReports | None) -> SampleReports:
    global _DEFAULT_REPORTS
    if reports is not None:
        return reports
    if _DEFAULT_REPORTS is None:
        _DEFAULT_REPORTS = load_reports()
    return _DEFAULT_REPORTS


def edition_path(year: int) -> str:
    return f"/reports/{year}-trafficking-in-persons-report/"


def page_path(year: int, slug: str) -> str:
    return f"{edition_path(year)}{slug}/"


def _text(text: str) -> str:
    """Escape a paragraph and give it the quirks of the real pages: &nbsp; after sentences, inline tags."""
    out = escape(text, quote=False).replace("  ", "&nbsp; ")
    for plain, marked in _INLINE:
        out = out.replace(plain, marked)
    return out


def _paragraphs(paragraphs: Iterable[str]) -> str:
    return "".join(f"<p>{_text(p)}</p>\n" for p in paragraphs)


def _heading(year: int, country: Country, edition: Edition) -> str:
    tier = edition.tier.replace(" ", "&nbsp;", 1) if edition.heading_nbsp else edition.tier
    if year <= 2021:
        return f"<p><strong>{escape(country.heading)}: {tier}</strong></p>\n"
    text = f"{escape(country.heading)} ({tier})"
    if edition.heading_style == "bold":
        return f"<p><strong>{text}</strong></p>\n"
    return f"<h2>{text}</h2>\n"


def _section_heading(year: int, key: str) -> str:
    label = key.replace("_", " ").upper()
    return f"<p><strong>{label}</strong></p>\n" if year <= 2021 else f"<h3>{label}</h3>\n"


def narrative_html(year: int, country: Country, edition: Edition) -> str:
    """The entry-content of one country page: heading, summary, recommendations, sections."""
    parts = [
        _heading(year, country, edition),
        _paragraphs(edition.summary),
        "<p><strong>PRIORITIZED RECOMMENDATIONS:</strong></p>\n",
    ]
    if year <= 2021:
        parts.append(_paragraphs(edition.recommendations))
    else:
        parts.append("<ul>\n" + "".join(f"<li>{_text(r)}</li>\n" for r in edition.recommendations) + "</ul>\n")
    for key, paragraphs in edition.sections.items():
        parts.append(_section_heading(year, key))
        parts.append(_paragraphs(paragraphs))
    return "".join(parts)


def _nav(reports: SampleReports, year: int, base_url: str) -> str:
    options = [(edition_path(year), f"{year} {TITLE}")]
    options += [(page_path(year, page.slug), page.title) for page in SUBPAGES]
    options += [(page_path(year, country.slug), country.name) for country in reports.countries_in(year)]
    items = "".join(f'<option value="{base_url}{path}">{escape(label)}</option>' for path, label in options)
    return (
        f'<nav id="report-nav" class="report-nav"><label for="report-nav-select">Report navigation</label>'
        f'<select id="report-nav-select">{items}</select></nav>\n'
    )


def _related(reports: SampleReports, year: int, base_url: str) -> str:
    earlier = [y for y in reports.editions() if y < year]
    previous = f'<li><a href="{base_url}{edition_path(earlier[-1])}">{earlier[-1]} {TITLE}</a></li>' if earlier else ""
    return (
        '<aside class="related-content"><h2>Related Articles</h2><ul>'
        f'<li><a href="{base_url}{page_path(year, "tier-placements")}">Tier Placements</a>: which governments are on '
        "Tier 1, Tier 2, the Tier 2 Watch List and Tier 3 in this edition.</li>"
        f"{previous}"
        f'<li><a href="{chrome.SITE}/policy-issues/trafficking-in-persons/">Tier 3 countries and the '
        "Presidential determination on assistance restrictions</a></li></ul></aside>\n"
    )


def _page(reports: SampleReports, year: int, base_url: str, title: str, h1: str, content: str) -> bytes:
    html = "".join(
        (
            chrome.head(title),
            '<body class="report-template-default single single-report">\n',
            chrome.header(),
            '<main id="main-content">\n<div class="report__header">',
            f'<h1 class="report__title">{escape(h1)}</h1>',
            '<p class="report__meta">Office to Monitor and Combat Trafficking in Persons</p></div>\n',
            _nav(reports, year, base_url),
            '<section class="report__content__inner">\n<div class="entry-content">\n',
            content,
            "</div>\n</section>\n",
            _related(reports, year, base_url),
            "</main>\n",
            chrome.footer(),
            "\n</body></html>\n",
        )
    )
    return html.encode("utf-8")


def render_country(
    year: int, slug: str, *, revised: bool = False, reports: SampleReports | None = None, base_url: str = DEFAULT_BASE
) -> bytes:
    """One country's narrative page. Raises KeyError when the country is not in that edition."""
    reports = _reports(reports)
    edition = reports.edition(year, slug, revised=revised)
    if edition is None:
        raise KeyError(f"{slug} is not in the {year} edition")
    country = reports.countries[slug]
    return _page(
        reports, year, base_url, country.name, f"{year} {TITLE}: {country.name}", narrative_html(year, country, edition)
    )


def render_landing(year: int, *, reports: SampleReports | None = None, base_url: str = DEFAULT_BASE) -> bytes:
    """An edition's landing page: the report navigation plus links to every sub-page."""
    reports = _reports(reports)
    pages = [(page.slug, page.title) for page in SUBPAGES]
    pages += [(country.slug, country.name) for country in reports.countries_in(year)]
    links = "".join(
        f'<li><a href="{base_url}{page_path(year, slug)}">{escape(label)}</a></li>\n' for slug, label in pages
    )
    content = (
        f"<p>The {year} {TITLE} covers {len(pages) - len(SUBPAGES)} governments. Select a country narrative or "
        "another part of the report below.</p>\n"
        f'<div class="report__links"><ul>\n{links}</ul></div>\n'
    )
    return _page(reports, year, base_url, f"{year} {TITLE}", f"{year} {TITLE}", content)


def _introduction(year: int) -> str:
    return _paragraphs(
        (
            f"The {year} report assesses the efforts of governments around the world to meet the minimum standards "
            "for the elimination of trafficking set out in U.S. law.",
            "Each country narrative summarizes the government’s prosecution, protection and prevention efforts during "
            "the reporting period and closes with recommendations. A placement on Tier 1 does not mean that a country "
            "has no trafficking problem; a placement on Tier 3 can lead to restrictions on certain assistance.",
            "Governments on the Tier 2 Watch List for two consecutive years face an automatic downgrade to Tier 3 "
            "unless they receive a waiver.",
        )
    )


def _tier_placements(reports: SampleReports, year: int) -> str:
    by_tier: dict[str, list[str]] = {}
    for country in reports.countries_in(year):
        by_tier.setdefault(reports.countries[country.slug].editions[year].tier, []).append(country.name)
    blocks = [
        f"<h3>{escape(tier.upper())}</h3>\n<p>{escape(', '.join(names))}</p>\n"
        for tier, names in sorted(by_tier.items(), key=lambda item: TIERS.index(item[0]))
    ]
    return (
        "<p>Governments are placed on tiers according to their efforts, not the size of the problem.</p>\n"
        + "".join(blocks)
    )


def render_subpage(
    year: int, slug: str, *, reports: SampleReports | None = None, base_url: str = DEFAULT_BASE
) -> bytes:
    """A non-country sub-page (introduction, tier-placements). Raises KeyError for any other slug."""
    reports = _reports(reports)
    page = next((p for p in SUBPAGES if p.slug == slug), None)
    if page is None:
        raise KeyError(f"no sub-page {slug!r}")
    content = _introduction(year) if slug == "introduction" else _tier_placements(reports, year)
    return _page(reports, year, base_url, page.title, f"{year} {TITLE}: {page.title}", content)


def render_path(
    path: str, *, revised: bool = False, reports: SampleReports | None = None, base_url: str = DEFAULT_BASE
) -> tuple[int, bytes] | None:
    """Route a URL path to its page: (edition year, body), or None when no such page exists."""
    reports = _reports(reports)
    parts = [p for p in path.split("/") if p]
    if len(parts) not in (2, 3) or parts[0] != "reports":
        return None
    prefix, _, suffix = parts[1].partition("-")
    if not prefix.isdigit() or suffix != "trafficking-in-persons-report" or int(prefix) not in reports.editions():
        return None
    year = int(prefix)
    if len(parts) == 2:
        return year, render_landing(year, reports=reports, base_url=base_url)
    slug = parts[2]
    if slug in reports.countries and year in reports.countries[slug].editions:
        return year, render_country(year, slug, revised=revised, reports=reports, base_url=base_url)
    if any(page.slug == slug for page in SUBPAGES):
        return year, render_subpage(year, slug, reports=reports, base_url=base_url)
    return None
