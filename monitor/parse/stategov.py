"""state.gov "report" pages (WordPress template, 2018 on; the 2017 pages follow the same reading).

The narrative sits in `div.entry-content`; the header menu, `nav#report-nav`, the related-content aside and
the footer are outside it (and skipped by the block reader anyway, should a redesign move them in).
Only the text from that div to `</main>` is parsed: the rest of a 150 KB page (menus, scripts, footer) would
triple the parse time. When the cut finds no narrative, the whole page is read before giving up.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from monitor.parse.blocks import clean
from monitor.parse.guards import page_title
from monitor.parse.html import html_blocks, load
from monitor.parse.narrative import Parts, find_heading
from monitor.parse.page import Page

_ENTRY_CONTENT = "//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')]"
_FALLBACK_REGIONS = ("//main", "//*[@id='main-content']", "//body")
_REGION_TAG = re.compile(r"<(?:div|section|article)\b", re.IGNORECASE)
_MAX_TAG_CHARS = 2000
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1\s*>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


def matches(text: str, url: str | None) -> bool:
    host = urlsplit(url or "").hostname or ""
    if host == "state.gov" or host.endswith(".state.gov"):
        return True
    head = text[:200000]
    return "single-report" in head or "report__content" in head or ("entry-content" in head and "state.gov" in head)


def read(text: str, url: str | None) -> Page:
    titles = _titles(text)
    region = _entry_content_slice(text)
    if region:
        page = _read_regions(region, titles)
        if page and find_heading(page.blocks):
            return page
    return _read_regions(text, titles) or Page("stategov", [], titles)


def _read_regions(html: str, titles: list[str]) -> Page | None:
    doc = load(html)
    if doc is None:
        return None
    fallback: list = []
    for xpath in (_ENTRY_CONTENT, *_FALLBACK_REGIONS):
        for region in doc.xpath(xpath):
            blocks = html_blocks(region)
            if find_heading(blocks):
                return Page("stategov", blocks, titles)
            fallback = fallback or blocks
    return Page("stategov", fallback, titles)


def _entry_content_slice(text: str) -> str | None:
    """From the first element whose class is entry-content up to </main> (stylesheets also say entry-content).

    Each occurrence of the word is checked within a bounded window back to its "<", so a page with the word
    written thousands of times costs one pass, not one rescan per occurrence.
    """
    at = text.find("entry-content")
    while at != -1:
        tag_start = text.rfind("<", max(0, at - _MAX_TAG_CHARS), at)
        if (
            tag_start != -1
            and _REGION_TAG.match(text, tag_start, tag_start + 12)
            and text.find(">", tag_start, at) == -1
            and "class" in text[tag_start:at]
        ):
            end = text.find("</main>", at)
            return text[tag_start : end if end != -1 else len(text)]
        at = text.find("entry-content", at + 1)
    return None


def _titles(text: str) -> list[str]:
    titles = [page_title(text)]
    at = text.find("<h1")
    h1 = _H1.match(text, at) if at != -1 else None
    if h1:
        titles.append(clean(_TAGS.sub(" ", h1[1])))
    return [t for t in titles if t]


def layout_name(parts: Parts) -> str:
    """Name the edition style the page was written in, from its heading and recommendation shapes."""
    heading = parts.heading
    if heading.form == "paren":
        return "stategov-2022"
    if parts.recommendation_style == "semicolons":
        return "stategov-2017" if heading.tier_in_capitals else "stategov-2018"
    if parts.recommendation_style == "bullets":
        return "stategov-2019"
    return "stategov-2020"
