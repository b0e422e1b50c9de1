"""tipwatch parse: read one page (file or URL) and show the narrative the parser finds in it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.text import Text

from monitor.cli.console import SafeConsole
from monitor.config import Config
from monitor.errors import TipwatchError
from monitor.parse import parse_narrative
from snapshots.core.countries import display_name
from snapshots.core.figures import extract_figures
from snapshots.core.models import Narrative

if TYPE_CHECKING:
    from monitor.fetch import FetchResult

_SUMMARY_EXCERPT = 400


def fetch_page(url: str) -> FetchResult:
    """GET through the one Fetcher (size cap, deadline, allow-list, error kinds), as a sweep would.

    The URL's own host is trusted since the user typed it; redirects go only to the configured hosts.
    """
    from monitor.fetch import Fetcher

    config = _config()
    fetcher = Fetcher(config.fetch, config.source.allowed_hosts)
    fetcher.allow_host(url)
    try:
        return fetcher.get(url)
    finally:
        fetcher.close()


def _config() -> Config:
    """The config file's fetch rules when there is one; trying the parser needs no config file."""
    from monitor.cli import AppContext

    app = click.get_current_context().find_object(AppContext)
    if app is None or not app.config_path.exists():
        return Config()
    return app.config


def read_source(source: str) -> tuple[bytes, str | None, str | None]:
    """The page's bytes, its URL (None for a file) and the HTTP charset (None for a file)."""
    if re.match(r"https?://", source, re.IGNORECASE):
        fetched = fetch_page(source)
        return fetched.body, source, fetched.charset
    try:
        return Path(source).read_bytes(), None, None
    except OSError as exc:
        raise TipwatchError(f"cannot read {source}: {exc.strerror or exc}") from exc


@click.command("parse")
@click.argument("source", metavar="FILE_OR_URL")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the narrative as one JSON object, with the figures it states."
)
def parse(source: str, as_json: bool) -> None:
    """Parse one narrative page (a saved file or a URL) and print what was found.

    Exits 1 with one line on stderr when the page is not a narrative (block page, index page, cut-off
    download, ...).
    """
    data, url, charset = read_source(source)
    narrative = parse_narrative(data, url, charset=charset)
    if as_json:
        figures = [f.to_json() for f in extract_figures(narrative)]
        click.echo(json.dumps({**narrative.to_json(), "figures": figures}, ensure_ascii=False))
    else:
        _print_summary(narrative, SafeConsole(highlight=False))


def _print_summary(n: Narrative, console: Console) -> None:
    edition = f"{n.edition} report" if n.edition else "edition unknown"
    title = Text(f"{display_name(n.country)} — {n.tier} — {edition}", style="bold")
    console.print(title)
    console.print(Text(f'heading "{n.heading}", key {n.country_key}, layout {n.layout}, parser {n.parser_version}'))
    for warning in n.warnings:
        console.print(Text(f"warning: {warning}", style="yellow"))
    excerpt = n.summary if len(n.summary) <= _SUMMARY_EXCERPT else n.summary[:_SUMMARY_EXCERPT].rstrip() + " …"
    console.print(Text("\nSummary", style="bold"))
    console.print(Text(excerpt.replace("\n\n", " ¶ ")))
    console.print(Text(f"\nRecommendations ({len(n.recommendations)})", style="bold"))
    for number, item in enumerate(n.recommendations, 1):
        console.print(Text(f"{number:>3}. {item}"))
    console.print(Text("\nSections", style="bold"))
    if not n.sections:
        console.print(Text("  (none)"))
    for name, text in n.sections.items():
        console.print(Text(f"  {name:<20} {len(text.split()):>6,} words"))


COMMANDS: list[click.Command] = [parse]
