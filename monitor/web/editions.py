"""The edition pages: the index of editions, one edition's tier table and figures, and both as CSV."""

from __future__ import annotations

import io
from typing import Any

from flask import Response, abort

from monitor.csvout import write_rows
from monitor.web import args
from monitor.web.blueprint import db, pages, render
from monitor.web.figure_table import SORT_KEYS, figure_table, figures_csv
from snapshots import read
from snapshots.core.safe_text import clean_text


@pages.route("/editions")
def editions() -> Any:
    return render("editions.html", {"editions": read.editions(db())})


@pages.route("/editions/<int:edition>")
def edition(edition: int) -> Any:
    overview = read.edition_overview(db(), edition)
    if overview is None:
        abort(404, description=f"No snapshots of the {edition} edition.")
    sort = args.choice_arg("sort", tuple(read.TABLE_SORTS), "country")
    table = read.edition_table(db(), edition, sort=sort)
    # The figures table sorts by its own arguments, so that each table keeps its order when the other sorts.
    figure_sort = args.choice_arg("figures_sort", SORT_KEYS, "country")
    descending = args.choice_arg("figures_order", ("asc", "desc"), "asc") == "desc"
    figures = read.edition_figures(db(), edition)
    model = {"edition": overview, "table": table, "sort": sort, "figures": figures}
    return render("edition.html", model, figure_table=figure_table(figures, figure_sort, descending))


@pages.route("/editions/<int:edition>.csv")
def edition_csv(edition: int) -> Response:
    table = read.edition_table(db(), edition, sort=args.choice_arg("sort", tuple(read.TABLE_SORTS), "country"))
    if table is None:
        abort(404, description=f"No snapshots of the {edition} edition.")
    out = io.StringIO()
    write_rows(out, read.TABLE_COLUMNS, (read.table_cells(row) for row in table))
    disposition = f'attachment; filename="tipwatch-{edition}-tiers.csv"'
    return Response(out.getvalue(), mimetype="text/csv", headers={"Content-Disposition": disposition})


@pages.route("/editions/<int:edition>/figures.csv")
def edition_figures_csv(edition: int) -> Response:
    body = clean_text(figures_csv(read.edition_figures(db(), edition)))
    disposition = f"attachment; filename=figures-{edition}.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": disposition})
