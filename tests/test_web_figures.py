"""The report's own figures on the web page: a chart per measure on the country page (source sentence on
hover and in the JSON), a sortable table with CSV on the edition page."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from monitor.web.app import create_app
from tests.test_web_routes import shared_web_db


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, sample_db_master: Path):
    return create_app(shared_web_db(tmp_path_factory, sample_db_master)).test_client()


def test_country_page_draws_a_chart_per_measure_with_each_source_sentence(client) -> None:
    html = client.get("/countries/brazil").get_data(as_text=True)
    charts = re.findall(r'<svg class="figure-chart" id="figure-(\w+)-(\w+)"', html)
    assert ("convictions", "all") in charts and ("investigations", "all") in charts
    chart = html[html.index('id="figure-convictions-all"') :]
    chart = chart[: chart.index("</svg>")]
    titles = re.findall(r"<circle class=\"figure-point\"[^>]*><title>([^<]*)</title>", chart)
    assert len(titles) == 5
    assert titles[-1].startswith("2025: 14. “") and "convicted 14 traffickers" in titles[-1]


def test_a_figure_not_reported_is_a_hollow_mark_never_a_zero(client) -> None:
    html = client.get("/countries/burma").get_data(as_text=True)
    charts = [c[: c.index("</svg>")] for c in html.split('<svg class="figure-chart"')[1:]]
    marked = [c for c in charts if "not-reported" in c]
    assert marked
    for chart in marked:
        hollow = re.findall(r'<circle class="figure-point not-reported"[^>]*><title>([^<]*)</title>', chart)
        assert hollow and all(": not reported. “" in t for t in hollow)
        # Only reported figures are labelled with a number: a not-reported edition never reads as 0.
        assert chart.count('<text class="figure-value"') == chart.count('<circle class="figure-point"')


def test_country_json_gives_the_figures_with_their_sentences(client) -> None:
    data = client.get("/countries/brazil?format=json").get_json()
    convictions = [f for f in data["figures"] if f["measure"] == "convictions" and f["scope"] == "all"]
    assert [f["edition"] for f in convictions] == [2021, 2022, 2023, 2024, 2025]
    assert convictions[-1]["value"] == 14 and "convicted 14" in convictions[-1]["sentence"]
    assert client.get("/api/countries/brazil").get_json()["figures"] == data["figures"]


def test_edition_page_sorts_the_figures_table_on_the_server(client) -> None:
    def countries(query: str) -> list[str]:
        html = client.get(f"/editions/2025{query}").get_data(as_text=True)
        table = html[html.index('<table class="figures">') :]
        table = table[: table.index("</table>")]
        return re.findall(r'<a href="/countries/[\w-]+#figures">([^<]+)</a>', table)

    by_name = countries("")
    assert by_name == sorted(by_name) and "Brazil" in by_name
    by_convictions = countries("?figures_sort=convictions&figures_order=desc")
    assert sorted(by_convictions) == sorted(by_name) and by_convictions != by_name
    data = client.get("/editions/2025?format=json").get_json()
    value = {
        f["country_key"]: f["value"] for f in data["figures"] if (f["measure"], f["scope"]) == ("convictions", "all")
    }
    stated = [name for name in by_convictions if name.lower().replace(" ", "-") in value]
    values = [value[name.lower().replace(" ", "-")] for name in stated]
    assert values == sorted(values, reverse=True)
    assert client.get("/editions/2025?figures_sort=nonsense").status_code == 400


def test_edition_figures_as_csv(client) -> None:
    response = client.get("/editions/2025/figures.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "figures-2025.csv" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    brazil = next(r for r in rows if (r["country_key"], r["measure"]) == ("brazil", "convictions"))
    assert brazil["value"] == "14" and brazil["previous"] == "31" and "convicted 14" in brazil["sentence"]
    html = client.get("/editions/2025").get_data(as_text=True)
    assert 'href="/editions/2025/figures.csv"' in html


def test_a_diff_of_editions_never_compared_by_the_job_shows_the_figure_moves(client) -> None:
    data = client.get("/countries/brazil/diff?old_edition=2023&new_edition=2025&format=json").get_json()
    summaries = [c["summary"] for c in data["diff"]["changes"] if c["kind"] == "figure"]
    assert summaries == ["Brazil 2025: convictions 14, was 29 in 2023"]
