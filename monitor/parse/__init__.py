"""bytes -> Narrative. Pure: no network, clock or database.

One module per layout family (stategov, mirrors, plaintext) turns a page into text blocks; narrative.py reads
the heading, summary, recommendations and sections from those blocks the same way for every family.
"""

from __future__ import annotations

from monitor.errors import ParseError
from monitor.parse import guards, mirrors, plaintext, stategov
from monitor.parse.narrative import assemble, edition_from_titles, edition_from_url
from monitor.parse.page import Page
from snapshots.core.countries import country_key
from snapshots.core.models import Narrative

# Bump whenever the same bytes would parse differently; stored snapshots are re-parsed when it changes.
PARSER_VERSION = "1"

__all__ = ["PARSER_VERSION", "ParseError", "parse_narrative"]


def parse_narrative(data: bytes, url: str | None = None) -> Narrative:
    """Parse one country narrative page (state.gov, a mirror, or plain text).

    `url`, when given, helps tell the layout family and the edition. Raises ParseError with `kind`
    "empty", "blocked", "truncated", "bad_encoding" or "not_narrative" and a one-line message.
    """
    text = guards.decode(data)
    guards.refuse_non_pages(text)
    page = _read(text, url)
    parts = assemble(page.blocks)
    if parts is None:
        raise guards.explain_missing_heading(text, guards.page_title(text) or next(iter(page.titles), ""))
    heading = parts.heading
    return Narrative(
        country=heading.name,
        country_key=country_key(heading.name),
        edition=edition_from_url(url) or edition_from_titles(page.titles) or heading.banner_edition,
        tier=heading.tier,
        summary=parts.summary,
        recommendations=parts.recommendations,
        sections=parts.sections,
        layout=stategov.layout_name(parts) if page.family == "stategov" else page.family,
        parser_version=PARSER_VERSION,
        heading=heading.text,
    )


def _read(text: str, url: str | None) -> Page:
    if stategov.matches(text, url):
        return stategov.read(text, url)
    if guards.looks_like_html(text):
        return mirrors.read(text, url)
    return plaintext.read(text, url)
