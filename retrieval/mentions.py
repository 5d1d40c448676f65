"""What a sentence or question mentions beyond its words: months typed the way people
type them, and whether a sentence names a person (not a country or a body)."""

from __future__ import annotations

import re
from functools import lru_cache

from retrieval.countries import country_names
from retrieval.sentences import MONTHS, NAME, opening_name
from retrieval.text import STOPWORDS, TITLE_WORDS

# A month and year as people type them: "may 2024", "jan 2022", "Sept. 2025".
_TYPED_MONTH = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?,?\s+((?:19|20)\d\d)\b",
    re.I,
)
_MONTH_NAMES = {m[:3].lower(): m for m in MONTHS.split("|")}


def typed_months(text: str) -> tuple[tuple[str, int], ...]:
    """The months a question names with their year: "in jan 2024" -> (("January", 2024),)."""
    out = []
    for m in _TYPED_MONTH.finditer(text):
        word = re.match(r"[a-z]+", m.group(0).lower())
        name = _MONTH_NAMES.get(m.group(1).lower()[:3])
        # "march" or "mar", not "marching"; "may" only as a month before a year
        if name and word and name.lower().startswith(word.group(0)):
            out.append((name, int(m.group(2))))
    return tuple(dict.fromkeys(out))


@lru_cache(maxsize=16384)
def holds_month(text: str, month: str, year: int) -> bool:
    """The sentence dates something to that month: "3 January 2024", "January 2024"."""
    return bool(re.search(rf"\b{month}\b[^.]{{0,12}}\b{year}\b", text, re.I))


# Words for people a "which …" or "name of the …" question asks about.
PEOPLE = (
    "person|official|president|minister|ambassador|envoy|judge|senator|leader|commander"
    "|general|secretary|deputy|diplomat|officer|policeman|policemen|americans|kenyans"
    "|journalist|activist|man|woman|people|officials|soldier|lawmaker|congressman"
    "|congresswoman|lawyer|businessman|author|writer|governor|mayor|spokesman|spokeswoman"
    "|spokesperson|mediator|negotiator|facilitator|candidate|politician|chairman"
)
# Words for people whose names a question may ask ("name of the us soldier killed").
PEOPLE_NOUNS = (
    PEOPLE + "|contractor|victim|attacker|gunman|gunmen|suspect|nurse|doctor|student|teacher"
    "|blogger|marine|pilot|guard|hostage|constable|wife|husband|spouse|widow|son|daughter"
)
# A question asking for people's names: "name of the us soldier killed", "the
# officers' names", "manda bay contractors killed names".
_NAMES = re.compile(
    rf"\bnames?\b(?: of)?(?: the| his| her| their)?(?: [\w'’-]+){{0,3}}? (?:{PEOPLE_NOUNS})s?\b"
    rf"|\b(?:{PEOPLE_NOUNS})s?(?:['’]s?)?(?: [\w'’-]+){{0,3}}? names?\b",
    re.I,
)


def asks_names(question: str) -> bool:
    """Whether the question asks for the names of people."""
    return bool(_NAMES.search(question))


# Words that make a capitalised name a body, a place or a thing, not a person.
_NOT_PERSON = frozenset(
    """act agreement airport alliance army assembly association authority bank base bay
    bill building camp centre center church city coalition college command commission
    committee company conference congress convention corporation council county court
    department embassy exercise force forces foundation framework front fund government
    group hall hill hospital hotel house initiative institute law library mall ministry
    mission movement museum nations national office operation organisation organization palace
    parliament partnership party plan police port process programme program republic
    resolution road school security senate service square states strategy street
    summit talks treaty union unit university africa african america american east west
    north south great global international united kingdom january february march april
    may june july august september october november december monday tuesday wednesday
    thursday friday saturday sunday""".split()  # noqa: SIM905
)
_ACTOR = re.compile(
    r"\b([A-Z][a-z]+),? (?:said|says|told|announced|signed|met|visited|called|led|urged|wrote"
    r"|added|argued|warned|stressed|resigned|replied|responded)\b"
)


# A name anywhere, an opening one included ("Marc Dillard, the embassy's deputy …").
_NAME_ANYWHERE = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:[A-Z]\.\s*)?[A-Z][a-z]+)+\b")


def _person(name: str, countries: set[str]) -> str | None:
    """The name without its titles, if it names a person rather than a body or a place."""
    words = name.split()  # "After Whitman left": an opening word is no part of a name
    while words and (words[0].lower() in TITLE_WORDS or words[0].lower() in STOPWORDS):
        words.pop(0)
    if words and not any(w.lower() in _NOT_PERSON or w.lower() in countries for w in words):
        return " ".join(words)
    return None


@lru_cache(maxsize=16384)
def names_person(text: str) -> bool:
    """Whether the sentence names someone: "Musalia Mudavadi", "Christopher Landau"
    (titles left out), "Burns" in "Burns said", "Meg Whitman was …" at the start; not
    "Kenya and the United States" or "the UN Security Council"."""
    countries = {c.lower() for c in country_names(text)}
    found = [m.group(0) for m in NAME.finditer(text)]
    found += [n for n in opening_name(text) if " " in n]  # not "Al-Shabaab fighters"
    if any(_person(name, countries) for name in found):
        return True
    return any(
        m.group(1).lower() not in _NOT_PERSON | TITLE_WORDS | countries
        for m in _ACTOR.finditer(text)
    )


_SAYING = re.compile(
    r"\b(said|says|told|called|described|warned|wrote|declared|stated|argued|insisted"
    r"|noted|added|remarked|quoted)\b",
    re.I,
)


# Words reporting what someone said, or what they named something: "what did obama call
# africa" is answered by "Obama said …", "what did the fbi call the investigation" by
# "The FBI investigations, code-named KENBOM".
REPORTS = re.compile(
    rf"{_SAYING.pattern}|\b(calls|describes|stressed|urged|praised|critici[sz]ed|condemned"
    r"|accused|thanked|welcomed|asked|promised|pledged|explained|replied|announced"
    r"|according to|code-?named|named|known as)\b",
    re.I,
)


def quotes_someone(text: str) -> bool:
    """The sentence has a named person say something: "Raila Odinga called her …"."""
    return bool(_SAYING.search(text)) and names_person(text)


def first_person(text: str) -> str | None:
    """The first person a text names, titles left out: "Chargé d'affaires Susan Burns,
    who took over …" -> "Susan Burns"."""
    countries = {c.lower() for c in country_names(text)}
    for m in _NAME_ANYWHERE.finditer(text):
        if name := _person(m.group(0), countries):
            return name
    return None
