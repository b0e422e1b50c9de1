"""tipwatch commands: serve (the read-only browse page)."""

from __future__ import annotations

import click

from monitor.cli import AppContext, pass_app
from monitor.web.server import serve_forever


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind (loopback unless told).")
@click.option("--port", default=8150, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free).")
@pass_app
def serve(app: AppContext, host: str, port: int) -> None:
    """Browse changes, tier timelines, diffs and recommendations in a web page (read-only)."""
    app.open_db(readonly=True).conn.close()  # fail early, in one line, when the database is missing
    base_url = app.config.alerts.base_url if app.config_path.exists() else ""
    serve_forever(
        app.db_path,
        host=host,
        port=port,
        base_url=base_url,
        announce=lambda url: click.echo(f"tipwatch: serving {url}"),
    )


COMMANDS: list[click.Command] = [serve]
