"""The unit every layout family reduces a page to: an ordered list of text blocks.

A family's only job is to find the narrative's region and turn it into blocks; reading the heading,
summary, recommendations and sections from blocks is shared (narrative.py), so every layout agrees on it.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple

BlockKind = Literal["heading", "strong", "para", "item"]

_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\ufeff]")  # soft hyphen, zero-width characters, BOM


class Block(NamedTuple):
    kind: BlockKind  # heading: h1-h6; strong: a paragraph entirely in bold; item: a list item; para: the rest
    text: str
    in_table: bool = False  # read inside a table cell: never taken for the narrative heading


def clean(text: str) -> str:
    """Collapse whitespace (including &nbsp;) and drop invisible characters such as soft hyphens."""
    # str.split() splits on every Unicode space, U+00A0 included, and is much faster than a regex here.
    if "\u00ad" in text or "\u200b" in text or "\u200c" in text or "\u200d" in text or "\ufeff" in text:
        text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


def text_blocks(text: str) -> list[Block]:
    """Plain text -> blocks: paragraphs are separated by blank lines (or by line breaks if there are none)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    chunks = re.split(r"\n\s*\n", text) if re.search(r"\n\s*\n", text) else text.split("\n")
    return [Block("para", c) for c in map(clean, chunks) if c]


# Site furniture even when it is not made of links: bracketed link rows ("[ Home ] [ Ratings ]", gvnet's
# "[ Human Trafficking, Country-by-Country ]" banner), copyright lines, "Country Ratings | Home" rows,
# "Back to top", and breadcrumbs ("Home > Reports > Japan").
_FURNITURE = re.compile(
    r"^(?:\[.*\]|©.*|copyright\b.*"
    r"|(?:back|return|go)\s+to\s+(?:the\s+)?top(?:\s+of\s+(?:the\s+)?page)?|top\s+of\s+page"
    r"|[^|]{1,40}(?:\s\|\s[^|]{1,40})+"
    r"|[^>»›]{1,40}(?:\s[>»›]\s[^>»›]{1,60})+)[.!]?$",
    re.IGNORECASE,
)
_MAX_FURNITURE_CHARS = 300


def without_furniture(blocks: list[Block]) -> list[Block]:
    return [b for b in blocks if len(b.text) > _MAX_FURNITURE_CHARS or not _FURNITURE.match(b.text)]
