"""The command surface: every command is reachable, documented in --help, and named in the README."""

from __future__ import annotations

import importlib
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from monitor import __version__
from monitor.cli import COMMAND_AREAS, cli

ROOT = Path(__file__).resolve().parents[1]


def all_commands() -> list[tuple[str, click.Command]]:
    out = []
    for area in sorted(set(COMMAND_AREAS.values())):
        for command in importlib.import_module(f"monitor.cli.{area}").COMMANDS:
            out.append((command.name, command))
            if isinstance(command, click.Group):
                out += [(f"{command.name} {sub}", c) for sub, c in command.commands.items()]
    return out


def test_every_area_command_is_registered_lazily() -> None:
    for area in set(COMMAND_AREAS.values()):
        for command in importlib.import_module(f"monitor.cli.{area}").COMMANDS:
            assert COMMAND_AREAS.get(command.name) == area, command.name


@pytest.mark.parametrize(("name", "command"), all_commands())
def test_every_command_has_help(name: str, command: click.Command) -> None:
    assert command.help and len(command.help.strip()) > 20, name
    result = CliRunner().invoke(cli, [*name.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output


def test_readme_names_every_command() -> None:
    readme = (ROOT / "README.md").read_text()
    for name, _ in all_commands():
        assert re.search(rf"`tipwatch {re.escape(name)}\b", readme) or f"`{name.split()[-1]}`" in readme, name


def test_version_and_unknown_command() -> None:
    result = subprocess.run([sys.executable, "-m", "monitor", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and __version__ in result.stdout
    result = subprocess.run([sys.executable, "-m", "monitor", "frobnicate"], capture_output=True, text=True)
    assert result.returncode == 2 and "No such command 'frobnicate'" in result.stderr


def test_readme_first_screen_has_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text().splitlines()
    first_screen = "\n".join(readme[:25])
    assert 'pip install -e ".[test]"' in first_screen and "tipwatch demo" in first_screen
    test_command = ".venv/bin/python -m pytest"
    assert test_command in first_screen
    assert test_command in (ROOT / ".ci" / "run").read_text()
