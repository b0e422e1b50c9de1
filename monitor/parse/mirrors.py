"""Mirror sites that republish narratives: gvnet.com, ecoi.net, and any other HTML page.

gvnet pages are old hand-made HTML: a bracketed banner and link rows around loose paragraphs, the heading
followed by "Extracted in part from the U.S. State Dept {year} TIP Report" (or "Extracted from ..."). ecoi.net
prints the report title ("2023 Trafficking in Persons Report: Japan") as the page's h1, then the narrative text.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from monitor.parse.html import element_texts, html_blocks, load
from monitor.parse.page import Page

_GVNET_BANNER = re.compile(r"extracted\s+(?:in\s+part\s+)?from\s+the\s+u\.s\.")


def family_of(text: str, url: str | None) -> str:
    host = urlsplit(url or "").hostname or ""
    head = text[:100000].lower()
    if host.endswith("gvnet.com") or "country-by-country" in head or _GVNET_BANNER.search(head):
        return "gvnet"
    if host.endswith("ecoi.net") or "ecoi.net" in head:
        return "ecoi"
    return "html"


def read(text: str, url: str | None) -> Page:
    family = family_of(text, url)
    doc = load(text)
    if doc is None:
        return Page(family, [], [])
    regions = doc.xpath("//main") or doc.xpath("//body") or [doc]
    blocks = [b for region in regions for b in html_blocks(region)]
    return Page(family, blocks, element_texts(doc, "//title | //h1"))
