"""What full-text search covers of a narrative, and the words it keeps. Pure: the index and queries agree."""

from __future__ import annotations

import re

from snapshots.core.models import Narrative

# Words too common to search for. Leaving them out of the index saves a fifth of its size; a phrase
# query drops them too ("victims of trafficking" finds "victims trafficking"), so phrases still work.
STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is", "it", "its",
    "of", "on", "or", "that", "the", "their", "this", "to", "was", "were", "which", "with",
})  # fmt: skip
_WORD = re.compile(r"\w+")


def searchable_parts(narrative: Narrative) -> list[tuple[str, str]]:
    """The citable parts of a narrative in page order, named as the `sections` rows are."""
    parts = [("summary", narrative.summary), ("recommendations", "\n\n".join(narrative.recommendations))]
    return [(name, text) for name, text in [*parts, *narrative.sections.items()] if text]


def index_words(text: str) -> list[str]:
    """The words of `text` as the search index holds them (and as queries must name them)."""
    return [word for word in _WORD.findall(text) if word.lower() not in STOPWORDS]


def index_parts(narrative: Narrative) -> tuple[tuple[str, str], ...]:
    """Each searchable part with the text the index holds for it (common words left out)."""
    return tuple((name, " ".join(index_words(text))) for name, text in searchable_parts(narrative))
