"""The phrases that state a figure: measure verbs and nouns, scopes, and the words that make a count
something other than the period's figure (a subset, another actor, another period, a prior figure)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from snapshots.core.figures.caseless import Caseless
from snapshots.core.figures.numbers import COUNT, LIST_SEPARATOR, NUMBER, QUALIFIER, unnamed

LAW_ENFORCEMENT: tuple[str, ...] = ("investigations", "prosecutions", "convictions")

# Words allowed between the count and its noun. Anything else ("child", "male", "Filipino") makes the
# count a subset, which is not the measure.
MODIFIERS = (
    r"(?:(?:new|alleged|suspected|potential|possible|presumed|criminal|federal|human|sex|labor|labour|forced|"
    r"trafficking)\s+)*"
)
NOUN = (
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
FIGURE = Caseless(
    rf"\b(?:{_VERB}|{_NOUN_TRIGGER}|{_COUNTING_VERB})\s+(?:a total of\s+)?{COUNT}"
    # "prosecuted 24 alleged traffickers and convicted 17, ...": the noun may be left to the figure before.
    rf"(?:\s+(?P<modifiers>{MODIFIERS}){NOUN}|(?P<elided>(?=\s*(?:[,.;(]|$)|\s+(?:and|but)\s+[a-z]+ed\b)))"
)
# PASSIVE opens with "of the", at the text's start, or just after a ";" or a comma. All alternatives
# here start with a literal, so the engine skips straight to them instead of trying every position.
_PASSIVE_OPENING = re.compile(";|,|of")


def _passive_starts(low: str) -> Iterator[int]:
    """Where a PASSIVE match may start in the lowered text, in ascending order."""
    yield 0
    for opening in _PASSIVE_OPENING.finditer(low):
        yield opening.start() if opening.group(0) == "of" else opening.end()


# "Approximately 70 victims were identified ...", "Of the 61 victims identified, ...": the count comes first.
PASSIVE = Caseless(
    rf"(?:\bof\s+the\s+|^\s*|(?<=[;,])\s*){COUNT}\s+(?P<modifiers>{MODIFIERS}){NOUN}\s+"
    r"(?:(?:were|was|had\s+been|have\s+been)\s+|(?:it|they|authorities|officials|police|courts|prosecutors)\s+)?"
    r"(?P<passive>investigated|prosecuted|charged|indicted|convicted|identified)\b",
    words=("investigated", "prosecuted", "charged", "indicted", "convicted", "identified"),
    starts=_passive_starts,
)

_SCOPE_PHRASE = (
    r"(?:(?P<scope_word>sex|labor|labour)\s+trafficking|(?P<forced>forced\s+labou?r)|"
    r"(?:human\s+)?trafficking(?!-)(?:\s+in\s+persons)?)"
)
# After the noun: "for sex trafficking", "of forced labor", "involving labor trafficking".
TRAILING_SCOPE = re.compile(
    rf"\s+(?:for|of|involving|in|on|with)\s+{_SCOPE_PHRASE}(?:\s+(?:offenses|crimes|charges))?\b", re.IGNORECASE
)
# "under the anti-trafficking law" is the usual legal basis of the figure, not a subset of it.
_UNDER_THE_LAW = r"\s+(?:the\s+|its\s+)?(?:(?:19|20)\d\d\s+)?anti-?trafficking\s+(?:law|act|statute|provisions?)"
# After the noun, words that make the count a subset or another number altogether.
RESTRICTION = re.compile(
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
OTHER_ACTOR = Caseless(
    r"\b(?:ngos?|civil society|international organizations?|iom|foreign governments?|media|researchers|observers)\b",
    words=(
        "ngo",
        "civil society",
        "international organization",
        "iom",
        "foreign government",
        "media",
        "researchers",
        "observers",
    ),
)
GOVERNMENT_ACTOR = re.compile(
    r"government|authorities|police|law enforcement|officials|ministr|courts|prosecutors|judges|officers", re.I
)
# A total over several years or part of a year is not the period's figure.
OTHER_PERIOD = Caseless(
    r"\b(?:between\s+(?:19|20)\d\d\s+and|from\s+(?:19|20)\d\d\s+(?:to|through|until)|since\s+(?:19|20)\d\d|"
    r"(?:over|in|during)\s+the\s+(?:past|last)\s+\w+\s+years|(?:first|second)\s+(?:half|quarter|six\s+months)|"
    r"cumulative(?:ly)?|to\s+date)\b",
    words=("between", "from", "since", "years", "first", "second", "cumulative", "date"),
)
# Counts a verb governs but that are not this period's new figure.
NOT_NEW = Caseless(
    r"(?:continued(?:\s+to)?|not|no longer|attempted\s+to|pending)\s+$",
    words=("continued", "not", "no longer", "attempted", "pending"),
)
# Until the next comma, what follows "compared with" or "up from" is the prior period's
# ("compared with prosecuting 39 suspects and convicting 25 traffickers in 2022").
IN_COMPARISON = Caseless(
    r"(?:compared\s+(?:with|to)|(?:up|down|increase|decrease|rise|drop|decline)\s+from)\b[^,;()—–]*$",
    words=("compared", "from"),
)

_YEAR_OR_PERIOD = (
    r"(?:in\s+(?:(?:19|20)\d\d|the\s+(?:previous|prior|last)\s+(?:reporting\s+period|year))|"
    r"(?:during\s+)?the\s+(?:previous|prior)\s+(?:reporting\s+period|year))"
)
PREVIOUS = re.compile(
    rf"\s*(?:,\s*|\(\s*|[—–]\s*)(?:compared\s+(?:with|to)|an?\s+(?:\w+\s+)?(?:increase|decrease|rise|drop|decline)\s+from|"
    rf"up\s+from|down\s+from|versus)\s+(?:(?:investigating|prosecuting|charging|convicting|identifying)\s+)?"
    rf"(?:(?P<previous_qualifier>{QUALIFIER})\s+)?(?P<previous>{NUMBER}|none\b)"
    rf"(?:\s+{MODIFIERS}{NOUN})?(?:\s*\([^()]*\))?"
    # The period may go unsaid when the clause ends there: "...; prosecuting 199 defendants, compared with 187;"
    rf"(?:\s+{_YEAR_OR_PERIOD}\b|(?=\s*(?:[;.]|$)))",
    re.IGNORECASE,
)
# "identified 212 victims in 2023 and 190 in 2022"
PREVIOUS_AND_YEAR = re.compile(
    rf"\s+in\s+(?:19|20)\d\d\s+and\s+(?P<previous>{NUMBER})(?:\s+{MODIFIERS}{NOUN})?\s+in\s+(?:19|20)\d\d\b",
    re.IGNORECASE,
)
PREVIOUS_PAREN = re.compile(
    rf"\s*\(\s*(?P<previous>{NUMBER})(?:\s+{MODIFIERS}{NOUN})?\s+{_YEAR_OR_PERIOD}\s*\)",
    re.IGNORECASE,
)
# ", including 22 children" and such asides sit between a figure and its "compared with".
# So do "involving 52 suspects", "in 2023", "during the reporting period" and how they were found.
ASIDE_OR_TIME = re.compile(
    rf"(?:\s*,\s*including\s+[^,;()]*?(?=\s*,)|\s+(?:in|during)\s+(?:(?:19|20)\d\d|the\s+reporting\s+period)\b|\s+under{_UNDER_THE_LAW}|"
    rf"\s+involving\s+(?:{QUALIFIER}\s+)?{NUMBER}\s+{MODIFIERS}\w+|"
    # how they were found: "through screening of vulnerable populations"
    r"\s+(?:through|by|using|via)\s+[^,;()]*?(?=\s*,))*",
    re.IGNORECASE,
)
MEASURE_LIST_ITEM = re.compile(
    rf"\s*,\s*(?:and\s+)?{COUNT}\s+{MODIFIERS}(?P<noun>investigations|prosecutions|convictions)\b", re.IGNORECASE
)
PREVIOUS_ITEM = rf"(?P<number>{NUMBER})\s+{MODIFIERS}(?P<noun>investigations|prosecutions|convictions|victims)\b"
PREVIOUS_LIST = Caseless(
    rf",\s*compared\s+(?:with|to)\s+(?P<items>{unnamed(PREVIOUS_ITEM)}(?:{LIST_SEPARATOR}{unnamed(PREVIOUS_ITEM)})+)"
    rf"\s+{_YEAR_OR_PERIOD}",
    words=("compared",),
)
# ", compared with identifying 130 victims in 2022"
PREVIOUS_GERUND = Caseless(
    r",\s*compared\s+(?:with|to)\s+(?P<gerund>investigating|prosecuting|charging|convicting|identifying)\s+"
    rf"(?P<previous>{NUMBER})(?:\s+{MODIFIERS}{NOUN})?\s+{_YEAR_OR_PERIOD}",
    words=("compared",),
)
# ", compared with 58, 40, and 16, respectively, in 2022"
PREVIOUS_RESPECTIVELY = Caseless(
    rf",\s*compared\s+(?:with|to)\s+(?P<items>{NUMBER}(?:{LIST_SEPARATOR}{NUMBER})+),?\s+respectively,?\s+{_YEAR_OR_PERIOD}",
    words=("compared",),
)

# "five unspecified" is read past but yields no figure.
SPLIT_ITEM = rf"{COUNT}\s+(?:for\s+|of\s+)?(?:{_SCOPE_PHRASE}|unspecified|other)(?:\s+{NOUN})?"


# ", including 12 for labor trafficking" (a breakdown in brackets is read item by item, see _breakdown)
INCLUDING = re.compile(
    rf"\s*,\s*including\s+(?P<items>{unnamed(SPLIT_ITEM)}(?:{LIST_SEPARATOR}{unnamed(SPLIT_ITEM)})*)",
    re.IGNORECASE,
)
# "(65 sex trafficking, 12 labor trafficking, and five unspecified)", "—120 sex trafficking victims and ...—"
BRACKETED = re.compile(r"\s*(?:\((?P<paren>[^()]*)\)|[—–](?P<dash>[^—–()]*)[—–])")
BREAKDOWN_ITEM = re.compile(rf"(?:including\s+)?{COUNT}\b(?P<what>.*)", re.IGNORECASE | re.DOTALL)
UNSPECIFIED = re.compile(r"\b(?:unspecified|other|unknown)\b", re.IGNORECASE)
CONTINUATION = re.compile(
    rf"\s*,?\s+and\s+{COUNT}\s+(?:(?P<modifiers>{MODIFIERS}){NOUN}(?:\s+(?:for|of|involving)\s+{unnamed(_SCOPE_PHRASE)})?"
    rf"|for\s+{_SCOPE_PHRASE})",
    re.IGNORECASE,
)


def scope_of(text: str) -> str:
    text = text.lower()
    if "labor" in text or "labour" in text:
        return "labor" if "sex" not in text else "mixed"
    return "sex" if "sex" in text else "all"


# Both take the few words of the NOUN and verb groups, in one case or another: a small cache answers
# almost every call.
@functools.lru_cache(maxsize=256)
def unit_of(noun: str) -> str:
    """ "12 suspects" and "63 victims" count people; "41 cases" and "118 investigations" count cases."""
    noun = noun.lower()
    return "persons" if noun.startswith("victim") or noun.rstrip("s") in _PERSON_NOUNS else "cases"


@functools.lru_cache(maxsize=256)
def measure_of_verb(verb: str) -> str | None:
    return next((m for stem, m in _VERB_MEASURE.items() if verb.lower().startswith(stem)), None)


GERUND_MEASURE = {
    "investigating": "investigations",
    "prosecuting": "prosecutions",
    "charging": "prosecutions",
    "convicting": "convictions",
    "identifying": "victims_identified",
}
