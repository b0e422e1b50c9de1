"""Reading figures out of sentences: the count a measure verb or noun governs, its breakdown by scope,
its prior-period figure, and the public functions over a sentence, a section and a narrative."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections import Counter
from collections.abc import Iterator
from typing import Any, NamedTuple

from snapshots.core.figures.caseless import Caseless, lowered
from snapshots.core.figures.not_reported import not_reported
from snapshots.core.figures.numbers import NUMBER, parse_number
from snapshots.core.figures.phrases import (
    ASIDE_OR_TIME,
    BRACKETED,
    BREAKDOWN_ITEM,
    CONTINUATION,
    FIGURE,
    GERUND_MEASURE,
    GOVERNMENT_ACTOR,
    IN_COMPARISON,
    INCLUDING,
    LAW_ENFORCEMENT,
    MEASURE_LIST_ITEM,
    NOT_NEW,
    OTHER_ACTOR,
    OTHER_PERIOD,
    PASSIVE,
    PREVIOUS,
    PREVIOUS_AND_YEAR,
    PREVIOUS_GERUND,
    PREVIOUS_ITEM,
    PREVIOUS_LIST,
    PREVIOUS_PAREN,
    PREVIOUS_RESPECTIVELY,
    RESTRICTION,
    SPLIT_ITEM,
    TRAILING_SCOPE,
    UNSPECIFIED,
    measure_of_verb,
    scope_of,
    unit_of,
)
from snapshots.core.figures.sentences import sentences
from snapshots.core.models import Figure, Narrative


def _measure(match: re.Match[str]) -> str | None:
    """The measure a count belongs to, or None when its verb and noun do not make one."""
    if match["elided"] is not None:
        measure = measure_of_verb(match["verb"] or "")
        return measure if measure != "victims_identified" else None
    noun = match["noun"].lower()
    noun_measure = _noun_measure(noun)
    if match["counting"]:
        # "opened 118 investigations": only a measure noun says what was counted.
        return noun_measure
    if match["trigger_noun"] or match["charges"] is not None:
        measure = (match["trigger_noun"] or "prosecutions").lower().rstrip("s") + "s"
        return measure if not noun_measure and not noun.startswith("victim") else None
    return _noun_verb_measure(noun, match["verb"])


# The nouns and verbs are the few words of the NOUN and verb groups, in one case or another: a small
# cache answers almost every figure.
@functools.lru_cache(maxsize=256)
def _noun_measure(noun: str) -> str | None:
    """The law-enforcement measure a lower-case noun names ("prosecution", "convictions"), if any."""
    return next((m for m in LAW_ENFORCEMENT if noun.startswith(m[:-1])), None)


@functools.lru_cache(maxsize=256)
def _noun_verb_measure(noun: str, verb: str) -> str | None:
    """ "convicted 9 traffickers" is a conviction count; "identified 9 traffickers" is nothing."""
    noun, verb_measure = noun.lower(), measure_of_verb(verb)
    noun_measure = _noun_measure(noun)
    if verb_measure == "victims_identified":
        return verb_measure if noun.startswith("victim") else None
    if noun.startswith("victim") or (noun_measure and noun_measure != verb_measure):
        return None
    return verb_measure


class _Sentence(NamedTuple):
    """A sentence whose figures are being read: its text, lowered (see caseless.lowered), its section,
    and the checks on the words before a figure that the sentence's words leave possible."""

    text: str
    low: str | None
    section: str
    possible: frozenset[Caseless]

    def has(self, pattern: Caseless, start: int, end: int) -> bool:
        """Whether the pattern occurs in the sentence's text[start:end]."""
        if pattern not in self.possible:
            return False
        return pattern.occurs_in(self.text[start:end], None if self.low is None else self.low[start:end])


_BEFORE_FIGURE = (NOT_NEW, IN_COMPARISON, OTHER_ACTOR, OTHER_PERIOD)
_ON_LEAD_IN = frozenset((OTHER_ACTOR, OTHER_PERIOD))
_CLAUSE_BREAK = re.compile(r"[;:]|,\s+(?:and|but|while)\s+")
_LIST_OR_CLAUSE_END = re.compile(r"(?:,|\band)(?:\s+(?:the\s+)?[a-z]+)?\s*$")


def _lead_in(sentence: str, verb_start: int) -> int:
    """Where the words of the verb's own clause before it start: its subject and any time it is set in."""
    return verb_start - len(_CLAUSE_BREAK.split(sentence[:verb_start])[-1])


def _by_government(sentence: _Sentence, start: int, end: int) -> bool:
    return not (sentence.has(OTHER_ACTOR, start, end) and GOVERNMENT_ACTOR.search(sentence.text[start:end]) is None)


def _figures(text: str, section: str, low: str | None) -> list[Figure]:
    actives, passives = list(FIGURE.finditer(text, low)), list(PASSIVE.finditer(text, low))
    if not (actives or passives):
        return []  # with no figure, no prior figure has one to go to
    matches = sorted([*actives, *passives], key=re.Match.start) if actives and passives else actives or passives
    sentence = _Sentence(text, low, section, frozenset(p for p in _BEFORE_FIGURE if p.possible(low)))
    found: list[Figure] = []
    consumed = 0  # where the last figure's own phrases (split, list, previous) end
    for match in matches:
        if match.start() < consumed:
            continue
        head = _head(match, sentence, found)
        if head is None:
            continue
        rest = text[match.end() :]
        trailing = TRAILING_SCOPE.match(rest)
        if trailing:
            head = _replace(head, scope=head.scope if head.scope != "all" else scope_of(trailing.group(0)))
            rest = rest[trailing.end() :]
        if RESTRICTION.match(rest) or head.scope == "mixed":
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
        consumed = len(text) - len(rest)
    return _previous_list(text, low, found)


def _previous(rest: str) -> tuple[int | None, str]:
    """The prior period's figure after a figure, past asides ("including 22 children", "in 2023") and
    brackets that are not a prior figure ("(61 women, 22 children and 14 men)"); and the words after it.
    A qualified prior figure ("compared with more than 30") is left out: it is not a number to compare."""
    start = rest
    while True:
        previous = PREVIOUS_PAREN.match(rest) or PREVIOUS.match(rest) or PREVIOUS_AND_YEAR.match(rest)
        if previous:
            if previous.groupdict().get("previous_qualifier"):
                return None, start
            return parse_number(previous["previous"]), rest[previous.end() :]
        skip = ASIDE_OR_TIME.match(rest)
        if skip is None or not skip.group(0):
            skip = BRACKETED.match(rest)
        if not skip:
            return None, start
        rest = rest[skip.end() :]


def _head(match: re.Match[str], sentence: _Sentence, found: list[Figure]) -> Figure | None:
    """The figure a governing verb or noun and its count make, before what follows it is read."""
    passive = PASSIVE.found(match)
    measure = _noun_verb_measure(match["noun"], match["passive"]) if passive else _measure(match)
    start = match.start()
    if measure is None or sentence.has(NOT_NEW, 0, start) or sentence.has(IN_COMPARISON, 0, start):
        return None
    if not sentence.possible.isdisjoint(_ON_LEAD_IN):  # else both checks on the lead-in are sure to pass
        lead_in = _lead_in(sentence.text, start)
        if not _by_government(sentence, lead_in, start) or sentence.has(OTHER_PERIOD, lead_in, start):
            return None
    if not passive and match["elided"] is not None:
        # "..., prosecuted 403" or "... and prosecutors indicted 37": a list or a coordinated clause.
        if not found or not _LIST_OR_CLAUSE_END.search(sentence.text[:start]):
            return None
        unit, scope = found[-1].unit, "all"
    else:
        unit = unit_of(match["noun"])
        scope = scope_of(match["modifiers"])
    number, qualifier = parse_number(match["number"]), _qualifier(match)
    return Figure(measure, number, qualifier, scope, None, sentence.section, sentence.text, True, unit)


def _parts(head: Figure, rest: str) -> tuple[list[Figure], str]:
    """What the words after a figure add to it: a sex/labor breakdown, the other half of a sex/labor
    pair, or the next measures of a list ("73 investigations, 40 prosecutions, and 22 convictions")."""
    breakdown = _breakdown(head, rest)
    if breakdown:
        return breakdown
    including = INCLUDING.match(rest)
    if including:
        return list(_split_parts(including["items"], head)), rest[including.end() :]
    continuation = CONTINUATION.match(rest)
    if continuation and head.scope != "all":
        part = _continuation(continuation, head)
        return ([part], rest[continuation.end() :]) if part else ([], rest)
    parts = []
    while head.unit == "cases" and head.measure in LAW_ENFORCEMENT and (item := MEASURE_LIST_ITEM.match(rest)):
        measure = item["noun"].lower()
        parts.append(_replace(head, measure=measure, value=parse_number(item["number"]), qualifier=_qualifier(item)))
        rest = rest[item.end() :]
    return parts, rest


def _breakdown(head: Figure, rest: str) -> tuple[list[Figure], str] | None:
    """A sex/labor breakdown in brackets right after a figure. Every item must be a count of sex
    trafficking, of labor trafficking, or of something unspecified; anything else ("22 children",
    "37 in 2022") means the brackets say something other than a breakdown."""
    bracket = BRACKETED.match(rest)
    if not bracket:
        return None
    content = bracket["paren"] if bracket["paren"] is not None else bracket["dash"]
    parts = []
    for text in re.split(r"\s*,(?!\d{3})\s*(?:and\s+)?|\s+and\s+", content.strip()):
        item = BREAKDOWN_ITEM.fullmatch(text)
        if not item or re.search(r"(?:19|20)\d\d|previous|prior", item["what"], re.IGNORECASE):
            return None
        scope = scope_of(item["what"])
        if UNSPECIFIED.search(item["what"]):
            continue
        if scope not in ("sex", "labor"):
            return None
        parts.append(_replace(head, value=parse_number(item["number"]), qualifier=_qualifier(item), scope=scope))
    return (parts, rest[bracket.end() :]) if parts else None


def _previous_list(sentence: str, low: str | None, found: list[Figure]) -> list[Figure]:
    """ ", compared with 31 investigations, 12 prosecutions, and four convictions in 2022": each prior
    figure goes to the one figure of its measure (scope all) that the sentence states."""
    if low is not None and "compared" not in low:
        return found  # the word each of the three patterns holds (their Caseless words)
    respectively = PREVIOUS_RESPECTIVELY.search(sentence, low)
    if respectively:
        numbers = [parse_number(n) for n in re.findall(NUMBER, respectively["items"], re.IGNORECASE)]
        if len(numbers) == len(found) and all(f.scope == "all" and f.previous is None for f in found):
            return [_replace(f, previous=n) for f, n in zip(found, numbers, strict=True)]
        return found
    found = _previous_by_gerund(sentence, low, found)
    listed = PREVIOUS_LIST.search(sentence, low)
    if not listed:
        return found
    previous: dict[str, int] = {}
    for item in re.finditer(PREVIOUS_ITEM, listed["items"], re.IGNORECASE):
        noun = item["noun"].lower()
        measure = "victims_identified" if noun.startswith("victim") else noun.rstrip("s") + "s"
        previous[measure] = parse_number(item["number"])
    return _give_previous(found, previous)


def _previous_by_gerund(sentence: str, low: str | None, found: list[Figure]) -> list[Figure]:
    """ "identified 150 victims and referred 120 to services, compared with identifying 130 victims in
    2022": the gerund names the measure whose prior figure it is, however far back that figure is."""
    found_previous = PREVIOUS_GERUND.finditer(sentence, low)
    previous = {GERUND_MEASURE[m["gerund"].lower()]: parse_number(m["previous"]) for m in found_previous}
    return _give_previous(found, previous)


def _give_previous(found: list[Figure], previous: dict[str, int]) -> list[Figure]:
    """Each prior figure to the one figure of its measure (scope all) that has none yet; a measure the
    sentence states twice is ambiguous and gets nothing."""
    if not previous:
        return found
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
    for item in re.finditer(SPLIT_ITEM, items, re.IGNORECASE):
        scope = scope_of(item.group(0))
        if scope in ("sex", "labor"):
            yield _replace(
                head, value=parse_number(item["number"]), qualifier=_qualifier(item), scope=scope, previous=None
            )


def _continuation(match: re.Match[str], head: Figure) -> Figure | None:
    scope = scope_of(match.group(0))
    if scope not in ("sex", "labor") or scope == head.scope:
        return None
    noun = match["noun"]
    if noun and head.measure == "victims_identified" and not noun.lower().startswith("victim"):
        return None
    unit = unit_of(noun) if noun else head.unit
    return _replace(
        head, value=parse_number(match["number"]), qualifier=_qualifier(match), scope=scope, previous=None, unit=unit
    )


# Most sentences name no measure at all; one cheap look spares them the full patterns.
_MENTIONS = Caseless(r"investigat|prosecut|charg|indict|convict|identif|did\s+not")


def figures_in_sentence(sentence: str, section: str) -> tuple[Figure, ...]:
    """Every figure one sentence states, in the order it states them."""
    low = lowered(sentence)
    if not _MENTIONS.occurs_in(sentence, low):
        return ()
    return (*_figures(sentence, section, low), *not_reported(sentence, section, low))


def figures_in_text(text: str, section: str) -> tuple[Figure, ...]:
    """Every figure in a section's text, sentence by sentence."""
    return tuple(f for sentence in sentences(text) for f in figures_in_sentence(sentence, section))


def extract_figures(narrative: Narrative) -> tuple[Figure, ...]:
    """The figures of a narrative's summary, prosecution and protection sections, in page order."""
    texts = [("summary", narrative.summary)] + [
        (name, narrative.sections[name]) for name in ("prosecution", "protection") if name in narrative.sections
    ]
    return tuple(f for section, text in texts for f in figures_in_text(text, section))
