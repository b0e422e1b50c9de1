"""CSV as tipwatch writes it (the CLI and the web page alike): a header row, "" for None, "\n" line ends.

Text cells come from scraped pages. A cell that a spreadsheet would run as a formula (=, +, -, @, tab or
carriage return first) gets a leading apostrophe, the usual guard: report prose never starts that way, so
no real sentence or name is altered, while a hostile page cannot plant a formula in an analyst's sheet.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import IO, Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_rows(out: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Rows given as cells in `header` order."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([cell(value) for value in row] for row in rows)


def write_csv(out: IO[str], header: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    """Rows given as mappings: `header` names the keys written, in order."""
    write_rows(out, header, ([row[k] for k in header] for row in rows))
