"""cron.yaml -> a typed, frozen Config, validated once.

Every error names the file and the dotted key ("cron.yaml: source.min_interval: expected a number").
Secrets never live in the file: channel blocks name environment variables instead (`password_env`,
`webhook_url_env`), which are read when a message is sent.
"""

from __future__ import annotations

import dataclasses
import os
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

import yaml

from monitor.errors import ConfigError

DEFAULT_CONFIG_NAME = "cron.yaml"
CONFIG_ENV = "TIPWATCH_CONFIG"
DB_ENV = "TIPWATCH_DB"
FIRST_EDITION, LAST_EDITION = 2001, 2100  # the report first appeared in 2001
MAX_SECONDS = 86_400.0  # a longer timeout, interval or wait is a typo, and some overflow the socket layer
MAX_MISFIRE_GRACE = 31 * 86_400  # catching up runs missed over years would stall start-up for minutes


@dataclass(frozen=True)
class FetchConfig:
    """How politely and defensively pages are fetched."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    # The whole response, however slowly it arrives: the read timeout alone bounds each read, not the page.
    deadline: float = 120.0
    retries: int = 3  # retries on connection errors, 429 and 5xx
    backoff: float = 1.0  # seconds; doubles per retry
    max_retry_after: float = 120.0  # a longer Retry-After is a failure for this run, not a wait
    min_interval: float = 1.0  # seconds between two requests to one host
    max_bytes: int = 5_000_000
    max_redirects: int = 5
    # Pages read at once. Requests to one host still keep `min_interval` apart; with an interval,
    # more workers only overlap parsing with waiting.
    workers: int = 4


@dataclass(frozen=True)
class SourceConfig:
    """Where the narratives live and which of them to track."""

    base_url: str = "https://www.state.gov"
    # Older editions move to dated archive hosts; the same path is tried there when www fails.
    archive_hosts: tuple[str, ...] = ("https://2021-2025.state.gov", "https://2017-2021.state.gov")
    # Redirects are followed only to these hosts.
    allowed_hosts: tuple[str, ...] = (
        "www.state.gov",
        "state.gov",
        "2021-2025.state.gov",
        "2017-2021.state.gov",
        "2009-2017.state.gov",
    )
    # "latest" tracks the newest `latest_count` editions found (and each new one as it appears);
    # a list of years tracks exactly those.
    editions: str | tuple[int, ...] = "latest"
    latest_count: int = 2
    earliest_edition: int = 2017
    countries: str | tuple[str, ...] = "all"  # "all", or country slugs / names


@dataclass(frozen=True)
class JobConfig:
    """One scheduled job (see monitor/schedule.py)."""

    id: str
    cron: str  # 5-field crontab, crontab meaning (0 and 7 are Sunday)
    action: str  # sweep | discover | deliver
    months: str = ""  # optional extra month filter, e.g. "6-10", for release-window jobs
    run_at_startup: bool = False
    misfire_grace_time: int = 3600
    enabled: bool = True


@dataclass(frozen=True)
class ChannelConfig:
    """One alert channel block; `options` are checked by the channel class itself."""

    name: str
    type: str  # email | slack | webhook | stdout
    enabled: bool = True
    kinds: tuple[str, ...] = ()  # empty: every kind
    countries: tuple[str, ...] = ()  # empty: every country
    min_significance: Literal["low", "medium", "high"] = "low"
    mode: Literal["immediate", "digest"] = "immediate"
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class AlertsConfig:
    base_url: str = "http://127.0.0.1:8150"  # where links in messages point (the tipwatch web page)
    failure_threshold: int = 3  # consecutive failed checks of a page before one "problem" alert
    max_attempts: int = 5  # delivery attempts before a message becomes a dead letter
    # Seconds a new edition's release digest waits for listed pages that are neither read nor failed for good.
    release_wait: float = 6 * 3600.0
    channels: tuple[ChannelConfig, ...] = ()


@dataclass(frozen=True)
class Config:
    path: str = ""
    database: str = "tipwatch.db"
    timezone: str = "UTC"
    source: SourceConfig = SourceConfig()
    fetch: FetchConfig = FetchConfig()
    jobs: tuple[JobConfig, ...] = ()
    alerts: AlertsConfig = AlertsConfig()

    def with_overrides(self, **changes: Any) -> Config:
        return dataclasses.replace(self, **changes)


def resolve_config_path(explicit: str | None) -> Path:
    """--config, then $TIPWATCH_CONFIG, then ./cron.yaml."""
    return Path(explicit or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG_NAME)


def load_config(path: str | Path) -> Config:
    """Read and validate a config file; raise ConfigError with one line naming file and key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    except FileNotFoundError:
        raise ConfigError(f"{path}: config file not found (use --config PATH or set {CONFIG_ENV})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read config: {exc.strerror}") from None
    config = parse_config(text, str(path))
    if not Path(config.database).is_absolute():
        # Relative to the file that names it, so a job started from another folder finds the same database.
        config = config.with_overrides(database=str(path.parent / config.database))
    return config


def parse_config(text: str, name: str = DEFAULT_CONFIG_NAME) -> Config:
    try:
        data = yaml.load(text, Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise ConfigError(f"{name}: not valid YAML{where}: {getattr(exc, 'problem', exc)}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{name}: expected a mapping at the top level")
    data = {**data, "path": name}
    config = _build(Config, data, name, "")
    _check(config, name)
    return config


def _check(config: Config, name: str) -> None:
    """Cross-field rules that types alone cannot express."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(config.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{name}: timezone: unknown time zone {config.timezone!r}") from None
    if isinstance(config.source.editions, str) and config.source.editions != "latest":
        raise ConfigError(f'{name}: source.editions: expected "latest" or a list of years')
    if isinstance(config.source.countries, str) and config.source.countries != "all":
        raise ConfigError(f'{name}: source.countries: expected "all" or a list of countries')
    if not config.source.base_url.startswith(("http://", "https://")):
        raise ConfigError(f"{name}: source.base_url: expected an http(s) URL")
    for key in ("min_interval", "backoff", "max_retry_after"):
        _in_range(getattr(config.fetch, key), 0, MAX_SECONDS, f"{name}: fetch.{key}")
    for key in ("connect_timeout", "read_timeout", "deadline"):
        value = getattr(config.fetch, key)
        _in_range(value, 0, MAX_SECONDS, f"{name}: fetch.{key}")
        if value == 0:
            raise ConfigError(f"{name}: fetch.{key}: must be more than 0 seconds")
    _in_range(config.fetch.retries, 0, 20, f"{name}: fetch.retries")
    _in_range(config.fetch.max_redirects, 0, 30, f"{name}: fetch.max_redirects")
    _in_range(config.fetch.max_bytes, 1, 2**40, f"{name}: fetch.max_bytes")
    _in_range(config.fetch.workers, 1, 16, f"{name}: fetch.workers")
    _in_range(config.source.latest_count, 1, 100, f"{name}: source.latest_count")
    _in_range(config.source.earliest_edition, FIRST_EDITION, LAST_EDITION, f"{name}: source.earliest_edition")
    if not isinstance(config.source.editions, str):
        for i, year in enumerate(config.source.editions):
            _in_range(year, FIRST_EDITION, LAST_EDITION, f"{name}: source.editions[{i}]")
    if not isinstance(config.source.countries, str):
        for i, country in enumerate(config.source.countries):
            check_country(country, f"{name}: source.countries[{i}]")
    _in_range(config.alerts.failure_threshold, 1, 1000, f"{name}: alerts.failure_threshold")
    _in_range(config.alerts.max_attempts, 1, 1000, f"{name}: alerts.max_attempts")
    _in_range(config.alerts.release_wait, 0, MAX_SECONDS, f"{name}: alerts.release_wait")
    seen: set[str] = set()
    for i, job in enumerate(config.jobs):
        if job.id in seen:
            raise ConfigError(f"{name}: jobs[{i}].id: duplicate job id {job.id!r}")
        seen.add(job.id)
    names: set[str] = set()
    for i, channel in enumerate(config.alerts.channels):
        if channel.name in names:
            raise ConfigError(f"{name}: alerts.channels[{i}].name: duplicate channel name {channel.name!r}")
        names.add(channel.name)
    if config.alerts.channels:
        # Each channel class checks its own options; imported here so that a config without
        # channels does not pay for the alerts machinery.
        from alerts import ChannelConfigError, validate_channels

        try:
            validate_channels(config.alerts.channels)
        except ChannelConfigError as exc:
            raise ConfigError(f"{name}: {exc}") from None


def check_country(query: str, where: str) -> None:
    """A country filter that matches no known country would quietly check nothing: refuse it."""
    from snapshots.core.countries import UnknownCountry, resolve_country

    try:
        resolve_country(query)
    except UnknownCountry as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _in_range(value: float, low: float, high: float, where: str) -> None:
    if not low <= value <= high:  # NaN fails both comparisons
        raise ConfigError(f"{where}: expected {_number(low)} to {_number(high)}, got {value!r}")


def _number(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:g}"


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key given twice in one mapping (YAML keeps the last one silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str | int | float | bool) and key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


# --- a small typed builder: dict -> frozen dataclass, refusing unknown keys and wrong types ---


def _build(cls: type, data: Any, name: str, where: str) -> Any:
    if not isinstance(data, dict):
        raise ConfigError(f"{name}: {where or 'top level'}: expected a mapping, got {_show(data)}")
    hints = get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown and cls is not ChannelConfig:  # a channel's own options are checked by its class
        expected = sorted(k for k in fields if k != "path")
        key = f"{where}.{unknown[0]}" if where else str(unknown[0])
        raise ConfigError(f"{name}: {key}: unknown key (expected one of: {', '.join(expected)})")
    kwargs = {}
    for key, value in data.items():
        if key not in fields or (cls is ChannelConfig and key == "options"):
            continue
        kwargs[key] = _coerce(hints[key], value, name, f"{where}.{key}" if where else key)
    if cls is ChannelConfig:
        return _build_channel(data, kwargs, name, where)
    missing = [
        f.name
        for f in fields.values()
        if f.name not in kwargs and f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    if missing:
        raise ConfigError(f"{name}: {where + '.' if where else ''}{missing[0]}: required key is missing")
    return cls(**kwargs)


_CHANNEL_COMMON = {"name", "type", "enabled", "kinds", "countries", "min_significance", "mode"}


def _build_channel(data: dict[str, Any], kwargs: dict[str, Any], name: str, where: str) -> ChannelConfig:
    for key in ("name", "type"):
        if key not in data:
            raise ConfigError(f"{name}: {where}.{key}: required key is missing")
    common = {k: v for k, v in kwargs.items() if k in _CHANNEL_COMMON}
    options = {k: v for k, v in data.items() if k not in _CHANNEL_COMMON}
    return ChannelConfig(**common, options=options)


def _coerce(tp: Any, value: Any, name: str, where: str) -> Any:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        errors = []
        for option in get_args(tp):
            try:
                return _coerce(option, value, name, where)
            except ConfigError as exc:
                errors.append(exc)
        raise errors[-1]
    if origin is Literal:
        if value not in get_args(tp):
            choices = ", ".join(repr(a) for a in get_args(tp))
            raise ConfigError(f"{name}: {where}: expected one of {choices}, got {_show(value)}")
        return value
    if origin is tuple:
        item_type = get_args(tp)[0]
        if not isinstance(value, list):
            raise ConfigError(f"{name}: {where}: expected a list, got {_show(value)}")
        return tuple(_coerce(item_type, v, name, f"{where}[{i}]") for i, v in enumerate(value))
    if origin is dict or tp is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{name}: {where}: expected a mapping, got {_show(value)}")
        return dict(value)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _build(tp, value, name, where)
    if tp is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{name}: {where}: expected true or false, got {_show(value)}")
        return value
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{name}: {where}: expected a whole number, got {_show(value)}")
        return value
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{name}: {where}: expected a number, got {_show(value)}")
        return float(value)
    if tp is str:
        if not isinstance(value, str):
            raise ConfigError(f"{name}: {where}: expected text, got {_show(value)}")
        return value
    if tp is typing.Any:
        return value
    raise TypeError(f"config type {tp!r} is not supported")  # a programming error, not a user one


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)
