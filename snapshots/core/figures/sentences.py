"""A section's text cut into its sentences, each kept verbatim as the source of the figures it states."""

from __future__ import annotations

import re

# A sentence ends at . ! ? (maybe closing a quote or bracket) before a capital; not after "U.S." etc.
# The end mark comes first so that the engine only tries the pattern at an end mark; the abbreviation
# checks look back from just after it.
_SENTENCE_END = re.compile(
    r"[.!?](?<!\bU\.S\.)(?<!\bNo\.)(?<!\bSt\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bvs\.)[\"”’)]?\s+(?=[A-Z“\"(])"
)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def sentences(text: str) -> list[str]:
    """The sentences of a section's text, verbatim (only the surrounding whitespace trimmed)."""
    found = []
    for paragraph in _PARAGRAPH_BREAK.split(text):
        start = 0
        for match in _SENTENCE_END.finditer(paragraph):
            found.append(paragraph[start : match.start() + len(match.group(0).rstrip())].strip())
            start = match.end()
        found.append(paragraph[start:].strip())
    return [s for s in found if s]
