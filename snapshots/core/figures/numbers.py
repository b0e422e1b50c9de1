"""Numbers as the report writes them ("1,204", "seven", "twenty-three") and the patterns that match them."""

from __future__ import annotations

import re
from collections.abc import Iterable

_UNITS_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS_WORDS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_WORD_VALUE = {w: i for i, w in enumerate(_UNITS_WORDS)} | {w: 20 + 10 * i for i, w in enumerate(_TENS_WORDS)}


def _alternation(words: Iterable[str]) -> str:
    # Longest first so "seventeen" wins over "seven".
    return "|".join(sorted(words, key=len, reverse=True))


_UNIT_RE = _alternation(_UNITS_WORDS[1:])
_TENS_RE = _alternation(_TENS_WORDS)
_BELOW_100 = rf"(?:(?:{_TENS_RE})(?:[-\s](?:{_alternation(_UNITS_WORDS[1:10])}))?|(?:{_UNIT_RE}))"
_WORD_NUMBER = rf"(?:(?:{_alternation(_UNITS_WORDS[1:10])})\s+hundred(?:\s+(?:and\s+)?{_BELOW_100})?|{_BELOW_100})"
# "two dozen" and "one hundred" share a first word: a word number never runs into "dozen".
NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|\b{_WORD_NUMBER}\b(?![-\s]dozen))"
QUALIFIER = (
    r"(?:at least|at most|approximately|more than|fewer than|less than|about|nearly|almost|over|"
    r"roughly|around|an estimated|up to)"
)
COUNT = rf"(?:(?P<qualifier>{QUALIFIER})\s+)?(?P<number>{NUMBER})"


def parse_number(text: str) -> int:
    """The value of a number written as the report writes it: "1,204", "seven", "twenty-three"."""
    text = text.strip().lower()
    if text == "none":
        return 0
    if text[0].isdigit():
        return int(text.replace(",", ""))
    total = 0
    for word in re.split(r"[-\s]+", text):
        if word == "and":
            continue
        if word == "hundred":
            total *= 100
        else:
            total += _WORD_VALUE[word]
    return total


def unnamed(pattern: str) -> str:
    """The pattern with its named groups made plain, so that it can repeat inside another."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


LIST_SEPARATOR = r"(?:\s*,\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+)"
