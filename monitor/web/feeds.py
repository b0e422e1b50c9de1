"""Atom feeds of the change log: everything, one country, one kind of change."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from flask import Response, render_template, request

from monitor.web.blueprint import change_filter, db, pages
from snapshots import read
from snapshots.core.safe_text import clean_text

FEED_SIZE = 50


def atom_date(value: str | None) -> str:
    """An RFC 3339 timestamp for Atom; stored times without a zone are UTC."""
    try:
        moment = datetime.fromisoformat(value or "")
    except ValueError:
        moment = datetime(1970, 1, 1, tzinfo=UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()


def _feed(flt: read.ChangeFilter, title: str) -> Response:
    changes = read.changes(db(), dataclasses.replace(flt, limit=FEED_SIZE), newest_first=True)
    body = clean_text(render_template("feed.xml", changes=changes, title=title, feed_url=request.url))
    return Response(body, mimetype="application/atom+xml")


@pages.route("/feed.atom")
def feed() -> Response:
    flt = change_filter()
    parts = [p for p in (flt.country_key, flt.kind) if p]
    return _feed(flt, "tipwatch changes" + (f" ({', '.join(parts)})" if parts else ""))


@pages.route("/countries/<country_key>/feed.atom")
def country_feed(country_key: str) -> Response:
    name = read.country_names(db()).get(country_key, country_key)
    return _feed(read.ChangeFilter(country_key=country_key), f"tipwatch changes: {name}")


@pages.route("/kinds/<kind>/feed.atom")
def kind_feed(kind: str) -> Response:
    return _feed(read.ChangeFilter(kind=kind), f"tipwatch changes: {kind}")
