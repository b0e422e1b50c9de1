"""Which edition (report year) a page belongs to, and which country it is for, from the page itself.

Read in this order, the first that names a year wins: the URL the page came from; the page's
`link rel=canonical`; its `og:url`; the selected option of the report navigation; the title, the eyebrow
("2023 Trafficking in Persons Report") and the h1; a mirror's header line ("Extracted (in part) from the
U.S. State Dept 2020 TIP Report"). None of them: the edition is unknown (None), never guessed from the
body text, which names other years all the time.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from monitor.parse.blocks import clean

_URL_EDITION = (
    re.compile(r"/reports/((?:19|20)\d\d)-trafficking-in-persons-report", re.IGNORECASE),
    re.compile(r"/tiprpt/(?:countries/)?((?:19|20)\d\d)\b", re.IGNORECASE),
)
BANNER_EDITION = re.compile(r"\b((?:19|20)\d\d)\s+TIP\s+report\b", re.IGNORECASE)
_TITLE_EDITION = (
    re.compile(r"\b((?:19|20)\d\d)\s+trafficking\s+in\s+persons\s+report\b", re.IGNORECASE),
    re.compile(r"\btrafficking\s+in\s+persons\s+report\s*[,:–-]?\s*((?:19|20)\d\d)\b", re.IGNORECASE),
    BANNER_EDITION,
)
_HREF = re.compile(r"""\b(?:href|content|value)\s*=\s*["']?([^"'\s<>]{1,600})""", re.IGNORECASE)
_REL_CANONICAL = re.compile(r"""\brel\s*=\s*["']?canonical\b""", re.IGNORECASE)
_OG_URL = re.compile(r"""\bproperty\s*=\s*["']og:url["']""", re.IGNORECASE)
_SELECTED = re.compile(r"""^<option\b.*\sselected\b""", re.IGNORECASE | re.DOTALL)
_EYEBROW = re.compile(r"""\bclass\s*=\s*["'][^"']*eyebrow""", re.IGNORECASE)
_TAG_NAME = re.compile(r"<(\w{1,10})")
_TAGS = re.compile(r"<[^<>]{0,2000}>")
_HEAD_CHARS = 262144  # canonical, og:url, navigation and eyebrow all sit before the narrative
_MAX_TAG_CHARS = 1000


def edition_from_url(url: str | None) -> int | None:
    """2023 from `/reports/2023-trafficking-in-persons-report/japan/` (and the 2019 `-2` variant)."""
    for pattern in _URL_EDITION:
        m = pattern.search(url or "")
        if m:
            return int(m[1])
    return None


def edition_from_titles(titles: list[str]) -> int | None:
    """2023 from "2023 Trafficking in Persons Report: Japan" or "Trafficking in Persons Report 2018 - ..."."""
    for title in titles:
        for pattern in _TITLE_EDITION:
            m = pattern.search(title)
            if m:
                return int(m[1])
    return None


def _tags_with(text: str, word: str, start: int, end: int) -> list[tuple[str, int]]:
    """Start tags (text, end offset) between `start` and `end` whose attributes contain `word`.

    Found with str.find and a bounded look back to "<", so the cost stays linear on any page.
    """
    found = []
    at = text.find(word, start, end)
    while at != -1:
        lt = text.rfind("<", max(0, at - _MAX_TAG_CHARS), at)
        gt = text.find(">", at, at + _MAX_TAG_CHARS)
        if lt != -1 and gt != -1 and text.find(">", lt, at) == -1:
            found.append((text[lt : gt + 1], gt + 1))
            at = gt
        at = text.find(word, at + 1, end)
    return found


def page_urls(text: str) -> list[str]:
    """The page's own addresses as it states them: canonical link, og:url, selected navigation option."""
    head_end = text.find("</head", 0, _HEAD_CHARS)
    head_end = _HEAD_CHARS if head_end == -1 else head_end
    tags = [tag for tag, _ in _tags_with(text, "canonical", 0, head_end) if _REL_CANONICAL.search(tag)]
    tags += [tag for tag, _ in _tags_with(text, "og:url", 0, head_end) if _OG_URL.search(tag)]
    select = text.find("<select", 0, _HEAD_CHARS)
    while select != -1:
        close = text.find("</select", select, _HEAD_CHARS)
        close = _HEAD_CHARS if close == -1 else close
        tags += [tag for tag, _ in _tags_with(text, "selected", select + 7, close) if _SELECTED.search(tag)]
        select = text.find("<select", close, _HEAD_CHARS)
    urls = []
    for tag in tags:
        href = _HREF.search(tag)
        if href and "//" in href[1]:
            urls.append(href[1])
    return urls


def eyebrows(text: str) -> list[str]:
    """Text of elements classed "eyebrow" (state.gov prints the report name above the country's h1)."""
    narrative = text.find("entry-content", 0, _HEAD_CHARS)
    found = []
    for tag, after in _tags_with(text, "eyebrow", 0, _HEAD_CHARS if narrative == -1 else narrative):
        name = _TAG_NAME.match(tag)
        end = text.find(f"</{name[1]}", after, after + 2000) if name and _EYEBROW.search(tag) else -1
        if end != -1:
            found.append(clean(_TAGS.sub(" ", text[after:end])))
    return [t for t in found if t]


def slug_of(url: str | None) -> str | None:
    """The country slug of a report page URL: "japan" from /reports/2023-trafficking-in-persons-report/japan/."""
    path = urlsplit(url or "").path.rstrip("/")
    if not edition_from_url(path) or path.count("/") < 3:
        return None
    last = path.rsplit("/", 1)[-1].removesuffix(".html").removesuffix(".htm")
    return None if "trafficking-in-persons-report" in last or last.isdigit() else last
