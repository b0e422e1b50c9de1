"""CSV as tipwatch writes it (the CLI and the web page alike): a header row, "" for None, "\\n" line ends."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import IO, Any


def write_csv(out: IO[str], header: Sequence[str], rows: Iterable[dict[str, Any]]) -> None:
    writer = csv.DictWriter(out, fieldnames=list(header), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: "" if row[k] is None else row[k] for k in header} for row in rows)
