"""The browse page: a read-only Flask app over the tipwatch database.

Every page is rendered on the server (no JavaScript needed) and is also available as JSON, either with
`?format=json` or under `/api/...`. Scraped text only ever reaches the page through Jinja's autoescape,
and the Content-Security-Policy forbids scripts outright, so a hostile narrative renders inertly.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from flask import Flask, Response, abort, current_app, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from monitor import __version__
from monitor.web import (
    args,
    diffview,
    editions,  # noqa: F401  (imported for its routes: they join `pages` before create_app registers it)
    feeds,
    times,
)
from monitor.web.blueprint import change_filter, close_db, db, pages, render
from monitor.web.chart import TIER_CSS, tier_chart
from monitor.web.converters import CONVERTERS
from monitor.web.figure_chart import figure_charts
from monitor.web.hosts import host_guard
from snapshots import read
from snapshots.core import describe
from snapshots.core.models import TIERS
from snapshots.core.recommendations import recommendation_tracker
from snapshots.core.searchwords import searchable_parts

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
MAX_QUERY_CHARS = 500

DIFF_CACHE_SIZE = 32
_DIFF_CACHE: OrderedDict[tuple[Any, ...], read.PairDiff | None] = OrderedDict()
_DIFF_CACHE_LOCK = threading.Lock()


def create_app(db_path: str | Path, *, hosts: Iterable[str] = ()) -> Flask:
    """The app for one database file, opened read-only, one connection per request.

    It answers to loopback names and `hosts` (the --host it is bound to, the host of alerts.base_url).
    """
    app = Flask(__name__)
    app.url_map.converters.update(CONVERTERS)  # before the routes are registered
    app.before_request(host_guard(hosts))
    app.config["DB_PATH"] = str(db_path)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.register_blueprint(pages)
    app.register_blueprint(pages, url_prefix="/api", name="api")
    app.teardown_appcontext(close_db)
    app.after_request(_security_headers)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _server_error)
    app.jinja_env.globals.update(
        tiers=TIERS, version=__version__, tier_css=_tier_css, move_words=describe.move_words, heading=describe.heading
    )
    app.jinja_env.filters["atom_date"] = feeds.atom_date
    app.jinja_env.filters["part"] = describe.part_name
    app.jinja_env.filters["readable_time"] = times.readable
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    return app


# --- plumbing ---


def _security_headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Frame-Options"] = "DENY"
    return response


def _http_error(exc: HTTPException) -> tuple[Any, int]:
    code = exc.code or 500
    if request.blueprint == "api" or request.args.get("format") == "json":
        return jsonify(error=exc.name, message=exc.description), code
    return render_template("error.html", code=code, name=exc.name, message=exc.description), code


def _server_error(exc: Exception) -> tuple[Any, int]:
    current_app.logger.exception("error while serving %s", request.path)
    message = "The page could not be built. The error was logged on the server."
    if request.blueprint == "api" or request.args.get("format") == "json":
        return jsonify(error="Internal Server Error", message=message), 500
    return render_template("error.html", code=500, name="Internal Server Error", message=message), 500


def _tier_css(tier: str) -> str:
    return TIER_CSS.get(tier, "sc")


# --- pages ---


@pages.route("/")
def home() -> Any:
    flt = change_filter()
    changes = read.changes(db(), flt, newest_first=True)
    more = changes[-1].id if len(changes) == flt.limit else None
    model = {"filter": flt, "changes": changes, "editions": read.editions(db()), "older_than": more}
    return render("home.html", model, options=read.filter_options(db()))


@pages.route("/countries")
def countries() -> Any:
    return render("countries.html", {"countries": read.country_index(db())})


@pages.route("/countries/<country_key>")
def country(country_key: str) -> Any:
    overview = read.country_overview(db(), country_key)
    if overview is None:
        abort(404, description=f"No country {country_key!r} in the database.")
    tracker = recommendation_tracker(read.latest_narratives(db(), country_key))
    figures = read.country_figures(db(), country_key)
    model = {"country": overview, "recommendations": tracker, "figures": figures}
    return render("country.html", model, chart=tier_chart(overview.timeline), figure_charts=figure_charts(figures))


def _resolve_side(country_key: str, snapshot_arg: str, edition_arg: str) -> int | None:
    snapshot_id = args.int_arg(snapshot_arg)
    edition_value = args.int_arg(edition_arg)
    if snapshot_id is not None:
        return snapshot_id
    if edition_value is not None:
        found = read.edition_snapshot_id(db(), country_key, edition_value)
        if found is None:
            abort(404, description=f"No snapshot of {country_key} in the {edition_value} edition.")
        return found
    return None


@pages.route("/countries/<country_key>/diff")
def diff(country_key: str) -> Any:
    sequence = [s.id for s in read.snapshots_of(db(), country_key)]
    if not sequence:
        abort(404, description=f"No country {country_key!r} in the database.")
    mode = args.choice_arg("mode", ("inline", "side"), "inline")
    changes_only = args.flag_arg("changes_only")
    old_id = _resolve_side(country_key, "old", "old_edition")
    new_id = _resolve_side(country_key, "new", "new_edition")
    if new_id is None:
        new_id = sequence[-1]
    if new_id not in sequence:
        abort(404, description=f"Snapshot {new_id} is not a snapshot of {country_key}.")
    if old_id is None:
        position = sequence.index(new_id)
        old_id = sequence[position - 1] if position else new_id
    if old_id not in sequence:
        abort(404, description=f"Snapshot {old_id} is not a snapshot of {country_key}.")
    view = _cached_diff(old_id, new_id)
    if view is None:
        abort(404, description=f"Snapshot {old_id} or {new_id} has no readable narrative.")
    i, j = sorted((sequence.index(old_id), sequence.index(new_id)))
    neighbours = {
        "previous": (sequence[i - 1], sequence[i]) if i > 0 else None,
        "next": (sequence[j], sequence[j + 1]) if j + 1 < len(sequence) else None,
    }
    sections = [
        {"section": s, "rows": diffview.layout(s.ops, changes_only=changes_only, boilerplate=s.boilerplate)}
        for s in view.sections
        if not (changes_only and s.status == "same")
    ]
    model = {
        "old": view.old,
        "new": view.new,
        "diff": view.diff,  # turned into JSON only when JSON is asked for (the template reads `nd`)
        "neighbours": neighbours,
        "mode": mode,
        "changes_only": changes_only,
    }
    return render("diff.html", model, nd=view.diff, sections=sections, country_key=country_key)


def _cached_diff(old_id: int, new_id: int) -> read.PairDiff | None:
    """Diffs are immutable for a pair of snapshot contents, so toggling the view or stepping back to a pair
    that had to be diffed live costs nothing the second time. Keyed by content hash (a reparse changes it)."""
    refs = read.snapshot(db(), old_id), read.snapshot(db(), new_id)
    if None in refs:
        return None
    key = (current_app.config["DB_PATH"], old_id, new_id, *(ref.content_hash for ref in refs if ref))
    with _DIFF_CACHE_LOCK:
        if key in _DIFF_CACHE:
            _DIFF_CACHE.move_to_end(key)
            return _DIFF_CACHE[key]
    view = read.diff_pair(db(), old_id, new_id)
    with _DIFF_CACHE_LOCK:
        _DIFF_CACHE[key] = view
        while len(_DIFF_CACHE) > DIFF_CACHE_SIZE:
            _DIFF_CACHE.popitem(last=False)
    return view


@pages.route("/diff/<int:old_id>/<int:new_id>")
def diff_by_ids(old_id: int, new_id: int) -> Any:
    ref = read.snapshot(db(), new_id)
    if ref is None:
        abort(404, description=f"No snapshot {new_id}.")
    endpoint = f"{request.blueprint}.diff"
    query: dict[str, Any] = {**request.args.to_dict(), "old": old_id, "new": new_id}
    return redirect(url_for(endpoint, country_key=ref.country_key, **query))


@pages.route("/changes/<int:change_id>")
def change(change_id: int) -> Any:
    found = read.change(db(), change_id)
    if found is None:
        abort(404, description=f"No change {change_id}.")
    refs = {
        side: read.snapshot(db(), snapshot_id) if snapshot_id else None
        for side, snapshot_id in (("old", found.old_snapshot_id), ("new", found.new_snapshot_id))
    }
    ops = getattr(found.detail, "diff", ())
    drift = getattr(found.detail, "boilerplate", ())
    rows = diffview.layout(list(ops), changes_only=False, boilerplate=drift) if ops else []
    lines = describe.lines(found.detail)
    if rows:  # the inline diff below replaces the excerpt that closes the lines
        lines = lines[:-1]
    model = {"change": found, "old": refs["old"], "new": refs["new"]}
    return render("change.html", model, rows=rows, lines=lines)


@pages.route("/snapshots/<int:snapshot_id>")
def snapshot(snapshot_id: int) -> Any:
    ref, narrative = _snapshot_or_404(snapshot_id)
    parts = searchable_parts(narrative)
    return render("snapshot.html", {"snapshot": ref, "parts": parts, "heading": narrative.heading})


@pages.route("/snapshots/<int:snapshot_id>/sections/<section>")
def snapshot_section(snapshot_id: int, section: str) -> Any:
    ref, narrative = _snapshot_or_404(snapshot_id)
    return _section_page(ref, narrative, section)


@pages.route("/countries/<country_key>/<int:edition>/sections/<section>")
def edition_section(country_key: str, edition: int, section: str) -> Any:
    snapshot_id = read.edition_snapshot_id(db(), country_key, edition)
    if snapshot_id is None:
        abort(404, description=f"No snapshot of {country_key} in the {edition} edition.")
    ref, narrative = _snapshot_or_404(snapshot_id)
    return _section_page(ref, narrative, section)


def _snapshot_or_404(snapshot_id: int) -> tuple[read.SnapshotRow, Any]:
    ref = read.snapshot(db(), snapshot_id)
    narrative = read.narrative(db(), snapshot_id) if ref else None
    if ref is None or narrative is None:
        abort(404, description=f"No snapshot {snapshot_id}.")
    return ref, narrative


def _section_page(ref: read.SnapshotRow, narrative: Any, section: str) -> Any:
    parts = dict(searchable_parts(narrative))
    if section not in parts:
        abort(404, description=f"The {ref.edition} narrative of {ref.country} has no section {section!r}.")
    return render("section.html", {"snapshot": ref, "section": section, "text": parts[section]})


@pages.route("/search")
def search() -> Any:
    text = request.args.get("q", "").strip()
    if len(text) > MAX_QUERY_CHARS:
        abort(400, description=f"the query is longer than {MAX_QUERY_CHARS} characters")
    edition_value = args.int_arg("edition")
    section = args.slug_arg("section")
    hits = read.search(db(), text, edition=edition_value, section=section) if text else []
    model = {"q": text, "edition": edition_value, "section": section, "hits": hits}
    return render(
        "search.html",
        model,
        editions=[e.edition for e in read.editions(db())],
        section_names=read.section_names(db()),
    )
