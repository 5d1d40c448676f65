"""Who came before or after someone: read from an ordered list the documents give, or
from a sentence telling what came after them.

"who replaced her? (Prudence Bushnell)" is answered by the pair of the list "…,
Prudence Bushnell (1996–1999), Johnnie Carson (1999–2003), …" that holds her and
the one after her, quoted as it stands. No sentence says "Carson succeeded Bushnell",
and a sentence saying so for each pair led questions about the other person (see
tests/eval/HISTORY.md, measured and not kept).
"""

from __future__ import annotations

import re
from dataclasses import replace

from retrieval.followup import own_words
from retrieval.sentences import Candidate
from retrieval.text import STOPWORDS, terms

_AFTER = re.compile(
    r"^\W*(?:(?:and|so|ok)\W+)?who\s+(?:replaced|succeeded|followed|came\s+(?:in\s+)?after"
    r"|took\s+over\s+from|was\s+next\s+after)\s+(?P<who>[^?(]*)",
    re.I,
)
_BEFORE = re.compile(
    r"^\W*(?:(?:and|so|ok)\W+)?who\s+(?:preceded|came\s+before|was\s+(?:[\w'’-]+\s+){0,6}?"
    r"(?:right\s+|just\s+|immediately\s+)?before)\s+(?P<who>[^?(]*)",
    re.I,
)
# "who did he replace?", "who did mccarter succeed": the one before the subject
_REPLACED_BY = re.compile(
    r"^\W*(?:(?:and|so|ok)\W+)?who\s+did\s+(?P<who>[^?(]*?)\s+(?:replace|succeed"
    r"|take\s+over\s+from)\b",
    re.I,
)
_PRONOUNS = frozenset(
    {"her", "him", "he", "she", "them", "they", "that", "this", "one", "i", "you", "we"}
)
# "Prudence Bushnell (1996–1999)": a name and the years it held the place in the list.
_ITEM = re.compile(r"[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*)* \((?:19|20)\d\d[–-](?:19|20)\d\d\)")
_BETWEEN = re.compile(r",?\s*(?:and\s+)?")  # what separates two items of one list


def asked_neighbour(query: str) -> tuple[str, str] | None:
    """("after" or "before", the surname asked about) for "who replaced X", "who was
    the ambassador right before X", "who did he replace? (Kyle McCarter)", "who came in
    after her? (Prudence Bushnell)";
    None for any other question."""
    own = own_words(query)
    for direction, pattern in (("after", _AFTER), ("before", _BEFORE), ("before", _REPLACED_BY)):
        m = pattern.search(own)
        if m is None:
            continue
        who = _names(m.group("who")) or _names(query[len(own) :])  # a pronoun: the carried name
        return (direction, who[-1].lower()) if who else None
    return None


def _names(text: str) -> list[str]:
    """The first run of words naming someone: "meg whitman" in "meg whitman?", "langley"
    in "langley at africom and …"; [] for a pronoun."""
    run: list[str] = []
    for word in re.findall(r"[A-Za-z][\w'’-]*", text):
        if word.lower() in STOPWORDS or word.lower() in _PRONOUNS:
            if run:
                break
            continue
        run.append(word)
    return run


def neighbour(cands: list[Candidate], direction: str, surname: str) -> Candidate | None:
    """The two items of a listed sequence holding `surname` and the one `direction` of
    it, as a quote cut from the sentence listing them, or None."""
    for cand in sorted(cands, key=lambda c: -c.score):
        text = cand.text
        items = list(_ITEM.finditer(text))
        for i, item in enumerate(items):
            if surname not in (w.lower() for w in item.group(0).split(" (")[0].split()):
                continue
            j = i + 1 if direction == "after" else i - 1
            if not 0 <= j < len(items):
                continue
            first, last = items[min(i, j)], items[max(i, j)]
            if not _BETWEEN.fullmatch(text[first.end() : last.start()]):
                continue
            start, end = cand.start + first.start(), cand.start + last.end()
            quote = cand.doc.text[start:end]
            return replace(cand, start=start, end=end, terms=set(terms(quote)))
    return None


_AFTER_SOMEONE = re.compile(r"\bafter\s+(?P<who>[^?(]*)", re.I)


def followed(query: str) -> re.Pattern[str] | None:
    """For "who ran the embassy after whitman quit", "… after she left? (Meg Whitman)":
    a pattern for a sentence telling what came after her ("After Whitman left …",
    "handing the embassy to …" after "Whitman announced her departure"); else None."""
    own = own_words(query)
    m = _AFTER_SOMEONE.search(own)
    if m is None:
        return None
    who = _names(m.group("who")) if not _PRONOUN_FIRST.match(m.group("who")) else []
    who = [w for w in who or _names(query[len(own) :]) if w.lower() not in _LEAVING]
    if not who:
        return None
    name = re.escape(who[-1])
    return re.compile(
        rf"\b(?:after|since|succeed\w*|replac\w*|handing|handed)\b[^.;]{{0,30}}\b{name}\b"
        rf"|\b{name}\b[^.;]{{0,60}}\b(?:handing|handed|succeeded by|replaced by)\b",
        re.I,
    )


# What someone did that the question asks what came after: "after whitman quit".
_LEAVING = frozenset(
    """left leave leaving quit quits resigned resign resignd died retired went stepped
    departed was became""".split()  # noqa: SIM905
)
_PRONOUN_FIRST = re.compile(r"\s*(?:she|he|they|her|him|them)\b", re.I)
