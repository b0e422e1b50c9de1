"""The parser: golden fixture pages per layout, refusals of non-narrative pages, country keys, `tipwatch parse`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor import __version__
from monitor.cli import cli
from monitor.errors import ParseError
from monitor.parse import PARSER_VERSION, parse_narrative
from snapshots.core.countries import UnknownCountry, country_key, display_name, resolve_country, suggest_countries
from snapshots.core.models import TIERS, Narrative

PAGES = Path(__file__).parent / "fixtures" / "pages"
GOLDEN = sorted(p.name.removesuffix(".expected.json") for p in PAGES.glob("*.expected.json"))
NEGATIVES = json.loads((PAGES / "negatives.json").read_text())


def page_file(name: str) -> Path:
    return next(p for p in PAGES.iterdir() if p.name.startswith(f"{name}.") and not p.name.endswith(".expected.json"))


def wrap(body: str, *, title: str = "Test page") -> bytes:
    """A minimal complete state.gov-like page around an entry-content body."""
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
        f'<body class="single-report"><main><div class="entry-content">{body}</div></main></body></html>'
    ).encode()


# --- golden pages ------------------------------------------------------------------------------------------


def test_every_layout_has_a_golden_page() -> None:
    layouts = {json.loads((PAGES / f"{n}.expected.json").read_text())["layout"] for n in GOLDEN}
    assert {"stategov-2017", "stategov-2018", "stategov-2019", "stategov-2020", "stategov-2022"} <= layouts
    assert {"gvnet", "ecoi", "plaintext"} <= layouts


@pytest.mark.parametrize("name", GOLDEN)
def test_golden_page(name: str) -> None:
    expected = json.loads((PAGES / f"{name}.expected.json").read_text())
    n = parse_narrative(page_file(name).read_bytes(), expected["url"])

    assert n.country == expected["country"]
    assert n.country_key == expected["country_key"]
    assert n.edition == expected["edition"]
    assert n.tier == expected["tier"]
    assert n.heading == expected["heading"]
    assert n.layout == expected["layout"]
    assert n.parser_version == PARSER_VERSION
    assert list(n.recommendations) == expected["recommendations"]
    assert list(n.sections) == expected["sections"]
    paragraphs = n.summary.split("\n\n")
    assert len(paragraphs) == expected["summary_paragraphs"]
    assert paragraphs[0].startswith(expected["summary_first_words"])
    assert paragraphs[-1].endswith(expected["summary_last_words"])
    for fragment in expected.get("summary_contains", []):
        assert fragment in n.summary
    # Clean text everywhere: no raw whitespace runs, no &nbsp;, no heading or banner leaking into the body.
    for text in (n.summary, *n.recommendations, *n.sections.values()):
        assert text == text.strip() and "\xa0" not in text and "  " not in text and "\n\n\n" not in text
        assert "\u00ad" not in text and "<" not in text
    assert n.heading not in n.summary and "Extracted in part" not in n.summary
    assert "Related Articles" not in n.summary + " ".join(n.sections.values())


def test_gvnet_mirror_and_seed_text_agree() -> None:
    html = parse_narrative(page_file("gvnet-japan-2023").read_bytes(), "http://gvnet.com/humantrafficking/Japan-2.htm")
    text = parse_narrative(page_file("plaintext-gvnet-japan-2023").read_bytes())
    assert (html.summary, html.recommendations, html.tier) == (text.summary, text.recommendations, text.tier)
    assert len(text.recommendations) == 12
    assert "Copyright" not in " ".join(html.recommendations)  # the footer is not a recommendation


def test_sidebar_and_nav_tiers_never_reach_the_result() -> None:
    n = parse_narrative(page_file("stategov-2024-vietnam-tier3-sidebar").read_bytes())
    assert n.tier == "Tier 2" and n.country == "VIETNAM"
    assert "BURMA" not in n.summary and "Share" not in n.recommendations


def test_curly_quotes_are_kept_and_nbsp_is_a_space() -> None:
    n = parse_narrative(page_file("stategov-2022-cote-divoire-nbsp-quotes").read_bytes())
    assert "“ambitious”" in n.summary and "’" in n.country
    assert n.recommendations[0] == "Fund the “one-stop” centers for victims in every region."


def test_parse_is_deterministic_and_round_trips_through_json() -> None:
    data = page_file("stategov-2023-haiti").read_bytes()
    first, second = parse_narrative(data), parse_narrative(data)
    assert first == second
    assert Narrative.from_json(json.dumps(first.to_json())) == first


# --- headings ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("heading", "country", "tier"),
    [
        ("<p><strong>COLOMBIA: TIER 1</strong></p>", "COLOMBIA", "Tier 1"),
        ("<h2>JAPAN: Tier 2</h2>", "JAPAN", "Tier 2"),
        ("<h3>Japan (Tier 2)</h3>", "Japan", "Tier 2"),
        ("<h2>HAITI (Tier 2 Watch List)</h2>", "HAITI", "Tier 2 Watch List"),
        ("<h2>haiti (tier 2 watch list)</h2>", "haiti", "Tier 2 Watch List"),
        ("<p><b>BELARUS: Tier 3</b></p>", "BELARUS", "Tier 3"),
        ("<h2>LIBYA (Special Case)</h2>", "LIBYA", "Special Case"),
        ("<h2>YEMEN (SPECIAL CASE)</h2>", "YEMEN", "Special Case"),
        ("<p><strong>KOREA, REPUBLIC OF: Tier 1</strong></p>", "KOREA, REPUBLIC OF", "Tier 1"),
        ("<h2>CONGO, DEMOCRATIC REPUBLIC OF THE (Tier 2 Watch List)</h2>", "CONGO, DEMOCRATIC REPUBLIC OF THE", None),
        ("<h2>ST. LUCIA (Tier 2)</h2>", "ST. LUCIA", "Tier 2"),
        ("<h2>CHINA (PRC) (Tier 3)</h2>", "CHINA (PRC)", "Tier 3"),
    ],
)
def test_heading_forms(heading: str, country: str, tier: str | None) -> None:
    body = f"{heading}<p>The government made efforts.</p><p>PRIORITIZED RECOMMENDATIONS:</p><ul><li>Do more.</li></ul>"
    n = parse_narrative(wrap(body))
    assert n.country == country
    assert n.tier == (tier or "Tier 2 Watch List") and n.tier in TIERS
    assert n.summary == "The government made efforts."
    assert n.recommendations == ("Do more.",)


def test_tier_comes_from_the_heading_not_the_body() -> None:
    body = (
        "<p>Governments placed on Tier 3 may lose assistance (Tier 3)</p>"
        "<h2>GHANA (Tier 2)</h2><p>Ghana was upgraded from Tier 2 Watch List; Tier 1 remains out of reach.</p>"
    )
    n = parse_narrative(wrap(body))
    assert (n.country, n.tier) == ("GHANA", "Tier 2")


def test_a_second_narrative_on_the_page_ends_the_first() -> None:
    body = (
        "<h2>ALBANIA (Tier 2)</h2><p>First.</p><h3>PROSECUTION</h3><p>One.</p><h2>ALGERIA (Tier 3)</h2><p>Second.</p>"
    )
    n = parse_narrative(wrap(body))
    assert n.country == "ALBANIA" and n.sections == {"prosecution": "One."}


def test_missing_sections_are_absent_and_unknown_text_stays_in_its_section() -> None:
    body = "<h2>TONGA (Tier 2)</h2><p>S.</p><h3>PROTECTION</h3><p>A.</p><h4>Shelters</h4><p>B.</p>"
    n = parse_narrative(wrap(body))
    assert n.sections == {"protection": "A.\n\nShelters\n\nB."}
    assert n.recommendations == ()


def test_loose_text_and_line_breaks_on_old_mirror_pages() -> None:
    page = (
        b"<html><body>[ Human Trafficking, Country-by-Country ]<br>"
        b"FIJI (Tier 2)<br><br>The government made efforts.<br><br>Prioritized Recommendations<br>"
        b"<p>Train police.</p><p>Fund shelters.</p><p><a href='/'>Home</a> <a href='/r'>Ratings</a></p></body></html>"
    )
    n = parse_narrative(page, "http://gvnet.com/humantrafficking/Fiji-2.htm")
    assert (n.country, n.tier, n.layout) == ("FIJI", "Tier 2", "gvnet")
    assert n.summary == "The government made efforts."
    assert n.recommendations == ("Train police.", "Fund shelters.")


# --- editions ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "title", "edition"),
    [
        ("https://www.state.gov/reports/2023-trafficking-in-persons-report/japan/", "Japan", 2023),
        ("https://www.state.gov/reports/2019-trafficking-in-persons-report-2/japan/", "Japan", 2019),
        ("https://2021-2025.state.gov/reports/2024-trafficking-in-persons-report/hong-kong/", "Hong Kong", 2024),
        (None, "2022 Trafficking in Persons Report: Japan", 2022),
        (None, "Trafficking in Persons Report 2018 - Country Narratives - Japan", 2018),
        (None, "Japan - United States Department of State", None),
    ],
)
def test_edition_from_url_or_title(url: str | None, title: str, edition: int | None) -> None:
    n = parse_narrative(wrap("<h2>JAPAN (Tier 2)</h2><p>Text from the 2021 TIP Report era.</p>", title=title), url)
    assert n.edition == edition


def test_plain_text_without_a_year_has_no_edition() -> None:
    n = parse_narrative(b"JAPAN (Tier 2)\n\nSummary text.\n")
    assert (n.edition, n.layout, n.summary) == (None, "plaintext", "Summary text.")


# --- recommendations -----------------------------------------------------------------------------------------


def test_semicolon_split_respects_parentheses_and_drops_the_joining_and() -> None:
    body = (
        "<h2>PERU: Tier 2</h2><p>S.</p>"
        "<p>RECOMMENDATIONS FOR PERU: Train judges (including in Lima; Cusco); fund shelters; and screen miners.</p>"
    )
    n = parse_narrative(wrap(body))
    assert n.recommendations == ("Train judges (including in Lima; Cusco)", "fund shelters", "screen miners")


def test_bullet_paragraph_without_leading_bullet() -> None:
    body = "<h2>CHAD: Tier 2</h2><p>S.</p><p>PRIORITIZED RECOMMENDATIONS</p><p>Train police. • Fund shelters.</p>"
    assert parse_narrative(wrap(body)).recommendations == ("Train police.", "Fund shelters.")


# --- refusals -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(NEGATIVES))
def test_negative_page(name: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_narrative(page_file(name).read_bytes(), NEGATIVES[name]["url"])
    assert info.value.kind == NEGATIVES[name]["kind"]
    message = str(info.value)
    assert message and "\n" not in message and len(message) < 300


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=3000),
        st.lists(
            st.sampled_from(
                [
                    "<p>",
                    "</p>",
                    "<h2>",
                    "JAPAN (Tier 2)",
                    "</h2>",
                    "<li>",
                    "Item; more",
                    " • ",
                    "PROSECUTION",
                    "<br>",
                    "<b>",
                    "RECOMMENDATIONS FOR JAPAN:",
                    "&nbsp;",
                    "\n\n",
                    "<html>",
                    "</html>",
                    "<aside>",
                    "é",
                    "\x00",
                ]
            ),
            max_size=40,
        ).map(lambda parts: "".join(parts).encode()),
    )
)
def test_any_bytes_give_a_narrative_or_a_parse_error(data: bytes) -> None:
    try:
        n = parse_narrative(data)
    except ParseError as exc:
        assert exc.kind in {"empty", "blocked", "truncated", "bad_encoding", "not_narrative"}
        assert "\n" not in str(exc)
    else:
        assert n.tier in TIERS and n.country


def test_truncated_page_that_ends_on_a_clean_tag_is_still_truncated() -> None:
    full = page_file("stategov-2023-haiti").read_bytes()
    cut = full[: full.index(b"</ul>") + len(b"</ul>")]
    with pytest.raises(ParseError) as info:
        parse_narrative(cut)
    assert info.value.kind == "truncated"


def test_recaptcha_on_a_real_narrative_is_not_a_block() -> None:
    body = '<h2>JAPAN (Tier 2)</h2><p>S.</p><form class="newsletter"><div class="g-recaptcha"></div></form>'
    assert parse_narrative(wrap(body)).tier == "Tier 2"


def test_captcha_page_without_narrative_is_blocked() -> None:
    page = wrap('<p>Please complete the check below.</p><div class="g-recaptcha" data-sitekey="x"></div>')
    with pytest.raises(ParseError) as info:
        parse_narrative(page)
    assert info.value.kind == "blocked"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_byte_order_marks(encoding: str) -> None:
    page = "<html><body><h2>TÜRKIYE (Tier 2)</h2><p>“Quoted” text.</p></body></html>".encode(encoding)
    n = parse_narrative(page)
    assert (n.country, n.country_key, n.summary) == ("TÜRKIYE", "turkiye", "“Quoted” text.")


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8"])
def test_declared_latin1_is_read_as_windows_1252_unless_the_bytes_are_utf8(encoding: str) -> None:
    page = '<html><head><meta charset="iso-8859-1"></head><body><h2>CHILE (Tier 1)</h2><p>“Q” é</p></body></html>'
    assert parse_narrative(page.encode(encoding)).summary == "“Q” é"


# --- country keys -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("names", "key"),
    [
        (["KOREA, REPUBLIC OF", "REPUBLIC OF KOREA", "South Korea", "south-korea"], "south-korea"),
        (["KOREA, DEMOCRATIC PEOPLE'S REPUBLIC OF", "North Korea"], "north-korea"),
        (["BURMA", "Burma", "Myanmar"], "burma"),
        (["Türkiye", "TURKIYE", "Turkey"], "turkiye"),
        (["Eswatini", "SWAZILAND"], "eswatini"),
        (["North Macedonia", "MACEDONIA"], "north-macedonia"),
        (["CONGO, DEMOCRATIC REPUBLIC OF THE", "Democratic Republic of the Congo"], "democratic-republic-of-the-congo"),
        (["CONGO, REPUBLIC OF THE", "Republic of the Congo"], "republic-of-the-congo"),
        (["BAHAMAS, THE", "The Bahamas", "Bahamas"], "bahamas"),
        (["Côte d'Ivoire", "CÔTE D’IVOIRE", "Cote d'Ivoire", "cote-divoire"], "cote-divoire"),
        (["ST. VINCENT AND THE GRENADINES", "Saint Vincent and the Grenadines"], "saint-vincent-and-the-grenadines"),
    ],
)
def test_country_key_is_stable_across_forms(names: list[str], key: str) -> None:
    assert {country_key(n) for n in names} == {key}


def test_display_name() -> None:
    assert display_name("KOREA, REPUBLIC OF") == "South Korea"
    assert display_name("BAHAMAS, THE") == "The Bahamas"
    assert display_name("TRINIDAD AND TOBAGO") == "Trinidad and Tobago"
    assert display_name("BONAIRE, SINT EUSTATIUS AND SABA") == "Bonaire, Sint Eustatius and Saba"
    assert display_name("GUINEA-BISSAU") == "Guinea-Bissau"


def test_resolve_country_with_suggestions() -> None:
    assert resolve_country("JAPAN") == "japan"
    assert resolve_country("korea, republic of", ["japan", "south-korea"]) == "south-korea"
    with pytest.raises(UnknownCountry) as info:
        resolve_country("japn")
    assert info.value.suggestions[0] == "japan" and "did you mean" in str(info.value)
    assert set(suggest_countries("korea")) >= {"north-korea", "south-korea"}
    with pytest.raises(UnknownCountry):
        resolve_country("japan", ["haiti"])


# --- tipwatch parse -------------------------------------------------------------------------------------------


def test_cli_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["parse", "--json", str(page_file("stategov-2020-south-korea"))])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["country"] == "KOREA, REPUBLIC OF" and data["tier"] == "Tier 1" and data["edition"] == 2020
    assert len(data["recommendations"]) == 4 and next(iter(data["sections"])) == "prosecution"
    assert Narrative.from_json(data).country_key == "south-korea"


def test_cli_summary() -> None:
    result = CliRunner().invoke(cli, ["parse", str(page_file("stategov-2024-haiti-special-case"))])
    assert result.exit_code == 0, result.output
    assert "Haiti — Special Case — 2024 report" in result.output
    assert "  1. Restore the functioning of courts" in result.output
    assert "government_efforts" in result.output and "words" in result.output


def _tipwatch(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "monitor", *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_cli_non_narrative_exits_1_with_one_line() -> None:
    result = _tipwatch("parse", str(page_file("neg-blocked-cloudflare")))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.startswith("tipwatch: error: blocked") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_cli_fetches_a_url_with_the_project_user_agent(httpserver) -> None:  # type: ignore[no-untyped-def]
    page = page_file("stategov-2023-haiti").read_bytes()
    httpserver.expect_request("/reports/2023-trafficking-in-persons-report/haiti/").respond_with_data(
        page, content_type="text/html; charset=utf-8"
    )
    url = httpserver.url_for("/reports/2023-trafficking-in-persons-report/haiti/")
    result = CliRunner().invoke(cli, ["parse", "--json", url])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["edition"] == 2023  # from the URL path
    agent = httpserver.log[0][0].headers["User-Agent"]
    assert agent.startswith("Mozilla/5.0 (compatible; tipwatch/") and __version__ in agent


# --- the sample site (monitor/samples): every page it renders reads back as its data ---------------------------


def test_sample_site_pages_read_back_as_their_data() -> None:
    from monitor.samples.data import SUBPAGES, load_reports
    from monitor.samples.site import render_country, render_landing, render_subpage

    reports = load_reports()
    checked = 0
    for slug, country in reports.countries.items():
        for year, edition in country.editions.items():
            n = parse_narrative(render_country(year, slug, reports=reports))
            assert (n.tier, n.edition, n.country_key) == (edition.tier, year, country_key(country.name)), (slug, year)
            assert n.summary == "\n\n".join(" ".join(p.split()) for p in edition.summary)
            assert list(n.recommendations) == [" ".join(r.split()) for r in edition.recommendations]
            assert list(n.sections) == list(edition.sections)
            checked += 1
    assert checked >= 10
    for year in reports.editions():
        for page in [render_landing(year, reports=reports)] + [
            render_subpage(year, sub.slug, reports=reports) for sub in SUBPAGES
        ]:
            with pytest.raises(ParseError) as info:
                parse_narrative(page)
            assert info.value.kind == "not_narrative"


def test_cli_reports_an_http_error_in_one_line(httpserver) -> None:  # type: ignore[no-untyped-def]
    httpserver.expect_request("/gone/").respond_with_data("not here", status=404)
    result = _tipwatch("parse", httpserver.url_for("/gone/"))
    assert result.returncode != 0 and result.stdout == ""
    assert result.stderr.startswith("tipwatch: error: ") and "404" in result.stderr
    assert result.stderr.count("\n") == 1


def test_cli_missing_file_is_one_line(tmp_path: Path) -> None:
    result = _tipwatch("parse", str(tmp_path / "missing.html"))
    assert result.returncode != 0
    assert result.stderr.startswith("tipwatch: error: cannot read") and result.stderr.count("\n") == 1
