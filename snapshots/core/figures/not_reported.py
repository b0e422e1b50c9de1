"""Statements that a government did not report a figure ("did not report prosecution data")."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from snapshots.core.figures.caseless import Caseless
from snapshots.core.figures.numbers import LIST_SEPARATOR
from snapshots.core.figures.phrases import (
    GERUND_MEASURE,
    LAW_ENFORCEMENT,
    MODIFIERS,
    NOUN,
    TRAILING_SCOPE,
    measure_of_verb,
    scope_of,
)
from snapshots.core.models import Figure

_MEASURE_NOUNS = r"(?:investigations|prosecutions|convictions)"
_NOT_REPORTED = Caseless(
    r"\bdid\s+not\s+(?:report|provide)\s+(?:"
    r"(?:any\s+|comprehensive\s+|complete\s+)?(?:anti-trafficking\s+)?law\s+enforcement\s+(?:data|statistics|figures)(?P<all>)|"
    rf"(?P<gerunds>(?:investigating|prosecuting|charging|convicting|identifying)(?:{LIST_SEPARATOR}(?:investigating|prosecuting|charging|convicting|identifying))*)"
    rf"\s+any\s+(?P<modifiers>{MODIFIERS}){NOUN}|"
    rf"(?:(?:any|comprehensive)\s+)?(?:(?:data|statistics)\s+on\s+(?:the\s+number\s+of\s+)?|the\s+number\s+of\s+)?(?P<nouns>{_MEASURE_NOUNS}(?:{LIST_SEPARATOR}{_MEASURE_NOUNS})*)|"
    r"(?:how\s+many|the\s+number\s+of)\s+(?:trafficking\s+)?victims\s+(?:it|they|authorities|officials)?\s*identified(?P<victims>)|"
    rf"(?:how\s+many|the\s+number\s+of)\s+{MODIFIERS}(?:suspects|traffickers|defendants|cases|people|individuals)\s+"
    r"(?:it|they|authorities|officials|courts|prosecutors|police)?\s*"
    rf"(?P<verbs>(?:investigated|prosecuted|charged|indicted|convicted)(?:{LIST_SEPARATOR}(?:investigated|prosecuted|charged|indicted|convicted))*)|"
    r"(?:any\s+)?victim\s+identification\s+(?:data|statistics)(?P<victim_data>)|"
    r"(?:any\s+)?(?:data|statistics)\s+on\s+(?:the\s+number\s+of\s+)?(?:trafficking\s+)?victims(?:\s+identified)?(?P<victim_count>)"
    r")",
    words=("did",),
)
# What may follow a not-reported statement without narrowing it.
_NOT_REPORTED_END = re.compile(
    r"\s*(?:[,.;)]|$|(?:and|but|or)\s|(?:it|they|authorities|officials|police|courts|prosecutors)\s+"
    r"(?:initiated|conducted|opened|secured|obtained|identified|investigated|prosecuted|convicted)\b|(?:during|for|in)\s+(?:the\s+)?(?:reporting\s+period|(?:19|20)\d\d|year)|"
    r"\s*for\s+(?:at\s+least\s+)?the\s+\w+\s+consecutive\s+year)",
    re.IGNORECASE,
)


def not_reported(sentence: str, section: str, low: str | None = None) -> Iterator[Figure]:
    """The measures a sentence says were not reported (`low`: caseless.lowered(sentence), to find them faster)."""
    for match in _NOT_REPORTED.finditer(sentence, low):
        rest = sentence[match.end() :]
        trailing = TRAILING_SCOPE.match(rest)
        if trailing:
            rest = rest[trailing.end() :]
        if not _NOT_REPORTED_END.match(rest):
            continue
        scope = scope_of((match["modifiers"] or "") + (trailing.group(0) if trailing else ""))
        if scope == "mixed":
            continue
        if match["all"] is not None:
            measures: Sequence[str] = LAW_ENFORCEMENT
        elif match["verbs"]:
            verbs = re.findall(r"[a-z]+ed", match["verbs"], re.IGNORECASE)
            measures = list(dict.fromkeys(m for v in verbs if (m := measure_of_verb(v)) is not None))
        elif match["gerunds"]:
            measures = _gerund_measures(match["gerunds"], match["noun"])
        elif match["nouns"]:
            measures = [n.lower() for n in re.findall(_MEASURE_NOUNS, match["nouns"], re.IGNORECASE)]
        else:
            measures = ["victims_identified"]
        for measure in measures:
            yield Figure(measure, None, None, scope, None, section, sentence, False, None)


def _gerund_measures(gerunds: str, noun: str) -> list[str]:
    measures = [GERUND_MEASURE[g.lower()] for g in re.findall(r"[a-z]+ing", gerunds, re.IGNORECASE)]
    is_victim = noun.lower().startswith("victim")
    # "identifying any victims" and "convicting any traffickers" agree; "identifying any cases" does not.
    if any((m == "victims_identified") != is_victim for m in measures):
        return []
    return list(dict.fromkeys(measures))
