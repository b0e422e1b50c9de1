"""The query-string arguments of the web page, read and checked: a bad one is a 400 with one line."""

from __future__ import annotations

import re

from flask import abort, request

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")


def int_arg(name: str) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 12:  # str.isdigit() accepts '²'
        abort(400, description=f"{name} must be a whole number")
    return int(raw)


def slug_arg(name: str) -> str | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    if not _SLUG.match(raw):
        abort(400, description=f"{name} is not a valid key")
    return raw


def choice_arg(name: str, choices: tuple[str, ...], default: str) -> str:
    raw = request.args.get(name, "").strip() or default
    if raw not in choices:
        abort(400, description=f"{name} must be one of: {', '.join(choices)}")
    return raw


def flag_arg(name: str) -> bool:
    return choice_arg(name, ("0", "1"), "0") == "1"
