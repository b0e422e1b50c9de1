"""URL converters for the routes: numbers that SQLite can hold, in ASCII digits."""

from __future__ import annotations

from werkzeug.routing import BaseConverter, IntegerConverter, Map

SQLITE_MAX_INT = 2**63 - 1


class SqliteInt(IntegerConverter):
    """`<int:...>` for database ids and years: ASCII digits only, at most SQLite's largest integer, so a
    huge number is a 404 rather than an OverflowError from sqlite3."""

    regex = r"[0-9]+"

    def __init__(self, map: Map, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("max", SQLITE_MAX_INT)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


CONVERTERS: dict[str, type[BaseConverter]] = {"int": SqliteInt}
