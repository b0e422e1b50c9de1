"""Plain-text narratives, such as a mirror's page saved as text: paragraphs separated by blank lines."""

from __future__ import annotations

from monitor.parse.blocks import text_blocks
from monitor.parse.narrative import match_heading
from monitor.parse.page import Page

_TITLE_LINES = 3
_MAX_TITLE_CHARS = 200


def read(text: str, url: str | None) -> Page:
    blocks = text_blocks(text)
    return Page("plaintext", blocks, _titles(blocks))


def _titles(blocks: list) -> list[str]:
    """Short lines at the top, up to the narrative heading (with a mirror's header line): never the summary,
    whose mentions of other reports' years would pass for the edition."""
    titles = []
    for block in blocks[:_TITLE_LINES]:
        if len(block.text) <= _MAX_TITLE_CHARS:
            titles.append(block.text)
        if match_heading(block.text):
            break
    return titles
