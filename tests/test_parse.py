"""The parser: golden fixture pages per layout, refusals of non-narrative pages, country keys, `tipwatch parse`."""

from __future__ import annotations

import gzip
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import lxml.html
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor import __version__
from monitor.cli import cli
from monitor.errors import ParseError
from monitor.parse import PARSER_VERSION, parse_narrative
from monitor.parse.guards import decode
from monitor.parse.html import flatten
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
    for fragment in expected.get("summary_not_contains", []):
        assert fragment not in n.summary + " ".join(n.recommendations) + " ".join(n.sections.values())
    for name, fragment in expected.get("sections_contain", {}).items():
        assert fragment in n.sections[name]
    for name, words in expected.get("sections_last_words", {}).items():
        assert n.sections[name].endswith(words)
    assert n.truncated == expected.get("truncated", False), n.warnings
    for fragment in expected.get("warnings_contain", []):
        assert any(fragment in w for w in n.warnings), n.warnings
    if not expected.get("warnings_contain"):
        assert n.warnings == ()
    # Clean text everywhere: no raw whitespace runs, no &nbsp;, no heading or banner leaking into the body.
    for text in (n.summary, *n.recommendations, *n.sections.values()):
        assert text == text.strip() and "\xa0" not in text and "  " not in text and "\n\n\n" not in text
        assert "\u00ad" not in text and "<" not in text
    assert n.heading not in n.summary and "Extracted" not in n.summary
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
        ("<p><b>HAITI (TIER 2 WATCH LIST)</b></p>", "HAITI", "Tier 2 Watch List"),
        ("<h2>HAITI (Special Case)</h2>", "HAITI", "Special Case"),
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
    n = parse_narrative(b"JAPAN (Tier 2)\n\nAs the 2021 TIP Report noted, courts were slow.\n")
    assert n.edition is None  # a year in the summary is not the edition


def test_a_heading_that_only_exists_hidden_is_no_narrative() -> None:
    body = '<div style="display:none"><h2>LAOS (Tier 1)</h2></div><p>Nothing else.</p>'
    with pytest.raises(ParseError) as info:
        parse_narrative(wrap(body))
    assert info.value.kind == "not_narrative"


# --- recommendations -----------------------------------------------------------------------------------------


def test_semicolon_split_respects_parentheses_and_drops_the_joining_and() -> None:
    body = (
        "<h2>PERU: Tier 2</h2><p>S.</p>"
        "<p>RECOMMENDATIONS FOR PERU: Train judges (including in Lima; Cusco); fund shelters; and screen miners.</p>"
    )
    n = parse_narrative(wrap(body))
    assert n.recommendations == ("Train judges (including in Lima; Cusco)", "fund shelters", "screen miners")


@pytest.mark.parametrize(
    ("paragraph", "items"),
    [
        (
            "Seek penalties for traffickers.Amend the labor code.",
            ("Seek penalties for traffickers.", "Amend the labor code."),
        ),
        ("Fund shelters. Train police in every province.", ("Fund shelters.", "Train police in every province.")),
        ("Coordinate with the U.S. Train police jointly.", ("Coordinate with the U.S. Train police jointly.",)),
        ("Apply Decree No. Increase 4 of 2020 to brokers.", ("Apply Decree No. Increase 4 of 2020 to brokers.",)),
        ("Involve NGOs, e.g. Train them as monitors.", ("Involve NGOs, e.g. Train them as monitors.",)),
        ("Screen workers. The ministry agreed.", ("Screen workers. The ministry agreed.",)),
    ],
)
def test_items_run_together_are_split_at_an_imperative_minding_abbreviations(paragraph: str, items: tuple) -> None:
    body = f"<h2>CHAD (Tier 2)</h2><p>S.</p><p>PRIORITIZED RECOMMENDATIONS:</p><p>{paragraph}</p>"
    assert parse_narrative(wrap(body)).recommendations == items


@pytest.mark.parametrize(
    ("ending", "truncated"),
    [
        ("<p>PRIORITIZED RECOMMENDATIONS: Train police.</p>", False),
        ("<h3>PROSECUTION</h3><p>Courts convicted “two” traffickers.”</p>", False),
        ("<h3>PROSECUTION</h3>", True),
        ("<p>PRIORITIZED RECOMMENDATIONS:</p>", True),
        ("<h3>PROSECUTION</h3><p>Courts convicted two traffickers and</p>", True),
        ("<h3>PROSECUTION</h3><p>Courts convicted two traffick</p>", True),
    ],
)
def test_a_narrative_that_stops_early_is_flagged(ending: str, truncated: bool) -> None:
    n = parse_narrative(wrap(f"<h2>CHAD (Tier 2)</h2><p>S.</p>{ending}"))
    assert n.truncated is truncated and bool(n.warnings) is truncated


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


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from([None, "utf-8", "iso-8859-1", "shift_jis", "bogus"]))
def test_parsing_is_deterministic_and_fails_only_with_parse_error(data: bytes, charset: str | None) -> None:
    page = page_file("stategov-2023-haiti").read_bytes()
    cut = len(data) * 7 % len(page)
    mutated = page[:cut] + data + page[cut:]
    results = []
    for _ in range(2):
        try:
            results.append(parse_narrative(mutated, charset=charset))
        except ParseError as exc:
            results.append((exc.kind, str(exc)))
    assert results[0] == results[1]


def test_deep_nesting_loses_nothing() -> None:
    for depth in (300, 3000, 20000):
        deep = "<div><font>" * depth
        page = f"<html><body>{deep}<h2>FIJI (Tier 2)</h2><p>S.</p><h3>PREVENTION</h3><p>Last words.</p></body></html>"
        n = parse_narrative(page.encode())
        assert (n.country, n.summary, n.sections) == ("FIJI", "S.", {"prevention": "Last words."}), depth


def test_http_charset_comes_before_the_meta_label() -> None:
    page = '<html><head><meta charset="utf-8"></head><body><h2>CHILE (Tier 1)</h2><p>“Q” é</p></body></html>'
    assert parse_narrative(page.encode("cp1252"), charset="windows-1252").summary == "“Q” é"
    assert parse_narrative(page.encode("utf-16-le"), charset="utf-16-le").summary == "“Q” é"


def test_truncated_page_that_ends_on_a_clean_tag_is_still_truncated() -> None:
    full = page_file("stategov-2023-haiti").read_bytes()
    cut = full[: full.index(b"</ul>", full.index(b"entry-content")) + len(b"</ul>")]
    n = parse_narrative(cut)
    assert n.truncated and n.sections == {} and len(n.recommendations) == 4
    assert any("without </body> or </html>" in w for w in n.warnings)
    with pytest.raises(ParseError) as info:
        parse_narrative(cut, refuse_cut_html=True)  # what a sweep asks for: fetch it again rather than store it
    assert info.value.kind == "truncated"


def test_complete_pages_are_not_flagged() -> None:
    n = parse_narrative(page_file("stategov-2023-haiti").read_bytes())
    assert (n.truncated, n.warnings) == (False, ())


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


def test_cli_json_gives_the_figures_with_their_source_sentences(tmp_path: Path) -> None:
    from monitor.samples.site import render_country

    page = tmp_path / "burma.html"
    page.write_bytes(render_country(2025, "burma"))
    result = CliRunner().invoke(cli, ["parse", "--json", str(page)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    contract = {"measure", "value", "qualifier", "scope", "previous", "section", "sentence", "reported"}
    assert data["figures"] and all(contract <= set(f) for f in data["figures"])
    not_reported = [f for f in data["figures"] if f["measure"] == "victims_identified"]
    assert [(f["value"], f["reported"]) for f in not_reported] == [(None, False)]
    narrative = Narrative.from_json(data)
    for figure in data["figures"]:
        section = narrative.summary if figure["section"] == "summary" else narrative.sections[figure["section"]]
        assert figure["sentence"] in section and figure["scope"] in ("all", "sex", "labor")


def test_cli_json_keeps_its_contract_and_adds_truncated_and_warnings() -> None:
    result = CliRunner().invoke(cli, ["parse", "--json", str(page_file("plaintext-japan-2024-cut-mid-sentence"))])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    contract = {"country", "country_key", "edition", "tier", "summary", "recommendations", "sections"}
    assert contract | {"truncated", "warnings"} <= set(data)
    assert data["truncated"] is True and any("mid-sentence" in w for w in data["warnings"])
    assert Narrative.from_json(data).truncated
    older = {k: v for k, v in data.items() if k not in ("truncated", "warnings")}
    assert Narrative.from_json(older).truncated is False and Narrative.from_json(older).warnings == ()


def test_cli_summary_shows_why_a_narrative_is_incomplete() -> None:
    result = CliRunner().invoke(cli, ["parse", str(page_file("stategov-2023-haiti-cut-mid-word"))])
    assert result.exit_code == 0, result.output
    assert "warning: truncated: the HTML stops after" in result.output
    assert "warning: truncated: the text stops mid-sentence" in result.output


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(["<div>", "</div>", "<p>", "</p>", "<font>", "<li>", "<br/>", "<img>", "a", " b "]),
        max_size=400,
    )
)
def test_flatten_keeps_every_word(parts: list[str]) -> None:
    page = "".join(parts * 8)  # deep enough, often, to pass the cap
    words = re.compile(r"<[^<>]*>")
    assert words.sub("", flatten(page)) == words.sub("", page)


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


def test_cli_url_passes_the_http_charset_to_the_parser(httpserver) -> None:  # type: ignore[no-untyped-def]
    # UTF-16 without a BOM under a wrong utf-8 label: only the server's header can say what it is.
    page = '<html><head><meta charset="utf-8"></head><body><h2>CHILE (Tier 1)</h2><p>“Q” é</p></body></html>'
    httpserver.expect_request("/chile/").respond_with_data(
        page.encode("utf-16-le"), content_type="text/html; charset=utf-16-le"
    )
    result = CliRunner().invoke(cli, ["parse", "--json", httpserver.url_for("/chile/")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["summary"] == "“Q” é"


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


@pytest.mark.parametrize("name", GOLDEN)
def test_stored_text_is_the_pages_own_words(name: str) -> None:
    """Verbatim: every summary paragraph, item and section paragraph is the page's text with only whitespace
    collapsed (no case folding, quote or dash normalisation: that is for matching and hashing only)."""
    expected = json.loads((PAGES / f"{name}.expected.json").read_text())
    data = page_file(name).read_bytes()
    n = parse_narrative(data, expected["url"])
    text = decode(data).text
    if "<" in text:
        reference = lxml.html.HTMLParser(huge_tree=True)
        text = lxml.html.document_fromstring(text.replace("<br>", " "), parser=reference).text_content()
    page = " ".join(text.replace("\u00ad", "").split())
    pieces = [*n.summary.split("\n\n"), *n.recommendations, *(p for s in n.sections.values() for p in s.split("\n\n"))]
    semicolons = n.layout in ("stategov-2017", "stategov-2018") or "semicolons" in name
    for piece in pieces:
        if semicolons and piece in n.recommendations:
            piece = piece.removeprefix("and ")  # the list's own "; and" is the separator, not the item
        assert piece in page, piece


def test_cli_url_goes_through_the_fetchers_size_cap(httpserver) -> None:  # type: ignore[no-untyped-def]
    # 6 MB of markup that travels as a few KB of gzip: the cap applies to what it grows into.
    bomb = gzip.compress(b"<p>" + b"a" * 6_000_000 + b"</p>")
    httpserver.expect_request("/bomb/").respond_with_data(
        bomb, content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    result = _tipwatch("parse", httpserver.url_for("/bomb/"))
    assert result.returncode != 0 and result.stdout == ""
    assert result.stderr.startswith("tipwatch: error: ") and "byte cap" in result.stderr
    assert result.stderr.count("\n") == 1


def test_cli_url_redirect_to_another_host_is_refused(httpserver) -> None:  # type: ignore[no-untyped-def]
    elsewhere = httpserver.url_for("/page/").replace("localhost", "127.0.0.1")
    httpserver.expect_request("/moved/").respond_with_data("", status=302, headers={"Location": elsewhere})
    httpserver.expect_request("/page/").respond_with_data(page_file("stategov-2023-haiti").read_bytes())
    result = _tipwatch("compare", httpserver.url_for("/moved/"), httpserver.url_for("/moved/"))
    assert result.returncode != 0 and result.stdout == ""
    assert "not an allowed host" in result.stderr and result.stderr.count("\n") == 1
