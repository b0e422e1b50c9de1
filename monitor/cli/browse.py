"""tipwatch commands for browsing in the terminal: history, diff, tiers, changes, recommendations, compare.

Each command reads through snapshots.read (the database opened read-only) or compares two pages
directly, and renders the structures of snapshots.core.compare, worded by snapshots.core.describe.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

import click
from rich.table import Table
from rich.text import Text
from sqlite_utils import Database

from monitor.cli import AppContext, pass_app
from monitor.cli.console import SafeConsole
from monitor.cli.diffview import SIGNIFICANCE_STYLE, color_option, diff_console, render_diff
from monitor.cli.parse import read_source
from monitor.csvout import write_rows
from monitor.parse import parse_narrative
from snapshots import read
from snapshots.core import describe
from snapshots.core.compare import compare, diff_narratives
from snapshots.core.countries import display_name
from snapshots.core.models import KINDS, Narrative
from snapshots.core.recommendations import recommendation_tracker


def _country(db: Database, query: str) -> str:
    return read.resolve_country(db, query)


def _echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@click.command("history")
@click.argument("country")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_app
def history(app: AppContext, country: str, as_json: bool) -> None:
    """Every stored snapshot of COUNTRY (slug or name): edition, time, tier, and what changed."""
    db = app.open_db(readonly=True)
    key = _country(db, country)
    rows = []
    for snap in read.snapshots_of(db, key):
        rows.append((snap, read.changes(db, read.ChangeFilter(snapshot_id=snap.id, limit=None))))
    if as_json:
        _echo_json(
            [
                {
                    "snapshot_id": s.id,
                    "edition": s.edition,
                    "fetched_at": s.fetched_at,
                    "tier": s.tier,
                    "url": s.url,
                    "changes": [c.to_json() for c in cs],
                }
                for s, cs in rows
            ]
        )
        return
    table = Table(title=f"{rows[-1][0].country if rows else key}: snapshots")
    for column in ("id", "edition", "fetched", "tier", "what changed"):
        table.add_column(column)
    for snap, recorded in rows:
        table.add_row(
            str(snap.id),
            str(snap.edition),
            snap.fetched_at,
            snap.tier,
            describe.what_changed([c.detail for c in recorded]),
        )
    SafeConsole(highlight=False).print(table)


@click.command("diff")
@click.argument("country")
@click.option("--from", "from_ref", metavar="A", help="Edition year or snapshot id (#N) to compare from.")
@click.option("--to", "to_ref", metavar="B", help="Edition year or snapshot id (#N) to compare to (default: latest).")
@click.option("--changes-only", is_flag=True, help="Show only changed passages with a little context.")
@click.option("--json", "as_json", is_flag=True, help="Print the structured diff as JSON.")
@color_option
@pass_app
def diff(
    app: AppContext,
    country: str,
    from_ref: str | None,
    to_ref: str | None,
    changes_only: bool,
    as_json: bool,
    color: bool | None,
) -> None:
    """What changed in COUNTRY's narrative between two editions or snapshots.

    Default: the latest edition against the one before it. The summary comes first (tier move,
    recommendations kept/reworded/new/dropped, sections changed), then the word diff per section.
    """
    db = app.open_db(readonly=True)
    key = _country(db, country)
    if from_ref is None and to_ref is None:
        old_id, new_id = read.default_pair(db, key)
    else:
        new_id = read.resolve_ref(db, key, to_ref) if to_ref else read.snapshots_of(db, key)[-1].id
        previous = read.resolve_ref(db, key, from_ref) if from_ref else read.previous_of(db, new_id)
        if previous is None:
            raise read.RefError(f"snapshot #{new_id} has nothing before it to compare with")
        old_id = previous
    pair = read.diff_pair(db, old_id, new_id)
    if pair is None:
        raise click.ClickException(f"snapshot #{old_id} or #{new_id} has no readable narrative")
    result = pair.diff
    if as_json:
        _echo_json({"old_snapshot_id": old_id, "new_snapshot_id": new_id, **result.to_json()})
        return
    render_diff(result, diff_console(color), changes_only=changes_only, header=f"; snapshots #{old_id} -> #{new_id}")


@click.command("tiers")
@click.argument("country", required=False)
@click.option("--edition", type=int, metavar="YEAR", help="Every tier move of this edition against the previous one.")
@click.option("--all", "whole", is_flag=True, help="The edition's whole table: country, tier, previous tier, streak.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV.")
@pass_app
def tiers(app: AppContext, country: str | None, edition: int | None, whole: bool, as_csv: bool) -> None:
    """A country's tier timeline, or (with --edition) an edition's tier moves against the previous edition.

    Without arguments: the tier moves of the latest stored edition. With --all: every country of the
    edition, not only those that moved.
    """
    db = app.open_db(readonly=True)
    stored = [e.edition for e in read.editions(db)]
    if not stored:
        raise click.ClickException("no snapshots stored yet")
    if edition is not None and edition not in stored:
        raise click.ClickException(f"no {edition} edition stored; editions: {', '.join(map(str, sorted(stored)))}")
    if country:
        title, header, rows = _timeline_table(db, _country(db, country), edition)
    elif whole:
        title, header, rows = _edition_table(db, edition if edition is not None else stored[0])
    else:
        title, header, rows = _moves_table(db, edition if edition is not None else stored[0])
    if as_csv:
        write_rows(sys.stdout, header, rows)
        return
    table = Table(title=title)
    for column in header:
        table.add_column(column.replace("_", " "))
    for row in rows:
        table.add_row(*("yes" if v is True else "" if v is False else str(v) for v in row))
    SafeConsole(highlight=False).print(table)


_Table = tuple[str, list[str], list[Sequence[object]]]  # title, header, rows


def _timeline_table(db: Database, key: str, edition: int | None) -> _Table:
    points = read.tier_timeline(db, key)
    if edition is not None:
        points = [p for p in points if p.edition == edition]
    header = ["edition", "tier", "previous", "direction", "watch_list_streak", "waiver", "faces_downgrade"]
    rows: list[Sequence[object]] = [
        [
            p.edition,
            p.tier,
            p.previous or "",
            p.direction if p.previous else "first stored",
            p.watch_list_streak,
            p.waiver,
            p.faces_automatic_downgrade,
        ]
        for p in points
    ]
    return f"{read.country_names(db).get(key, key)}: tier timeline", header, rows


def _edition_table(db: Database, year: int) -> _Table:
    rows: list[Sequence[object]] = [read.table_cells(r) for r in read.edition_table(db, year) or []]
    return f"{year} report: every country", list(read.TABLE_COLUMNS), rows


def _moves_table(db: Database, year: int) -> _Table:
    previous, moves = read.edition_moves(db, year)
    rows: list[Sequence[object]] = [
        [m.country, m.old_tier or "(not covered)", m.new_tier or "(not covered)", m.direction] for m in moves
    ]
    title = f"{year} report: tier moves against {previous}" if previous else f"{year} report: no earlier edition"
    return title, ["country", "from", "to", "direction"], rows


@click.command("changes")
@click.option("--since", metavar="DATE", help="Only changes recorded on or after this date (YYYY-MM-DD).")
@click.option("--kind", type=click.Choice(KINDS), help="Only changes of this kind.")
@click.option("--country", metavar="C", help="Only changes of this country (slug or name).")
@click.option("--limit", type=click.IntRange(min=1), help="Only the latest N changes.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def changes(
    app: AppContext, since: str | None, kind: str | None, country: str | None, limit: int | None, as_json: bool
) -> None:
    """The change log, oldest first: tier moves, findings, recommendations, sections, coverage, editions."""
    db = app.open_db(readonly=True)
    key = _country(db, country) if country else None
    if since is not None:
        since = _check_date(since)
    records = read.changes(db, read.ChangeFilter(since=since, kind=kind, country_key=key, limit=limit))
    if as_json:
        _echo_json({"changes": [r.to_json() for r in records]})
        return
    console = SafeConsole(highlight=False)
    for r in records:
        line = Text(f"#{r.id} {r.created_at[:10]} [{r.significance}] {r.kind}: ", style="bold")
        console.print(line + Text(r.summary, style=SIGNIFICANCE_STYLE[r.significance]))
    if not records:
        console.print("no changes recorded" + (" that match" if any((since, kind, key)) else ""))


def _check_date(value: str) -> str:
    from datetime import date

    try:
        date.fromisoformat(value[:10])
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint="--since") from None
    return value


@click.command("recommendations")
@click.argument("country")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_app
def recommendations(app: AppContext, country: str, as_json: bool) -> None:
    """COUNTRY's recommendations across editions: labels per edition and how long each has been carried."""
    db = app.open_db(readonly=True)
    key = _country(db, country)
    tracker = recommendation_tracker(read.latest_narratives(db, key))
    if as_json:
        _echo_json(
            {
                "editions": tracker.editions,
                "recommendations": [
                    {
                        "text": t.text,
                        "editions_carried": t.years_carried,
                        "active": t.active,
                        "labels": {str(e): c.label for e, c in t.cells.items()},
                    }
                    for t in tracker.threads
                ],
            }
        )
        return
    table = Table(title=f"{read.country_names(db).get(key, key)}: recommendations", show_lines=True)
    table.add_column("recommendation (latest wording)", ratio=3)
    for edition in tracker.editions:
        table.add_column(str(edition))
    table.add_column("carried")
    for thread in tracker.threads:
        cells = [describe.label_words(thread.cells[e].label) if e in thread.cells else "" for e in tracker.editions]
        table.add_row(thread.text, *cells, f"{thread.years_carried}" + ("" if thread.active else " (dropped)"))
    SafeConsole(highlight=False).print(table)


def _load(source: str) -> Narrative:
    data, url, charset = read_source(source)
    if data.lstrip().startswith(b"{"):  # a narrative saved with `tipwatch parse --json`
        try:
            return Narrative.from_json(json.loads(data))
        except (ValueError, KeyError, TypeError):
            pass
    return parse_narrative(data, url, charset=charset)


@click.command("compare")
@click.argument("old", metavar="OLD")
@click.argument("new", metavar="NEW")
@click.option("--json", "as_json", is_flag=True, help='Print {"changes": [...]}.')
@click.option("--changes-only", is_flag=True, help="Show only changed passages with a little context.")
@click.option("--force", is_flag=True, help="Compare even when the two pages are of different countries.")
@color_option
def compare_pages(old: str, new: str, as_json: bool, changes_only: bool, force: bool, color: bool | None) -> None:
    """Compare two narrative pages (files or URLs) directly, without the database.

    An edition comparison when their editions differ, a revision comparison otherwise. Two pages of
    different countries are refused (exit 1) unless --force.
    """
    old_n, new_n = _load(old), _load(new)
    if old_n.country_key != new_n.country_key and not force:
        raise click.ClickException(
            f"{old} is {display_name(old_n.country)} and {new} is {display_name(new_n.country)}:"
            " different countries (--force compares them anyway)"
        )
    if as_json:
        _echo_json({"changes": [c.to_json() for c in compare(old_n, new_n)]})
        return
    render_diff(diff_narratives(old_n, new_n), diff_console(color), changes_only=changes_only)


COMMANDS: list[click.Command] = [history, diff, tiers, changes, recommendations, compare_pages]
