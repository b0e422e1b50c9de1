"""Everyday use of the web page (issue 15): indexes, readable times and wording, phone width. Routes through
Flask's test client over the shared real SQLite file of the route tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor.web.app import create_app
from tests.test_web_routes import shared_web_db


@pytest.fixture(scope="module")
def web_db(tmp_path_factory: pytest.TempPathFactory, sample_db_master: Path) -> Path:
    return shared_web_db(tmp_path_factory, sample_db_master)


@pytest.fixture(scope="module")
def client(web_db: Path):
    return create_app(web_db).test_client()


def _html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _headings(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", html, re.S)]


def test_diff_page_has_one_findings_heading_and_no_second_summary(client):
    html = _html(client, "/countries/colombia/diff")
    headings = _headings(html)
    assert not any(h.startswith("Summary") for h in headings), headings
    assert sum(h.startswith("Findings") for h in headings) == 1, headings
    assert "At a glance" in headings


def test_section_names_are_words_not_internal_keys(client):
    html = _html(client, "/countries/haiti/diff?old_edition=2023&new_edition=2024")
    text = re.sub(r"<[^>]+>", " ", html)
    assert "trafficking_profile" not in text and "government_efforts" not in text
    assert "Trafficking profile" in text and "Government efforts" in text
