"""The README documents every config key (each config class's fields and every channel option) and every
command-line option, in the manner of Datasette's documentation tests."""

from __future__ import annotations

import dataclasses
import re
from importlib import import_module
from pathlib import Path

import click
import pytest

from alerts.channels import BUILTIN_CHANNELS, CHANNELS
from monitor.config import AlertsConfig, ChannelConfig, Config, FetchConfig, JobConfig, SourceConfig
from tests.test_cli import all_commands

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
CONFIG_CLASSES = (Config, SourceConfig, FetchConfig, JobConfig, ChannelConfig, AlertsConfig)
# Fields that are not keys a person writes: where the file was read from, and the bag that holds a
# channel's own keys (each of which is checked below).
NOT_KEYS = {("Config", "path"), ("ChannelConfig", "options")}


def _config_keys() -> list[tuple[str, str]]:
    keys = [(cls.__name__, f.name) for cls in CONFIG_CLASSES for f in dataclasses.fields(cls)]
    keys = [k for k in keys if k not in NOT_KEYS]
    for module in BUILTIN_CHANNELS.values():
        import_module(module)
    keys += [(f"{name} channel", option) for name, channel in CHANNELS.items() for option in channel.OPTIONS]
    return keys


@pytest.mark.parametrize(("where", "key"), _config_keys())
def test_readme_documents_every_config_key(where: str, key: str) -> None:
    # In backticks, or as a key in one of the README's YAML examples.
    pattern = rf"`{re.escape(key)}\b|^\s*(?:- )?{re.escape(key)}:"
    assert re.search(pattern, README, re.MULTILINE), f"{where}.{key} is not in README.md"


def _cli_options() -> list[tuple[str, str]]:
    from monitor.cli import cli

    commands = [("tipwatch", cli), *((f"tipwatch {name}", command) for name, command in all_commands())]
    return [
        (name, option)
        for name, command in commands
        for param in command.params
        if isinstance(param, click.Option)
        for option in param.opts + param.secondary_opts
        if option.startswith("--") and option != "--help"
    ]


@pytest.mark.parametrize(("command", "option"), _cli_options())
def test_readme_documents_every_cli_option(command: str, option: str) -> None:
    assert re.search(rf"{re.escape(option)}\b", README), f"{command} {option} is not in README.md"


def _command_rows() -> list[str]:
    """The first cells of the README's command table: "`tipwatch diff COUNTRY [--from A] ...`"."""
    return [line.split("|")[1] for line in README.splitlines() if line.startswith("| `tipwatch ")]


def _row_of(command: str) -> str | None:
    """The command table's row for a command path ("diff", "alerts retry"): it names `tipwatch <first word>`
    and every further word of the path."""
    first, *rest = command.split()
    for cell in _command_rows():
        if re.search(rf"`tipwatch {re.escape(first)}\b", cell) and all(re.search(rf"\b{w}\b", cell) for w in rest):
            return cell
    return None


@pytest.mark.parametrize(("command", "option"), [(c, o) for c, o in _cli_options() if c != "tipwatch"])
def test_readme_command_table_lists_every_option_in_its_commands_row(command: str, option: str) -> None:
    row = _row_of(command.removeprefix("tipwatch "))
    assert row is not None, f"{command} has no row in the README's command table"
    assert re.search(rf"{re.escape(option)}\b", row), f"{command} {option} is not in its README table row"


@pytest.mark.parametrize("command", [name for name, _ in all_commands()])
def test_readme_command_table_has_a_row_for_every_command(command: str) -> None:
    assert _row_of(command) is not None, f"tipwatch {command} has no row in the README's command table"
