"""Read models for the web page: each function answers one page's question with a few indexed queries.

Reads only. Rows come back as frozen dataclasses so a page can render them or dump them as JSON
(`dataclasses.asdict`). Heavy columns (raw page, narrative JSON) are selected only where a page needs the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlite_utils import Database

from snapshots import queries
from snapshots.compare import (
    NarrativeDiff,
    SectionDiff,
    TextDiff,
    diff_tier,
    match_recommendations,
    tier_direction,
)
from snapshots.matching import carried_after
from snapshots.models import SECTION_NAMES, SIGNIFICANCE_RANK, TIERS, Change, Narrative
from snapshots.store import index_words, searchable_parts

PAGE_SIZE = 50


@dataclass(frozen=True)
class EditionCount:
    edition: int
    countries: int
    snapshots: int
    changes: int


@dataclass(frozen=True)
class SnapshotRef:
    """A snapshot's identity, fit for citation: what was fetched, when, and its hashes."""

    id: int
    country_key: str
    country: str
    edition: int | None
    tier: str
    fetched_at: str
    content_hash: str
    raw_sha256: str
    url: str
    parser_version: str


@dataclass(frozen=True)
class TierMove:
    country_key: str
    country: str
    old_tier: str
    new_tier: str
    direction: str  # upgrade | downgrade | status
    old_snapshot_id: int
    new_snapshot_id: int
    change_id: int | None


@dataclass(frozen=True)
class TierCount:
    tier: str
    count: int
    previous: int | None
    delta: int | None


@dataclass(frozen=True)
class CountryRef:
    country_key: str
    country: str
    tier: str
    snapshot_id: int


@dataclass(frozen=True)
class EditionOverview:
    edition: int
    previous_edition: int | None
    tier_counts: list[TierCount]
    moves: list[TierMove]
    added: list[CountryRef]
    dropped: list[CountryRef]
    countries: int


@dataclass(frozen=True)
class CountryOverview:
    country_key: str
    country: str
    snapshots: list[SnapshotRef]
    timeline: list[queries.TierPoint]


@dataclass(frozen=True)
class SearchHit:
    snapshot_id: int
    country_key: str
    country: str
    edition: int | None
    section: str
    fetched_at: str
    snippet: list[tuple[bool, str]]  # (matched, text) segments; text is raw, the template escapes it


@dataclass(frozen=True)
class ChangeFilter:
    kind: str | None = None
    country_key: str | None = None
    significance: str | None = None  # at least this significance
    edition: int | None = None
    before_id: int | None = None
    limit: int = PAGE_SIZE


@dataclass(frozen=True)
class FilterOptions:
    kinds: list[str]
    countries: list[tuple[str, str]]  # (key, name)
    significances: list[str] = field(default_factory=lambda: sorted(SIGNIFICANCE_RANK, key=SIGNIFICANCE_RANK.get))


_SNAPSHOT_REF_COLUMNS = (
    "id, country_key, country, edition, tier, fetched_at, content_hash, raw_sha256, url, parser_version"
)


def _snapshot_ref(row: dict[str, Any]) -> SnapshotRef:
    return SnapshotRef(**{k: ("" if v is None and k not in ("edition",) else v) for k, v in row.items()})


def latest_changes(db: Database, flt: ChangeFilter) -> list[queries.ChangeRecord]:
    where, params = ["1 = 1"], []
    if flt.kind:
        where.append("kind = ?")
        params.append(flt.kind)
    if flt.country_key:
        where.append("country_key = ?")
        params.append(flt.country_key)
    if flt.significance:
        floor = SIGNIFICANCE_RANK[flt.significance]
        levels = [name for name, rank in SIGNIFICANCE_RANK.items() if rank >= floor]
        where.append(f"significance IN ({', '.join('?' for _ in levels)})")
        params.extend(levels)
    if flt.edition is not None:
        where.append("edition = ?")
        params.append(flt.edition)
    if flt.before_id is not None:
        where.append("id < ?")
        params.append(flt.before_id)
    sql = f"SELECT {queries.CHANGE_COLUMNS} FROM changes WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?"
    return [queries.change_record(row) for row in db.query(sql, [*params, flt.limit])]


def change(db: Database, change_id: int) -> queries.ChangeRecord | None:
    rows = list(db.query(f"SELECT {queries.CHANGE_COLUMNS} FROM changes WHERE id = ?", [change_id]))
    return queries.change_record(rows[0]) if rows else None


def filter_options(db: Database) -> FilterOptions:
    kinds = [row["kind"] for row in db.query("SELECT DISTINCT kind FROM changes ORDER BY kind")]
    countries = [
        (row["country_key"], row["country"])
        for row in db.query(
            "SELECT country_key, country, max(id) FROM snapshots GROUP BY country_key ORDER BY country_key"
        )
    ]
    return FilterOptions(kinds=kinds, countries=countries)


def editions(db: Database) -> list[EditionCount]:
    change_counts = {
        row["edition"]: row["n"] for row in db.query("SELECT edition, count(*) AS n FROM changes GROUP BY edition")
    }
    return [
        EditionCount(row["edition"], row["countries"], row["snapshots"], change_counts.get(row["edition"], 0))
        for row in db.query(
            "SELECT edition, count(DISTINCT country_key) AS countries, count(*) AS snapshots FROM snapshots"
            " WHERE edition IS NOT NULL GROUP BY edition ORDER BY edition DESC"
        )
    ]


def _edition_roster(db: Database, edition: int) -> dict[str, CountryRef]:
    """The latest snapshot of each country in one edition (a post-release edit replaces the first version)."""
    rows = db.query(
        "SELECT country_key, country, tier, max(id) AS snapshot_id FROM snapshots WHERE edition = ?"
        " GROUP BY country_key",
        [edition],
    )
    return {row["country_key"]: CountryRef(**row) for row in rows}


def edition_overview(db: Database, edition: int) -> EditionOverview | None:
    current = _edition_roster(db, edition)
    if not current:
        return None
    prev_rows = list(db.query("SELECT max(edition) AS e FROM snapshots WHERE edition < ?", [edition]))
    previous_edition = prev_rows[0]["e"] if prev_rows else None
    previous = _edition_roster(db, previous_edition) if previous_edition is not None else {}
    tier_change_ids = {
        row["country_key"]: row["id"]
        for row in db.query(
            "SELECT country_key, max(id) AS id FROM changes WHERE edition = ? AND kind = 'tier' GROUP BY country_key",
            [edition],
        )
    }
    moves = [
        TierMove(
            key,
            ref.country,
            previous[key].tier,
            ref.tier,
            tier_direction(previous[key].tier, ref.tier),
            previous[key].snapshot_id,
            ref.snapshot_id,
            tier_change_ids.get(key),
        )
        for key, ref in sorted(current.items())
        if key in previous and previous[key].tier != ref.tier
    ]
    moves.sort(key=lambda m: ({"downgrade": 0, "upgrade": 1, "status": 2}[m.direction], m.country_key))

    def counts(roster: dict[str, CountryRef]) -> dict[str, int]:
        out = dict.fromkeys(TIERS, 0)
        for ref in roster.values():
            out[ref.tier] = out.get(ref.tier, 0) + 1  # an unknown tier still counts, in its own row
        return out

    now, before = counts(current), counts(previous) if previous_edition is not None else None
    tier_counts = [
        TierCount(tier, n, None, None)
        if before is None
        else TierCount(tier, n, before.get(tier, 0), n - before.get(tier, 0))
        for tier, n in now.items()
    ]
    added = [ref for key, ref in sorted(current.items()) if previous_edition is not None and key not in previous]
    dropped = [ref for key, ref in sorted(previous.items()) if key not in current]
    return EditionOverview(edition, previous_edition, tier_counts, moves, added, dropped, len(current))


def country_overview(db: Database, country_key: str) -> CountryOverview | None:
    snapshots = [
        _snapshot_ref(row)
        for row in db.query(
            f"SELECT {_SNAPSHOT_REF_COLUMNS} FROM snapshots WHERE country_key = ? ORDER BY edition, id",
            [country_key],
        )
    ]
    if not snapshots:
        return None
    return CountryOverview(country_key, snapshots[-1].country, snapshots, queries.tier_timeline(db, country_key))


def snapshot_ref(db: Database, snapshot_id: int) -> SnapshotRef | None:
    rows = list(db.query(f"SELECT {_SNAPSHOT_REF_COLUMNS} FROM snapshots WHERE id = ?", [snapshot_id]))
    return _snapshot_ref(rows[0]) if rows else None


def snapshot_narrative(db: Database, snapshot_id: int) -> Narrative | None:
    rows = list(db.query("SELECT narrative FROM snapshots WHERE id = ?", [snapshot_id]))
    return Narrative.from_json(rows[0]["narrative"]) if rows and rows[0]["narrative"] else None


def edition_snapshot_id(db: Database, country_key: str, edition: int) -> int | None:
    """The latest snapshot of a country in an edition."""
    rows = list(
        db.query("SELECT max(id) AS id FROM snapshots WHERE country_key = ? AND edition = ?", [country_key, edition])
    )
    return rows[0]["id"] if rows else None


def country_snapshot_ids(db: Database, country_key: str) -> list[int]:
    """Every snapshot of a country in reading order (edition, then fetch order): the sequence prev/next walk."""
    return [
        row["id"]
        for row in db.query("SELECT id FROM snapshots WHERE country_key = ? ORDER BY edition, id", [country_key])
    ]


def latest_narratives(db: Database, country_key: str) -> list[tuple[int, Narrative]]:
    """The latest narrative of each edition of one country, oldest edition first."""
    rows = db.query(
        "SELECT edition, narrative FROM snapshots WHERE id IN"
        " (SELECT max(id) FROM snapshots WHERE country_key = ? AND edition IS NOT NULL GROUP BY edition)"
        " ORDER BY edition",
        [country_key],
    )
    return [(row["edition"], Narrative.from_json(row["narrative"])) for row in rows if row["narrative"]]


def section_names(db: Database) -> list[str]:
    return [row["name"] for row in db.query("SELECT DISTINCT name FROM sections ORDER BY name")]


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
    where, params = ["sections_fts MATCH ?"], [query]
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
        part = dict(narrative_parts(Narrative.from_json(row["narrative"]))).get(row["section"], "")
        hits.append(
            SearchHit(
                row["snapshot_id"],
                row["country_key"],
                row["country"],
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


def narrative_parts(narrative: Narrative) -> list[tuple[str, str]]:
    """The citable parts of a narrative in page order, named as in the `sections` table."""
    return searchable_parts(narrative)


# --- diffs and the recommendation tracker: rendered from snapshots.compare, never diffed here ---


@dataclass(frozen=True)
class SectionView:
    name: str
    status: str  # same | changed | added | removed (as snapshots.compare says)
    share_changed: float
    ops: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class DiffView:
    old: SnapshotRef
    new: SnapshotRef
    diff: NarrativeDiff

    @property
    def sections(self) -> list[SectionView]:
        """The findings (summary) first, then each section."""

        def view(name: str, status: str, text: TextDiff) -> SectionView:
            return SectionView(name, status, text.share_changed, text.ops)

        findings = self.diff.findings
        return [
            view("summary", "changed" if findings.changed else "same", findings),
            *(view(s.name, s.status, s.text) for s in self.diff.sections),
        ]


def diff_view(db: Database, old_id: int, new_id: int) -> DiffView | None:
    """The structured diff of two snapshots of one country (None if either is missing).

    A pair the job compared is rendered from its stored changes (what the alerts said, and no diffing per
    request); any other pair is diffed by snapshots.compare on demand.
    """
    old_ref, new_ref = snapshot_ref(db, old_id), snapshot_ref(db, new_id)
    old, new = snapshot_narrative(db, old_id), snapshot_narrative(db, new_id)
    if old_ref is None or new_ref is None or old is None or new is None:
        return None
    stored = [
        queries.change_record(row)
        for row in db.query(
            f"SELECT {queries.CHANGE_COLUMNS} FROM changes"
            " WHERE new_snapshot_id = ? AND old_snapshot_id = ? ORDER BY id",
            [new_id, old_id],
        )
    ]
    if stored:
        history = queries.tier_history(db, new_ref.country_key, before=new_ref.edition)
        return DiffView(old_ref, new_ref, _diff_from_changes(old, new, stored, history))
    return DiffView(old_ref, new_ref, queries.diff_between(db, old_id, new_id))


def _stored_text(detail: dict[str, Any]) -> TextDiff:
    ops = tuple((int(op), text) for op, text in detail.get("diff", []))
    return TextDiff(ops, float(detail.get("share_changed", 0.0)), True, tuple(detail.get("boilerplate", ())))


def _unchanged(text: str) -> TextDiff:
    return TextDiff(((0, text),) if text else (), 0.0, False)


def _diff_from_changes(
    old: Narrative, new: Narrative, stored: list[queries.ChangeRecord], history: dict[int, str]
) -> NarrativeDiff:
    """A NarrativeDiff rebuilt from the change rows snapshots.compare produced for this very pair (parts with
    no row were unchanged), so the costly word diffs of long sections are never recomputed per request."""
    comparison = stored[0].comparison
    by_kind: dict[str, list[queries.ChangeRecord]] = {}
    for row in stored:
        by_kind.setdefault(row.kind, []).append(row)
    findings = by_kind.get("findings")
    section_rows = {row.detail.get("section"): row for row in by_kind.get("section", [])}
    names = [n for n in SECTION_NAMES if n in old.sections or n in new.sections]
    names += [n for n in dict.fromkeys([*old.sections, *new.sections]) if n not in SECTION_NAMES]
    sections = tuple(
        SectionDiff(name, section_rows[name].detail.get("status", "changed"), _stored_text(section_rows[name].detail))
        if name in section_rows
        else SectionDiff(name, "same", _unchanged(new.sections.get(name, "")))
        for name in names
        if new.sections.get(name) or old.sections.get(name)
    )
    return NarrativeDiff(
        comparison=comparison,
        country=new.country,
        country_key=new.country_key,
        old_edition=old.edition,
        new_edition=new.edition,
        tier=diff_tier(old, new, comparison=comparison, tier_history=history),
        findings=_stored_text(findings[0].detail) if findings else _unchanged(new.summary),
        # Matching a dozen short items is cheap and has no stored form for the kept ones: ask compare.
        recommendations=match_recommendations(old.recommendations, new.recommendations, fold=comparison == "edition"),
        sections=sections,
        changes=tuple(Change(r.kind, r.significance, r.summary, str(r.id), r.detail) for r in stored),
    )


@dataclass(frozen=True)
class TrackerCell:
    label: str  # first | kept | reworded | possibly_reworded | new | dropped
    text: str


@dataclass(frozen=True)
class TrackedRecommendation:
    text: str  # the latest wording
    years_carried: int  # consecutive editions carried (kept or reworded) up to its last appearance
    active: bool  # still in the latest edition
    cells: dict[int, TrackerCell]


@dataclass(frozen=True)
class RecommendationTracker:
    editions: list[int]
    threads: list[TrackedRecommendation]


def recommendation_tracker(narratives: list[tuple[int, Narrative]]) -> RecommendationTracker:
    """Follow each recommendation through consecutive covered editions (oldest first), as compare matches them."""
    cells: list[dict[int, TrackerCell]] = []
    by_text: dict[str, list[int]] = {}  # normalized text in the previous edition -> thread indices
    previous: tuple[str, ...] = ()
    for position, (edition, narrative) in enumerate(narratives):
        current: dict[str, list[int]] = {}
        for rec in match_recommendations(previous, narrative.recommendations, fold=True):
            if rec.label == "dropped":
                thread = by_text[rec.old or ""].pop(0)
                cells[thread][edition] = TrackerCell("dropped", rec.old or "")
                continue
            if rec.label == "new":
                thread = len(cells)
                cells.append({})
            else:
                thread = by_text[rec.old or ""].pop(0)
            label = "first" if position == 0 else rec.label
            cells[thread][edition] = TrackerCell(label, rec.new or "")
            current.setdefault(rec.new or "", []).append(thread)
        by_text, previous = current, narrative.recommendations
    latest = narratives[-1][0] if narratives else None
    threads = [
        TrackedRecommendation(
            text=[c.text for c in row.values() if c.label != "dropped"][-1],
            years_carried=_years_carried(row),
            active=latest in row and row[latest].label != "dropped",
            cells=row,
        )
        for row in cells
    ]
    threads.sort(key=lambda t: (not t.active, -max(t.cells)))
    return RecommendationTracker([edition for edition, _ in narratives], threads)


def _years_carried(row: dict[int, TrackerCell]) -> int:
    """Editions carried as compare counts them (`matching.carried_after`): a possibly reworded link is
    shown in the row but starts the count again."""
    count = 0
    for cell in row.values():
        if cell.label != "dropped":
            count = carried_after(cell.label, count)
    return count
