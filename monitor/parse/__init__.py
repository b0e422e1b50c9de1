"""bytes -> Narrative. Pure: no network, clock or database.

One module per layout family (stategov, mirrors, plaintext) turns a page into text blocks; site furniture is
dropped (blocks.without_furniture); narrative.py reads the heading, summary, recommendations and sections from
the blocks the same way for every family; edition.py finds the report year and the page's own country from the
page itself. guards.py decodes the bytes and refuses what is not a narrative. Every step is linear in the page
size (bench/bench_parse_scaling.py).
"""

from __future__ import annotations

import re

from monitor.errors import ParseError
from monitor.parse import guards, mirrors, plaintext, stategov
from monitor.parse.blocks import without_furniture
from monitor.parse.edition import edition_from_titles, edition_from_url, eyebrows, page_urls, slug_of
from monitor.parse.narrative import assemble
from monitor.parse.page import Page
from snapshots.core.countries import country_key
from snapshots.core.models import Narrative

# Bump whenever the same bytes would parse differently; stored snapshots are re-parsed when it changes.
PARSER_VERSION = "2"

__all__ = ["PARSER_VERSION", "ParseError", "parse_narrative"]

_TITLE_SEPARATORS = re.compile(r"\s+[-–|]\s+|:\s+")


def parse_narrative(
    data: bytes, url: str | None = None, *, charset: str | None = None, refuse_cut_html: bool = False
) -> Narrative:
    """Parse one country narrative page (state.gov, a mirror, or plain text).

    `url`, when given, helps tell the layout family, the country and the edition; `charset` is the HTTP
    Content-Type charset, if any (see guards.decode for the order of encodings). Raises ParseError with
    `kind` "empty", "blocked", "truncated", "bad_encoding" or "not_narrative" and a one-line message.

    A narrative that stops before its end (the HTML is cut before </body>, or the text ends mid-sentence)
    is returned with `truncated=True` and a warning saying why, not refused: a republished excerpt is still
    worth reading, and what it lacks is unknown rather than removed. `refuse_cut_html=True` refuses a cut
    HTML page instead ("truncated"), for a sweep that would rather fetch the page again. A cut page whose
    narrative heading did not survive is always refused.
    """
    decoded = guards.decode(data, charset)
    text = decoded.text
    cut_html = guards.refuse_non_pages(text)
    if cut_html and refuse_cut_html:
        raise ParseError(cut_html, kind="truncated")
    page = _read(text, url)
    urls = [u for u in (url, *page_urls(text)) if u]
    titles = [*page.titles, *eyebrows(text)]
    parts = assemble(without_furniture(page.blocks), _expected_countries(urls, titles))
    if parts is None:
        if cut_html:
            raise ParseError(cut_html, kind="truncated")
        raise guards.explain_missing_heading(text, guards.page_title(text) or next(iter(page.titles), ""))
    heading = parts.heading
    warnings = tuple(w for w in (decoded.warning, cut_html, parts.cut_off and f"truncated: {parts.cut_off}") if w)
    return Narrative(
        country=heading.name,
        country_key=country_key(heading.name),
        edition=next((e for e in map(edition_from_url, urls) if e), None)
        or edition_from_titles(titles)
        or heading.banner_edition,
        tier=heading.tier,
        summary=parts.summary,
        recommendations=parts.recommendations,
        sections=parts.sections,
        layout=stategov.layout_name(parts) if page.family == "stategov" else page.family,
        parser_version=PARSER_VERSION,
        heading=heading.text,
        truncated=bool(cut_html or parts.cut_off),
        warnings=warnings,
    )


def _expected_countries(urls: list[str], titles: list[str]) -> frozenset[str]:
    """Country keys the page names for itself: the URL slugs and the parts of its title."""
    keys = {country_key(slug) for slug in map(slug_of, urls) if slug}
    for title in titles:
        keys.update(country_key(part) for part in _TITLE_SEPARATORS.split(title) if 0 < len(part) <= 60)
    keys.discard("")
    return frozenset(keys)


def _read(text: str, url: str | None) -> Page:
    if stategov.matches(text, url):
        return stategov.read(text, url)
    if guards.looks_like_html(text):
        return mirrors.read(text, url)
    return plaintext.read(text, url)
