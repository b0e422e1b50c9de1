"""Scraped text made safe to print or to put in XML: no terminal escape sequences, no control characters.

A page can carry ESC sequences that retitle a terminal window, clear the screen or hide a hyperlink
behind harmless text, and control characters that make an XML document (an Atom feed) invalid. They
are removed whole, payload included, at each boundary where text leaves tipwatch: the terminal, the
stdout channel, email subjects and feeds. Stored snapshots keep the page as it was.
"""

from __future__ import annotations

import re

# ESC sequences and their 8-bit (C1) forms: OSC (titles, hyperlinks) and DCS/SOS/PM/APC strings up to
# their terminator, CSI (cursor, colours, clearing), and two-character escapes.
_SEQUENCES = re.compile(
    r"(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b[P^_X]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|\x1b[ -~]?"
)
# Every other C0 and C1 control except tab and newline, DEL, and what XML 1.0 cannot hold.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """`text` without escape sequences and control characters (tab and newline are kept)."""
    return _CONTROLS.sub("", _SEQUENCES.sub("", text))


def one_line(text: str) -> str:
    """Clean text on one line, whitespace runs collapsed: for subjects and titles."""
    return " ".join(clean_text(text).split())
