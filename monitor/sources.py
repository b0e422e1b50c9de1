"""Where each edition's narratives live: URL patterns, landing-page discovery, archive fallbacks.

The slug map is rebuilt from each edition's landing page (its report navigation and links) rather
than hard-coded: slugs differ between editions (`south-korea`, `-2` suffix paths in 2019).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

REPORT_PATH = "/reports/{year}-trafficking-in-persons-report/"
# 2019's country pages live under a "-2" copy of the report path.
_PAGE_PATH = re.compile(r"^/reports/(?P<year>\d{4})-trafficking-in-persons-report(?:-2)?/(?P<slug>[a-z0-9-]+)/?$")
_IGNORED_SLUG = re.compile(r"__trashed$|^(page|feed|embed|amp)$")


@dataclass(frozen=True)
class PageRef:
    """One sub-page of an edition, as listed on its landing page."""

    edition: int
    slug: str
    url: str


def landing_url(base_url: str, year: int) -> str:
    return base_url.rstrip("/") + REPORT_PATH.format(year=year)


def discover_pages(landing: bytes, landing_page_url: str, year: int) -> list[PageRef]:
    """Every sub-page of edition `year` that the landing page links to, in page order, deduplicated.

    Reads the report navigation's <option value> entries and plain links alike; keeps only paths of
    this edition's report. Non-country sub-pages (introduction, ...) are kept: they are told apart
    later by having no narrative heading.
    """
    candidates = [str(tag.get("value") or tag.get("href") or "") for tag in _links(landing)]
    seen: dict[str, PageRef] = {}
    for raw in candidates:
        absolute = urljoin(landing_page_url, str(raw).strip())
        parts = urlsplit(absolute)
        match = _PAGE_PATH.match(parts.path)
        if not match or int(match["year"]) != year or _IGNORED_SLUG.search(match["slug"]):
            continue
        slug = match["slug"]
        if slug not in seen:
            clean = urlunsplit(
                (parts.scheme, parts.netloc, parts.path if parts.path.endswith("/") else parts.path + "/", "", "")
            )
            seen[slug] = PageRef(edition=year, slug=slug, url=clean)
    return list(seen.values())


def _links(landing: bytes) -> list[Any]:
    """The <option> and <a> elements of a landing page, in page order.

    lxml's HTML parser (libxml2, the one BeautifulSoup's "lxml" builder drives) forgives the same broken
    markup; used directly it saves a sweep importing bs4 and soupsieve, a tenth of a second per process.
    """
    # Imported here: an unchanged landing page (304) is never parsed, and a sweep of 304s never loads lxml.
    import lxml.html
    from lxml import etree

    if not landing.strip():
        return []
    try:
        root = lxml.html.document_fromstring(landing)
    except (etree.ParserError, ValueError):
        return []
    return list(root.iter("option", "a"))


def archive_candidates(url: str, archive_hosts: tuple[str, ...]) -> list[str]:
    """The same path on each archive host, for pages that moved off www after a change of administration."""
    parts = urlsplit(url)
    out = []
    for host in archive_hosts:
        base = urlsplit(host)
        if base.netloc and base.netloc != parts.netloc:
            out.append(urlunsplit((base.scheme or parts.scheme, base.netloc, parts.path, parts.query, "")))
    return out


def wanted(ref: PageRef, countries: str | tuple[str, ...]) -> bool:
    """Whether the config's country filter keeps this page ("all", or slugs/names)."""
    if countries == "all":
        return True
    keys = {c.strip().lower().replace(" ", "-") for c in countries}
    return ref.slug in keys
