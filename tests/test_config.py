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
        ("fetch: {min_interval: -1}", "cron.yaml: fetch.min_interval: expected 0 to 86,400, got -1.0"),
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


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fetch: {read_timeout: .nan}", "cron.yaml: fetch.read_timeout: expected 0 to 86,400, got nan"),
        ("fetch: {connect_timeout: .inf}", "cron.yaml: fetch.connect_timeout: expected 0 to 86,400, got inf"),
        ("fetch: {read_timeout: 0}", "cron.yaml: fetch.read_timeout: must be more than 0 seconds"),
        ("fetch: {deadline: -1}", "cron.yaml: fetch.deadline: expected 0 to 86,400"),
        ("fetch: {backoff: .nan}", "cron.yaml: fetch.backoff: expected 0 to 86,400, got nan"),
        ("fetch: {retries: -1}", "cron.yaml: fetch.retries: expected 0 to 20, got -1"),
        ("fetch: {max_bytes: -5}", "cron.yaml: fetch.max_bytes: expected 1 to"),
        ("fetch: {max_redirects: -1}", "cron.yaml: fetch.max_redirects: expected 0 to 30, got -1"),
        ("source: {editions: [99999999999999999999]}", "cron.yaml: source.editions[0]: expected 2,001 to 2,100"),
        ("source: {editions: [-5]}", "cron.yaml: source.editions[0]: expected 2,001 to 2,100, got -5"),
        ("source: {latest_count: -1}", "cron.yaml: source.latest_count: expected 1 to 100, got -1"),
        ("source: {countries: [japn]}", "cron.yaml: source.countries[0]: unknown country 'japn'; did you mean: japan"),
        ("alerts: {failure_threshold: -1}", "cron.yaml: alerts.failure_threshold: expected 1 to 1,000, got -1"),
        ("alerts: {max_attempts: 0}", "cron.yaml: alerts.max_attempts: expected 1 to 1,000, got 0"),
        ("fetch: {retries: 1}\nfetch: {retries: 2}\n", "cron.yaml: not valid YAML (line 2): duplicate key 'fetch'"),
        ("fetch: {retries: 1, retries: 2}", "cron.yaml: not valid YAML (line 1): duplicate key 'retries'"),
        (
            "alerts: {channels: [{name: m, type: email, host: h, from: a@b.c, to: [a@b.c], port: -1}]}",
            "cron.yaml: alerts.channels[m].port: expected 1 to 65535, got -1",
        ),
        (
            "alerts: {channels: [{name: h, type: webhook, url_env: X, timeout: .nan}]}",
            "cron.yaml: alerts.channels[h].timeout: expected 0.001 to 3600, got nan",
        ),
    ],
)
def test_careless_values_are_refused_with_the_key(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(text)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("seconds", [315_360_000, 99999999999999999999999])
def test_a_huge_misfire_grace_time_is_refused(seconds: int) -> None:
    from monitor.schedule import load_jobs

    config = parse_config(f"jobs: [{{id: a, cron: '* * * * *', action: sweep, misfire_grace_time: {seconds}}}]")
    with pytest.raises(ConfigError) as err:
        load_jobs(config)
    assert str(err.value) == (
        "cron.yaml: jobs[0] (a).misfire_grace_time: must be a positive number of seconds, "
        f"at most 2,678,400 (31 days), got {seconds}"
    )


def test_a_config_file_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "cron.yaml").write_bytes("source: {countries: [c\u00f4te-d-ivoire]}\n".encode("latin-1"))
    result = tipwatch("status", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "tipwatch: error: cron.yaml: not UTF-8 text (byte 22); save the file as UTF-8"
    ]


def test_a_cron_expression_that_never_fires_is_refused() -> None:
    from monitor.schedule import load_jobs

    config = parse_config("jobs: [{id: feb30, cron: '0 0 30 2 *', action: sweep}]")
    with pytest.raises(ConfigError) as err:
        load_jobs(config)
    assert str(err.value) == "cron.yaml: jobs[0] (feb30).cron: '0 0 30 2 *' never fires (no such date)"


def test_run_with_an_unknown_country_says_did_you_mean(tmp_path: Path) -> None:
    (tmp_path / "cron.yaml").write_text("database: t.db\n")
    result = tipwatch("run", "--country", "japn", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "tipwatch: error: --country: unknown country 'japn'; did you mean: japan, jordan?"
    ]
    assert not (tmp_path / "t.db").exists()


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
