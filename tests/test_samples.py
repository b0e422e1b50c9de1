"""The bundled sample report site: data that follows the real tier histories, state.gov-shaped pages,
and the loopback server that the demo, the tests and the benchmarks fetch from."""

from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
import requests
from bs4 import BeautifulSoup

from monitor.samples.data import SampleDataError, load_reports, parse_country
from monitor.samples.server import SampleSite
from monitor.samples.site import render_country, render_landing, render_subpage

T1, T2, WL, T3, SC = "Tier 1", "Tier 2", "Tier 2 Watch List", "Tier 3", "Special Case"
pytestmark = pytest.mark.published(2021, 2022, 2023)  # for the `site` fixture

YEARS = (2021, 2022, 2023, 2024, 2025)

# The real tier histories the samples follow.
TIER_HISTORY = {
    "japan": (T2, T2, T2, T2, T2),
    "south-korea": (T1, T2, T2, T1, T1),
    "haiti": (WL, WL, WL, SC, SC),
    "colombia": (T1, T1, T1, T1, T2),
    "vietnam": (WL, T3, WL, T2, T2),
    "burma": (T3, T3, T3, T3, T3),
    "brazil": (T2, T2, T2, T2, WL),
}
HEADINGS = {
    "japan": "JAPAN",
    "south-korea": "KOREA, REPUBLIC OF",
    "haiti": "HAITI",
    "colombia": "COLOMBIA",
    "vietnam": "VIETNAM",
    "burma": "BURMA",
    "brazil": "BRAZIL",
}
NON_COUNTRY = ("introduction", "tier-placements")
REPORTS = load_reports()


def _pages():
    for slug, country in REPORTS.countries.items():
        for year in country.editions:
            yield year, slug


def _entry(body: bytes) -> BeautifulSoup:
    return BeautifulSoup(body, "lxml").select_one("div.entry-content")


# -- data ------------------------------------------------------------------------------------


def test_tiers_follow_the_real_histories() -> None:
    assert REPORTS.editions() == list(YEARS)
    actual = {slug: tuple(c.editions[y].tier for y in YEARS) for slug, c in REPORTS.countries.items()}
    assert actual == TIER_HISTORY


def test_every_narrative_has_summary_recommendations_and_sections() -> None:
    for year, slug in _pages():
        edition = REPORTS.countries[slug].editions[year]
        words = len(" ".join(edition.summary).split())
        assert 60 <= words <= 400, (slug, year, words)
        assert 6 <= len(edition.recommendations) <= 10, (slug, year)
        expected = (
            ["government_efforts", "trafficking_profile"]
            if edition.tier == SC
            else ["prosecution", "protection", "prevention", "trafficking_profile"]
        )
        assert list(edition.sections) == expected, (slug, year)


def test_summaries_carry_the_edition_boilerplate() -> None:
    for year, slug in _pages():
        edition = REPORTS.countries[slug].editions[year]
        summary = " ".join(edition.summary)
        covid = "COVID-19 pandemic" in summary
        assert covid == (year <= 2023), (slug, year)
        assert ("COVID-19 pandemic, if any," in summary) == (year in (2022, 2023)), (slug, year)
        if edition.tier == T1:
            assert ("fully meets the minimum standards" in summary) == (year <= 2022), (slug, year)
        elif edition.tier != SC:
            assert ("does not fully meet" in summary) == (year <= 2024), (slug, year)
        if edition.tier != SC:
            assert re.search(
                r"(therefore|Therefore|so) .{0,40}(remained on|was upgraded to|was downgraded to) "
                + re.escape(edition.tier),
                summary,
            ), (slug, year)
            assert ("so " in summary and "; therefore" not in summary) if year == 2025 else True


def test_rolling_counters_and_streaks() -> None:
    japan = REPORTS.countries["japan"].editions
    for year, ordinal in zip(YEARS, ("fourth", "fifth", "sixth", "seventh", "eighth"), strict=True):
        assert f"for at least the {ordinal} consecutive year" in japan[year].summary[0]
    haiti = REPORTS.countries["haiti"].editions
    assert "second consecutive year" in haiti[2022].summary[0]
    assert (
        "granted a waiver per the Trafficking Victims Protection Act from an otherwise required downgrade to Tier 3"
        in haiti[2023].summary[0]
    )
    assert "remains a Special Case for the second consecutive year" in haiti[2025].summary[0]
    assert all("government policy or pattern" in e.summary[0] for e in REPORTS.countries["burma"].editions.values())


def test_consecutive_editions_carry_some_recommendations_and_change_others() -> None:
    for slug, country in REPORTS.countries.items():
        for before, after in itertools.pairwise(YEARS):
            old, new = set(country.editions[before].recommendations), set(country.editions[after].recommendations)
            assert old & new, (slug, before, after)  # some carried verbatim
        all_sets = [set(country.editions[y].recommendations) for y in YEARS]
        assert any(a != b for a, b in itertools.pairwise(all_sets)), slug


def test_japan_2024_revision_changes_a_figure_and_one_recommendation() -> None:
    released = REPORTS.edition(2024, "japan")
    revised = REPORTS.edition(2024, "japan", revised=True)
    assert released is not None and revised is not None
    assert released.sections["protection"] != revised.sections["protection"]
    assert released.summary == revised.summary and released.sections["prosecution"] == revised.sections["prosecution"]
    assert len(released.recommendations) == len(revised.recommendations)
    differing = [(a, b) for a, b in zip(released.recommendations, revised.recommendations, strict=True) if a != b]
    assert len(differing) == 1
    assert revised.modified is not None and revised.modified > REPORTS.last_modified(2024, "japan")


def test_bad_sample_data_gets_a_one_line_error() -> None:
    raw = {
        "slug": "x",
        "name": "X",
        "heading": "X",
        "editions": {2023: {"tier": "Tier 4", "summary": ["s"], "recommendations": ["r"]}},
    }
    with pytest.raises(SampleDataError, match=r"x.yaml:2023: tier 'Tier 4' is not one of") as info:
        parse_country(raw, source="x.yaml")
    assert "\n" not in str(info.value)
    with pytest.raises(SampleDataError, match="missing key 'editions'"):
        parse_country({"slug": "x", "name": "X", "heading": "X"}, source="x.yaml")


# -- rendering -------------------------------------------------------------------------------


@pytest.mark.parametrize(("year", "slug"), list(_pages()))
def test_country_page_heading_in_the_edition_style(year: int, slug: str) -> None:
    body = render_country(year, slug)
    tier = REPORTS.countries[slug].editions[year].tier
    entry = _entry(body)
    first = entry.find(["h2", "p"])
    text = first.get_text().replace("\xa0", " ")
    if year <= 2021:
        assert first.name == "p" and first.strong is not None
        assert text == f"{HEADINGS[slug]}: {tier}"
        assert entry.find("ul") is None
        assert all(
            h.get_text()
            in {"PROSECUTION", "PROTECTION", "PREVENTION", "TRAFFICKING PROFILE", "PRIORITIZED RECOMMENDATIONS:"}
            for h in entry.select("p > strong")[1:]
        )
    else:
        assert text == f"{HEADINGS[slug]} ({tier})"
        assert len(entry.select("ul > li")) == len(REPORTS.countries[slug].editions[year].recommendations)
    assert b"&nbsp;" in body and "’".encode() in body
    assert 80_000 < len(body) < 200_000  # a real page's weight: the narrative is a small part of it
    assert BeautifulSoup(body, "lxml").select_one("aside.related-content").find(string=re.compile("Tier 3"))


def test_special_case_pages_have_government_efforts_instead_of_the_three_ps() -> None:
    for year in (2024, 2025):
        headings = [h.get_text() for h in _entry(render_country(year, "haiti")).find_all("h3")]
        assert headings == ["GOVERNMENT EFFORTS", "TRAFFICKING PROFILE"]


@pytest.mark.parametrize("year", YEARS)
def test_landing_lists_every_country_and_the_non_country_pages(year: int) -> None:
    base = "http://example.test"
    soup = BeautifulSoup(render_landing(year, base_url=base), "lxml")
    expected = {
        f"{base}/reports/{year}-trafficking-in-persons-report/{slug}/" for slug in (*TIER_HISTORY, *NON_COUNTRY)
    }
    options = {o["value"] for o in soup.select("nav#report-nav option")}
    assert options == expected | {f"{base}/reports/{year}-trafficking-in-persons-report/"}
    links = {a["href"] for a in soup.select("div.entry-content a")}
    assert links == expected
    for slug in NON_COUNTRY:
        entry = _entry(render_subpage(year, slug, base_url=base))
        assert entry.find("h2") is None  # no narrative heading


# -- the parser reads every sample page ------------------------------------------------------


def test_every_sample_page_parses_to_its_tier_and_recommendations() -> None:
    parse = pytest.importorskip("monitor.parse")
    for year, slug in _pages():
        for revised in (False, True):
            edition = REPORTS.edition(year, slug, revised=revised)
            url = f"https://www.state.gov/reports/{year}-trafficking-in-persons-report/{slug}/"
            narrative = parse.parse_narrative(render_country(year, slug, revised=revised), url)
            assert (narrative.tier, narrative.edition) == (edition.tier, year), (slug, year)
            assert len(narrative.recommendations) == len(edition.recommendations), (slug, year)
            assert list(narrative.sections) == list(edition.sections), (slug, year)
    for slug in NON_COUNTRY:
        with pytest.raises(parse.ParseError) as info:
            parse.parse_narrative(render_subpage(2023, slug))
        assert info.value.kind == "not_narrative"


# -- the server ------------------------------------------------------------------------------


def test_unpublished_edition_is_404_until_released(site: SampleSite) -> None:
    assert requests.get(site.url(2024)).status_code == 404
    assert requests.get(site.url(2024, "japan")).status_code == 404
    site.published.add(2024)
    landing = requests.get(site.url(2024))
    assert landing.status_code == 200 and site.url(2024, "haiti") in landing.text
    assert requests.get(site.url(2024, "japan")).status_code == 200


def test_unknown_paths_404_and_bare_paths_redirect(site: SampleSite) -> None:
    for path in (
        "/",
        "/reports/",
        "/reports/2023-trafficking-in-persons-report/atlantis/",
        "/reports/2019-trafficking-in-persons-report/japan/",
        "/reports/2023-trafficking/japan/",
    ):
        assert requests.get(site.base_url + path).status_code == 404, path
    response = requests.get(site.base_url + "/reports/2023-trafficking-in-persons-report/japan")
    assert response.history[0].status_code == 301 and response.url == site.url(2023, "japan")


def test_conditional_requests_get_304(site: SampleSite) -> None:
    first = requests.get(site.url(2023, "japan"))
    assert first.status_code == 200 and first.headers["ETag"]
    again = requests.get(site.url(2023, "japan"), headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    stale = requests.get(site.url(2023, "japan"), headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.content == first.content
    since = requests.get(site.url(2023, "japan"), headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304
    older = requests.get(site.url(2023, "japan"), headers={"If-Modified-Since": "Mon, 01 Jun 2020 00:00:00 GMT"})
    assert older.status_code == 200
    assert requests.head(site.url(2023, "japan")).headers["ETag"] == first.headers["ETag"]


def test_revised_flag_serves_the_post_release_edit(site: SampleSite) -> None:
    site.published.add(2024)
    before = requests.get(site.url(2024, "japan"))
    other = requests.get(site.url(2024, "brazil"))
    site.revised = True
    after = requests.get(site.url(2024, "japan"), headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and after.content != before.content
    assert b"identified 68 victims" in after.content and b"identified 63 victims" in before.content
    assert parsedate_to_datetime(after.headers["Last-Modified"]) > parsedate_to_datetime(
        before.headers["Last-Modified"]
    )
    unchanged = requests.get(site.url(2024, "brazil"), headers={"If-None-Match": other.headers["ETag"]})
    assert unchanged.status_code == 304


def test_override_replaces_one_path_only(site: SampleSite) -> None:
    path = "/reports/2023-trafficking-in-persons-report/haiti/"
    site.override(path, (500, {"Content-Type": "text/plain"}, b"Internal Server Error"))
    assert requests.get(site.base_url + path).status_code == 500
    assert requests.get(site.url(2023, "japan")).status_code == 200
    answers = iter([(503, {"Retry-After": "1"}, b"busy"), (200, {}, b"<html>ok</html>")])
    site.override(path, lambda request: next(answers))
    assert requests.get(site.base_url + path).headers["Retry-After"] == "1"
    assert requests.get(site.base_url + path).content == b"<html>ok</html>"
    site.clear_overrides()
    assert b"HAITI (Tier 2 Watch List)" in requests.get(site.base_url + path).content
    assert site.hits[path] == 4


def test_serves_concurrent_requests(site: SampleSite) -> None:
    urls = [site.url(year, slug) for year in (2021, 2022, 2023) for slug in TIER_HISTORY]
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda url: requests.get(url, timeout=10).status_code, urls))
    assert statuses == [200] * len(urls)
    assert sum(site.hits.values()) == len(urls)


# -- the benchmark mirror --------------------------------------------------------------------


def _mirror():
    path = Path(__file__).resolve().parent.parent / "bench" / "mirror.py"
    spec = importlib.util.spec_from_file_location("tipwatch_bench_mirror", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_mirror_is_deterministic_and_page_sized() -> None:
    mirror = _mirror()
    reports = mirror.synthetic_reports(countries=8, seed=5)
    assert reports == mirror.synthetic_reports(countries=8, seed=5)
    assert reports != mirror.synthetic_reports(countries=8, seed=6)
    assert reports.editions() == [2023, 2024, 2025] and len(reports.countries) == 8
    for slug, country in reports.countries.items():
        body = render_country(2024, slug, reports=reports)
        assert 110_000 < len(body) < 200_000
        assert f"{country.heading} ({country.editions[2024].tier})" in body.decode().replace("&nbsp;", " ")


def test_mutated_mirror_changes_exactly_the_chosen_pages_over_http() -> None:
    mirror = _mirror()
    reports = mirror.synthetic_reports(countries=12, seed=1)
    with SampleSite(reports) as site:
        urls = [site.url(year, slug) for slug in reports.countries for year in reports.editions()]
        etags = {url: requests.get(url).headers["ETag"] for url in urls}
        site.reports, changed = mirror.mutate(site.reports, fraction=0.25, seed=4)
        assert len(changed) == round(len(urls) * 0.25)
        refetched = {url: requests.get(url, headers={"If-None-Match": etags[url]}).status_code for url in urls}
    assert {url for url, status in refetched.items() if status == 200} == {site.url(y, s) for y, s in changed}
    assert all(status in (200, 304) for status in refetched.values())
    assert dt.date.today() > min(site.reports.last_modified(y, s) for y, s in changed)
