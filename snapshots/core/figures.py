"""The report's own numbers: investigations, prosecutions, convictions and victims identified.

Every narrative states its law-enforcement and victim-identification figures in prose. This module
reads them out of the summary, prosecution and protection sections, each with its verbatim source
sentence, and says when a figure moves between editions. Pure: text in, frozen records out.

Precision comes first: a figure that is not in the text is worse than a missing one. So a count is
taken only when a measure verb or noun governs it directly ("convicted 9 traffickers", "opened 118
investigations") and it counts cases or people as a whole; sub-counts ("involving 58 suspects",
"including 22 children"), subsets ("officials", "child victims", "within TITP"), other actors
("NGOs identified ...") and vague amounts ("dozens", "two dozen", "several") give nothing.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from snapshots.core.models import MEASURES, SCOPES, Figure, FigureDetail, Narrative

LAW_ENFORCEMENT: tuple[str, ...] = ("investigations", "prosecutions", "convictions")


# -- numbers ---------------------------------------------------------------------------------

_UNITS_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS_WORDS = ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
_WORD_VALUE = {w: i for i, w in enumerate(_UNITS_WORDS)} | {w: 20 + 10 * i for i, w in enumerate(_TENS_WORDS)}


def _alternation(words: Iterable[str]) -> str:
    # Longest first so "seventeen" wins over "seven".
    return "|".join(sorted(words, key=len, reverse=True))


_UNIT_RE = _alternation(_UNITS_WORDS[1:])
_TENS_RE = _alternation(_TENS_WORDS)
_BELOW_100 = rf"(?:(?:{_TENS_RE})(?:[-\s](?:{_alternation(_UNITS_WORDS[1:10])}))?|(?:{_UNIT_RE}))"
_WORD_NUMBER = rf"(?:(?:{_alternation(_UNITS_WORDS[1:10])})\s+hundred(?:\s+(?:and\s+)?{_BELOW_100})?|{_BELOW_100})"
# "two dozen" and "one hundred" share a first word: a word number never runs into "dozen".
NUMBER = rf"(?:\d{{1,3}}(?:,\d{{3}})+|\d+|\b{_WORD_NUMBER}\b(?![-\s]dozen))"
QUALIFIER = (
    r"(?:at least|at most|approximately|more than|fewer than|less than|about|nearly|almost|over|"
    r"roughly|around|an estimated|up to)"
)
COUNT = rf"(?:(?P<qualifier>{QUALIFIER})\s+)?(?P<number>{NUMBER})"


def parse_number(text: str) -> int:
    """The value of a number written as the report writes it: "1,204", "seven", "twenty-three"."""
    text = text.strip().lower()
    if text == "none":
        return 0
    if text[0].isdigit():
        return int(text.replace(",", ""))
    total = 0
    for word in re.split(r"[-\s]+", text):
        if word == "and":
            continue
        if word == "hundred":
            total *= 100
        else:
            total += _WORD_VALUE[word]
    return total


def _unnamed(pattern: str) -> str:
    """The pattern with its named groups made plain, so that it can repeat inside another."""
    return re.sub(r"\(\?P<\w+>", "(?:", pattern)


_LIST_SEPARATOR = r"(?:\s*,\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+)"


# -- sentences -------------------------------------------------------------------------------

# A sentence ends at . ! ? (maybe closing a quote or bracket) before a capital; not after "U.S." etc.
_SENTENCE_END = re.compile(
    r"(?<!\bU\.S\.)(?<!\bNo\.)(?<!\bSt\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bDr\.)(?<!\bvs\.)(?<=[.!?])[\"”’)]?\s+(?=[A-Z“\"(])"
)


def sentences(text: str) -> list[str]:
    """The sentences of a section's text, verbatim (only the surrounding whitespace trimmed)."""
    found = []
    for paragraph in re.split(r"\n\s*\n", text):
        start = 0
        for match in _SENTENCE_END.finditer(paragraph):
            found.append(paragraph[start : match.start() + len(match.group(0).rstrip())].strip())
            start = match.end()
        found.append(paragraph[start:].strip())
    return [s for s in found if s]


# -- the phrases -----------------------------------------------------------------------------

# Words allowed between the count and its noun. Anything else ("child", "male", "Filipino") makes the
# count a subset, which is not the measure.
_MODIFIERS = (
    r"(?:(?:new|alleged|suspected|potential|possible|presumed|criminal|federal|human|sex|labor|labour|forced|"
    r"trafficking)\s+)*"
)
_NOUN = (
    r"(?P<noun>cases?|suspects?|traffickers?|defendants?|individuals?|people|persons?|perpetrators?|offenders?|"
    r"investigations?|prosecutions?|convictions?|victims?)\b"
)
_PERSON_NOUNS = ("suspect", "trafficker", "defendant", "individual", "people", "person", "perpetrator", "offender")

_VERB_MEASURE = {
    "investigat": "investigations",
    "prosecut": "prosecutions",
    "charg": "prosecutions",
    "indict": "prosecutions",
    "convict": "convictions",
    "identif": "victims_identified",
}
_VERB = (
    r"(?P<verb>investigat(?:ed|ing|e)|prosecut(?:ed|ing|e)|charg(?:ed|ing)|indict(?:ed|ing)|convict(?:ed|ing)|"
    r"identif(?:ied|ying|y))"
)
# "opened investigations into 41 cases", "secured convictions against 9 traffickers"
_NOUN_TRIGGER = (
    r"(?:open|initiat|launch|start|conduct|secur|obtain|achiev|report|record)(?:ed|ing)\s+"
    r"(?:the\s+)?(?:new\s+)?(?:criminal\s+)?(?:trafficking\s+)?(?P<trigger_noun>investigations?|prosecutions?|convictions?)\s+"
    r"(?:into|of|against|in)|"
    r"(?:brought|filed|pressed)\s+(?:criminal\s+)?charges\s+against(?P<charges>)"
)
# "opened 118 trafficking investigations", "secured 23 convictions"
_COUNTING_VERB = (
    r"(?P<counting>opened|initiated|launched|began|started|conducted|secured|obtained|achieved|reported|recorded|"
    r"carried out|pursued)"
)
_FIGURE = re.compile(
    rf"\b(?:{_VERB}|{_NOUN_TRIGGER}|{_COUNTING_VERB})\s+(?:a total of\s+)?{COUNT}"
    # "prosecuted 24 alleged traffickers and convicted 17, ...": the noun may be left to the figure before.
    rf"(?:\s+(?P<modifiers>{_MODIFIERS}){_NOUN}|(?P<elided>(?=\s*(?:[,.;(]|$)|\s+(?:and|but)\s+[a-z]+ed\b)))",
    re.IGNORECASE,
)
# "Approximately 70 victims were identified ...", "Of the 61 victims identified, ...": the count comes first.
_PASSIVE = re.compile(
    rf"(?:\bof\s+the\s+|^\s*|(?<=[;,])\s*){COUNT}\s+(?P<modifiers>{_MODIFIERS}){_NOUN}\s+"
    r"(?:(?:were|was|had\s+been|have\s+been)\s+|(?:it|they|authorities|officials|police|courts|prosecutors)\s+)?"
    r"(?P<passive>investigated|prosecuted|charged|indicted|convicted|identified)\b",
    re.IGNORECASE,
)

_SCOPE_PHRASE = (
    r"(?:(?P<scope_word>sex|labor|labour)\s+trafficking|(?P<forced>forced\s+labou?r)|"
    r"(?:human\s+)?trafficking(?!-)(?:\s+in\s+persons)?)"
)
# After the noun: "for sex trafficking", "of forced labor", "involving labor trafficking".
_TRAILING_SCOPE = re.compile(
    rf"\s+(?:for|of|involving|in|on|with)\s+{_SCOPE_PHRASE}(?:\s+(?:offenses|crimes|charges))?\b", re.IGNORECASE
)
# "under the anti-trafficking law" is the usual legal basis of the figure, not a subset of it.
_UNDER_THE_LAW = r"\s+(?:the\s+|its\s+)?(?:(?:19|20)\d\d\s+)?anti-?trafficking\s+(?:law|act|statute|provisions?)"
# After the noun, words that make the count a subset or another number altogether.
_RESTRICTION = re.compile(
    rf"\s+(?:within|among|abroad|under\b(?!{_UNDER_THE_LAW}(?!\s+and\s+{NUMBER}\s+under))|"
    r"from\s+(?:cases\s+)?(?:previous|prior|earlier)|carried\s+over|"
    r"by\s+(?:an?\s+)?(?:NGOs?|civil\s+society|international|foreign|the\s+media|journalists)|"
    r"(?:for|of|involving|with|in|during)\s+(?!\d|(?:the\s+)?(?:previous|prior|current)\s+(?:reporting\s+)?(?:period|year)|"
    r"the\s+(?:reporting\s+)?(?:period|year)\b|"
    r"(?:19|20)\d\d\b|absentia\b|total\b|(?:sex\s+|labou?r\s+|human\s+)?trafficking(?![-\w])|forced\s+labou?r\b|"
    rf"{NUMBER}\s))",
    re.IGNORECASE,
)
# Subjects that are not the government: "NGOs identified 120 victims".
_OTHER_ACTOR = re.compile(
    r"\b(?:NGOs?|civil society|international organizations?|IOM|foreign governments?|media|researchers|observers)\b",
    re.IGNORECASE,
)
_GOVERNMENT_ACTOR = re.compile(
    r"government|authorities|police|law enforcement|officials|ministr|courts|prosecutors|judges|officers", re.I
)
# A total over several years or part of a year is not the period's figure.
_OTHER_PERIOD = re.compile(
    r"\b(?:between\s+(?:19|20)\d\d\s+and|from\s+(?:19|20)\d\d\s+(?:to|through|until)|since\s+(?:19|20)\d\d|"
    r"(?:over|in|during)\s+the\s+(?:past|last)\s+\w+\s+years|(?:first|second)\s+(?:half|quarter|six\s+months)|"
    r"cumulative(?:ly)?|to\s+date)\b",
    re.IGNORECASE,
)
# Counts a verb governs but that are not this period's new figure.
_NOT_NEW = re.compile(r"(?:continued(?:\s+to)?|not|no longer|attempted\s+to|pending)\s+$", re.IGNORECASE)
# Until the next comma, what follows "compared with" or "up from" is the prior period's
# ("compared with prosecuting 39 suspects and convicting 25 traffickers in 2022").
_IN_COMPARISON = re.compile(
    r"(?:compared\s+(?:with|to)|(?:up|down|increase|decrease|rise|drop|decline)\s+from)\b[^,;()—–]*$", re.IGNORECASE
)

_YEAR_OR_PERIOD = (
    r"(?:in\s+(?:(?:19|20)\d\d|the\s+(?:previous|prior|last)\s+(?:reporting\s+period|year))|"
    r"(?:during\s+)?the\s+(?:previous|prior)\s+(?:reporting\s+period|year))"
)
_PREVIOUS = re.compile(
    rf"\s*(?:,\s*|\(\s*|[—–]\s*)(?:compared\s+(?:with|to)|an?\s+(?:\w+\s+)?(?:increase|decrease|rise|drop|decline)\s+from|"
    rf"up\s+from|down\s+from|versus)\s+(?:(?:investigating|prosecuting|charging|convicting|identifying)\s+)?"
    rf"(?:(?P<previous_qualifier>{QUALIFIER})\s+)?(?P<previous>{NUMBER}|none\b)"
    rf"(?:\s+{_MODIFIERS}{_NOUN})?(?:\s*\([^()]*\))?"
    # The period may go unsaid when the clause ends there: "...; prosecuting 199 defendants, compared with 187;"
    rf"(?:\s+{_YEAR_OR_PERIOD}\b|(?=\s*(?:[;.]|$)))",
    re.IGNORECASE,
)
# "identified 212 victims in 2023 and 190 in 2022"
_PREVIOUS_AND_YEAR = re.compile(
    rf"\s+in\s+(?:19|20)\d\d\s+and\s+(?P<previous>{NUMBER})(?:\s+{_MODIFIERS}{_NOUN})?\s+in\s+(?:19|20)\d\d\b",
    re.IGNORECASE,
)
_PREVIOUS_PAREN = re.compile(
    rf"\s*\(\s*(?P<previous>{NUMBER})(?:\s+{_MODIFIERS}{_NOUN})?\s+{_YEAR_OR_PERIOD}\s*\)",
    re.IGNORECASE,
)
# ", including 22 children" and such asides sit between a figure and its "compared with".
# So do "involving 52 suspects", "in 2023", "during the reporting period" and how they were found.
_ASIDE_OR_TIME = re.compile(
    rf"(?:\s*,\s*including\s+[^,;()]*?(?=\s*,)|\s+(?:in|during)\s+(?:(?:19|20)\d\d|the\s+reporting\s+period)\b|\s+under{_UNDER_THE_LAW}|"
    rf"\s+involving\s+(?:{QUALIFIER}\s+)?{NUMBER}\s+{_MODIFIERS}\w+|"
    # how they were found: "through screening of vulnerable populations"
    r"\s+(?:through|by|using|via)\s+[^,;()]*?(?=\s*,))*",
    re.IGNORECASE,
)
_MEASURE_LIST_ITEM = re.compile(
    rf"\s*,\s*(?:and\s+)?{COUNT}\s+{_MODIFIERS}(?P<noun>investigations|prosecutions|convictions)\b", re.IGNORECASE
)
_PREVIOUS_ITEM = rf"(?P<number>{NUMBER})\s+{_MODIFIERS}(?P<noun>investigations|prosecutions|convictions|victims)\b"
_PREVIOUS_LIST = re.compile(
    rf",\s*compared\s+(?:with|to)\s+(?P<items>{_unnamed(_PREVIOUS_ITEM)}(?:{_LIST_SEPARATOR}{_unnamed(_PREVIOUS_ITEM)})+)"
    rf"\s+{_YEAR_OR_PERIOD}",
    re.IGNORECASE,
)
# ", compared with identifying 130 victims in 2022"
_PREVIOUS_GERUND = re.compile(
    r",\s*compared\s+(?:with|to)\s+(?P<gerund>investigating|prosecuting|charging|convicting|identifying)\s+"
    rf"(?P<previous>{NUMBER})(?:\s+{_MODIFIERS}{_NOUN})?\s+{_YEAR_OR_PERIOD}",
    re.IGNORECASE,
)
# ", compared with 58, 40, and 16, respectively, in 2022"
_PREVIOUS_RESPECTIVELY = re.compile(
    rf",\s*compared\s+(?:with|to)\s+(?P<items>{NUMBER}(?:{_LIST_SEPARATOR}{NUMBER})+),?\s+respectively,?\s+{_YEAR_OR_PERIOD}",
    re.IGNORECASE,
)

# "five unspecified" is read past but yields no figure.
_SPLIT_ITEM = rf"{COUNT}\s+(?:for\s+|of\s+)?(?:{_SCOPE_PHRASE}|unspecified|other)(?:\s+{_NOUN})?"


# ", including 12 for labor trafficking" (a breakdown in brackets is read item by item, see _breakdown)
_INCLUDING = re.compile(
    rf"\s*,\s*including\s+(?P<items>{_unnamed(_SPLIT_ITEM)}(?:{_LIST_SEPARATOR}{_unnamed(_SPLIT_ITEM)})*)",
    re.IGNORECASE,
)
# "(65 sex trafficking, 12 labor trafficking, and five unspecified)", "—120 sex trafficking victims and ...—"
_BRACKETED = re.compile(r"\s*(?:\((?P<paren>[^()]*)\)|[—–](?P<dash>[^—–()]*)[—–])")
_BREAKDOWN_ITEM = re.compile(rf"(?:including\s+)?{COUNT}\b(?P<what>.*)", re.IGNORECASE | re.DOTALL)
_UNSPECIFIED = re.compile(r"\b(?:unspecified|other|unknown)\b", re.IGNORECASE)
_CONTINUATION = re.compile(
    rf"\s*,?\s+and\s+{COUNT}\s+(?:(?P<modifiers>{_MODIFIERS}){_NOUN}(?:\s+(?:for|of|involving)\s+{_unnamed(_SCOPE_PHRASE)})?"
    rf"|for\s+{_SCOPE_PHRASE})",
    re.IGNORECASE,
)


def _scope(text: str) -> str:
    text = text.lower()
    if "labor" in text or "labour" in text:
        return "labor" if "sex" not in text else "mixed"
    return "sex" if "sex" in text else "all"


def _unit(noun: str) -> str:
    """ "12 suspects" and "63 victims" count people; "41 cases" and "118 investigations" count cases."""
    noun = noun.lower()
    return "persons" if noun.startswith("victim") or noun.rstrip("s") in _PERSON_NOUNS else "cases"


def _verb_measure(verb: str) -> str | None:
    return next((m for stem, m in _VERB_MEASURE.items() if verb.lower().startswith(stem)), None)


def _measure(match: re.Match[str]) -> str | None:
    """The measure a count belongs to, or None when its verb and noun do not make one."""
    if match["elided"] is not None:
        measure = _verb_measure(match["verb"] or "")
        return measure if measure != "victims_identified" else None
    noun = match["noun"].lower()
    noun_measure = next((m for m in LAW_ENFORCEMENT if noun.startswith(m[:-1])), None)
    if match["counting"]:
        # "opened 118 investigations": only a measure noun says what was counted.
        return noun_measure
    if match["trigger_noun"] or match["charges"] is not None:
        measure = (match["trigger_noun"] or "prosecutions").lower().rstrip("s") + "s"
        return measure if not noun_measure and not noun.startswith("victim") else None
    return _noun_verb_measure(noun, match["verb"])


def _noun_verb_measure(noun: str, verb: str) -> str | None:
    """ "convicted 9 traffickers" is a conviction count; "identified 9 traffickers" is nothing."""
    noun, verb_measure = noun.lower(), _verb_measure(verb)
    noun_measure = next((m for m in LAW_ENFORCEMENT if noun.startswith(m[:-1])), None)
    if verb_measure == "victims_identified":
        return verb_measure if noun.startswith("victim") else None
    if noun.startswith("victim") or (noun_measure and noun_measure != verb_measure):
        return None
    return verb_measure


def _lead_in(sentence: str, verb_start: int) -> str:
    """The words of the verb's own clause before it: its subject and any time it is set in."""
    return re.split(r"[;:]|,\s+(?:and|but|while)\s+", sentence[:verb_start])[-1]


def _by_government(lead_in: str) -> bool:
    return not (_OTHER_ACTOR.search(lead_in) and not _GOVERNMENT_ACTOR.search(lead_in))


def _figures(sentence: str, section: str) -> list[Figure]:
    found: list[Figure] = []
    consumed = 0  # where the last figure's own phrases (split, list, previous) end
    matches = sorted([*_FIGURE.finditer(sentence), *_PASSIVE.finditer(sentence)], key=lambda m: m.start())
    for match in matches:
        if match.start() < consumed:
            continue
        head = _head(match, sentence, section, found)
        if head is None:
            continue
        rest = sentence[match.end() :]
        trailing = _TRAILING_SCOPE.match(rest)
        if trailing:
            head = _replace(head, scope=head.scope if head.scope != "all" else _scope(trailing.group(0)))
            rest = rest[trailing.end() :]
        if _RESTRICTION.match(rest) or head.scope == "mixed":
            continue
        parts, rest = _parts(head, rest)
        if not (parts and parts[0].measure == head.measure and parts[0].scope != "all" and head.scope != "all"):
            # A sex/labor pair ("12 for sex trafficking and three for labor trafficking") shares no
            # single prior figure, so only a figure standing alone or with its breakdown takes one.
            previous, after = _previous(rest)
            if previous is not None:
                head, rest = _replace(head, previous=previous), after
                if not parts:  # "(21 in 2022), including 25 for sex trafficking and eight for labor trafficking"
                    parts, rest = _parts(head, rest)
        found += [head, *parts]
        consumed = len(sentence) - len(rest)
    return _previous_list(sentence, found)


def _previous(rest: str) -> tuple[int | None, str]:
    """The prior period's figure after a figure, past asides ("including 22 children", "in 2023") and
    brackets that are not a prior figure ("(61 women, 22 children and 14 men)"); and the words after it.
    A qualified prior figure ("compared with more than 30") is left out: it is not a number to compare."""
    start = rest
    while True:
        previous = _PREVIOUS_PAREN.match(rest) or _PREVIOUS.match(rest) or _PREVIOUS_AND_YEAR.match(rest)
        if previous:
            if previous.groupdict().get("previous_qualifier"):
                return None, start
            return parse_number(previous["previous"]), rest[previous.end() :]
        skip = _ASIDE_OR_TIME.match(rest)
        if skip is None or not skip.group(0):
            skip = _BRACKETED.match(rest)
        if not skip:
            return None, start
        rest = rest[skip.end() :]


def _head(match: re.Match[str], sentence: str, section: str, found: list[Figure]) -> Figure | None:
    """The figure a governing verb or noun and its count make, before what follows it is read."""
    passive = match.re is _PASSIVE
    measure = _noun_verb_measure(match["noun"], match["passive"]) if passive else _measure(match)
    before = sentence[: match.start()]
    if measure is None or _NOT_NEW.search(before) or _IN_COMPARISON.search(before):
        return None
    lead_in = _lead_in(sentence, match.start())
    if not _by_government(lead_in) or _OTHER_PERIOD.search(lead_in):
        return None
    if not passive and match["elided"] is not None:
        # "..., prosecuted 403" or "... and prosecutors indicted 37": a list or a coordinated clause.
        if not found or not re.search(r"(?:,|\band)(?:\s+(?:the\s+)?[a-z]+)?\s*$", sentence[: match.start()]):
            return None
        unit, scope = found[-1].unit, "all"
    else:
        unit = _unit(match["noun"])
        scope = _scope(match["modifiers"])
    return Figure(measure, parse_number(match["number"]), _qualifier(match), scope, None, section, sentence, True, unit)


def _parts(head: Figure, rest: str) -> tuple[list[Figure], str]:
    """What the words after a figure add to it: a sex/labor breakdown, the other half of a sex/labor
    pair, or the next measures of a list ("73 investigations, 40 prosecutions, and 22 convictions")."""
    breakdown = _breakdown(head, rest)
    if breakdown:
        return breakdown
    including = _INCLUDING.match(rest)
    if including:
        return list(_split_parts(including["items"], head)), rest[including.end() :]
    continuation = _CONTINUATION.match(rest)
    if continuation and head.scope != "all":
        part = _continuation(continuation, head)
        return ([part], rest[continuation.end() :]) if part else ([], rest)
    parts = []
    while head.unit == "cases" and head.measure in LAW_ENFORCEMENT and (item := _MEASURE_LIST_ITEM.match(rest)):
        measure = item["noun"].lower()
        parts.append(_replace(head, measure=measure, value=parse_number(item["number"]), qualifier=_qualifier(item)))
        rest = rest[item.end() :]
    return parts, rest


def _breakdown(head: Figure, rest: str) -> tuple[list[Figure], str] | None:
    """A sex/labor breakdown in brackets right after a figure. Every item must be a count of sex
    trafficking, of labor trafficking, or of something unspecified; anything else ("22 children",
    "37 in 2022") means the brackets say something other than a breakdown."""
    bracket = _BRACKETED.match(rest)
    if not bracket:
        return None
    content = bracket["paren"] if bracket["paren"] is not None else bracket["dash"]
    parts = []
    for text in re.split(r"\s*,(?!\d{3})\s*(?:and\s+)?|\s+and\s+", content.strip()):
        item = _BREAKDOWN_ITEM.fullmatch(text)
        if not item or re.search(r"(?:19|20)\d\d|previous|prior", item["what"], re.IGNORECASE):
            return None
        scope = _scope(item["what"])
        if _UNSPECIFIED.search(item["what"]):
            continue
        if scope not in ("sex", "labor"):
            return None
        parts.append(_replace(head, value=parse_number(item["number"]), qualifier=_qualifier(item), scope=scope))
    return (parts, rest[bracket.end() :]) if parts else None


def _previous_list(sentence: str, found: list[Figure]) -> list[Figure]:
    """ ", compared with 31 investigations, 12 prosecutions, and four convictions in 2022": each prior
    figure goes to the one figure of its measure (scope all) that the sentence states."""
    respectively = _PREVIOUS_RESPECTIVELY.search(sentence)
    if respectively:
        numbers = [parse_number(n) for n in re.findall(NUMBER, respectively["items"], re.IGNORECASE)]
        if len(numbers) == len(found) and all(f.scope == "all" and f.previous is None for f in found):
            return [_replace(f, previous=n) for f, n in zip(found, numbers, strict=True)]
        return found
    found = _previous_by_gerund(sentence, found)
    listed = _PREVIOUS_LIST.search(sentence)
    if not listed:
        return found
    previous: dict[str, int] = {}
    for item in re.finditer(_PREVIOUS_ITEM, listed["items"], re.IGNORECASE):
        noun = item["noun"].lower()
        measure = "victims_identified" if noun.startswith("victim") else noun.rstrip("s") + "s"
        previous[measure] = parse_number(item["number"])
    counts = Counter(f.measure for f in found if f.scope == "all")
    return [
        _replace(f, previous=previous[f.measure])
        if f.scope == "all" and counts[f.measure] == 1 and f.measure in previous and f.previous is None
        else f
        for f in found
    ]


def _previous_by_gerund(sentence: str, found: list[Figure]) -> list[Figure]:
    """ "identified 150 victims and referred 120 to services, compared with identifying 130 victims in
    2022": the gerund names the measure whose prior figure it is, however far back that figure is."""
    previous = {
        _GERUND_MEASURE[m["gerund"].lower()]: parse_number(m["previous"]) for m in _PREVIOUS_GERUND.finditer(sentence)
    }
    counts = Counter(f.measure for f in found if f.scope == "all")
    return [
        _replace(f, previous=previous[f.measure])
        if f.scope == "all" and counts[f.measure] == 1 and f.measure in previous and f.previous is None
        else f
        for f in found
    ]


def _replace(figure: Figure, **changes: Any) -> Figure:
    return dataclasses.replace(figure, **changes)


def _qualifier(match: re.Match[str]) -> str | None:
    return match["qualifier"].lower() if match["qualifier"] else None


def _split_parts(items: str, head: Figure) -> Iterator[Figure]:
    for item in re.finditer(_SPLIT_ITEM, items, re.IGNORECASE):
        scope = _scope(item.group(0))
        if scope in ("sex", "labor"):
            yield _replace(
                head, value=parse_number(item["number"]), qualifier=_qualifier(item), scope=scope, previous=None
            )


def _continuation(match: re.Match[str], head: Figure) -> Figure | None:
    scope = _scope(match.group(0))
    if scope not in ("sex", "labor") or scope == head.scope:
        return None
    noun = match["noun"]
    if noun and head.measure == "victims_identified" and not noun.lower().startswith("victim"):
        return None
    unit = _unit(noun) if noun else head.unit
    return _replace(
        head, value=parse_number(match["number"]), qualifier=_qualifier(match), scope=scope, previous=None, unit=unit
    )


# -- "did not report" ------------------------------------------------------------------------

_GERUND_MEASURE = {
    "investigating": "investigations",
    "prosecuting": "prosecutions",
    "charging": "prosecutions",
    "convicting": "convictions",
    "identifying": "victims_identified",
}
_MEASURE_NOUNS = r"(?:investigations|prosecutions|convictions)"
_NOT_REPORTED = re.compile(
    r"\bdid\s+not\s+(?:report|provide)\s+(?:"
    r"(?:any\s+|comprehensive\s+|complete\s+)?(?:anti-trafficking\s+)?law\s+enforcement\s+(?:data|statistics|figures)(?P<all>)|"
    rf"(?P<gerunds>(?:investigating|prosecuting|charging|convicting|identifying)(?:{_LIST_SEPARATOR}(?:investigating|prosecuting|charging|convicting|identifying))*)"
    rf"\s+any\s+(?P<modifiers>{_MODIFIERS}){_NOUN}|"
    rf"(?:(?:any|comprehensive)\s+)?(?:(?:data|statistics)\s+on\s+(?:the\s+number\s+of\s+)?|the\s+number\s+of\s+)?(?P<nouns>{_MEASURE_NOUNS}(?:{_LIST_SEPARATOR}{_MEASURE_NOUNS})*)|"
    r"(?:how\s+many|the\s+number\s+of)\s+(?:trafficking\s+)?victims\s+(?:it|they|authorities|officials)?\s*identified(?P<victims>)|"
    rf"(?:how\s+many|the\s+number\s+of)\s+{_MODIFIERS}(?:suspects|traffickers|defendants|cases|people|individuals)\s+"
    r"(?:it|they|authorities|officials|courts|prosecutors|police)?\s*"
    rf"(?P<verbs>(?:investigated|prosecuted|charged|indicted|convicted)(?:{_LIST_SEPARATOR}(?:investigated|prosecuted|charged|indicted|convicted))*)|"
    r"(?:any\s+)?victim\s+identification\s+(?:data|statistics)(?P<victim_data>)|"
    r"(?:any\s+)?(?:data|statistics)\s+on\s+(?:the\s+number\s+of\s+)?(?:trafficking\s+)?victims(?:\s+identified)?(?P<victim_count>)"
    r")",
    re.IGNORECASE,
)
# What may follow a not-reported statement without narrowing it.
_NOT_REPORTED_END = re.compile(
    r"\s*(?:[,.;)]|$|(?:and|but|or)\s|(?:it|they|authorities|officials|police|courts|prosecutors)\s+"
    r"(?:initiated|conducted|opened|secured|obtained|identified|investigated|prosecuted|convicted)\b|(?:during|for|in)\s+(?:the\s+)?(?:reporting\s+period|(?:19|20)\d\d|year)|"
    r"\s*for\s+(?:at\s+least\s+)?the\s+\w+\s+consecutive\s+year)",
    re.IGNORECASE,
)


def _not_reported(sentence: str, section: str) -> Iterator[Figure]:
    for match in _NOT_REPORTED.finditer(sentence):
        rest = sentence[match.end() :]
        trailing = _TRAILING_SCOPE.match(rest)
        if trailing:
            rest = rest[trailing.end() :]
        if not _NOT_REPORTED_END.match(rest):
            continue
        scope = _scope((match["modifiers"] or "") + (trailing.group(0) if trailing else ""))
        if scope == "mixed":
            continue
        if match["all"] is not None:
            measures: Sequence[str] = LAW_ENFORCEMENT
        elif match["verbs"]:
            verbs = re.findall(r"[a-z]+ed", match["verbs"], re.IGNORECASE)
            measures = list(dict.fromkeys(m for v in verbs if (m := _verb_measure(v)) is not None))
        elif match["gerunds"]:
            measures = _gerund_measures(match["gerunds"], match["noun"])
        elif match["nouns"]:
            measures = [n.lower() for n in re.findall(_MEASURE_NOUNS, match["nouns"], re.IGNORECASE)]
        else:
            measures = ["victims_identified"]
        for measure in measures:
            yield Figure(measure, None, None, scope, None, section, sentence, False, None)


def _gerund_measures(gerunds: str, noun: str) -> list[str]:
    measures = [_GERUND_MEASURE[g.lower()] for g in re.findall(r"[a-z]+ing", gerunds, re.IGNORECASE)]
    is_victim = noun.lower().startswith("victim")
    # "identifying any victims" and "convicting any traffickers" agree; "identifying any cases" does not.
    if any((m == "victims_identified") != is_victim for m in measures):
        return []
    return list(dict.fromkeys(measures))


# -- the public functions --------------------------------------------------------------------


# Most sentences name no measure at all; one cheap look spares them the full patterns.
_MENTIONS = re.compile(r"investigat|prosecut|charg|indict|convict|identif|did\s+not", re.IGNORECASE)


def figures_in_sentence(sentence: str, section: str) -> tuple[Figure, ...]:
    """Every figure one sentence states, in the order it states them."""
    if not _MENTIONS.search(sentence):
        return ()
    return (*_figures(sentence, section), *_not_reported(sentence, section))


def figures_in_text(text: str, section: str) -> tuple[Figure, ...]:
    """Every figure in a section's text, sentence by sentence."""
    return tuple(f for sentence in sentences(text) for f in figures_in_sentence(sentence, section))


def extract_figures(narrative: Narrative) -> tuple[Figure, ...]:
    """The figures of a narrative's summary, prosecution and protection sections, in page order."""
    texts = [("summary", narrative.summary)] + [
        (name, narrative.sections[name]) for name in ("prosecution", "protection") if name in narrative.sections
    ]
    return tuple(f for section, text in texts for f in figures_in_text(text, section))


# -- figures between editions ----------------------------------------------------------------

_HOME_SECTION = {m: "prosecution" for m in LAW_ENFORCEMENT} | {"victims_identified": "protection"}


def headline_figures(figures: Iterable[Figure]) -> dict[tuple[str, str], Figure]:
    """One figure per (measure, scope): the first stated in the measure's own section, else the summary's.

    A reported number wins over a "did not report" in the same section.
    """
    ranked = sorted(
        enumerate(figures),
        key=lambda item: (item[1].section != _HOME_SECTION[item[1].measure], not item[1].reported, item[0]),
    )
    chosen: dict[tuple[str, str], Figure] = {}
    for _, figure in ranked:
        chosen.setdefault((figure.measure, figure.scope), figure)
    return chosen


# A move is news a reader wants (medium); a revised prior figure is a note for the record (low).
FIGURE_SIGNIFICANCE: dict[str, str] = {"move": "medium", "revision": "low"}


def figure_changes(
    old_figures: Iterable[Figure], new_figures: Iterable[Figure], old_edition: int, new_edition: int
) -> tuple[FigureDetail, ...]:
    """What moved between two editions' figures, measure by measure, in MEASURES and SCOPES order.

    A move counts when the figure changes by at least half of the old one and by at least 5; a revision
    when the new edition, one year on, states a prior figure that differs from the old edition's exact one.
    Figures are compared only when both are reported and count the same unit.
    """
    old, new = headline_figures(old_figures), headline_figures(new_figures)
    changes = []
    for key in [(m, s) for m in MEASURES for s in SCOPES]:
        before, after = old.get(key), new.get(key)
        if before is None or after is None or before.value is None or after.value is None:
            continue
        if before.unit != after.unit:
            continue
        delta = abs(after.value - before.value)
        if delta >= 5 and 2 * delta >= before.value:
            changes.append(_change("move", after, after.value, before.value, old_edition, new_edition))
        # "more than 350" last year and "compared with 351" now is no revision: only exact figures are checked.
        # The same figure and prior figure again is the old period restated (a carried-over sentence), not
        # the next period looking back.
        restated = (after.value, after.previous) == (before.value, before.previous)
        revised = after.previous is not None and after.previous != before.value and before.qualifier is None
        if revised and not restated and after.previous is not None and new_edition - old_edition == 1:
            changes.append(_change("revision", after, after.previous, before.value, old_edition, new_edition))
    return tuple(changes)


def _change(label: str, figure: Figure, value: int, was: int, old: int, new: int) -> FigureDetail:
    return FigureDetail(label, figure.measure, figure.scope, figure.unit, value, was, old, new, figure.sentence)
