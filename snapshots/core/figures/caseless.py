"""Case-insensitive patterns run as fast as case-sensitive ones, with matches at the same places.

Under re.IGNORECASE the engine lower-cases every character it compares and cannot skip ahead to the
letters a pattern starts with, so scanning a sentence costs three to five times what the same scan,
case-sensitive, of the sentence in lower case costs. The two scans find the same matches, at the same
positions, when the pattern's letters are lower case ASCII and the text has none of the few characters
that fold to an ASCII letter without being one (see `lowered`). Words that every match must hold rule a
pattern out for a whole sentence with a substring test, before it is run at each figure.

A match found in the lowered text is a match in that text: its groups are in lower case, which is all
the figure readers need (they lower-case every group they read).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property

# Not ASCII letters, yet re.IGNORECASE matches each to one ("İ" and "ı" to i, "ſ" to s, the Kelvin sign to
# k), and "İ" lower-cases to two characters. Any other character's lower case is one character that is an
# ASCII letter only if it was one, and is a word, space or digit character exactly when it was:
# tests/test_figures_caseless.py checks that against the engine over every code point.
_FOLDS_TO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")


def lowered(text: str) -> str | None:
    """The text in lower case, character for character, when a case-sensitive search of it for lower-case
    ASCII letters finds what re.IGNORECASE finds in the text; None when it has a character for which
    that fails."""
    if not text.isascii() and _FOLDS_TO_ASCII.search(text):
        return None
    return text.lower()


class Caseless:
    """A pattern matched without regard to case, and what every one of its matches holds.

    `words`: lower-case strings such that every match, lower-cased, holds at least one of them; empty
    when the pattern has no such words. Derive them from the pattern (one from each alternative that a
    match must go through) and list them in tests/test_figures_caseless.py, which checks them.

    `starts`, for a pattern whose opening the engine cannot skip to quickly: given the lowered text, the
    positions, in ascending order, where a match may start (every start must be among them); the
    pattern is then tried at those positions only. The pattern must not match the empty string.

    Each search takes the text and `low`, lowered(text); without `low` it is the plain re.IGNORECASE search."""

    def __init__(
        self, source: str, words: tuple[str, ...] = (), starts: Callable[[str], Iterable[int]] | None = None
    ) -> None:
        letters = re.sub(r"\\.|\(\?P<\w+>", "", source)
        if any(c != c.lower() or (c.isalpha() and not c.isascii()) for c in letters):
            raise ValueError(f"a Caseless pattern is written in lower-case ASCII letters: {source!r}")
        self._lower = re.compile(source)
        self.words = words
        self._starts = starts

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """The plain re.IGNORECASE pattern, for the rare text `lowered` refuses: compiled on first use (a
        sweep's workers are forked after the figure patterns are compiled, and start-up waits for it)."""
        return re.compile(self._lower.pattern, re.IGNORECASE)

    def possible(self, low: str | None) -> bool:
        """False when no match can be in the text that `low` is lowered from: it holds none of the words."""
        # A substring test per word beats one regex of them all (their first letters are common ones),
        # and a plain loop beats any() over a generator, which this runs for every sentence.
        if low is None:
            return True
        for word in self.words:
            if word in low:
                return True
        return not self.words

    def occurs_in(self, text: str, low: str | None = None) -> bool:
        """Whether the pattern is in `text` (`low` is lowered(text))."""
        if low is None:
            return self.pattern.search(text) is not None
        return self.possible(low) and self._lower.search(low) is not None

    def search(self, text: str, low: str | None = None) -> re.Match[str] | None:
        """pattern.search(text) (`low` is lowered(text)), found as `finditer` finds its matches."""
        return next(self.finditer(text, low), None)

    def finditer(self, text: str, low: str | None = None) -> Iterator[re.Match[str]]:
        """The matches of pattern.finditer(text), at the same places; found in `low` (lowered(text)) when
        it is given, and then with their groups in lower case."""
        if low is None:
            return self.pattern.finditer(text)
        if not self.possible(low):
            return iter(())
        return self._lower.finditer(low) if self._starts is None else self._at_starts(low, self._starts)

    def found(self, match: re.Match[str]) -> bool:
        """Whether the match is one of this pattern's."""
        # Looked up, not read through the property: a pattern not compiled yet made no match, and reading it
        # would compile it.
        return match.re is self._lower or match.re is self.__dict__.get("pattern")

    def _at_starts(self, low: str, starts: Callable[[str], Iterable[int]]) -> Iterator[re.Match[str]]:
        """What finditer finds in `low`, tried at the given starts only: a match at the first start where
        there is one, then at the first start from its end on, and so on."""
        end = 0
        for start in starts(low):
            if start >= end and (found := self._lower.match(low, start)):
                assert found.end() > start, "a pattern with starts matches no empty string"
                yield found
                end = found.end()
