"""tipwatch commands: parse (placeholder until the parser lands)."""

import click

COMMANDS: list[click.Command] = []
