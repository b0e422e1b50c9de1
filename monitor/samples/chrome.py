"""The state.gov page furniture around a report page: head, site header with its large menu, footer.

Real pages carry roughly 100 KB of this around the narrative (menus, inline styles, WordPress
configuration scripts). It is generated deterministically from small word lists so that the sample
pages weigh what real ones do, and so that a parser that reads the whole page instead of the
narrative would trip over it.
"""

from __future__ import annotations

import functools
import hashlib
import json
from html import escape

SITE = "https://www.state.gov"

_MENU = {
    "Countries & Areas": (
        "Africa",
        "East Asia and the Pacific",
        "Europe and Eurasia",
        "Near East",
        "South and Central Asia",
        "Western Hemisphere",
        "Travel Advisories",
        "Embassies and Consulates",
        "Country Reports",
    ),
    "Bureaus & Offices": (
        "Administration",
        "Arms Control",
        "Consular Affairs",
        "Counterterrorism",
        "Democracy and Human Rights",
        "Diplomatic Security",
        "Economic Growth",
        "Energy Resources",
        "Global Health",
        "Intelligence",
        "International Narcotics",
        "Legal Adviser",
        "Oceans and Environment",
        "Population and Migration",
        "Public Affairs",
        "Religious Freedom",
        "Trafficking in Persons",
        "Women’s Issues",
    ),
    "Policy Issues": (
        "Climate",
        "Cyber Issues",
        "Economic Prosperity",
        "Global Food Security",
        "Human Rights",
        "Migration",
        "Nonproliferation",
        "Refugees",
        "Sanctions",
        "Trade",
        "Wildlife Trafficking",
    ),
    "Travel & Business": (
        "Passports",
        "Visas",
        "International Travel",
        "Business Support",
        "Intercountry Adoption",
        "Parental Child Abduction",
        "Emergencies Abroad",
    ),
    "Careers": ("Foreign Service", "Civil Service", "Internships", "Fellowships", "Veterans", "Students"),
    "News & Events": (
        "Press Releases",
        "Remarks",
        "Briefings",
        "Speeches",
        "Media Notes",
        "Photos",
        "Videos",
        "Podcasts",
    ),
    "Reports": (
        "Human Rights Reports",
        "Religious Freedom Reports",
        "Trafficking in Persons Reports",
        "Terrorism Reports",
        "Investment Climate Statements",
        "Narcotics Control Reports",
        "Fiscal Transparency Reports",
    ),
    "About": ("Leadership", "Organization Chart", "History", "Budget", "Open Government", "Accessibility", "Privacy"),
}
_SUFFIXES = ("Overview", "Programs", "Resources")


def _slug(text: str) -> str:
    return "".join(ch.lower() if ch.isalnum() else "-" for ch in text).strip("-").replace("--", "-")


def _token(*parts: str) -> str:
    return hashlib.sha1("|".join(parts).encode()).hexdigest()[:12]


@functools.cache
def _menu() -> str:
    out = ['<nav class="site-nav" aria-label="Main menu"><ul class="site-nav__menu">']
    for top, items in _MENU.items():
        out.append(
            f'<li class="menu-item menu-item-has-children" id="menu-{_token(top)}">'
            f'<a href="{SITE}/{_slug(top)}/">{escape(top)}</a><div class="mega-menu"><ul class="sub-menu">'
        )
        for item in items:
            out.append(
                f'<li class="menu-item"><a href="{SITE}/{_slug(top)}/{_slug(item)}/">{escape(item)}</a>'
                '<ul class="sub-sub-menu">'
            )
            out.extend(
                f'<li class="menu-item" id="menu-{_token(top, item, suffix)}"><a href="{SITE}/{_slug(item)}/'
                f'{_slug(suffix)}/">{escape(item)}: {suffix}</a></li>'
                for suffix in _SUFFIXES
            )
            out.append("</ul></li>")
        out.append("</ul></div></li>")
    out.append("</ul></nav>")
    return "".join(out)


@functools.cache
def _styles() -> str:
    rules = []
    for top, items in _MENU.items():
        for item in items:
            name = _slug(item)
            rules.append(
                f".mega-menu .{name}>a{{display:block;padding:.5rem 1rem;color:#205493}}"
                f"#menu-{_token(top, item)}{{border-left:3px solid #{_token(item)[:6]}}}"
            )
    return "<style id='state-theme-inline-css'>" + "".join(rules) + "</style>"


@functools.cache
def _config_script() -> str:
    # WordPress pages embed large JSON configuration blobs; this one is the menu index.
    index = [
        {
            "id": _token(top, item, suffix),
            "title": f"{item}: {suffix}",
            "url": f"{SITE}/{_slug(item)}/{_slug(suffix)}/",
            "parent": _token(top),
            "order": n,
        }
        for top, items in _MENU.items()
        for n, item in enumerate(items)
        for suffix in _SUFFIXES
    ]
    blob = json.dumps({"menu": index, "search": {"endpoint": f"{SITE}/search/", "nonce": _token("search")}})
    return f'<script type="application/json" id="wp-site-config">{blob}</script>'


def head(title: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="en-US">\n<head><meta charset="UTF-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)} - United States Department of State</title>"
        f'<link rel="stylesheet" href="{SITE}/wp-content/themes/state-department/dist/css/main.css">'
        f"{_styles()}"
        f'<script src="{SITE}/wp-includes/js/jquery/jquery.min.js"></script></head>\n'
    )


def header() -> str:
    return (
        '<header class="site-header"><div class="site-header__top"><a class="skip-link" href="#main-content">'
        f'Skip to content</a><a class="site-logo" href="{SITE}/"><img src="{SITE}/wp-content/themes/state-department/'
        'dist/images/logo.svg" alt="U.S. Department of State"></a></div>'
        f"{_menu()}"
        f'<form class="search-form" role="search" action="{SITE}/"><label for="s">Search</label>'
        '<input type="search" id="s" name="s" placeholder="Search state.gov"><button type="submit">Search</button>'
        "</form></header>\n"
    )


@functools.cache
def footer() -> str:
    rows = []
    for top, items in _MENU.items():
        links = "".join(f'<li><a href="{SITE}/{_slug(item)}/">{escape(item)}</a></li>' for item in items)
        rows.append(f'<div class="site-footer__col"><h4>{escape(top)}</h4><ul>{links}</ul></div>')
    return (
        '<footer class="site-footer"><div class="site-footer__row">' + "".join(rows) + "</div>"
        '<p class="site-footer__copyright">Office of the Spokesperson · Content on this site is in the public domain '
        "unless noted otherwise.</p></footer>\n"
        f"{_config_script()}"
        f'<script src="{SITE}/wp-content/themes/state-department/dist/js/main.js"></script>'
    )
