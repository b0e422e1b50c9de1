"""Full-text search over the current version of every narrative, with highlighted snippets. Reads only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from snapshots.core.countries import display_name
from snapshots.core.models import Narrative
from snapshots.core.searchwords import index_words, searchable_parts

PAGE_SIZE = 50


@dataclass(frozen=True)
class SearchHit:
    snapshot_id: int
    country_key: str
    country: str  # display name
    edition: int | None
    section: str
    fetched_at: str
    snippet: list[tuple[bool, str]]  # (matched, text) segments; text is raw, the template escapes it


def section_names(db: Database) -> list[str]:
    return [row[0] for row in db.execute("select distinct name from sections order by name").fetchall()]


def fts_query(text: str) -> str:
    """User text -> a safe FTS5 query: quoted phrases stay phrases, other words are ANDed; no operators."""
    phrases = re.findall(r'"([^"]*)"', text)
    rest = re.sub(r'"[^"]*"', " ", text)
    terms = [" ".join(index_words(p)) for p in phrases] + index_words(rest)
    return " ".join(f'"{term}"' for term in terms if term)


def search(
    db: Database, text: str, *, edition: int | None = None, section: str | None = None, limit: int = PAGE_SIZE
) -> list[SearchHit]:
    """Full-text search over the current version of every narrative, best matches first."""
    query = fts_query(text)
    if not query:
        return []
    where: list[str] = ["sections_fts MATCH ?"]
    params: list[Any] = [query]
    if edition is not None:
        where.append("sn.edition = ?")
        params.append(edition)
    if section:
        where.append("s.name = ?")
        params.append(section)
    sql = (
        "SELECT sn.id AS snapshot_id, sn.country_key, sn.country, sn.edition, s.name AS section, sn.fetched_at,"
        " sn.narrative"
        " FROM sections_fts JOIN sections s ON s.id = sections_fts.rowid JOIN snapshots sn ON sn.id = s.snapshot_id"
        f" WHERE {' AND '.join(where)} ORDER BY rank LIMIT ?"
    )
    terms = [t.lower() for t in index_words(text)]
    hits = []
    for row in db.query(sql, [*params, limit]):
        part = dict(searchable_parts(Narrative.from_json(row["narrative"]))).get(row["section"], "")
        hits.append(
            SearchHit(
                row["snapshot_id"],
                row["country_key"],
                display_name(row["country"]),
                row["edition"],
                row["section"],
                row["fetched_at"] or "",
                snippet(part, terms),
            )
        )
    return hits


_WORD = re.compile(r"\w+")
_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ers", "er", "es", "ed", "ly", "s")


def _stem(word: str) -> str:
    """A rough stem, only to decide which words of a hit to highlight (the index itself uses porter)."""
    word = word.lower()
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def snippet(text: str, terms: list[str], *, width: int = 32) -> list[tuple[bool, str]]:
    """The `width`-word window of `text` with the most query terms, as (matched, text) segments."""
    words = list(_WORD.finditer(text))
    if not words:
        return []
    stems = sorted({_stem(t) for t in terms if t}, key=len, reverse=True)
    hits: set[int] = set()
    if stems:
        pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, stems)) + r")\w*", re.IGNORECASE)
        hits = {m.start() for m in pattern.finditer(text)}
    marks = [m.start() in hits for m in words]
    # Sliding window over the marks: the first window holding the most matched words.
    count = best_count = sum(marks[:width])
    best = 0
    for i in range(1, max(1, len(words) - width + 1)):
        count += marks[i + width - 1] - marks[i - 1]
        if count > best_count:
            best, best_count = i, count
    window = words[best : best + width]
    start, end = window[0].start(), window[-1].end()
    segments: list[tuple[bool, str]] = [(False, "…")] if best > 0 else []
    cursor = start
    for match, marked in zip(window, marks[best : best + width], strict=True):
        if marked:
            if match.start() > cursor:
                segments.append((False, text[cursor : match.start()]))
            segments.append((True, match.group()))
            cursor = match.end()
    segments.append((False, text[cursor:end] + (" …" if best + width < len(words) else "")))
    return [(m, t) for m, t in segments if t]
