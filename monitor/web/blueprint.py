"""The one blueprint every page registers on (served twice: at / as HTML or JSON, and under /api as JSON),
and what each page needs of its request: the read-only connection, one model rendered either way, the
change filter of the query string."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, abort, current_app, g, jsonify, render_template, request
from sqlite_utils import Database

from monitor.web import args
from snapshots import read
from snapshots.core.models import SIGNIFICANCE_RANK
from snapshots.store.db import open_db

pages = Blueprint("pages", __name__)


def db() -> Database:
    """This request's read-only connection (sqlite3 connections are bound to the thread that opened them)."""
    if "db" not in g:
        g.db = open_db(current_app.config["DB_PATH"], readonly=True)
    return g.db


def close_db(_exc: BaseException | None) -> None:
    conn = g.pop("db", None)
    if conn is not None:
        conn.conn.close()


def _wants_json() -> bool:
    fmt = request.args.get("format", "html")
    if fmt not in ("html", "json"):
        abort(400, description="format must be html or json")
    return request.blueprint == "api" or fmt == "json"


def jsonable(value: Any) -> Any:
    if hasattr(value, "to_json"):  # the types that define their JSON shape (changes, details, diffs)
        return value.to_json()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    return value


def render(template: str, json_model: dict[str, Any], **extra: Any) -> Any:
    """One page, two forms: the template with `json_model` plus `extra`, or `json_model` as JSON."""
    if _wants_json():
        return jsonify(jsonable(json_model))
    return render_template(template, **json_model, **extra)


def change_filter() -> read.ChangeFilter:
    significance = request.args.get("significance", "").strip() or None
    if significance is not None and significance not in SIGNIFICANCE_RANK:
        abort(400, description=f"significance must be one of: {', '.join(SIGNIFICANCE_RANK)}")
    return read.ChangeFilter(
        kind=args.slug_arg("kind"),
        country_key=args.slug_arg("country"),
        significance=significance,
        edition=args.int_arg("edition"),
        before_id=args.int_arg("before"),
    )
