"""Re-read stored raw pages with the current parser, so parser fixes reach old snapshots."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

from monitor.errors import ParseError
from monitor.parse import PARSER_VERSION, parse_narrative
from snapshots.core.compression import decompress
from snapshots.store import changelog, writes
from snapshots.store.db import now_iso


@dataclass
class ReparseReport:
    reparsed: int = 0
    current: int = 0
    changes: int = 0  # changes recorded anew from the new parses (never alerted)
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def reparse_all(db: Database, *, force: bool = False) -> ReparseReport:
    """Parse every snapshot whose parser_version is not the current one (or all with force)."""
    report = ReparseReport()
    rows = db.execute("select id, raw, url, parser_version from snapshots order by id").fetchall()
    for snapshot_id, raw, url, version in rows:
        if version == PARSER_VERSION and not force:
            report.current += 1
            continue
        try:
            narrative = parse_narrative(decompress(raw), url)
        except ParseError as exc:
            report.failed += 1
            report.errors.append(f"snapshot {snapshot_id} ({url}): {exc}")
            continue
        with db.atomic():
            writes.record_reparse(db, snapshot_id, narrative, at=now_iso())
            # The changes this snapshot caused, and those of the next version of its page (compared with it).
            for affected in (snapshot_id, writes.next_on_page(db, snapshot_id)):
                if affected is not None:
                    report.changes += len(changelog.recompute_changes_for(db, affected))
        report.reparsed += 1
    return report
