"""HTML -> blocks with lxml, skipping everything that is page furniture rather than narrative.

lxml.html is used directly (not BeautifulSoup): a 150 KB state.gov page parses in a few milliseconds.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from monitor.parse.blocks import Block, BlockKind, clean

# Elements that are never narrative, wherever they sit.
# fmt: off
_SKIP_TAGS = frozenset({
    "head", "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form", "select",
    "option", "button", "iframe", "svg", "figure", "label", "input", "textarea", "object", "embed", "canvas",
})
# class/id/role words that mark menus, share bars, related-content boxes and other chrome.
_CHROME_WORDS = frozenset({
    "nav", "navbar", "navigation", "menu", "breadcrumb", "breadcrumbs", "related", "share", "sharing", "social",
    "sidebar", "footer", "header", "skip", "screen-reader-text", "sr-only", "visually-hidden", "cookie", "cookies",
    "widget", "banner", "contentinfo", "complementary",
})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCKS = _HEADINGS | {"p", "li", "dt", "dd", "pre", "address"}
_INLINE = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd", "mark",
    "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
})
# fmt: on
_BOLD = frozenset({"strong", "b"})
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def load(text: str) -> lxml.html.HtmlElement | None:
    """Parse a decoded page; None when there is no document to speak of."""
    try:
        return lxml.html.document_fromstring(_XML_DECLARATION.sub("", text, count=1))
    except (etree.ParserError, ValueError):
        return None


def is_chrome(el: lxml.html.HtmlElement) -> bool:
    if el.tag in _SKIP_TAGS:
        return True
    if el.get("aria-hidden") == "true" or el.get("hidden") is not None:
        return True
    names = f"{el.get('class', '')} {el.get('id', '')} {el.get('role', '')}".lower()
    if not names.strip():
        return False
    words = {part for token in names.split() for part in re.split(r"[-_]+", token)} | set(names.split())
    return not words.isdisjoint(_CHROME_WORDS)


def _inline_text(el: lxml.html.HtmlElement, parts: list[str], links: list[str]) -> None:
    """Text of an element and its inline descendants (without its own tail); <br> reads as a space."""
    if el.tag == "br":
        parts.append(" ")
        return
    if el.tag in _SKIP_TAGS:
        return
    start = len(parts)
    parts.append(el.text or "")
    for child in el:
        if isinstance(child.tag, str):
            _inline_text(child, parts, links)
        parts.append(child.tail or "")
    if el.tag == "a":
        links.append("".join(parts[start:]))


def _block(el: lxml.html.HtmlElement, kind: BlockKind) -> Block | None:
    parts: list[str] = []
    links: list[str] = []
    _inline_text(el, parts, links)
    text = clean("".join(parts))
    if not text or _is_link_row(text, links):
        return None
    if kind == "para" and _all_bold(el, text):
        kind = "strong"
    return Block(kind, text)


def _is_link_row(text: str, links: list[str]) -> bool:
    """A block that is (nearly) all link text is navigation, a related-content list or a "back to top"."""
    if not links:
        return False
    return sum(len(clean(t)) for t in links) >= 0.9 * len(text)


def _all_bold(el: lxml.html.HtmlElement, text: str) -> bool:
    if el.text and not el.text.isspace():
        return False  # the paragraph opens with plain text (the common case: answer without walking it)
    bold: list[str] = []

    def collect(parent: lxml.html.HtmlElement) -> None:
        for child in parent:
            if child.tag in _BOLD:
                bold.append(child.text_content())
            elif isinstance(child.tag, str):
                collect(child)

    collect(el)
    return clean("".join(bold)).replace(" ", "") == text.replace(" ", "")


def html_blocks(root: lxml.html.HtmlElement) -> list[Block]:
    """Blocks of `root` in document order. Loose text between blocks (old mirror pages) becomes paragraphs."""
    out: list[Block] = []
    _walk(root, out)
    return out


def _walk(container: lxml.html.HtmlElement, out: list[Block]) -> None:
    run: list[str] = []
    links: list[str] = []

    def flush() -> None:
        text = clean("".join(run))
        if text and not _is_link_row(text, links):
            out.append(Block("para", text))
        run.clear()
        links.clear()

    run.append(container.text or "")
    for child in container:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _INLINE and not is_chrome(child):
            _inline_text(child, run, links)
        elif tag == "br":
            flush()
        elif tag and not is_chrome(child):
            flush()
            if tag in _BLOCKS:
                block = _block(child, "heading" if tag in _HEADINGS else "item" if tag == "li" else "para")
                if block:
                    out.append(block)
            else:
                _walk(child, out)
        run.append(child.tail or "")
    flush()


def element_texts(doc: lxml.html.HtmlElement, xpath: str) -> list[str]:
    """Cleaned text of each element an XPath selects (titles, h1s), empty ones left out."""
    return [t for t in (clean(el.text_content()) for el in doc.xpath(xpath)) if t]
