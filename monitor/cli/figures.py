"""tipwatch figures and export: the report's own numbers per country and edition, and the tidy panel.

Both read through snapshots.read (the database opened read-only) and only render.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.table import Table

from monitor.cli import AppContext, pass_app
from monitor.cli.console import SafeConsole
from monitor.csvout import write_csv
from snapshots import read
from snapshots.core.describe import measure_label
from snapshots.read.figures import CSV_COLUMNS, FigureRow
from snapshots.read.panel import COLUMNS


def _stated(row: FigureRow) -> str:
    if not row.reported:
        return "not reported"
    return f"{row.qualifier} {row.value}" if row.qualifier else str(row.value)


@click.command("figures")
@click.argument("country", required=False)
@click.option("--edition", type=int, metavar="YEAR", help="Only this edition (without COUNTRY: every country in it).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON, each figure with its source sentence.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV, each figure with its source sentence.")
@pass_app
def figures(app: AppContext, country: str | None, edition: int | None, as_json: bool, as_csv: bool) -> None:
    """The report's own figures (investigations, prosecutions, convictions, victims identified) of COUNTRY,
    one row per edition and measure, or with --edition YEAR and no COUNTRY, of every country in that edition.

    Without arguments: every country in the latest stored edition. --json and --csv add the sentence each
    figure was read from.
    """
    if as_json and as_csv:
        raise click.UsageError("choose one of --json and --csv")
    db = app.open_db(readonly=True)
    if country:
        rows = read.country_figures(db, read.resolve_country(db, country))
        if edition is not None:
            rows = [r for r in rows if r.edition == edition]
    else:
        stored = read.editions(db)
        if not stored:
            raise click.ClickException("no snapshots stored yet")
        rows = read.edition_figures(db, edition if edition is not None else stored[0].edition)
    if as_json:
        click.echo(json.dumps([r.to_json() for r in rows], ensure_ascii=False, indent=2))
    elif as_csv:
        write_csv(sys.stdout, CSV_COLUMNS, (r.to_json() for r in rows))
    else:
        _print_table(rows, with_country=not country)


def _print_table(rows: list[FigureRow], *, with_country: bool) -> None:
    # The source sentences would drown the numbers in a terminal: --json and --csv give them.
    table = Table(title="figures the report states" + ("" if rows else ": none stored"))
    for column in (["country"] if with_country else []) + ["edition", "measure", "figure", "previous", "section"]:
        table.add_column(column)
    for r in rows:
        previous = "" if r.previous is None else str(r.previous)
        cells = [str(r.edition), measure_label(r.measure, r.scope), _stated(r), previous, r.section]
        table.add_row(*([r.country] if with_country else []), *cells)
    SafeConsole(highlight=False).print(table)


@click.command("export")
@click.argument("out", type=click.Path(dir_okay=False, writable=True, allow_dash=True))
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default=None,
    help="csv or json (default: from OUT's extension, else csv).",
)  # fmt: skip
@pass_app
def export(app: AppContext, out: str, fmt: str | None) -> None:
    """Write the tidy country x edition panel to OUT ("-" for stdout): tier, Watch List streak, waiver,
    Special Case, recommendations and how many were new and dropped, and each figure the report states.

    Every column is described in docs/export.md.
    """
    db = app.open_db(readonly=True)
    rows = [row.to_json() for row in read.panel(db)]
    fmt = fmt or ("json" if out.lower().endswith(".json") else "csv")
    with click.open_file(out, "w", encoding="utf-8") as handle:
        if fmt == "json":
            json.dump(rows, handle, ensure_ascii=False, indent=1)
            handle.write("\n")
        else:
            write_csv(handle, COLUMNS, rows)
    if out != "-":
        click.echo(f"wrote {len(rows)} rows ({len(COLUMNS)} columns) to {Path(out)}", err=True)


COMMANDS: list[click.Command] = [figures, export]
