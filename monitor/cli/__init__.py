"""The `tipwatch` command: a thin click layer. Each command calls one function and prints.

Commands live in one module per area (run.py, parse.py, browse.py, figures.py, alerts.py, schedule.py,
serve.py), each exporting COMMANDS; diffview.py prints a narrative diff for `diff` and `compare`. The
group imports an area only when one of its commands runs, so that `tipwatch run` from cron does not pay
for Flask or APScheduler. Errors are turned into one line in one place: `main()`.
"""

from __future__ import annotations

import importlib
import logging
import os
import sqlite3
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click
from sqlite_utils import Database

from monitor import __version__
from monitor.allocator import limit_malloc_arenas
from monitor.config import DB_ENV, Config, load_config, resolve_config_path
from monitor.errors import TipwatchError
from snapshots.errors import StorageError
from snapshots.store.db import open_db


@dataclass
class AppContext:
    """What every command needs: the config (loaded once, on first use) and the database path."""

    config_path: Path
    db_override: str | None
    _config: Config | None = field(default=None, repr=False)

    @property
    def config(self) -> Config:
        if self._config is None:
            config = load_config(self.config_path)
            if self.db_override:
                config = config.with_overrides(database=self.db_override)
            self._config = config
        return self._config

    @property
    def db_path(self) -> Path:
        if self.db_override:
            return Path(self.db_override)
        return Path(self.config.database)

    def open_db(self, *, readonly: bool = False) -> Database:
        if readonly and not self.db_path.exists():
            raise StorageError(f"database {self.db_path} does not exist yet: run `tipwatch run` first")
        return open_db(self.db_path, readonly=readonly)


pass_app = click.make_pass_decorator(AppContext)


def _setup_logging(verbose: int, quiet: int) -> None:
    level = logging.WARNING - 10 * verbose + 10 * quiet
    logging.basicConfig(
        level=max(logging.DEBUG, min(logging.CRITICAL, level)),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )


# command name -> the area module (monitor/cli/<area>.py) that defines it, in the order --help lists them
COMMAND_AREAS: dict[str, str] = {
    "run": "run",
    "demo": "run",
    "reparse": "run",
    "parse": "parse",
    "history": "browse",
    "diff": "browse",
    "tiers": "browse",
    "changes": "browse",
    "recommendations": "browse",
    "figures": "figures",
    "export": "figures",
    "compare": "browse",
    "alerts": "alerts",
    "schedule": "schedule",
    "status": "schedule",
    "serve": "serve",
}


class LazyGroup(click.Group):
    """A group whose commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMAND_AREAS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        area = COMMAND_AREAS.get(cmd_name)
        if area is None:
            return None
        module = importlib.import_module(f"monitor.cli.{area}")
        return next((c for c in module.COMMANDS if c.name == cmd_name), None)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="tipwatch")
@click.option(
    "--config",
    "config_path",
    metavar="PATH",
    envvar="TIPWATCH_CONFIG",
    help="Config file (default: $TIPWATCH_CONFIG, then ./cron.yaml).",
)
@click.option("--db", "db_override", metavar="PATH", envvar=DB_ENV, help="Database file; overrides the config.")
@click.option("-v", "--verbose", count=True, help="More logging on stderr (-vv for debug).")
@click.option("-q", "--quiet", count=True, help="Less logging on stderr.")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, db_override: str | None, verbose: int, quiet: int) -> None:
    """tipwatch: follow the U.S. State Department's Trafficking in Persons report.

    Fetches every country narrative, stores each version in SQLite, flags tier moves and changed
    findings and recommendations, alerts by email and Slack, and lets you browse the history.
    """
    _setup_logging(verbose, quiet)
    ctx.obj = AppContext(config_path=resolve_config_path(config_path), db_override=db_override)


def main() -> None:
    """Entry point: run the CLI and turn every known error into one line on stderr."""
    limit_malloc_arenas()
    try:
        code = cli.main(standalone_mode=False, prog_name="tipwatch")
        sys.exit(code if isinstance(code, int) else 0)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except TipwatchError as exc:
        click.echo(f"tipwatch: error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except sqlite3.Error as exc:
        # Locked past the busy timeout, read-only, disk full, corrupted: the transaction in progress was
        # rolled back, so nothing half-written remains; say what SQLite said, in one line.
        click.echo(f"tipwatch: error: database: {exc}", err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
    except BrokenPipeError:
        # `tipwatch changes | head` closes the pipe early; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
