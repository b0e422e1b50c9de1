"""Turn bytes into text, and refuse what is not a narrative page before anyone stores it.

Each refusal is a ParseError with a `kind` and a one-line reason. A cut-off download or a block page that
slipped through as "a page" would show up later as whole sections removed, so these checks are strict.
"""

from __future__ import annotations

import codecs
import json
import re

from monitor.errors import ParseError
from monitor.parse.blocks import clean

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.-]+)""")
# Browsers read these labels as windows-1252 (WHATWG Encoding), and so do we.
_AS_CP1252 = {"latin-1", "iso8859-1", "ascii", "cp1252"}
_CONTROL_BYTES = bytes([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_MAX_GARBAGE_SHARE = 0.05

_TITLE = re.compile(r"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")
# Titles of block and challenge pages that servers and CDNs send with status 200.
_BLOCKED_TITLE = re.compile(
    r"technical difficulties|access denied|just a moment|attention required|request unsuccessful|captcha|"
    r"are you a (?:robot|human)|security check|pardon our interruption|403 forbidden|bot verification",
    re.IGNORECASE,
)
# Markers that only block pages carry (exact spelling: searched with `in`, which is fast on a 150 KB page).
_BLOCKED_MARKERS = (
    "Incapsula incident ID",
    "_Incapsula_Resource",
    "cf-browser-verification",
    "/cdn-cgi/challenge-platform",
    "challenges.cloudflare.com",
    "cf-chl-",
    "You don't have permission to access",
    "currently experiencing technical difficulties",
)
_MARKER_WINDOW = 32768
# Markers that also occur on ordinary pages (a newsletter form with a captcha): they only explain a small
# page that turned out to have no narrative. A full-size introduction page with a captcha is not a block.
_WEAK_BLOCKED_MARKERS = re.compile(r"captcha|technical difficulties|access denied|verify you are human", re.I)
_SMALL_PAGE = 20000
_END_TAG = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
_HTML_START = re.compile(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.IGNORECASE | re.S)
_LOOKS_HTML = re.compile(r"<(?:!doctype|html|head|body|p|div|h[1-6]|br|table|span|a\s)[\s>/]", re.IGNORECASE)


def decode(data: bytes) -> str:
    """Bytes -> text: BOM, then the declared charset, then UTF-8, then windows-1252 (see _candidates).

    Raises ParseError("empty" | "not_narrative" for PDF | "bad_encoding").
    """
    if not data or data.isspace():
        raise ParseError("the page is empty", kind="empty")
    if data[:1024].lstrip()[:5] == b"%PDF-":
        raise ParseError("this is a PDF document, not a narrative page", kind="not_narrative")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(codec, errors="replace"))
    for codec in _candidates(data):
        try:
            return _checked(data.decode(codec))
        except UnicodeDecodeError:
            continue
    # Neither decodes cleanly: keep the reading that loses fewer characters.
    text = min((data.decode(c, errors="replace") for c in ("utf-8", "cp1252")), key=lambda t: t.count("\ufffd"))
    return _checked(text)


def _candidates(data: bytes) -> list[str]:
    """Codecs to try in order. A windows-1252 label goes after UTF-8: old mirrors keep the label while serving
    UTF-8, and real windows-1252 text with accents or curly quotes is practically never valid UTF-8."""
    declared = _XML_ENCODING.search(data[:200]) or _META_CHARSET.search(data[:4096])
    first: list[str] = []
    if declared:
        try:
            name = codecs.lookup(declared[1].decode("ascii")).name
        except (LookupError, UnicodeDecodeError):
            name = ""  # an unknown label: fall back as if none were given
        if name and name not in _AS_CP1252:
            first.append(name)
    return [*dict.fromkeys([*first, "utf-8", "cp1252"])]


def _checked(text: str) -> str:
    if not text.strip():
        raise ParseError("the page is empty", kind="empty")
    encoded = text.encode("utf-8", errors="surrogatepass")
    controls = len(encoded) - len(encoded.translate(None, _CONTROL_BYTES))
    garbage = controls + text.count("\ufffd")
    if garbage > _MAX_GARBAGE_SHARE * len(text):
        raise ParseError(
            f"undecodable bytes: {garbage} of {len(text)} characters are not text (binary or wrong encoding)",
            kind="bad_encoding",
        )
    return text


def page_title(text: str) -> str:
    m = _TITLE.search(text, 0, 65536)
    return clean(_TAGS.sub(" ", m[1])) if m else ""


def refuse_non_pages(text: str) -> None:
    """JSON, block and challenge pages, cut-off HTML: refuse before parsing."""
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        try:
            json.loads(stripped)
        except ValueError:
            pass
        else:
            raise ParseError("this is JSON data, not a narrative page", kind="not_narrative")
    title = page_title(text)
    if _BLOCKED_TITLE.search(title):
        raise ParseError(f"blocked: the server sent a block page titled {title[:80]!r}", kind="blocked")
    # Block pages are small; on a full-size page their markers would sit near the start or the end.
    sample = text if len(text) <= 2 * _MARKER_WINDOW else text[:_MARKER_WINDOW] + text[-_MARKER_WINDOW:]
    marker = next((m for m in _BLOCKED_MARKERS if m in sample), None)
    if marker:
        raise ParseError(f"blocked: the server sent a block page ({marker!r})", kind="blocked")
    if _HTML_START.match(text[:4096]):
        tail = text[-65536:]
        if not any(end in tail for end in ("</html", "</body", "</HTML", "</BODY")) and not _END_TAG.search(tail):
            raise ParseError(
                f"truncated: the HTML stops after {len(text)} characters without </body> or </html>",
                kind="truncated",
            )


def looks_like_html(text: str) -> bool:
    return bool(_LOOKS_HTML.search(text[:20000]))


def explain_missing_heading(text: str, title: str) -> ParseError:
    """The error for a page without a narrative heading: a soft block page, or simply not a narrative."""
    marker = _WEAK_BLOCKED_MARKERS.search(text) if len(text) < _SMALL_PAGE else None
    if marker:
        return ParseError(f"blocked: no narrative, and the page mentions {marker[0]!r}", kind="blocked")
    where = f" in {title[:100]!r}" if title else ""
    return ParseError(
        f"no narrative heading (like 'JAPAN (Tier 2)' or 'JAPAN: Tier 1') found{where}: "
        "an index or introduction page, or a layout change",
        kind="not_narrative",
    )
