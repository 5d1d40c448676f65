"""A question asking which one of a kind of thing: "which gang", "which banks ran the
deal", "which us unit", "which judge". Only a sentence naming one of that kind answers
it: "shot dead by gang members" is about the gang, but names none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A capitalised name: "China Road and Bridge Corporation", "Viv Ansanm", "Bahati Mwamuye".
_NAME = r"(?:[A-Z]|[a-z][A-Z])[\w'’&.-]*(?:\s+(?:(?:of|and|the|for)\s+)*[A-Z][\w'’&.-]*)*"
# What makes a name one of the kind in a sentence: a word of the kind next to it.
_COMPANY = r"Corporation|Corp\.?|Company|Co\.|Group|Holdings|Ltd|Limited|Inc\.?|PLC|Plc"
_KINDS: dict[str, str] = {
    "bank": rf"\b{_NAME}\s+Bank\b|\bExim\b|\b(?:bank|lender)s?,?\s+(?:the\s+)?{_NAME}",
    "gang": rf"\b{_NAME}\s+gangs?\b|\bgangs?(?:\s+(?:coalition|alliance|leader))?,?\s+{_NAME}",
    "company": (
        rf"\b{_NAME}\s+(?:{_COMPANY})\b|\b(?:company|firm|contractor|developer)s?,?\s+{_NAME}"
        rf"|\b(?:chief executive|CEO|head) of\s+{_NAME}|\b{_NAME},\s+an?\s+(?:[\w-]+\s+){{0,3}}"
        r"(?:company|firm|contractor|developer|maker|manufacturer|producer)\b"
    ),
    "unit": (
        rf"\b{_NAME}\s+(?:Units?|Battalion|Brigade|Regiment|Squadron|Division|Task Force"
        r"|Team|Squad)\b"
    ),
    "general": r"\b(?:General|Gen\.|Lieutenant General|Major General)\s+[A-Z]",
    "judge": r"\b(?:Justice|Judge|Lady Justice|Chief Justice)\s+[A-Z]",
    "airline": rf"\b{_NAME}\s+(?:Airways|Airlines|Air)\b",
    "hotel": rf"\b{_NAME}\s+[Hh]otel\b|\bhotel,?\s+(?:the\s+)?{_NAME}",
    "law": rf"\b{_NAME}\s+Act\b|\bSection\s+\d+",
    "case": rf"\b{_NAME}\s+v(?:s?\.|s)?\s+{_NAME}",
    "resolution": r"\bResolution\s+\d+",
    "senator": r"\b(?:Senators?|Sen\.)\s+[A-Z]",
    "county": rf"\b{_NAME}\s+[Cc]ount(?:y|ies)\b",
    "summit": rf"\b{_NAME}\s+Summit\b",
    "party": rf"\b{_NAME}\s+(?:Party|Movement)\b|\b(?:ODM|UDA|KANU|Jubilee|Azimio)\b",
    "bill": rf"\b{_NAME}\s+Bill\b|\bH\.\s?R\.\s?\d+|\bS\.\s?\d+\b",
}
_WORDS = {
    "bank": "bank|banks|lender|lenders",
    "gang": "gang|gangs",
    "company": "company|companies|firm|firms|contractor|contractors",
    "unit": "unit|units",
    "general": "general|generals",
    "judge": "judge|judges",
    "airline": "airline|airlines",
    "hotel": "hotel|hotels",
    "law": "law|laws|statute",
    "case": "case|cases|lawsuit",
    "resolution": "resolution|resolutions",
    "senator": "senator|senators",
    "county": "county|counties",
    "summit": "summit|summits",
    "party": "party|parties",
    "bill": "bill|bills",
}
_ASKS = re.compile(
    # "which chinese firm", not "what can the gang suppression force do"
    r"\b(?:which|what)\s+(?:(?!(?:can|could|did|does|do|is|was|were|are|will|would|has"
    r"|have|had|should)\b)[\w'’-]+\s+){0,2}?(?P<kind>"
    + "|".join(_WORDS.values())
    + r")\b(?!\s+(?:election|elections|assembly|secretary|counsel|loans?|accounts?|rates?"
    r"|managers?|members?|leaders?|violence|attacks?|wars?|rooms?|staff|suppression|of)\b)",
    re.I,
)
_KIND_OF = {w: kind for kind, words in _WORDS.items() for w in words.split("|")}
_FOUND = {kind: re.compile(pattern) for kind, pattern in _KINDS.items()}


@dataclass(frozen=True)
class AskedKind:
    """The kind of thing a "which …" question asks to be named."""

    kind: str
    word: str  # as typed: "banks"

    def named(self, text: str) -> bool:
        """The sentence names one of the kind."""
        return bool(_FOUND[self.kind].search(text))

    @property
    def missing(self) -> str:
        return f"The documents don't name the {self.word}."


def asked_kind(question: str) -> AskedKind | None:
    """ "which banks ran kenya's eurobond deal" -> banks; None when no kind is asked."""
    m = _ASKS.search(question)
    if m is None:
        return None
    word = m.group("kind").lower()
    return AskedKind(_KIND_OF[word], word)
