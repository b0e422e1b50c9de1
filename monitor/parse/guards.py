"""Turn bytes into text, and refuse what is not a narrative page before anyone stores it.

Each refusal is a ParseError with a `kind` and a one-line reason. A cut-off download or a block page that
slipped through as "a page" would show up later as whole sections removed, so these checks are strict.
"""

from __future__ import annotations

import codecs
import json
import re
from typing import NamedTuple

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

_TITLE_START = re.compile(r"<title[^<>]{0,200}>", re.IGNORECASE)
_TITLE_END = re.compile(r"</title", re.IGNORECASE)
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


class Decoded(NamedTuple):
    text: str
    warning: str | None  # set when some bytes could not be decoded and were replaced


def decode(data: bytes, charset: str | None = None) -> Decoded:
    """Bytes -> text, consulting in this order:

    1. a byte order mark (it wins over any label, as in browsers);
    2. `charset`, the HTTP Content-Type charset, when the caller has one;
    3. the page's own label: the XML declaration, then <meta charset> / http-equiv in the first 4 KB;
    4. UTF-8; 5. windows-1252.

    A label is tried strictly first. A windows-1252 (or latin-1, ascii) label does not end the search,
    and neither does a UTF-8 page with a few bad bytes: such a page is read as UTF-8 with the bad bytes
    replaced (U+FFFD and a warning) when its valid multi-byte characters outnumber the bad bytes, so that
    one stray byte in a comment cannot turn "CÔTE D'IVOIRE" into mojibake. Real windows-1252 text with
    accents is almost never valid UTF-8, so it still reads as windows-1252.

    Raises ParseError("empty" | "not_narrative" for PDF | "bad_encoding").
    """
    if not data or data.isspace():
        raise ParseError("the page is empty", kind="empty")
    if data[:1024].lstrip()[:5] == b"%PDF-":
        raise ParseError("this is a PDF document, not a narrative page", kind="not_narrative")
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _replaced(data, codec)
    labelled = _codec(charset) or _codec(_declared(data))
    if labelled and labelled not in _AS_CP1252 and labelled != "utf-8":
        try:
            return Decoded(_checked(data.decode(labelled)), None)
        except UnicodeDecodeError:
            pass
    try:
        return Decoded(_checked(data.decode("utf-8")), None)
    except UnicodeDecodeError:
        pass
    as_utf8 = data.decode("utf-8", errors="replace")
    bad = as_utf8.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    multibyte = len(as_utf8) - len(as_utf8.encode("ascii", errors="ignore")) - bad
    if multibyte > bad:
        return Decoded(_checked(as_utf8), f"{bad} undecodable byte(s) replaced; the page was read as UTF-8")
    return Decoded(_checked(data.decode("cp1252", errors="replace")), None)


def _replaced(data: bytes, codec: str) -> Decoded:
    text = data.decode(codec, errors="replace")
    bad = text.count("\ufffd")
    return Decoded(_checked(text), f"{bad} undecodable byte(s) replaced" if bad else None)


def _declared(data: bytes) -> str | None:
    declared = _XML_ENCODING.search(data[:200]) or _META_CHARSET.search(data[:4096])
    return declared[1].decode("ascii", errors="replace") if declared else None


def _codec(label: str | None) -> str | None:
    """The Python codec name of a charset label; None for no label or one Python does not know."""
    try:
        return codecs.lookup(label.strip().strip("\"'")).name if label else None
    except LookupError:
        return None


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
    """The <title> text. Two bounded searches: a page full of unclosed "<title" must not cost n squared."""
    m = _TITLE_START.search(text, 0, 65536)
    if not m:
        return ""
    end = _TITLE_END.search(text, m.end(), m.end() + 4096)
    return clean(_TAGS.sub(" ", text[m.end() : end.start()])) if end else ""


def refuse_non_pages(text: str) -> str | None:
    """Refuse JSON, block and challenge pages before parsing. Returns a warning when the HTML is cut off.

    A page cut before </body> is not refused here: when its narrative heading survived, the narrative is
    read and flagged truncated (what is missing is unknown, not removed); when it did not, the caller
    refuses it as "truncated".
    """
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
            return f"truncated: the HTML stops after {len(text)} characters without </body> or </html>"
    return None


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
