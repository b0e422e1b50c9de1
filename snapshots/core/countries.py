"""Country names -> stable keys, display names, and resolution of what a person typed.

The report prints names in inverted State style ("KOREA, REPUBLIC OF"), mirrors use their own names
("REPUBLIC OF KOREA"), people type "South Korea", and countries rename themselves (Swaziland -> Eswatini).
All of these must land on one key, or a country's history would split in two.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable

from snapshots.errors import TipwatchError

# Display names as the report uses them in recent editions; their slugs are the canonical keys.
COUNTRIES: tuple[str, ...] = (
    "Afghanistan", "Albania", "Algeria", "Angola", "Antigua and Barbuda", "Argentina", "Armenia", "Aruba",
    "Australia", "Austria", "Azerbaijan", "The Bahamas", "Bahrain", "Bangladesh", "Barbados", "Belarus", "Belgium",
    "Belize", "Benin", "Bhutan", "Bolivia", "Bosnia and Herzegovina", "Botswana", "Brazil", "Brunei", "Bulgaria",
    "Burkina Faso", "Burma", "Burundi", "Cabo Verde", "Cambodia", "Cameroon", "Canada", "Central African Republic",
    "Chad", "Chile", "China", "Colombia", "Comoros", "Democratic Republic of the Congo", "Republic of the Congo",
    "Costa Rica", "Côte d'Ivoire", "Croatia", "Cuba", "Curaçao", "Cyprus", "Czechia", "Denmark", "Djibouti",
    "Dominica", "Dominican Republic", "Ecuador", "Egypt", "El Salvador", "Equatorial Guinea", "Eritrea", "Estonia",
    "Eswatini", "Ethiopia", "Fiji", "Finland", "France", "Gabon", "The Gambia", "Georgia", "Germany", "Ghana",
    "Greece", "Guatemala", "Guinea", "Guinea-Bissau", "Guyana", "Haiti", "Honduras", "Hong Kong", "Hungary",
    "Iceland", "India", "Indonesia", "Iran", "Iraq", "Ireland", "Israel", "Italy", "Jamaica", "Japan", "Jordan",
    "Kazakhstan", "Kenya", "Kiribati", "North Korea", "South Korea", "Kosovo", "Kuwait", "Kyrgyz Republic", "Laos",
    "Latvia", "Lebanon", "Lesotho", "Liberia", "Libya", "Lithuania", "Luxembourg", "Macau", "Madagascar", "Malawi",
    "Malaysia", "Maldives", "Mali", "Malta", "Marshall Islands", "Mauritania", "Mauritius", "Mexico", "Micronesia",
    "Moldova", "Mongolia", "Montenegro", "Morocco", "Mozambique", "Namibia", "Nepal", "Netherlands", "New Zealand",
    "Nicaragua", "Niger", "Nigeria", "North Macedonia", "Norway", "Oman", "Pakistan", "Palau", "Panama",
    "Papua New Guinea", "Paraguay", "Peru", "Philippines", "Poland", "Portugal", "Qatar", "Romania", "Russia",
    "Rwanda", "Saint Kitts and Nevis", "Saint Lucia", "Saint Vincent and the Grenadines", "Samoa",
    "São Tomé and Príncipe", "Saudi Arabia", "Senegal", "Serbia", "Seychelles", "Sierra Leone", "Singapore",
    "Sint Maarten", "Slovakia", "Slovenia", "Solomon Islands", "Somalia", "South Africa", "South Sudan", "Spain",
    "Sri Lanka", "Sudan", "Suriname", "Sweden", "Switzerland", "Syria", "Taiwan", "Tajikistan", "Tanzania",
    "Thailand", "Timor-Leste", "Togo", "Tonga", "Trinidad and Tobago", "Tunisia", "Türkiye", "Turkmenistan",
    "Uganda", "Ukraine", "United Arab Emirates", "United Kingdom", "United States", "Uruguay", "Uzbekistan",
    "Vanuatu", "Venezuela", "Vietnam", "Yemen", "Zambia", "Zimbabwe",
)  # fmt: skip

# Other names (as slugs of the natural word order) -> canonical key.
_ALIASES: dict[str, str] = {
    "republic-of-korea": "south-korea",
    "korea-republic-of": "south-korea",
    "korea-south": "south-korea",
    "democratic-peoples-republic-of-korea": "north-korea",
    "korea-democratic-peoples-republic-of": "north-korea",
    "korea-north": "north-korea",
    "dprk": "north-korea",
    "turkey": "turkiye",
    "republic-of-turkiye": "turkiye",
    "swaziland": "eswatini",
    "kingdom-of-eswatini": "eswatini",
    "macedonia": "north-macedonia",
    "former-yugoslav-republic-of-macedonia": "north-macedonia",
    "republic-of-north-macedonia": "north-macedonia",
    "congo-democratic-republic-of-the": "democratic-republic-of-the-congo",
    "democratic-republic-of-congo": "democratic-republic-of-the-congo",
    "congo-kinshasa": "democratic-republic-of-the-congo",
    "drc": "democratic-republic-of-the-congo",
    "congo-republic-of-the": "republic-of-the-congo",
    "republic-of-congo": "republic-of-the-congo",
    "congo-brazzaville": "republic-of-the-congo",
    "ivory-coast": "cote-divoire",
    "cote-d-ivoire": "cote-divoire",
    "myanmar": "burma",
    "czech-republic": "czechia",
    "cape-verde": "cabo-verde",
    "east-timor": "timor-leste",
    "kyrgyzstan": "kyrgyz-republic",
    "united-states-of-america": "united-states",
    "usa": "united-states",
    "russian-federation": "russia",
    "lao-pdr": "laos",
    "lao-peoples-democratic-republic": "laos",
    "brunei-darussalam": "brunei",
    "macao": "macau",
    "viet-nam": "vietnam",
    "federated-states-of-micronesia": "micronesia",
    "peoples-republic-of-china": "china",
    "china-prc": "china",
    "prc": "china",
    "uk": "united-kingdom",
    "great-britain": "united-kingdom",
    "uae": "united-arab-emirates",
    "syrian-arab-republic": "syria",
    "islamic-republic-of-iran": "iran",
    "united-republic-of-tanzania": "tanzania",
    "republic-of-moldova": "moldova",
}

# A comma followed by one of these endings marks an inverted name: "KOREA, REPUBLIC OF", "BAHAMAS, THE".
_INVERTED_TAIL = re.compile(r"^(?:the|.*\bof(?: the)?)$", re.IGNORECASE)
_SMALL_WORDS = {"and", "of", "the", "de", "da", "du", "des", "la", "le"}
_ST = re.compile(r"^st\b\.?\s*", re.IGNORECASE)


class UnknownCountry(TipwatchError, LookupError):
    """What a person typed matches no known country. `suggestions` holds close keys (may be empty)."""

    exit_code = 1

    def __init__(self, query: str, suggestions: list[str]) -> None:
        hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(f"unknown country {query!r}{hint}")
        self.query = query
        self.suggestions = suggestions


def _natural_order(name: str) -> str:
    """'KOREA, REPUBLIC OF' -> 'REPUBLIC OF KOREA'; names whose comma is not an inversion stay as they are."""
    name = " ".join(name.split())
    head, sep, tail = name.partition(",")
    if sep and "," not in tail and _INVERTED_TAIL.match(tail.strip()):
        return f"{tail.strip()} {head.strip()}"
    return name


def _slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"['’‘`]", "", text).replace("&", " and ")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def country_key(name: str) -> str:
    """A slug that stays the same across editions, renamings and inverted forms.

    "KOREA, REPUBLIC OF", "REPUBLIC OF KOREA" and "South Korea" all give "south-korea";
    "Turkey" and "Türkiye" give "turkiye". A slug passes through unchanged.
    """
    natural = _ST.sub("Saint ", _natural_order(name).strip())
    slug = _slugify(natural)
    slug = slug.removeprefix("the-")
    return _ALIASES.get(slug, slug)


_DISPLAY: dict[str, str] = {_slugify(n).removeprefix("the-"): n for n in COUNTRIES}


@functools.lru_cache(maxsize=1024)  # asked once per change row read: a long diff reads thousands of one name
def display_name(name: str) -> str:
    """A name for messages: "KOREA, REPUBLIC OF" -> "South Korea", "TRINIDAD AND TOBAGO" -> "Trinidad and Tobago"."""
    known = _DISPLAY.get(country_key(name))
    if known:
        return known
    natural = _natural_order(name).strip()
    if natural != natural.upper():
        return natural
    words = natural.lower().split()
    return " ".join(
        w if i and w in _SMALL_WORDS else "-".join(part.capitalize() for part in w.split("-"))
        for i, w in enumerate(words)
    )


def suggest_countries(query: str, known_keys: Iterable[str] | None = None, *, limit: int = 3) -> list[str]:
    """Keys close to what was typed ("japn" -> ["japan"]), best first."""
    keys = list(known_keys) if known_keys is not None else list(_DISPLAY)
    slug = country_key(query)
    close = difflib.get_close_matches(slug, keys, n=limit, cutoff=0.6)
    if not close:  # "korea" is far from both Koreas as a whole string but starts or ends them
        close = [k for k in keys if slug and (k.startswith(slug) or k.endswith(slug))][:limit]
    return close


def resolve_country(query: str, known_keys: Iterable[str] | None = None) -> str:
    """Turn user input (slug or any name form, any case) into a key from `known_keys`.

    `known_keys` defaults to every country the report covers; pass the keys you hold (e.g. from the
    database) to resolve against those. Raises UnknownCountry with did-you-mean suggestions.
    """
    keys = list(known_keys) if known_keys is not None else list(_DISPLAY)
    key = country_key(query)
    if key in keys:
        return key
    raise UnknownCountry(query, suggest_countries(query, keys))
