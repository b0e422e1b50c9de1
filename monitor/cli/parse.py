"""tipwatch parse: read one page (file or URL) and show the narrative the parser finds in it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click
import requests
from rich.console import Console
from rich.text import Text

from monitor import PROJECT_URL, __version__
from monitor.errors import FetchError, TipwatchError
from monitor.parse import parse_narrative
from snapshots.core.countries import display_name
from snapshots.core.models import Narrative

USER_AGENT = f"Mozilla/5.0 (compatible; tipwatch/{__version__}; +{PROJECT_URL})"
_TIMEOUT = 30
_SUMMARY_EXCERPT = 400


def fetch_page(url: str) -> bytes:
    """One plain GET. The scheduled job uses the fetch module; this is only for trying the parser on a URL."""
    try:
        response = requests.get(url, headers={"User-Agent": USER_AGENT}, timeout=_TIMEOUT)
    except requests.RequestException as exc:
        raise FetchError("network", f"cannot fetch {url}: {exc.__class__.__name__}") from exc
    if response.status_code != 200:
        raise FetchError("http", f"{url} answered HTTP {response.status_code}", status=response.status_code)
    return response.content


def read_source(source: str) -> tuple[bytes, str | None]:
    if re.match(r"https?://", source, re.IGNORECASE):
        return fetch_page(source), source
    try:
        return Path(source).read_bytes(), None
    except OSError as exc:
        raise TipwatchError(f"cannot read {source}: {exc.strerror or exc}") from exc


@click.command("parse")
@click.argument("source", metavar="FILE_OR_URL")
@click.option("--json", "as_json", is_flag=True, help="Print the narrative as one JSON object.")
def parse(source: str, as_json: bool) -> None:
    """Parse one narrative page (a saved file or a URL) and print what was found.

    Exits 1 with one line on stderr when the page is not a narrative (block page, index page, cut-off
    download, ...).
    """
    data, url = read_source(source)
    narrative = parse_narrative(data, url)
    if as_json:
        click.echo(json.dumps(narrative.to_json(), ensure_ascii=False))
    else:
        _print_summary(narrative, Console(highlight=False))


def _print_summary(n: Narrative, console: Console) -> None:
    edition = f"{n.edition} report" if n.edition else "edition unknown"
    title = Text(f"{display_name(n.country)} — {n.tier} — {edition}", style="bold")
    console.print(title)
    console.print(Text(f'heading "{n.heading}", key {n.country_key}, layout {n.layout}, parser {n.parser_version}'))
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
