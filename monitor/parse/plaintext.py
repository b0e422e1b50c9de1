"""Plain-text narratives, such as a mirror's page saved as text: paragraphs separated by blank lines."""

from __future__ import annotations

from monitor.parse.blocks import text_blocks
from monitor.parse.page import Page

_TITLE_LINES = 3
_MAX_TITLE_CHARS = 200


def read(text: str, url: str | None) -> Page:
    blocks = text_blocks(text)
    titles = [b.text for b in blocks[:_TITLE_LINES] if len(b.text) <= _MAX_TITLE_CHARS]
    return Page("plaintext", blocks, titles)
