"""The write side: pages, checks, snapshots, runs. Every function joins the caller's transaction.

Snapshots are append-only. A new one is written only when the normalized content hash differs from
the page's latest snapshot, so a cosmetic markup change never makes a snapshot (or a change).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from snapshots.core.compression import compress
from snapshots.core.models import Figure, Narrative
from snapshots.core.normalize import content_hash
from snapshots.core.searchwords import index_parts
from snapshots.store.db import inserted_id, now_iso
from snapshots.store.figure_rows import kept_figures, write_figures

# --- pages ---


def upsert_page(db: Database, edition: int, slug: str, url: str, *, at: str | None = None) -> dict[str, Any]:
    """The page row for (edition, slug), created on first sight; the URL follows the landing page."""
    return upsert_pages(db, edition, [(slug, url)], at=at)[0]


def upsert_pages(
    db: Database, edition: int, refs: list[tuple[str, str]], *, at: str | None = None
) -> list[dict[str, Any]]:
    """The page rows for an edition's (slug, url) pairs, in their order: `upsert_page` for each, reading the
    edition's rows once (a sqlite-utils insert looks the table up first: a third of a millisecond a page)."""
    known = {row["slug"]: row for row in pages_of(db, edition)}
    written = False
    for slug, url in refs:
        page = known.get(slug)
        if page is None:
            db.execute(
                "insert into pages (edition, slug, url, first_seen) values (?, ?, ?, ?)",
                [edition, slug, url, at or now_iso()],
            )
            known[slug] = {"url": url}  # a slug named twice is inserted once
            written = True
        elif page["url"] != url:
            db.execute("update pages set url = ? where edition = ? and slug = ?", [url, edition, slug])
            page["url"] = url
            written = True
    if written:
        known = {row["slug"]: row for row in pages_of(db, edition)}
    return [known[slug] for slug, _ in refs]


def pages_of(db: Database, edition: int) -> list[dict[str, Any]]:
    return list(db.query("select * from pages where edition = ? order by id", [edition]))


def landing(db: Database, edition: int) -> dict[str, Any] | None:
    rows = list(db.query("select * from landings where edition = ?", [edition]))
    return rows[0] if rows else None


def save_landing(db: Database, edition: int, url: str, *, etag: str | None, last_modified: str | None) -> None:
    db.execute(
        """insert into landings (edition, url, etag, last_modified, checked_at) values (?, ?, ?, ?, ?)
           on conflict(edition) do update set url = excluded.url, checked_at = excluded.checked_at,
           etag = coalesce(excluded.etag, landings.etag),
           last_modified = coalesce(excluded.last_modified, landings.last_modified)""",
        [edition, url, etag, last_modified, now_iso()],
    )


def set_page_kind(db: Database, page_id: int, kind: str, country_key: str | None = None) -> None:
    db.execute(
        "update pages set kind = ?, country_key = coalesce(?, country_key) where id = ?", [kind, country_key, page_id]
    )


def page_ok(
    db: Database, page_id: int, *, at: str, etag: str | None, last_modified: str | None, host: str | None
) -> int:
    """Record a successful check; returns the failure streak it ended (0 if none)."""
    before = db.execute("select consecutive_failures from pages where id = ?", [page_id]).fetchone()[0] or 0
    db.execute(
        """update pages set last_checked = ?, consecutive_failures = 0, failing_since = null, last_error = null,
           etag = coalesce(?, etag), last_modified = coalesce(?, last_modified), host = coalesce(?, host)
           where id = ?""",
        [at, etag, last_modified, host, page_id],
    )
    return before


def page_failed(db: Database, page_id: int, *, at: str, message: str) -> int:
    """Record a failed check; returns the new count of consecutive failures."""
    db.execute(
        """update pages set last_checked = ?, consecutive_failures = consecutive_failures + 1,
           failing_since = coalesce(failing_since, ?), last_error = ? where id = ?""",
        [at, at, message, page_id],
    )
    return db.execute("select consecutive_failures from pages where id = ?", [page_id]).fetchone()[0]


def failing_pages(db: Database) -> list[tuple[int, str, int, str | None, str | None]]:
    """(edition, slug, failures, failing since, last error) of every page whose latest check failed."""
    if not db.table("pages").exists():
        return []
    return db.execute(
        "select edition, slug, consecutive_failures, failing_since, last_error from pages"
        " where consecutive_failures > 0 order by failing_since, edition desc, slug"
    ).fetchall()


def page_kind(db: Database, edition: int, slug: str) -> str | None:
    row = db.execute("select kind from pages where edition = ? and slug = ?", [edition, slug]).fetchone()
    return row[0] if row else None


def newest_page_edition(db: Database) -> int | None:
    return db.execute("select max(edition) from pages").fetchone()[0]


def narrative_page_count(db: Database) -> int:
    return db.execute("select count(*) from pages where kind = 'narrative'").fetchone()[0]


def pages_without_snapshot(db: Database, edition: int) -> int:
    """Pages of an edition that may hold a narrative and have no snapshot yet."""
    return db.execute(
        """select count(*) from pages p where p.edition = ? and p.kind != 'other'
           and not exists (select 1 from snapshots s where s.page_id = p.id)""",
        [edition],
    ).fetchone()[0]


# --- checks ---


def record_check(
    db: Database,
    *,
    run_id: int | None,
    page_id: int | None,
    url: str,
    outcome: str,
    at: str,
    status_code: int | None = None,
    etag: str | None = None,
    size: int | None = None,
    duration_ms: float | None = None,
    error_kind: str | None = None,
    message: str | None = None,
    snapshot_id: int | None = None,
) -> int:
    """Log one check of a page. `url` is the URL that answered; it is stored only when it is not the page's
    own (a redirect, an archive host), as a check row is written for every page on every sweep."""
    cursor = db.execute(
        """insert into checks (run_id, page_id, url, checked_at, status_code, etag, bytes, duration_ms, outcome,
           error_kind, message, snapshot_id)
           values (?, ?, nullif(?, (select url from pages where id = ?)), ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            run_id,
            page_id,
            url,
            page_id,
            at,
            status_code,
            etag,
            size,
            round(duration_ms, 1) if duration_ms is not None else None,
            outcome,
            error_kind,
            message,
            snapshot_id,
        ],
    )
    return inserted_id(cursor)


# --- snapshots ---


def latest_snapshot(db: Database, page_id: int) -> dict[str, Any] | None:
    rows = list(
        db.query("select id, content_hash from snapshots where page_id = ? order by id desc limit 1", [page_id])
    )
    return rows[0] if rows else None


@dataclass(frozen=True)
class SnapshotData:
    """Everything a snapshot row needs that takes CPU to compute; built off the database thread."""

    narrative: Narrative
    content_hash: str
    blob: bytes  # the parse, compressed
    raw_compressed: bytes
    raw_sha256: str
    index: tuple[tuple[str, str], ...]  # (part, text as the search index holds it)
    figures: tuple[tuple[int, Figure], ...]  # the report's figures it keeps, with their positions (figure_rows)

    @classmethod
    def build(cls, narrative: Narrative, raw: bytes) -> SnapshotData:
        from snapshots.core.figures import extract_figures  # compiling its patterns takes 50-80 ms: on first use

        return cls(
            narrative=narrative,
            content_hash=content_hash(narrative),
            blob=narrative.to_blob(),
            raw_compressed=compress(raw),
            raw_sha256=hashlib.sha256(raw).hexdigest(),
            index=index_parts(narrative),
            figures=kept_figures(extract_figures(narrative)),
        )


def save_snapshot(
    db: Database,
    *,
    page_id: int,
    edition: int,
    data: SnapshotData,
    url: str,
    fetched_at: str,
    etag: str | None = None,
) -> int | None:
    """Append a snapshot unless the page's latest one has the same normalized content; return its id."""
    latest = latest_snapshot(db, page_id)
    if latest is not None and latest["content_hash"] == data.content_hash:
        return None
    narrative = data.narrative
    cursor = db.execute(
        """insert into snapshots (page_id, edition, country_key, country, tier, fetched_at, content_hash, raw,
           raw_sha256, narrative, parser_version, layout, url, etag) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?)""",
        [
            page_id,
            edition,
            narrative.country_key,
            narrative.country,
            narrative.tier,
            fetched_at,
            data.content_hash,
            data.raw_compressed,
            data.raw_sha256,
            data.blob,
            narrative.parser_version,
            narrative.layout,
            url,
            etag,
        ],
    )
    snapshot_id = inserted_id(cursor)
    if latest is not None:
        _unindex(db, latest["id"])
    _index(db, snapshot_id, data.index)
    write_figures(db, snapshot_id, data.figures)
    return snapshot_id


def _index(db: Database, snapshot_id: int, parts: tuple[tuple[str, str], ...]) -> None:
    for position, (name, text) in enumerate(parts):
        cursor = db.execute(
            "insert into sections (snapshot_id, name, position) values (?, ?, ?)", [snapshot_id, name, position]
        )
        db.execute("insert into sections_fts(rowid, text) values (?, ?)", [cursor.lastrowid, text])


def _unindex(db: Database, snapshot_id: int) -> None:
    """Take a snapshot out of the search index (a contentless index needs the indexed text to delete it)."""
    ids = dict(db.execute("select name, id from sections where snapshot_id = ?", [snapshot_id]).fetchall())
    if not ids:
        return
    blob = db.execute("select narrative from snapshots where id = ?", [snapshot_id]).fetchone()[0]
    for name, text in index_parts(Narrative.from_json(blob)):
        if name in ids:
            db.execute("insert into sections_fts(sections_fts, rowid, text) values ('delete', ?, ?)", [ids[name], text])
    db.execute("delete from sections where snapshot_id = ?", [snapshot_id])


def next_on_page(db: Database, snapshot_id: int) -> int | None:
    """The snapshot that followed this one on its page, if any."""
    return db.execute(
        "select min(id) from snapshots where page_id = (select page_id from snapshots where id = ?) and id > ?",
        [snapshot_id, snapshot_id],
    ).fetchone()[0]


def record_reparse(db: Database, snapshot_id: int, narrative: Narrative, *, at: str) -> None:
    """Keep the new parse in `parses` and make it the snapshot's current reading (its figures too)."""
    digest = content_hash(narrative)
    payload = narrative.to_blob()
    db.table("parses").insert(
        {
            "snapshot_id": snapshot_id,
            "parser_version": narrative.parser_version,
            "parsed_at": at,
            "narrative": payload,
            "content_hash": digest,
        }
    )
    indexed = db.execute("select exists(select 1 from sections where snapshot_id = ?)", [snapshot_id]).fetchone()[0]
    _unindex(db, snapshot_id)  # while the stored text is still the one that was indexed
    db.execute(
        """update snapshots set narrative = ?, content_hash = ?, parser_version = ?, layout = ?, tier = ?,
           country = ?, country_key = ? where id = ?""",
        [
            payload,
            digest,
            narrative.parser_version,
            narrative.layout,
            narrative.tier,
            narrative.country,
            narrative.country_key,
            snapshot_id,
        ],
    )
    if indexed:
        _index(db, snapshot_id, index_parts(narrative))
    from snapshots.core.figures import extract_figures

    write_figures(db, snapshot_id, kept_figures(extract_figures(narrative)))


# --- runs ---


def start_run(db: Database, job: str) -> int:
    """Open a run row; any run still marked running belongs to a process that died (we hold the lock)."""
    db.execute(
        "update runs set status = 'interrupted', finished_at = ? where status = 'running' and job = ?",
        [now_iso(), job],
    )
    cursor = db.execute(
        "insert into runs (job, started_at, status, pid) values (?, ?, 'running', ?)", [job, now_iso(), os.getpid()]
    )
    return inserted_id(cursor)


def finish_run(db: Database, run_id: int, status: str, summary: dict[str, Any], error: str | None = None) -> None:
    db.execute(
        "update runs set status = ?, finished_at = ?, summary = ?, error = ? where id = ?",
        [status, now_iso(), json.dumps(summary), error, run_id],
    )


def last_run(db: Database, job: str) -> dict[str, Any] | None:
    """The newest `runs` row of a job ("sweep": every sweep, whether `tipwatch run`, a scheduled job or a
    discovery started it), or None."""
    row = db.execute(
        "select started_at, finished_at, status, summary, error from runs where job = ? order by id desc limit 1",
        [job],
    ).fetchone()
    return dict(zip(("started_at", "finished_at", "status", "summary", "error"), row, strict=True)) if row else None


def newest_snapshot_edition(db: Database) -> int | None:
    return db.execute("select max(edition) from snapshots").fetchone()[0]


def has_snapshots(db: Database, edition: int | None = None) -> bool:
    if edition is None:
        return db.execute("select exists(select 1 from snapshots)").fetchone()[0] == 1
    return db.execute("select exists(select 1 from snapshots where edition = ?)", [edition]).fetchone()[0] == 1


# --- job state (what the scheduler keeps across restarts) ---


def job_states(db: Database) -> dict[str, dict[str, Any]]:
    if not db.table("job_state").exists():
        return {}
    return {row["job"]: row for row in db.table("job_state").rows}


def record_job_state(db: Database, job_id: str, values: dict[str, str | None]) -> None:
    db.table("job_state").upsert({"job": job_id, **values}, pk="job")
