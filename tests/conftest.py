"""What many test modules share: the sample site, the sample database, and a cron.yaml writer."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from tests.fault_site import FaultSite

DEFAULT_EDITION = 2024
CronFile = Callable[..., Path]


@pytest.fixture
def site(request: pytest.FixtureRequest) -> Iterator[FaultSite]:
    """The sample site on loopback, publishing 2024 (or the editions of a `published(...)` mark); tests may
    override what chosen paths answer."""
    mark = request.node.get_closest_marker("published")
    editions = set(mark.args) if mark else {DEFAULT_EDITION}
    with FaultSite(published=editions) as running:
        yield running


@pytest.fixture(scope="session")
def sample_db_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample editions as the job stores them, built once per session (about 2 s)."""
    from monitor.demo import build_sample_db

    return build_sample_db(tmp_path_factory.mktemp("sample-db") / "samples.db")


@pytest.fixture(scope="module")
def sample_db(sample_db_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the session's sample database for one module, which may write to it."""
    return copy_db(sample_db_master, tmp_path_factory.mktemp("samples") / "samples.db")


def copy_db(source: Path, target: Path) -> Path:
    """A consistent copy of a live database, WAL included (a file copy would miss what the WAL holds)."""
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)
    return target


def write_cron_file(
    directory: Path,
    base_url: str,
    db: Path,
    *,
    editions: list[int] | str = [DEFAULT_EDITION],  # noqa: B006 (never mutated)
    fetch: dict[str, Any] | None = None,
    **extra: Any,
) -> Path:
    """A cron.yaml in `directory` that watches the sample site at `base_url` (loopback only) into `db`.

    `fetch` replaces the quick defaults (no pause, no retries); `extra` adds top-level keys (jobs, alerts,
    timezone...). Written as JSON, which is YAML.
    """
    source: dict[str, Any] = {"base_url": base_url, "archive_hosts": [], "allowed_hosts": ["127.0.0.1"]}
    if editions == "latest":
        source.update(editions="latest", latest_count=1)
    else:
        source["editions"] = list(editions)
    config = {"database": str(db), "source": source, "fetch": fetch or {"min_interval": 0, "retries": 0}, **extra}
    path = directory / "cron.yaml"
    path.write_text(json.dumps(config, indent=1))
    return path


@pytest.fixture
def cron_file() -> CronFile:
    """`write_cron_file`, as a fixture."""
    return write_cron_file
