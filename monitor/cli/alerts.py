"""tipwatch alerts: test a channel, show the outbox, deliver now."""

from __future__ import annotations

import sys
import time

import click

import alerts
from alerts import DeliveryError
from monitor.cli import AppContext, pass_app
from snapshots.core.describe import count

STATUSES = ("pending", "sending", "sent", "dead")


@click.group("alerts")
def alerts_group() -> None:
    """Alert channels and the outbox: test a channel, see what is waiting, retry now."""


@alerts_group.command("test")
@click.argument("channel_name", metavar="CHANNEL")
@pass_app
def test_channel(app: AppContext, channel_name: str) -> None:
    """Send a sample message to CHANNEL (a name from cron.yaml) and print what the server answered."""
    config = app.config
    settings = next((c for c in config.alerts.channels if c.name == channel_name), None)
    if settings is None:
        names = ", ".join(c.name for c in config.alerts.channels) or "none configured"
        raise click.ClickException(f"{config.path}: no alert channel named {channel_name!r} (channels: {names})")
    channel = alerts.build_channel(settings)
    key = f"tipwatch:test:{channel_name}:{int(time.time())}"
    secrets = alerts.channel_secrets([settings])
    try:
        answer = channel.send(alerts.sample_message(config.alerts.base_url), key=key)
    except DeliveryError as exc:
        kind = "permanent" if exc.permanent else "temporary"
        failure = alerts.redact(str(exc), secrets)
        click.echo(f"{channel_name} ({settings.type}): not delivered ({kind} failure): {failure}", err=True)
        sys.exit(1)
    click.echo(f"{channel_name} ({settings.type}): delivered; the server answered: {alerts.redact(answer, secrets)}")


@alerts_group.command("pending")
@pass_app
def pending(app: AppContext) -> None:
    """Show the outbox: messages by channel and status, and dead letters with their last error."""
    db = app.open_db(readonly=True)
    counts, dead = alerts.outbox_state(db)
    if not counts:
        click.echo("The outbox is empty.")
        return
    table: dict[str, dict[str, int]] = {}
    for row in counts:
        table.setdefault(row["channel"], {})[row["status"]] = row["n"]
    width = max(len("channel"), *(len(name) for name in table))
    click.echo(f"{'channel':<{width}}  " + "  ".join(f"{s:>7}" for s in STATUSES))
    for name, by_status in table.items():
        click.echo(f"{name:<{width}}  " + "  ".join(f"{by_status.get(s, 0):>7}" for s in STATUSES))
    # Rows written before secrets were redacted by value may still hold one: redact again on the way out.
    secrets = alerts.channel_secrets(app.config.alerts.channels) if app.config_path.exists() else []
    if dead:
        click.echo(f"\nDead letters ({len(dead)}; `tipwatch alerts retry --dead` sends them again):")
        for row in dead:
            click.echo(f"  #{row['id']} {row['channel']}: {row['about']} ({row['attempts']} attempts)")
            click.echo(f"      last error: {alerts.redact(row['last_error'] or '', secrets)}")


@alerts_group.command("retry")
@click.option("--dead", is_flag=True, help="Also send dead letters again, with a fresh count of attempts.")
@pass_app
def retry(app: AppContext, dead: bool) -> None:
    """Deliver everything pending now, without waiting for the retry backoff."""
    db = app.open_db()
    alerts.requeue(db, dead=dead)
    report = alerts.deliver_pending(db, app.config.alerts)
    if report.busy:
        raise click.ClickException("another delivery is running on this database; try again in a moment")
    click.echo(
        f"sent {count(report.messages, 'message')} covering {count(report.sent, 'alert')}; "
        f"{report.retrying} waiting to retry; {report.dead} now dead letters"
    )
    if report.resent:
        click.echo(f"{count(report.resent, 'alert')} interrupted mid-send earlier, sent again (same key)")
    if report.unrouted:
        click.echo(f"{count(report.unrouted, 'alert')} waiting for channels that are not configured or are disabled")
    for error in report.errors:
        click.echo(f"error: {error}", err=True)
    if report.errors:
        sys.exit(1)


COMMANDS: list[click.Command] = [alerts_group]
