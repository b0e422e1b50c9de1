"""Which editions a sweep covers, and the sub-pages of each, read from the editions' landing pages.

Each landing page is fetched once per sweep, conditionally when the database holds its validators: a
304 means the stored list of sub-pages still stands. An edition that is not published (404) is not an
error; one whose landing page cannot be read (network, block) is, when it leaves nothing to sweep.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlite_utils import Database

from monitor.config import Config
from monitor.errors import FetchError, SourceUnreachable
from monitor.fetch import Fetcher
from monitor.sources import PageRef, archive_candidates, discover_pages, landing_url
from snapshots.store import writes

log = logging.getLogger(__name__)


@dataclass
class Landings:
    """Per sweep, each edition's landing page is fetched once: its sub-pages, or why it could not be read."""

    pages: dict[int, list[PageRef] | None] = field(default_factory=dict)  # None: not published (or empty)
    errors: dict[int, str] = field(default_factory=dict)  # unreachable, blocked, ...: not the same as absent


@dataclass
class EditionPlan:
    editions: list[tuple[int, list[PageRef]]] = field(default_factory=list)  # oldest first
    missing: list[int] = field(default_factory=list)  # asked for, not published
    unreachable: dict[int, str] = field(default_factory=dict)  # asked for, landing page failed: why


def resolve_editions(
    fetcher: Fetcher,
    config: Config,
    editions: Iterable[int] | None,
    landings: Landings,
    db: Database,
) -> EditionPlan:
    """Each edition to sweep with its sub-pages, oldest first; missing editions are noted, not errors.

    Raises SourceUnreachable when not one edition could be read because of errors (not 404s).
    """
    source = config.source
    if editions:
        years = sorted(set(editions))
    elif not isinstance(source.editions, str):  # a list of years, not "latest"
        years = sorted(source.editions)
    else:
        years = []
        for year in range(datetime.now(UTC).year, source.earliest_edition - 1, -1):
            if len(years) >= source.latest_count:
                break
            if landing(fetcher, config, year, landings, db) is not None:
                years.append(year)
        years.sort()
    plan = EditionPlan()
    for year in years:
        refs = landing(fetcher, config, year, landings, db)
        if refs is None:
            if year in landings.errors:
                plan.unreachable[year] = landings.errors[year]
            else:
                plan.missing.append(year)
            continue
        plan.editions.append((year, refs))
    if not plan.editions and landings.errors:
        year, reason = max(landings.errors.items())
        raise SourceUnreachable(f"no edition could be read from {config.source.base_url}: {reason}")
    return plan


def landing(
    fetcher: Fetcher, config: Config, year: int, cache: Landings, db: Database | None = None
) -> list[PageRef] | None:
    """The sub-pages an edition's landing page lists, or None if the edition is not published.

    With a database, the landing page is fetched conditionally: a 304 means the list of sub-pages is the
    one already stored in `pages`.
    """
    if year in cache.pages:
        return cache.pages[year]
    url = landing_url(config.source.base_url, year)
    known = writes.landing(db, year) if db is not None else None
    refs: list[PageRef] | None = None
    for candidate in [url, *archive_candidates(url, config.source.archive_hosts)]:
        validators = known if known and known["url"] == candidate else {}
        try:
            page = fetcher.get(candidate, etag=validators.get("etag"), last_modified=validators.get("last_modified"))
        except FetchError as exc:
            log.info("edition %d: %s", year, exc)
            if exc.kind != "not_found":
                cache.errors.setdefault(year, str(exc))
            continue
        cache.errors.pop(year, None)
        refs = None
        if page.not_modified and db is not None:
            refs = [PageRef(year, row["slug"], row["url"]) for row in writes.pages_of(db, year)] or None
        if refs is None:
            if page.not_modified:  # validators stored, but the pages were not (a run killed in between)
                page = fetcher.get(candidate)
            refs = discover_pages(page.body, page.final_url, year) or None
        if refs and db is not None:
            writes.save_landing(db, year, candidate, etag=page.etag, last_modified=page.last_modified)
        if refs:
            break
    cache.pages[year] = refs
    return refs
