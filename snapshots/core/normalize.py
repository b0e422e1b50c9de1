"""Canonical text: what two versions of a narrative must share to count as the same.

Two layers, applied in order:
  * cosmetic (`normalize_text`, `canonical_text`): whitespace, non-breaking and zero-width spaces, soft
    hyphens, curly quotes and dashes, entities, stray markup, list markers, case of heading lines. These
    never make a snapshot or a change.
  * edition boilerplate (`fold_boilerplate`): wording the report changes every year for every country
    ("fully meets" -> "meets", "therefore" -> "so", the COVID clause, rolling "Nth consecutive year"
    counters). Folded only when comparing two editions; a revision that edits these is still a change.

`content_hash` covers the cosmetic layer only and is what the store uses to decide whether a fetch is
a new snapshot.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import unicodedata

from snapshots.core.models import Narrative

_INVISIBLE = ("\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
_PLAIN = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u02bc": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u2010": "-",
    "\u2011": "-",
}
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
# Dash-like punctuation used as a separator ("efforts—including", "efforts -- including",
# "efforts – including") all collapse to a bare hyphen with no spaces around it.
_DASHES = ("\u2012", "\u2013", "\u2014", "\u2015", "\u2212")
_PLAIN_PUNCTUATION = (*_PLAIN.items(), *((dash, "-") for dash in _DASHES))
_DOUBLE_HYPHEN = re.compile(r" ?--+ ?")
# Both run on text folded to single spaces: a literal space leads the first, a search for one character.
_SPACE_BEFORE_PUNCT = re.compile(r" ([,.;:!?)\]])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[]) ")
# Whether either of the two patterns above has anything to do, tested first (most paragraphs have nothing):
# a pattern led by one literal character is searched at C speed, where ten `in` scans of every paragraph
# or a pattern led by a character class took most of tidying it.
_SPACE_THEN_CLOSER = re.compile(r" [,.;:!?)\]]")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u00a0]*\n\s*")
_LIST_MARKER = re.compile(r"^\s*(?:[•·▪◦●○■□\-*–—]+|\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)])\s+", re.IGNORECASE)
_TRAILING_SEPARATOR = re.compile(r"(?:\s*[;,]+)?(?:\s+(?:and|or))?\s*[;,]*\s*$", re.IGNORECASE)


def _cosmetic(text: str) -> str:
    text = _unmarked(text)
    if not text.isascii():
        text = _plain_quotes(unicodedata.normalize("NFKC", text))
    return text


def _plain_quotes(text: str) -> str:
    for char, plain in _PLAIN.items():
        if char in text:
            text = text.replace(char, plain)
    return text


def plain_punctuation(text: str) -> str:
    """Quotes and dashes as `normalize_text` writes them, one character for one: for lining a printed text up
    with its normalized form. Replaces guarded by `in`, as in `_unmarked`: str.translate with a table looks
    every character up in a dict, twenty times slower on a paragraph."""
    if text.isascii():
        return text
    for char, plain in _PLAIN_PUNCTUATION:
        if char in text:
            text = text.replace(char, plain)
    return text


def _unmarked(text: str) -> str:
    """Entities decoded, stray markup and invisible characters gone. Plain replaces guarded by `in`: each is
    one C-speed scan, and most texts hold few of these characters."""
    if "&" in text:
        text = html.unescape(text)
    if "<" in text:
        text = _TAG.sub(" ", text)
    for char in _INVISIBLE:
        if char in text:
            text = text.replace(char, "")
    return text


def printed_text(text: str) -> str:
    """Text as a reader saw it on the page, for quoting: entities decoded, stray markup and invisible
    characters gone, spaces folded; quotes, dashes and case kept as printed."""
    return " ".join(_unmarked(text).split())


def printed_paragraphs(text: str) -> str:
    """`printed_text` keeping paragraph breaks (as a blank line) where `normalize_text` keeps them: the words
    a diff of the text quotes, paragraph for paragraph with its normalized text."""
    paragraphs = (" ".join(p.split()) for p in _PARAGRAPH_BREAK.split(_unmarked(text or "")))
    return "\n\n".join(p for p in paragraphs if p)


def _plain_dashes(line: str) -> str:
    """Dashes used as separators ("efforts—including", "efforts – including", "efforts -- including",
    "efforts - including") become a bare hyphen with no spaces around it. Plain string replaces: this runs
    on every paragraph and a regex scan was the slowest step of normalization."""
    for dash in _DASHES:
        if dash in line:
            line = line.replace(f" {dash} ", "-")
            if dash in line:  # a dash not spaced on both sides (a one-character search is faster than a replace)
                line = line.replace(f" {dash}", "-").replace(f"{dash} ", "-").replace(dash, "-")
    if "--" in line:
        line = _DOUBLE_HYPHEN.sub("-", line)
    return line.replace(" - ", "-")


def _tidy_paragraph(paragraph: str) -> str:
    return _tidy_words(" ".join(paragraph.split()))


def _tidy_words(paragraph: str) -> str:
    """`_tidy_paragraph` of a paragraph already on one line with single spaces."""
    paragraph = _tidy_dashes_and_spacing(paragraph)
    # A short line with no closing punctuation is a heading ("PROSECUTION", "Prioritized Recommendations"):
    # its case is layout, not content.
    if _is_heading(paragraph):
        paragraph = paragraph.casefold()
    return paragraph


def _tidy_dashes_and_spacing(text: str) -> str:
    """Separator dashes and loose spaces inside brackets or before punctuation gone, in text with single spaces
    (paragraphs may be joined by `_BREAK`, which none of this matches)."""
    text = _plain_dashes(text)
    if _SPACE_THEN_CLOSER.search(text) or "( " in text or "[ " in text:
        text = _SPACE_AFTER_OPEN.sub(r"\1", _SPACE_BEFORE_PUNCT.sub(r"\1", text))
    return text


_MINOR_WORDS = frozenset({"a", "an", "and", "for", "in", "of", "on", "or", "the", "to"})


def _is_heading(line: str) -> bool:
    if not line or line[-1] in ".;!?\"')":  # before splitting it: most paragraphs end with a full stop
        return False
    words = line.split()
    if not words or len(words) > 6:
        return False
    return all(w[0].isupper() or not w[0].isalpha() or w in _MINOR_WORDS for w in words)


def fold_whitespace(text: str) -> str:
    """Every run of whitespace (newlines included) as one space, ends trimmed."""
    return " ".join(text.split())


def normalize_text(text: str) -> str:
    """Cosmetically normalized text that keeps paragraph breaks (as a blank line): what diffs are shown on."""
    return "\n\n".join(_tidied_paragraphs(text))


# Marks paragraph breaks while a whole text is tidied at once: printable, and not a space, a dash, a bracket or
# punctuation, so nothing tidying a paragraph looks for or writes holds it, and no match spans two paragraphs.
_BREAK = "\u00b6"


def _tidied_paragraphs(text: str) -> list[str]:
    """The non-empty paragraphs of `text`, each cosmetically normalized on one line.

    All paragraphs are tidied in one pass over the text, their breaks marked: each step is a string replace or
    a regex over the whole text instead of one per paragraph (a page has about seventy), and spaces are folded
    only if the text has any to fold (pages rarely do). Only heading case needs a paragraph at a time. A text
    already holding the mark is tidied paragraph by paragraph."""
    text = _cosmetic(text or "")
    if _BREAK in text:
        return [p for p in map(_tidy_paragraph, _PARAGRAPH_BREAK.split(text)) if p]
    marked = _PARAGRAPH_BREAK.sub(_BREAK, text)
    # A break takes all the white space after it, so a paragraph between two is never empty (`\s` is what
    # `str.split` splits on: a test checks). Printable text holds no white space but " " (a test checks): with
    # no double space, no space before a break and none at either end it is folded already. These searches
    # are faster than folding (a space as the last character searched for is slow: it is everywhere).
    if "  " in marked or f" {_BREAK}" in marked or marked[:1] == " " or marked[-1:] == " " or not marked.isprintable():
        marked = " ".join(marked.split()).replace(f" {_BREAK}", _BREAK)
    marked = marked.strip(_BREAK)
    if not marked:
        return []
    paragraphs = _tidy_dashes_and_spacing(marked).split(_BREAK)
    return [p.casefold() if _is_heading(p) else p for p in paragraphs]


def normalize_printed(*texts: str) -> list[tuple[str, str]]:
    """(`normalize_text`, `printed_paragraphs`) of each text, what a diff of them needs, sharing the work.

    When an unmarked text is already in NFKC form (pages nearly always are), the cosmetic pass only replaces
    quotes, one character for another that is no more a space or a line break than it was: the same
    paragraphs split apart, into the same words, so each normalized paragraph is tidied from its printed
    one. A paragraph the texts share (most of two versions of a page) is tidied once.
    """
    tidied: dict[str, tuple[str, str]] = {}  # paragraph as found -> (printed, normalized)
    out = []
    for text in texts:
        unmarked = _unmarked(text or "")
        if not unicodedata.is_normalized("NFKC", unmarked):
            out.append((normalize_text(text), printed_paragraphs(text)))
            continue
        forms = []
        for paragraph in _PARAGRAPH_BREAK.split(unmarked):
            if paragraph not in tidied:
                printed = " ".join(paragraph.split())
                tidied[paragraph] = (printed, _tidy_words(_plain_quotes(printed)) if printed else "")
            forms.append(tidied[paragraph])
        kept = [(printed, normalized) for printed, normalized in forms if printed]
        out.append(("\n\n".join(n for _, n in kept), "\n\n".join(p for p, _ in kept)))
    return out


def canonical_text(text: str) -> str:
    """Cosmetically normalized text on one line: equal canonical texts are never a change."""
    return " ".join(_tidied_paragraphs(text))  # what `one_line(normalize_text(text))` gives, one pass less


def one_line(normalized: str) -> str:
    """`fold_whitespace` of a text `normalize_text` returned, without splitting it into words: it already
    leaves single spaces inside paragraphs, so only the breaks between them remain."""
    return normalized.replace("\n\n", " ")


def clean_recommendation(text: str) -> str:
    """One recommendation as shown: canonical text without its list marker ("•", "1.", "(a)") or the
    separator that ended it in a run-on list ("; and")."""
    text = _LIST_MARKER.sub("", canonical_text(text))
    if _may_end_in_separator(text):
        text = _TRAILING_SEPARATOR.sub("", text)
    return text.strip()


def _may_end_in_separator(text: str) -> bool:
    """Whether `_TRAILING_SEPARATOR` can match more than nothing: only before a last ";", ",", space, "and" or
    "or". The pattern is tried at every position of the text (37 us an item, most of cleaning it): a look
    at the last characters skips it for the items that end in a full stop or a word."""
    tail = text[-3:].lower()
    return tail[-1:] in (";", ",") or tail[-1:].isspace() or tail.endswith(("and", "or"))


def normalize_recommendation(text: str) -> str:
    """One recommendation as compared: `clean_recommendation` without its closing full stop."""
    return clean_recommendation(text).rstrip(". ")


_ORDINAL = r"(?:\d+(?:st|nd|rd|th)|(?:[a-z]+[- ])?(?:first|second|third|[a-z]*?th))"
# (hint words, needles, pattern, replacement). Patterns expect cosmetically normalized text (single spaces);
# a pattern runs only on text holding one of its hint words (lower case), which keeps folding cheap, and
# one of its needles if it has any: strings every match holds, looked for in the text as folded so far
# ("fully" alone is common: "fully suspended sentences").
# A word that must start a word is written `[Ff](?<!\w[Ff])ully`, not `\b[Ff]ully`: the same matches, but a
# pattern led by a character class is tried only where that character is, one led by `\b` everywhere.
_BOILERPLATE: tuple[tuple[tuple[str, ...], tuple[str, ...], re.Pattern[str], str], ...] = (
    # The COVID clause (2021) and its ", if any," variant (2022-2023); dropped in 2024.
    (
        ("covid",),
        (),
        re.compile(
            r",? ?(?:even )?(?:considering|taking into account|after considering) the impact of the "
            r"COVID-19 pandemic(?: ?,? ?if any ?,?)? on (?:its|the government's) anti-trafficking capacity",
            re.IGNORECASE,
        ),
        "",
    ),
    # "fully meets" (to 2022) -> "meets" (2023 on); "does not fully meet" -> "does not meet" (2025).
    (
        ("fully",),
        ("ully meet", "ully compl"),
        re.compile(r"[Ff](?<!\w[Ff])ully (meets?|meeting|compl(?:y|ies|ying))\b"),
        r"\1",
    ),
    # "; therefore X remained on" / ". Therefore X was downgraded" / ", so X was downgraded" (2025).
    (
        ("therefore", " so "),
        (),
        re.compile(
            r"(?:[;,.:] (?:[Tt]herefore|[Ss]o)| [Tt]herefore),? (?=[^.;]{0,80}?\b(?:remained|remains|was|is) "
            r"(?:on|upgraded|downgraded|placed|granted|a special)\b)"
        ),
        ", so ",
    ),
    # Rolling counters: "for at least the sixth consecutive year" -> "seventh".
    (
        ("consecutive",),
        (),
        re.compile(rf"([Ff](?<!\w[Ff])or (?:at least )?the ){_ORDINAL}( consecutive (?:year|reporting period))"),
        r"\1Nth\2",
    ),
)


# A text holding none of these has no boilerplate drift to fold (at most a ", so" it shares with its pair).
_DRIFT_WORDS = ("fully", "covid", "therefore", "consecutive")


def may_hold_boilerplate(text: str) -> bool:
    """A cheap test before `fold_boilerplate`: False means `text` holds no edition boilerplate drift."""
    lower = text.lower()
    return any(word in lower for word in _DRIFT_WORDS)


def drift_word_spans(text: str) -> list[tuple[int, int]] | None:
    """(start, end) of every word `may_hold_boilerplate` looks for in `text`, in order of start: a part of
    `text` may hold boilerplate drift only if it holds one of these spans. None when it holds some but lower
    case changes the text's length (their offsets would not be the text's)."""
    lower = text.lower()
    if len(lower) != len(text):
        return None if any(word in lower for word in _DRIFT_WORDS) else []
    spans = []
    for word in _DRIFT_WORDS:
        at = lower.find(word)
        while at != -1:
            spans.append((at, at + len(word)))
            at = lower.find(word, at + 1)
    return sorted(spans)


def fold_boilerplate(text: str) -> str:
    """Fold edition boilerplate drift so that two editions' wording of the same thing compares equal.

    Takes and returns cosmetically normalized text (see `normalize_text`).
    """
    lower = text.lower()
    for hints, needles, pattern, replacement in _BOILERPLATE:
        if any(hint in lower for hint in hints) and (not needles or any(needle in text for needle in needles)):
            text = pattern.sub(replacement, text)
    return text


def canonical_narrative(n: Narrative) -> dict[str, object]:
    """The parts of a narrative that matter, cosmetically normalized; empty sections and items are dropped."""
    sections = {name.strip().lower(): canonical_text(text) for name, text in n.sections.items()}
    return {
        "tier": n.tier,
        "country_key": n.country_key,
        "edition": n.edition,
        "summary": canonical_text(n.summary),
        "recommendations": [r for r in map(normalize_recommendation, n.recommendations) if r],
        "sections": {name: text for name, text in sorted(sections.items()) if text},
    }


def content_hash(n: Narrative) -> str:
    """sha256 of the canonical narrative: two fetches with equal hashes are the same snapshot."""
    payload = json.dumps(canonical_narrative(n), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
