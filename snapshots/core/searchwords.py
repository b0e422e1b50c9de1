"""What full-text search covers of a narrative, and the words it keeps. Pure: the index and queries agree."""

from __future__ import annotations

import itertools
import re

from snapshots.core.models import Narrative

# Words too common to search for. Leaving them out of the index saves a fifth of its size; a phrase
# query drops them too ("victims of trafficking" finds "victims trafficking"), so phrases still work.
STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is", "it", "its",
    "of", "on", "or", "that", "the", "their", "this", "to", "was", "were", "which", "with",
})  # fmt: skip
_WORD = re.compile(r"\w+")
# Every case variant of every stopword, so a word is looked up as found, without lower-casing it first. The
# same words as `word.lower() in STOPWORDS`: the one other character that lowers to an ASCII letter is the
# Kelvin sign ("k"), in no stopword.
_STOPWORDS_ANY_CASE = frozenset(
    "".join(letters) for word in STOPWORDS for letters in itertools.product(*({c, c.upper()} for c in word))
)
# Punctuation and spaces that pages hold often and that are not word characters (a test checks they are not).
_SEPARATORS = (
    "\u00a0\u2009\u202f"  # spaces: no-break, thin, narrow no-break
    "\u2018\u2019\u201c\u201d\u00ab\u00bb\u2032\u2033"  # quotes and primes
    "\u2010\u2011\u2012\u2013\u2014\u2015\u2022\u00b7\u2026\u00b0"  # dashes, bullets, ellipsis, degree
)
# In a text holding no character that is neither ASCII, a word character nor one of the separators above (the
# `_OTHER_NON_WORD` search, a fast scan), the characters `\w` matches are exactly those this class matches:
# anything but an ASCII non-word character or a separator. The class is tested on ranges, `\w` looks up the
# Unicode category of every character: finding the words takes a fifth less time.
_OTHER_NON_WORD = re.compile(f"[^\\x00-\\x7f\\w{_SEPARATORS}]")
_WORD_IN_PLAIN_TEXT = re.compile(f"[^\\x00-/:-@\\[-^`{{-\\x7f{_SEPARATORS}]+")


def searchable_parts(narrative: Narrative) -> list[tuple[str, str]]:
    """The citable parts of a narrative in page order, named as the `sections` rows are."""
    parts = [("summary", narrative.summary), ("recommendations", "\n\n".join(narrative.recommendations))]
    return [(name, text) for name, text in [*parts, *narrative.sections.items()] if text]


def index_words(text: str) -> list[str]:
    """The words of `text` as the search index holds them (and as queries must name them)."""
    plain = text.isascii() or not _OTHER_NON_WORD.search(text)
    words = (_WORD_IN_PLAIN_TEXT if plain else _WORD).findall(text)
    return [word for word in words if word not in _STOPWORDS_ANY_CASE]


def index_parts(narrative: Narrative) -> tuple[tuple[str, str], ...]:
    """Each searchable part with the text the index holds for it (common words left out)."""
    return tuple((name, " ".join(index_words(text))) for name, text in searchable_parts(narrative))
