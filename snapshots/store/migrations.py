"""The schema, as ordered named migrations (sqlite-utils' Migrations records what ran).

Append new migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from snapshots.core.models import Narrative
from snapshots.store.figure_rows import kept_figures, write_figures

migrations = Migrations("tipwatch")


@migrations()
def m001_core(db: Database) -> None:
    db.table("runs").create(
        {
            "id": int,
            "job": str,  # "run", "sweep", "discover", "deliver", ...
            "started_at": str,
            "finished_at": str,
            "status": str,  # running | ok | failed | interrupted
            "pid": int,
            "summary": str,  # JSON counts
            "error": str,
        },
        pk="id",
    )
    db.table("pages").create(
        {
            "id": int,
            "edition": int,
            "slug": str,
            "url": str,
            "host": str,  # the host that last answered (www or an archive host)
            "kind": str,  # narrative | other | unknown
            "country_key": str,
            "etag": str,
            "last_modified": str,
            "first_seen": str,
            "last_checked": str,
            "consecutive_failures": int,
            "failing_since": str,
            "last_error": str,
        },
        pk="id",
        defaults={"kind": "unknown", "consecutive_failures": 0},
    )
    db.table("pages").create_index(["edition", "slug"], unique=True)
    db.table("snapshots").create(
        {
            "id": int,
            "page_id": int,
            "edition": int,
            "country_key": str,
            "country": str,
            "tier": str,
            "fetched_at": str,
            "content_hash": str,  # of the normalized narrative: cosmetic edits do not make snapshots
            "raw": bytes,  # the page as fetched, compressed (snapshots.core.compression)
            "raw_sha256": str,
            "narrative": bytes,  # the current parse, Narrative.to_blob() (see `parses` for history)
            "parser_version": str,
            "layout": str,
            "url": str,
            "etag": str,
        },
        pk="id",
        foreign_keys=[("page_id", "pages", "id")],
    )
    db.table("snapshots").create_index(["page_id", "id"])
    db.table("snapshots").create_index(["country_key", "edition"])
    db.table("parses").create(
        {
            "id": int,
            "snapshot_id": int,
            "parser_version": str,
            "parsed_at": str,
            "narrative": bytes,
            "content_hash": str,
        },
        pk="id",
        foreign_keys=[("snapshot_id", "snapshots", "id")],
    )
    db.table("checks").create(
        {
            "id": int,
            "run_id": int,
            "page_id": int,
            "url": str,
            "checked_at": str,
            "status_code": int,
            "etag": str,
            "bytes": int,
            "duration_ms": float,
            "outcome": str,  # new | unchanged | not_modified | not_covered | skipped | error
            "error_kind": str,  # http_404, http_5xx, timeout, blocked, truncated, not_narrative, ...
            "message": str,
            "snapshot_id": int,
        },
        pk="id",
        foreign_keys=[("run_id", "runs", "id"), ("page_id", "pages", "id"), ("snapshot_id", "snapshots", "id")],
    )
    db.table("checks").create_index(["page_id", "id"])
    # The search index covers the current snapshot of each page. `sections` names each indexed part;
    # the FTS table is contentless (the text already lives, compressed, in snapshots.narrative), which
    # keeps a snapshot's footprint near its compressed page rather than three copies of its text.
    db.table("sections").create(
        {"id": int, "snapshot_id": int, "name": str, "position": int},
        pk="id",
        foreign_keys=[("snapshot_id", "snapshots", "id")],
    )
    db.table("sections").create_index(["snapshot_id"])
    db.execute("CREATE VIRTUAL TABLE sections_fts USING fts5(text, content='', tokenize='porter')")
    db.table("changes").create(
        {
            "id": int,
            "key": str,  # unique: recording the same comparison twice is a no-op
            "comparison": str,  # revision | edition
            "kind": str,
            "significance": str,
            "country_key": str,
            "country": str,
            "edition": int,
            "old_snapshot_id": int,
            "new_snapshot_id": int,
            "summary": str,
            "detail": str,  # JSON
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("old_snapshot_id", "snapshots", "id"), ("new_snapshot_id", "snapshots", "id")],
    )
    db.table("changes").create_index(["key"], unique=True)
    db.table("changes").create_index(["country_key", "id"])
    db.table("outbox").create(
        {
            "id": int,
            "change_id": int,  # null for notices (digests, health, baselines)
            "notice": str,  # JSON of a notice message when change_id is null
            "channel": str,
            "dedupe_key": str,  # unique: one row per (change or notice, channel)
            "status": str,  # pending | sending | sent | dead
            "attempts": int,
            "next_attempt_at": str,
            "last_error": str,
            "created_at": str,
            "sent_at": str,
        },
        pk="id",
        defaults={"status": "pending", "attempts": 0},
        foreign_keys=[("change_id", "changes", "id")],
    )
    db.table("outbox").create_index(["dedupe_key"], unique=True)
    db.table("outbox").create_index(["status", "next_attempt_at"])
    db.table("job_state").create(
        {"job": str, "last_started_at": str, "last_success_at": str, "last_error": str, "last_error_at": str},
        pk="job",
    )


@migrations()
def m002_alerts(db: Database) -> None:
    # outbox.batch: the idempotency key of the message a row went out in, so an interrupted send is
    # repeated as the same message with the same key. pages.problem_alerted_at: set while a "problem"
    # alert for the page's current failure streak is out; cleared when "resolved" is sent.
    db.table("outbox").add_column("batch", str)
    db.table("outbox").create_index(["channel", "status"])
    db.table("pages").add_column("problem_alerted_at", str)


@migrations()
def m003_browse_indexes(db: Database) -> None:
    # The browse page reads an edition's roster and a snapshot pair's stored changes on every view.
    db.table("snapshots").create_index(["edition", "country_key", "id"], if_not_exists=True)
    db.table("changes").create_index(["new_snapshot_id", "old_snapshot_id"], if_not_exists=True)
    db.table("changes").create_index(["edition", "kind"], if_not_exists=True)


@migrations()
def m004_landings(db: Database) -> None:
    # Each edition's landing page and its validators: an unchanged landing page (304) means an unchanged
    # list of sub-pages, which is then read from `pages` instead of being parsed again.
    db.table("landings").create(
        {"edition": int, "url": str, "etag": str, "last_modified": str, "checked_at": str}, pk="edition"
    )


@migrations()
def m005_page_health(db: Database) -> None:
    # Whether a "problem" alert is out for a page is alert state, not page state: its own table, so the
    # pages rows are written by the sweep alone. Carries over what pages.problem_alerted_at held.
    db.table("page_health").create(
        {"page_id": int, "problem_alerted_at": str}, pk="page_id", foreign_keys=[("page_id", "pages", "id")]
    )
    db.execute(
        "insert into page_health (page_id, problem_alerted_at)"
        " select id, problem_alerted_at from pages where problem_alerted_at is not null"
    )
    db.execute("alter table pages drop column problem_alerted_at")


@migrations()
def m006_figures(db: Database) -> None:
    # The report's own figures of each snapshot (see figure_rows), filled in for the snapshots already stored.
    db.table("figures").create(
        {
            "id": int,
            "snapshot_id": int,
            "position": int,  # order in the narrative
            "measure": str,  # investigations | prosecutions | convictions | victims_identified
            "scope": str,  # all | sex | labor
            "value": int,  # null when not reported
            "qualifier": str,  # "at least", "approximately", ...; null when exact
            "previous": int,  # the prior period's figure when the sentence states it
            "reported": int,  # 0 for an explicit "did not report"
            "unit": str,  # cases | persons
            "section": str,  # summary | prosecution | protection
            "sentence": str,  # verbatim
            "headline": int,  # 1 for the one figure per (measure, scope) that comparisons use
        },
        pk="id",
        foreign_keys=[("snapshot_id", "snapshots", "id")],
    )
    db.table("figures").create_index(["snapshot_id", "position"])
    stored = db.execute("select id, narrative from snapshots where narrative is not null").fetchall()
    if not stored:  # a new database: compiling the figure patterns (50-80 ms) is left to the first page
        return
    from snapshots.core.figures import extract_figures

    for snapshot_id, blob in stored:
        write_figures(db, snapshot_id, kept_figures(extract_figures(Narrative.from_json(blob))))


@migrations()
def m007_edition_alerts(db: Database) -> None:
    # How each tracked edition is alerted (alerts/policy.py): baseline, release (a new edition is being
    # read; its changes wait for one digest), published (every change alerts at once) or backfill. An
    # edition already summarised is published; a newest edition not yet summarised is still in release.
    db.table("edition_alerts").create(
        {"edition": int, "state": str, "since": str, "sweeps": int, "digest_at": str},
        pk="edition",
        defaults={"sweeps": 0},
    )
    db.execute(
        """insert into edition_alerts (edition, state, since, sweeps)
           select s.edition,
                  case when exists (select 1 from changes c where c.kind = 'edition' and c.edition = s.edition)
                         or s.edition < (select max(edition) from snapshots)
                         or (select count(distinct edition) from snapshots) = 1
                       then 'published' else 'release' end,
                  min(s.fetched_at), 0
           from snapshots s group by s.edition"""
    )


@migrations()
def m008_headline_figures(db: Database) -> None:
    # Only headline figures are stored (see figure_rows): the others went unread and were most of a
    # snapshot's bytes. Every row left is a headline, so the column that marked them goes too.
    db.execute("delete from figures where headline = 0")
    db.execute("alter table figures drop column headline")


@migrations()
def m009_check_urls(db: Database) -> None:
    # A check row is written for every page on every sweep, and almost always names the page's own URL:
    # it keeps the URL only when another one answered (a redirect, an archive host); null is the page's.
    db.execute("update checks set url = null where url = (select p.url from pages p where p.id = checks.page_id)")


@migrations()
def m010_figure_sentences_once(db: Database) -> None:
    # A figure stated in the same sentence as the figure before it stores no copy of it (see figure_rows).
    rows = db.execute("select id, snapshot_id, sentence from figures order by snapshot_id, position").fetchall()
    repeated = [
        (row_id,)
        for (row_id, snapshot, sentence), (_, before_snapshot, before) in zip(rows[1:], rows, strict=False)
        if snapshot == before_snapshot and sentence is not None and sentence == before
    ]
    db.conn.executemany("update figures set sentence = null where id = ?", repeated)
