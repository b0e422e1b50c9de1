"""cron.yaml: the shipped file is valid, and every kind of mistake is refused in one line naming the key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from monitor.config import load_config, parse_config
from monitor.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_cron_yaml_is_the_real_default() -> None:
    config = load_config(ROOT / "cron.yaml")
    assert config.source.base_url == "https://www.state.gov"
    assert config.source.editions == "latest" and config.source.countries == "all"
    assert "2021-2025.state.gov" in config.source.allowed_hosts
    assert {job.action for job in config.jobs} == {"sweep", "discover", "deliver"}
    assert config.fetch.min_interval >= 1.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sourc: {}", "cron.yaml: sourc: unknown key"),
        ("fetch: {min_interval: fast}", "cron.yaml: fetch.min_interval: expected a number, got 'fast'"),
        ("fetch: {retries: 2.5}", "cron.yaml: fetch.retries: expected a whole number"),
        ("fetch: {min_interval: -1}", "cron.yaml: fetch.min_interval: must not be negative"),
        ("source: {editions: [2024, x]}", "cron.yaml: source.editions[1]: expected a whole number"),
        ("source: {editions: newest}", 'cron.yaml: source.editions: expected "latest" or a list of years'),
        ("source: {base_url: ftp://x}", "cron.yaml: source.base_url: expected an http(s) URL"),
        ("timezone: Mars/Olympus", "cron.yaml: timezone: unknown time zone 'Mars/Olympus'"),
        ("jobs: [{id: a, action: sweep}]", "cron.yaml: jobs[0].cron: required key is missing"),
        ("jobs: {id: a}", "cron.yaml: jobs: expected a list"),
        ("a: [", "cron.yaml: not valid YAML (line 1)"),
        ("- just\n- a list\n", "cron.yaml: expected a mapping at the top level"),
        ("alerts: {channels: [{name: x, type: pigeon}]}", "cron.yaml: alerts.channels[x].type: unknown channel type"),
        (
            "alerts: {channels: [{name: x, type: stdout}, {name: x, type: stdout}]}",
            "cron.yaml: alerts.channels[1].name: duplicate channel name 'x'",
        ),
        (
            "alerts: {channels: [{name: x, type: stdout, min_significance: huge}]}",
            "cron.yaml: alerts.channels[0].min_significance: expected one of 'low', 'medium', 'high'",
        ),
    ],
)
def test_mistakes_are_refused_with_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(text)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_missing_file_says_how_to_point_at_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path / "nope.yaml")
    assert "config file not found" in str(err.value) and "TIPWATCH_CONFIG" in str(err.value)


def test_config_is_frozen() -> None:
    config = parse_config("database: x.db")
    with pytest.raises(AttributeError):
        config.database = "y.db"  # type: ignore[misc]


def tipwatch(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "monitor", *args], cwd=cwd, capture_output=True, text=True, timeout=60)


def test_cli_broken_config_is_one_line_and_exit_2(tmp_path: Path) -> None:
    (tmp_path / "cron.yaml").write_text("fetch: {timeout: 3}\n")
    result = tipwatch("run", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "tipwatch: error: cron.yaml: fetch.timeout: unknown key (expected one of: backoff, connect_timeout, deadline, "
        "max_bytes, max_redirects, max_retry_after, min_interval, read_timeout, retries, workers)"
    ]
    assert not (tmp_path / "tipwatch.db").exists()


def test_cli_config_from_environment(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text("timezone: Nowhere/Land\n")
    result = subprocess.run(
        [sys.executable, "-m", "monitor", "status"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        env={**__import__("os").environ, "TIPWATCH_CONFIG": str(tmp_path / "mine.yaml")},
    )
    assert result.returncode == 2 and "mine.yaml: timezone: unknown time zone" in result.stderr


def test_cli_corrupted_database_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "cron.yaml").write_text("database: broken.db\n")
    (tmp_path / "broken.db").write_bytes(b"this is not a database, just some bytes " * 200)
    result = tipwatch("run", cwd=tmp_path)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("tipwatch: error: cannot open database broken.db:") and "not a database" in line
    assert (tmp_path / "broken.db").read_bytes().startswith(b"this is not a database")
