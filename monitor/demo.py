"""`tipwatch demo`: the whole job, offline, on the bundled sample report editions.

A loopback server plays state.gov. Editions are "published" one at a time; each is found by the same
discovery the scheduler uses, swept, compared with the one before, and alerted through the stdout
channel. Then a post-release edit is made to one page and picked up as a revision.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from monitor.config import Config, parse_config
from monitor.pipeline import SweepResult, discover, sweep
from monitor.samples.data import load_reports
from monitor.samples.server import SampleSite
from snapshots.core.describe import count

Echo = Callable[[str], None]


def demo_config(base_url: str, database: Path, *, alert_channel: str | None = "stdout", links: str = "") -> Config:
    """A real config (validated like cron.yaml) pointing at the loopback sample site; alert messages link to
    `links` (the demo's own web page), or carry no links."""
    channels = [{"name": "console", "type": alert_channel}] if alert_channel else []
    text = json.dumps(
        {
            "database": str(database),
            "source": {
                "base_url": base_url,
                "archive_hosts": [],
                "allowed_hosts": ["127.0.0.1", "localhost"],
                "editions": "latest",
                "latest_count": 1,
            },
            "fetch": {"min_interval": 0, "retries": 1, "backoff": 0.05, "connect_timeout": 5, "read_timeout": 10},
            "alerts": {"base_url": links, "channels": channels},
        }
    )
    return parse_config(text, "demo config")


def build_sample_db(path: str | Path, *, echo: Echo | None = None, alerts: bool = False, links: str = "") -> Path:
    """Fill a database at `path` from the bundled samples: every edition in turn, then the post-release edit.

    Used by `tipwatch demo`, by the tests of the browse views and by benchmarks.
    """
    say = echo or (lambda line: None)
    path = Path(path)
    years = load_reports().editions()
    with SampleSite(published=set()) as site:
        config = demo_config(site.base_url, path, alert_channel="stdout" if alerts else None, links=links)
        for i, year in enumerate(years):
            site.published.add(year)
            say(f"\n== {year} edition published at {site.base_url}")
            result = sweep(config, path) if i == 0 else discover(config, path)
            _report(result, say, explain=i == 0)
        site.revised = True
        say(f"\n== a page of the {years[-2]} edition is edited after release")
        _report(sweep(config, path, editions=[years[-2]]), say, kinds=("tier", "recommendation", "findings", "section"))
    return path


def _report(
    result: SweepResult,
    say: Echo,
    kinds: tuple[str, ...] = ("tier", "coverage", "doubtful", "figure"),
    *,
    explain: bool = False,
) -> None:
    summary = result.summary()
    others = f"{summary['skipped']} not narratives"
    if explain and summary["skipped"]:
        others += " (the introduction and other pages that are not a country's narrative)"
    say(
        f"   {count(summary['checked'], 'page')} checked: {count(summary['new'], 'new snapshot')}, "
        f"{summary['unchanged']} unchanged, {others}, {summary['failed']} failed; {count(summary['changes'], 'change')}"
    )
    for page in result.pages:
        for kind, line in page.changes:
            if kind in kinds:
                say(f"   {line}")
