"""tipwatch commands that fetch: run (one sweep), demo (the whole thing offline), reparse."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from monitor.cli import AppContext, pass_app
from monitor.config import check_country
from monitor.pipeline import PageOutcome, SweepResult, sweep
from snapshots.core.describe import count
from snapshots.core.safe_text import clean_text


@click.command()
@click.option("--edition", "editions", type=int, multiple=True, metavar="YEAR", help="Only this edition (repeatable).")
@click.option("--country", "countries", multiple=True, metavar="SLUG", help="Only this country (repeatable).")
@click.option("--no-deliver", is_flag=True, help="Store changes and queue alerts, but do not send them now.")
@pass_app
def run(app: AppContext, editions: tuple[int, ...], countries: tuple[str, ...], no_deliver: bool) -> None:
    """Run one sweep: discover, fetch, parse, store, compare, alert.

    Exits 0 when the sweep completed, even if some pages failed (they are recorded and listed);
    non-zero for a config or database error, or when another run holds the lock.
    """
    config = app.config
    for country in countries:
        check_country(country, "--country")
    with sweep_display() as progress:
        result = sweep(
            config,
            app.db_path,
            editions=editions or None,
            countries=countries or None,
            progress=progress,
            deliver=not no_deliver,
        )
    print_summary(result)


@contextmanager
def sweep_display() -> Iterator[Any]:
    """A progress bar on a terminal; one plain line per page when piped (for cron logs)."""
    if not sys.stderr.isatty():

        def plain(event: str, payload: Any) -> None:
            if event == "page":
                click.echo(format_outcome(payload), err=True)

        yield plain
        return
    # Imported only for a terminal: a cron run should not pay for rich.
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    console = Console(stderr=True)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console
    ) as bar:
        task = bar.add_task("sweeping", total=None)

        def fancy(event: str, payload: Any) -> None:
            if event == "total":
                bar.update(task, total=payload)
            elif event == "edition":
                bar.update(task, description=f"{payload} edition")
            elif event == "page":
                bar.advance(task)
                if payload.outcome in ("new", "error"):
                    bar.console.print(format_outcome(payload), markup=False, highlight=False)

        yield fancy


def format_outcome(page: PageOutcome) -> str:
    return clean_text(_format_outcome(page))


def _format_outcome(page: PageOutcome) -> str:
    head = f"{page.edition} {page.slug}: {page.outcome}"
    if page.outcome == "error":
        return f"{head} [{page.error_kind}] {page.message}"
    if page.tier:
        head += f" ({page.tier})"
    return "\n".join([head, *(f"    {summary}" for _, summary in page.changes)])


def print_summary(result: SweepResult) -> None:
    """The closing summary: plain aligned lines, readable in a terminal and in a cron log alike."""
    summary = result.summary()
    rows = [("editions", ", ".join(map(str, result.editions)) or "none found")]
    if result.missing_editions:
        rows.append(("not published", ", ".join(map(str, result.missing_editions))))
    rows += [(f"unreachable {year}", reason) for year, reason in sorted(result.unreachable.items())]
    rows += [(key, str(summary[key])) for key in ("checked", "unchanged", "new")]
    others = summary["skipped"]
    rows.append(("not narratives", f"{others} (the introduction and other pages that are not a country's narrative)"
                 if others else "0"))  # fmt: skip
    rows += [(key, str(summary[key])) for key in ("failed", "changes")]
    rows += [(f"  failed: {kind}", str(n)) for kind, n in sorted(result.failures.items())]
    rows.append(("alerts sent", str(result.delivered)))
    width = max(len(name) for name, _ in rows)
    click.echo("tipwatch run")
    for name, value in rows:
        click.echo(clean_text(f"  {name:<{width}}  {value}"))
    failed = [p for p in result.pages if p.outcome == "error"]
    for page in failed[:20]:
        click.echo(clean_text(f"  {page.edition} {page.slug}: [{page.error_kind}] {page.message}"))
    if len(failed) > 20:
        click.echo(f"  … and {len(failed) - 20} more (see `tipwatch status`)")


@click.command()
@click.option("--all", "force", is_flag=True, help="Re-read every snapshot, not only those read by an older parser.")
@pass_app
def reparse(app: AppContext, force: bool) -> None:
    """Re-read stored raw pages with the current parser and record the new parses."""
    from monitor.reparse import reparse_all

    db = app.open_db()
    report = reparse_all(db, force=force)
    click.echo(
        f"reparsed {count(report.reparsed, 'snapshot')}; {report.current} already current;"
        f" {report.failed} failed to parse"
    )
    for line in report.errors[:20]:
        click.echo(f"  {line}", err=True)
    if report.failed:
        sys.exit(1)


@click.command()
@click.option("--keep", "keep", type=click.Path(dir_okay=False), metavar="PATH", help="Keep the demo database here.")
@click.option("--quiet-alerts", is_flag=True, help="Do not print the alert messages that would be sent.")
@click.option("--serve", is_flag=True, help="Then open the web page on the demo data (Ctrl-C to stop).")
@click.option("--port", type=int, default=8150, show_default=True, help="Port for --serve (0 picks a free one).")
def demo(keep: str | None, quiet_alerts: bool, serve: bool, port: int) -> None:
    """Run tipwatch offline on the bundled sample reports, then exit.

    A loopback server plays state.gov; the 2021-2025 sample editions are published one by one and
    each is discovered, fetched, parsed, stored and compared with the edition before; alert messages
    go to the terminal. Needs no config file and no network. With --serve, the web page then shows
    the result on 127.0.0.1 until Ctrl-C.
    """
    from monitor.demo import build_sample_db

    with tempfile.TemporaryDirectory(prefix="tipwatch-demo-") as tmp:
        path = Path(keep) if keep else Path(tmp) / "demo.db"
        if path.exists():
            raise click.ClickException(f"{path} already exists; choose a new path for --keep")
        server = None
        if serve:  # bound first, so that the alert messages link to the page that will really be there
            from monitor.web import server as web

            server = web.bind(path, port=port)
        build_sample_db(
            path, echo=click.echo, alerts=not quiet_alerts, links=web.url(server).rstrip("/") if server else ""
        )
        click.echo(f"\nDone. Database: {path}" + ("" if keep or serve else " (deleted on exit; use --keep PATH)"))
        if server is not None:
            web.serve_forever(
                path, server=server, announce=lambda url: click.echo(f"Browse it at {url} (Ctrl-C to stop)")
            )


COMMANDS: list[click.Command] = [run, demo, reparse]
