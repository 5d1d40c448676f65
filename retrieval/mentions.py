"""What a sentence or question mentions beyond its words: months typed the way people
type them, the years and months a question names, the date a sentence tells of,
whether a sentence names a person (not a country or a body), whether it gives a name,
and whether it tells someone what to do."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from retrieval.countries import country_names
from retrieval.sentences import MONTHS, NAME, NAME_WORD, YEAR, opening_name
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
_NAME_ANYWHERE = re.compile(rf"\b{NAME_WORD}(?:\s+(?:[A-Z]\.\s*)?{NAME_WORD})+\b")


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


# "how do i apply for a us visa", "how to get an eta": someone asking what to do.
HOW_TO = re.compile(
    r"^\W*(?:(?:so|and|but|ok|okay)\W+)?(?:how\s+(?:do|can|could|should|would|will|must)"
    r"\s+(?:i|we|you|one|someone|people)\b|how\s+to\b)",
    re.I,
)
# A sentence telling what to do: "every traveller must obtain it online before boarding",
# "you can renew it at the embassy", "fees can be paid online".
_INSTRUCTS = re.compile(
    r"\b(?:must|needs? to|ha(?:ve|s) to|should|(?:is|are) required to|apply (?:online|through"
    r"|via|by)|by (?:visiting|filling|submitting|applying|registering)|steps?|fill(?:ing)? "
    r"(?:in|out)|submit(?:s|ted|ting)?|you (?:can|may|will|need)|can be \w+|online)\b",
    re.I,
)


def instructs(text: str) -> bool:
    """The sentence says what someone has to do, which a how-to question asks."""
    return bool(_INSTRUCTS.search(text))


def first_date(text: str) -> tuple[int, int, int]:
    """(year, month, day) of the first date a sentence gives, the date of what it tells
    ("3 February 2026: Trump signed …, retroactive to 30 September 2025" is 3 February
    2026), for putting events in order; (9999, 0, 0) for an undated sentence. A
    dated clause setting the scene is not it ("After … on 1 March 2024, the first
    Kenyan officers landed … on 25 June 2024" is 25 June 2024)."""
    scene = _SCENE.match(text)
    if scene and YEAR.search(text, scene.end()):
        text = text[scene.end() :]
    first = YEAR.search(text)
    if first is None:
        return (9999, 0, 0)
    before = _DAY_MONTH.search(text[max(0, first.start() - 20) : first.start()])
    if before is None:
        return (int(first.group(0)), 0, 0)
    day = int(before.group(1)) if before.group(1) else 0
    return (int(first.group(0)), _MONTHS[before.group(2).capitalize()], day)


_SCENE = re.compile(r"(?:After|Following|Before)\b[^,]*\b(?:19|20)\d\d,\s*")
# "3 February " or "February " right before a year: the day and month it dates.
_DAY_MONTH = re.compile(rf"(?:\b(\d{{1,2}}) )?\b({MONTHS}),? $", re.I)
_MONTHS = {name: i for i, name in enumerate(MONTHS.split("|"), start=1)}


_QUOTED_NAME = re.compile(r"[\"“]([A-Z][^\"”]{2,60})[\"”]")


def gives_name(text: str, asked: str) -> bool:
    """The sentence gives a name the question does not: a quoted title ("Government of
    Peace and Unity") or a capitalised name right before a lower-case noun ("the
    Magagoni airfield")."""
    for m in _QUOTED_NAME.finditer(text):
        if m.group(1).lower() not in asked:
            return True
    return any(
        m.group(1).lower() not in asked
        for m in re.finditer(r"\bthe ([A-Z][a-z]+) [a-z]{4,}\b", text)
    )


@dataclass(frozen=True)
class WhenAsked:
    """The years a question (or part) names, and the months typed with them."""

    years: frozenset[str]
    months: tuple[tuple[str, int], ...]

    @classmethod
    def read(cls, text: str) -> WhenAsked:
        return cls(frozenset(YEAR.findall(text)), typed_months(text))

    def held(self, text: str) -> int:
        """0 to 2: the sentence holds a year asked (1), and a month asked with it (2)."""
        if not self.years or not self.years & set(YEAR.findall(text)):
            return 0
        return 1 + any(holds_month(text, m, y) for m, y in self.months)


# What countries, banks and companies do as often as people: "who paid for it", "who
# built the sgr", "who drafted the resolution" are not asked about someone by name.
BY_BODIES = re.compile(
    r"\b(pa(?:y|id|ys|ying)|fund\w*|financ\w*|buil[dt]\w*|len[dt]\w*|own\w*|donat\w*"
    r"|g[ai]ve|gives|sponsor\w*|host\w*|draft\w*|wr[io]te|won|vot\w*|abstain\w*)\b",
    re.I,
)
