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
    "widget", "banner", "contentinfo", "complementary", "hidden", "d-none", "hide", "callout", "pullquote", "promo",
    "infobox", "eyebrow",
})
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCKS = _HEADINGS | {"p", "li", "dt", "dd", "pre", "address"}
_INLINE = frozenset({
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "font", "i", "ins", "kbd", "mark",
    "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "tt", "u", "var", "wbr",
})
# fmt: on
_BOLD = frozenset({"strong", "b"})
_CELLS = frozenset({"td", "th"})
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def load(text: str) -> lxml.html.HtmlElement | None:
    """Parse a decoded page; None when there is no document to speak of.

    libxml2 stops reading at 256 levels of nesting (2048 with huge_tree) and silently drops the rest of
    the page; a page that deep (unclosed <font> or <div> runs on old mirror pages) is read again after
    flatten(), which keeps every word and only drops the tags past the depth cap.
    """
    text = _XML_DECLARATION.sub("", text, count=1)
    doc, too_deep = _parse(text)
    if too_deep:
        doc, _ = _parse(flatten(text))
    return doc


def _parse(text: str) -> tuple[lxml.html.HtmlElement | None, bool]:
    parser = lxml.html.HTMLParser(huge_tree=True)  # one per call: lxml parsers are not thread-safe
    try:
        doc = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError):
        return None, False
    last = parser.error_log.last_error
    return doc, bool(last and "Excessive depth" in last.message)


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:-]{0,30})\b[^<>]{0,2000}>")
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "wbr"}
)
_SELF_CLOSING = frozenset({"p", "li", "dt", "dd", "option", "tr", "td", "th"})
DEPTH_CAP = 1000  # well under libxml2's 2048 with huge_tree; blocks may go a little deeper (see flatten)
_BLOCK_MARGIN = 64


def flatten(text: str, cap: int = DEPTH_CAP) -> str:
    """Drop the start and end tags that nest deeper than `cap`, keeping all text. One pass, linear.

    Paragraph-level tags (p, li, headings) stay up to a small margin past the cap so that the narrative
    keeps its paragraphs; an element that cannot nest in itself (p, li, td) closes its open twin, as a
    browser would, so that a run of unclosed <p> does not count as depth.
    """
    out: list[str] = []
    stack: list[str] = []
    last = 0
    for m in _TAG.finditer(text):
        name = m[2].lower()
        if name in _VOID or m[0].endswith("/>"):
            continue
        keep = True
        if m[1]:
            at = _open_index(stack, name)
            if at is None:
                keep = False
            else:
                del stack[at:]
        else:
            if name in _SELF_CLOSING and stack and stack[-1] == name:
                stack.pop()
            limit = cap + _BLOCK_MARGIN if name in _BLOCKS else cap
            if len(stack) >= limit:
                keep = False
            else:
                stack.append(name)
        if not keep:
            out.append(text[last : m.start()])
            last = m.end()
    out.append(text[last:])
    return "".join(out)


def _open_index(stack: list[str], name: str) -> int | None:
    if name not in stack:  # a C-level scan; the loop below then stops near the top
        return None
    for i in range(len(stack) - 1, -1, -1):
        if stack[i] == name:
            return i
    return None


_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def is_hidden(el: lxml.html.HtmlElement) -> bool:
    """Hidden from readers: the hidden attribute, aria-hidden, or an inline display:none/visibility:hidden."""
    if el.get("hidden") is not None or el.get("aria-hidden") == "true":
        return True
    style = el.get("style")
    return bool(style and _HIDDEN_STYLE.search(style))


def is_chrome(el: lxml.html.HtmlElement) -> bool:
    if el.tag in _SKIP_TAGS:
        return True
    if is_hidden(el):
        return True
    names = f"{el.get('class', '')} {el.get('id', '')} {el.get('role', '')}".lower()
    if not names.strip():
        return False
    words = {part for token in names.split() for part in re.split(r"[-_]+", token)} | set(names.split())
    return not words.isdisjoint(_CHROME_WORDS)


def _inline_text(el: lxml.html.HtmlElement, parts: list[str], links: list[str]) -> None:
    """Text of an element and its inline descendants (without its own tail); <br> reads as a space.

    Iterative rather than recursive: a run of unclosed inline tags nests hundreds of levels deep.
    """
    if el.tag == "br":
        parts.append(" ")
        return
    if el.tag in _SKIP_TAGS:
        return
    parts.append(el.text or "")
    stack = [(el, iter(el), len(parts) - 1)]
    while stack:
        node, children, start = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if node.tag == "a":
                links.append("".join(parts[start:]))
            if stack:
                parts.append(node.tail or "")
        elif not isinstance(child.tag, str) or child.tag in _SKIP_TAGS or is_hidden(child):
            parts.append(child.tail or "")
        elif child.tag == "br":
            parts.append(" ")
            parts.append(child.tail or "")
        else:
            parts.append(child.text or "")
            stack.append((child, iter(child), len(parts) - 1))


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
    stack = list(el)
    while stack:
        child = stack.pop()
        if child.tag in _BOLD:
            bold.append(child.text_content())
        elif isinstance(child.tag, str):
            stack.extend(child)
    return clean("".join(bold)).replace(" ", "") == text.replace(" ", "")


def _holds_blocks(el: lxml.html.HtmlElement) -> bool:
    """An inline element wrapping paragraphs (an unclosed <font> on an old mirror page) is read as a container."""
    return any(isinstance(c.tag, str) and c.tag not in _INLINE and c.tag != "br" for c in el)


def html_blocks(root: lxml.html.HtmlElement) -> list[Block]:
    """Blocks of `root` in document order. Loose text between blocks (old mirror pages) becomes paragraphs.

    Iterative rather than recursive, so that no nesting depth is too deep to read; blocks read inside a
    table cell are marked (a tier line in a table is never the narrative heading).
    """
    out: list[Block] = []
    run: list[str] = []
    links: list[str] = []
    cells = 0

    def flush() -> None:
        text = clean("".join(run))
        if text and not _is_link_row(text, links):
            out.append(Block("para", text, cells > 0))
        run.clear()
        links.clear()

    run.append(root.text or "")
    stack = [(root, iter(root))]
    while stack:
        el, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            flush()
            if el.tag in _CELLS:
                cells -= 1
            if stack:
                run.append(el.tail or "")
            continue
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _INLINE and not is_chrome(child) and not _holds_blocks(child):
            _inline_text(child, run, links)
        elif tag == "br":
            flush()
        elif tag and not is_chrome(child):
            flush()
            if tag in _BLOCKS:
                if not child.text and not len(child):  # empty (a flood of empty <li> costs nothing)
                    run.append(child.tail or "")
                    continue
                block = _block(child, "heading" if tag in _HEADINGS else "item" if tag == "li" else "para")
                if block:
                    out.append(block._replace(in_table=True) if cells else block)
            else:
                cells += tag in _CELLS
                run.append(child.text or "")
                stack.append((child, iter(child)))
                continue
        run.append(child.tail or "")
    return out


def element_texts(doc: lxml.html.HtmlElement, xpath: str) -> list[str]:
    """Cleaned text of each element an XPath selects (titles, h1s), empty ones left out."""
    return [t for t in (clean(el.text_content()) for el in doc.xpath(xpath)) if t]
