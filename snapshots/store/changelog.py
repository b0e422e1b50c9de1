"""Recording changes: each new snapshot is compared once, and its typed changes are stored in `changes`.

Called by the pipeline inside the snapshot's transaction (nothing here commits). Every row has a unique
key built from the two snapshot ids and the change's own key, so recording the same snapshot twice
inserts nothing the second time.

Editions are expected to be stored oldest first: a snapshot is compared with what is already stored.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlite_utils import Database

from snapshots.core.compare import compare, coverage_change, edition_change
from snapshots.core.models import Change, Figure, Narrative, SectionDetail
from snapshots.core.recommendations import carried_counts
from snapshots.core.text import elide_unchanged
from snapshots.core.tiers import tier_moves
from snapshots.read.editions import previous_edition, roster
from snapshots.read.figures import snapshot_figures
from snapshots.read.snapshots import latest_per_edition
from snapshots.store.db import inserted_id, now_iso
from snapshots.store.writes import SnapshotData, latest_snapshot


def _snapshot(db: Database, snapshot_id: int) -> dict[str, Any]:
    row = db.execute(
        "select id, page_id, edition, country_key, narrative from snapshots where id = ?", [snapshot_id]
    ).fetchone()
    if row is None:
        raise LookupError(f"no snapshot {snapshot_id}")
    return dict(zip(("id", "page_id", "edition", "country_key", "narrative"), row, strict=True))


def _narrative(row: dict[str, Any]) -> Narrative:
    return Narrative.from_json(row["narrative"])


def _edition_context(narratives: dict[int, Narrative]) -> tuple[dict[int, str], dict[str, int]]:
    """The tier history and the recommendation carried counts of a country from its narratives of the
    earlier editions (each edition's last good version)."""
    # "Carried" counts only the run of consecutive covered editions ending with the latest one.
    run: list[int] = []
    for e in narratives:
        run = [*run, e] if run and run[-1] == e - 1 else [e]
    history = {e: n.tier for e, n in narratives.items()}
    return history, carried_counts([narratives[e].recommendations for e in run])


def _insert(
    db: Database, change: Change, *, comparison: str, country: Narrative | None, edition: int | None,
    old_id: int | None, new_id: int | None,
) -> int | None:  # fmt: skip
    """Insert one change row unless its key is stored already; returns the new row's id or None."""
    key = f"{old_id or 0}>{new_id or 0}:{change.key}"
    detail = change.detail
    if isinstance(detail, SectionDetail) and detail.status == "changed" and country is not None:
        ops, elided = elide_unchanged(detail.diff, country.sections.get(detail.section, ""))
        detail = replace(detail, diff=ops, elided=elided)
    cursor = db.execute(
        """insert or ignore into changes (key, comparison, kind, significance, country_key, country, edition,
           old_snapshot_id, new_snapshot_id, summary, detail, created_at)
           values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            key,
            comparison,
            change.kind,
            change.significance,
            country.country_key if country else None,
            country.country if country else None,
            edition,
            old_id,
            new_id,
            change.summary,
            json.dumps(detail.to_json(), ensure_ascii=False),
            now_iso(),
        ],
    )
    return inserted_id(cursor) if cursor.rowcount == 1 else None


# A change standing for a whole misread version (see compare's anomalies): a part lost, another country named.
_ANOMALY = "(c.kind = 'layout' or (c.kind = 'doubtful' and c.key like '%:doubtful:country'))"


def _last_good_on_page(db: Database, page_id: int, snapshot_id: int) -> int | None:
    """The page's latest snapshot before `snapshot_id` that was not recorded as misread (None: none was).

    A version recorded only as an anomaly (a layout drift, a decoy country) was never compared item by
    item: the version after it is compared with the last one that was, so a page coming back from a drift
    reports what changed since then, not each restored recommendation as new. A misread version whose
    reparse found real changes (kept beside the layout change that was sent) counts as good again.
    """
    row = db.execute(
        f"""select max(s.id) from snapshots s where s.page_id = ? and s.id < ?
            and (not exists (select 1 from changes c where c.new_snapshot_id = s.id and {_ANOMALY})
                 or exists (select 1 from changes c where c.new_snapshot_id = s.id and not {_ANOMALY}))""",
        [page_id, snapshot_id],
    ).fetchone()
    return None if row[0] is None else int(row[0])


def _last_good_of(db: Database, snapshot_id: int) -> int:
    """`snapshot_id`, or the last good snapshot of its page before it when it was recorded as misread."""
    page_id = db.execute("select page_id from snapshots where id = ?", [snapshot_id]).fetchone()[0]
    return _last_good_on_page(db, page_id, snapshot_id + 1) or snapshot_id


@dataclass(frozen=True)
class Basis:
    """What a new snapshot of a page is compared with, as decided by what is stored before it.

    `comparison` is "revision" (the page's previous good snapshot), "edition" (the country's narrative in
    the previous edition that covered it; `old_id` None: first coverage) or None (nothing to record: the
    baseline, or a mirror of a country already compared in this edition). Two bases are equal when they
    name the same snapshots: `old_id`, and for an edition comparison `earlier`, the last good snapshot of
    each earlier edition (its tier history and carried counts). Snapshots do not change, so comparing ids
    is enough, and deciding a basis reads no narrative; `load_basis` reads what the comparison needs.
    """

    comparison: str | None
    edition: int
    old_id: int | None = None
    earlier: tuple[tuple[int, int], ...] = ()  # (edition, snapshot id), oldest first
    old: Narrative | None = field(default=None, compare=False)
    old_figures: tuple[Figure, ...] = field(default=(), compare=False)
    history: dict[int, str] = field(default_factory=dict, compare=False)
    carried: dict[str, int] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Ahead:
    """Changes computed ahead of storing the snapshot (in a worker process) against the basis stored at
    the time; used only if the basis is still the one when it is stored (another page of the sweep, a
    mirror of the same country, may have been stored in between)."""

    basis: Basis
    changes: list[Change]


# Newer than every snapshot: the basis of a snapshot not stored yet.
_NOT_STORED = 2**62


def comparison_basis(
    db: Database, *, page_id: int, edition: int, country_key: str, snapshot_id: int | None = None
) -> Basis:
    """What snapshot `snapshot_id` of a page is compared with (None: one about to be stored), ids only.

    Revision comparison against the previous good snapshot of the same page (`_last_good_on_page`); or, for
    the first snapshot of its edition for that country (or the first one read whole), the edition comparison
    against the country's narrative in the previous edition that covered it (its last good version). A
    country with no earlier narrative while earlier editions are stored is first coverage; with no earlier
    edition stored at all, the snapshot is the baseline and nothing is recorded.
    """
    before = snapshot_id or _NOT_STORED
    previous_on_page = _last_good_on_page(db, page_id, before)
    if previous_on_page is not None:
        return Basis("revision", edition, previous_on_page)
    if not _stored_before(db, edition):
        return Basis(None, edition)  # the baseline (a first sweep): nothing to compare with
    # A page misread from its first version on is compared, once read whole, as its edition's first.
    misread_before = db.execute(
        "select exists(select 1 from snapshots where page_id = ? and id < ?)", [page_id, before]
    ).fetchone()[0]
    earlier_in_edition = db.execute(
        "select exists(select 1 from snapshots where country_key = ? and edition = ? and id < ?)",
        [country_key, edition, before],
    ).fetchone()[0]
    if earlier_in_edition and not misread_before:  # another page of this edition (a mirror) was compared
        return Basis(None, edition)
    earlier = tuple(
        (e, _last_good_of(db, snapshot_id)) for e, snapshot_id in latest_per_edition(db, country_key, before=edition)
    )
    return Basis("edition", edition, earlier[-1][1] if earlier else None, earlier)


def load_basis(db: Database, basis: Basis) -> Basis:
    """The basis with the old narrative, its figures and the edition context read in, for `changes_against`."""
    if basis.old_id is None:
        return basis
    if basis.comparison != "edition":
        return replace(basis, old=_narrative(_snapshot(db, basis.old_id)))
    narratives = {e: _narrative(_snapshot(db, snapshot_id)) for e, snapshot_id in basis.earlier}
    history, carried = _edition_context(narratives)
    old = narratives[basis.earlier[-1][0]]
    return replace(basis, old=old, old_figures=snapshot_figures(db, basis.old_id), history=history, carried=carried)


def changes_against(basis: Basis, new: Narrative, new_figures: Sequence[Figure]) -> list[Change]:
    """The changes of a new narrative against a loaded basis. Pure: a worker process may run it."""
    if basis.comparison is None:
        return []
    if basis.old_id is None:
        return [coverage_change(new, "added", edition=basis.edition)]
    if basis.old is None:
        raise ValueError("changes_against needs a loaded basis (load_basis)")
    if basis.comparison == "revision":
        return compare(basis.old, new, comparison="revision")
    return compare(
        basis.old,
        new,
        comparison="edition",
        tier_history=basis.history,
        carried=basis.carried,
        figures=(basis.old_figures, new_figures),
    )


def compare_ahead(db: Database, *, page_id: int, edition: int, data: SnapshotData) -> Ahead | None:
    """The changes a page's new snapshot will record, computed before it is stored (in a worker process,
    on a connection of its own). None when there is nothing to compute: the same content (it will not be
    stored), nothing to compare with, or only a first coverage."""
    latest = latest_snapshot(db, page_id)
    if latest is not None and latest["content_hash"] == data.content_hash:
        return None
    basis = comparison_basis(db, page_id=page_id, edition=edition, country_key=data.narrative.country_key)
    if basis.comparison is None or basis.old_id is None:
        return None
    figures = tuple(f for _, f in data.figures)
    return Ahead(basis, changes_against(load_basis(db, basis), data.narrative, figures))


def record_changes_for(db: Database, snapshot_id: int, ahead: Ahead | None = None) -> list[int]:
    """Compare a new snapshot with what came before it and store the changes; returns the new change ids."""
    return [change_id for change_id, _ in record_changes(db, snapshot_id, ahead)]


def record_changes(db: Database, snapshot_id: int, ahead: Ahead | None = None) -> list[tuple[int, Change]]:
    """Compare a new snapshot with what came before it (`comparison_basis`) and store the changes; returns
    each new row's id with its change. `ahead` holds changes computed before the snapshot was stored, used
    when their basis is still the current one."""
    new_row = _snapshot(db, snapshot_id)
    basis = comparison_basis(
        db,
        page_id=new_row["page_id"],
        edition=new_row["edition"],
        country_key=new_row["country_key"],
        snapshot_id=snapshot_id,
    )
    if basis.comparison is None:
        return []  # the new narrative is not even read back
    new = _narrative(new_row)
    if ahead is not None and ahead.basis == basis:
        changes = ahead.changes
    else:
        changes = changes_against(load_basis(db, basis), new, snapshot_figures(db, snapshot_id))
    ids = [
        (_insert(db, c, comparison=basis.comparison, country=new, edition=basis.edition, old_id=basis.old_id,
                 new_id=snapshot_id), c)
        for c in changes
    ]  # fmt: skip
    return [(i, c) for i, c in ids if i is not None]


def _stored_before(db: Database, edition: int) -> bool:
    """Whether any earlier edition is stored (without one, a first snapshot of an edition is the baseline)."""
    return db.execute("select exists(select 1 from snapshots where edition < ?)", [edition]).fetchone()[0] == 1


def record_edition_summary(db: Database, edition: int) -> int | None:
    """After a sweep of an edition: store the `edition` change (countries covered, tier moves against the
    previous stored edition) and a `coverage` change for each country of the previous edition missing from
    this one. Returns the edition change's id, or None when it was recorded before (or nothing is stored).

    A country whose page in this edition is failing to fetch is not "no longer covered": it is skipped.
    """
    current = roster(db, edition)
    if not current:
        return None
    previous_year = previous_edition(db, edition)
    previous = roster(db, previous_year) if previous_year is not None else {}
    change = edition_change(edition, len(current), tier_moves(previous, current), previous_year)
    change_id = _insert(db, change, comparison="edition", country=None, edition=edition, old_id=None, new_id=None)
    failing = {
        row[0]
        for row in db.execute(
            "select country_key from pages where edition = ? and consecutive_failures > 0 and country_key is not null",
            [edition],
        ).fetchall()
    }
    for key in sorted(set(previous) - set(current) - failing):
        old_id = previous[key].snapshot_id
        last = _narrative(_snapshot(db, old_id))
        _insert(
            db,
            coverage_change(last, "removed", edition=edition),
            comparison="edition",
            country=last,
            edition=edition,
            old_id=old_id,
            new_id=None,
        )
    return change_id


def recompute_changes_for(db: Database, snapshot_id: int) -> list[int]:
    """After a snapshot was parsed again: replace the changes it caused with what compare says now.

    A change whose alert went out stays on record (what people were told is history); one waiting in
    the outbox or never queued is dropped with its rows. The new changes are returned, never queued:
    a reparse corrects the record, it does not alert.
    """
    stale = [r[0] for r in db.execute("select id from changes where new_snapshot_id = ?", [snapshot_id]).fetchall()]
    for change_id in stale:
        db.execute("delete from outbox where change_id = ? and status in ('pending', 'dead')", [change_id])
        db.execute(
            "delete from changes where id = ? and not exists (select 1 from outbox where change_id = ?)",
            [change_id, change_id],
        )
    return record_changes_for(db, snapshot_id)
