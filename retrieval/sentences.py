"""Candidate sentences of retrieved passages, what each one holds (a date, a number,
a name), and citations that give every source section one number.

Every sentence an answer shows is a verbatim quote of one of these.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from retrieval.countries import country_names
from retrieval.models import Passage
from retrieval.safety import classify, source_hosts
from retrieval.text import STOPWORDS, TITLE_WORDS, proper_nouns, sentence_spans, terms, words

MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
FULL_DATE = re.compile(rf"\b\d{{1,2}} ({MONTHS})\b|\b({MONTHS}) \d{{1,2}}\b")
MONTH_YEAR = re.compile(rf"\b({MONTHS}),? (1[89]|20)\d\d\b")
YEAR = re.compile(r"\b(19[0-9]\d|20\d\d)\b")
NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozen|dozens"
    r"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty"
    r"|fifty|sixty|seventy|eighty|ninety|hundred|hundreds|thousand|thousands|million|billion|half|third|quarter)\b",
    re.IGNORECASE,
)
# "how long", "mandate length": a span of time ("for 12 months", "a 90-day pause").
HOW_LONG = re.compile(r"\bhow long\b|\b(length|duration)\b", re.I)
SPAN = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen"
    r"|twenty|thirty|sixty|ninety|a|an|several|few)[- ](hour|day|week|month|year|decade)s?\b"
    r"(?! (?:after|before|later|earlier|ago)\b)",  # "a month after": when, not how long
    re.I,
)
ORDINAL = re.compile(r"\b\d+(?:st|nd|rd|th)\b|\bthe two\b", re.I)  # ranks; "the two sides"
# A capitalised word of a name, "McCarter", "LeMelle" and "O'Neill" too.
NAME_WORD = r"[A-Z](?:[a-z]*'?[A-Z])?[a-z]+"
NAME = re.compile(rf"(?<!^)(?<![.!?]\s)\b{NAME_WORD}(?:\s+(?:[A-Z]\.\s*)?{NAME_WORD})+\b")
# Sentences about the text itself answer nothing and mislead when quoted.
META = re.compile(
    r"\b(this|the present|other|that) (document|article|corpus|summary|collection)s?\b"
    r"|\bin this (corpus|collection)\b|\breaders?\b|\bseparate documents?\b",
    re.I,
)
# Sentences that lean on the one before read badly when quoted alone.
DEPENDENT_START = re.compile(
    r"^(It|Its|This|That|These|Those|They|Their|He|She|His|Her|However|But|Either way|Also"
    r"|Still|Such|The same|Both|Neither|Instead|Meanwhile|Then"
    # a time or thing told in the sentence before ("On that date …", "In that statement
    # …"), unless the date follows ("Two days earlier, on 10 December 1963, …")
    r"|(On (that|the same) (date|day)|In that \w+|At the time(?! of)|By then"
    r"|(A|One|Two|Three|Four|Five|Six|Ten|\d+|A few) (days?|weeks?|months?|years?)"
    r" (earlier|later))(?!,? (on )?\d{1,2} [A-Z]))\b"
)
# A sentence announcing that sources disagree, whose figures come in the sentences after
# it ("Reports differ on the size of the first Kenyan group in Haiti."): it says no fact
# of its own, so it never leads an answer.
ANNOUNCES = re.compile(
    r"^[^:;]*\b(differ|differed|disagree|disagreed|vary|varied|gave different|give different)\b"
    r"[^:;]*$"
)
# Another version of a fact the documents report first in other words ("Some reports
# dated the Security Council vote to 1 October 2025."): worth adding, never the answer.
ALTERNATIVE = re.compile(r"^(Some|Other|One|Another) (reports?|accounts?|sources?)\b")
_PLACE = re.compile(
    rf"\b(?:in|at|near|outside|from)\s+(?!(?:{MONTHS}|Monday|Tuesday|Wednesday|Thursday|Friday"
    rf"|Saturday|Sunday)\b)([A-Z][\w'’-]+)"
    # a named building or site, wherever it stands: "the Carter Presidential Library"
    # (or "the DusitD2 hotel", "the Westgate shopping mall")
    r"|\b((?:[A-Z][\w'’-]+ ){1,3}(?:[a-z]+ )?(?i:Library|Museum|Centre|Center|Hotel|Arena|Stadium"
    r"|Hall|Palace|Airport|Airfield|Base|Camp|University|College|Park|Square|Building|Hospital"
    r"|Avenue|Road|Street|Mall|Hill|County))\b"
)
MIN_WORDS = 5
# Sentence tests remembered per text: the same corpus sentences come back question
# after question (the default corpus has about 3,000).
_CACHED = 16384
MAX_QUOTE_CHARS = 900  # one quote spanning sentences of a section; what Discord shows whole


@dataclass
class Candidate:
    """One sentence of a retrieved passage."""

    doc_rank: int
    doc: Passage
    start: int
    end: int
    vector: np.ndarray
    order: int  # index of the sentence within its passage
    score: float = 0.0
    terms: set[str] = field(default_factory=set)

    @property
    def text(self) -> str:
        return self.doc.text[self.start : self.end]

    @property
    def section_key(self) -> tuple[str, str, int | None]:
        return (self.doc.source, self.doc.section, self.doc.page)


def candidates(
    passages: Sequence[Passage], embed: Callable[[Sequence[str]], np.ndarray]
) -> list[Candidate]:
    """Sentences of passages (vectors from indexing, or embedded now for passages that
    came without them); too short and self-referential sentences are left out, and so
    are sentences that address the reader or a model (`retrieval.safety`): the indexer
    stores no span for those, and passages that came without spans are checked here."""
    out: list[Candidate] = []
    for rank, doc in enumerate(passages):
        spans = doc.sentence_spans
        vectors = doc.sentence_vectors
        known_terms = doc.sentence_terms
        if spans is None or vectors is None or len(spans) != len(vectors):
            hosts = source_hosts([doc.url])
            safe = [
                (s, e) for s, e in sentence_spans(doc.text) if not classify(doc.text[s:e], hosts)
            ]
            spans = np.asarray(safe, dtype=np.int32).reshape(-1, 2)
            texts = [doc.text[s:e] for s, e in spans]
            vectors = embed(texts) if texts else np.zeros((0, 1), np.float32)
            known_terms = None
        for i, ((start, end), vec) in enumerate(zip(spans, vectors, strict=True)):
            text = doc.text[int(start) : int(end)]
            if len(text.split()) < MIN_WORDS or META.search(text):
                continue
            out.append(
                Candidate(
                    rank,
                    doc,
                    int(start),
                    int(end),
                    np.asarray(vec, np.float32),
                    order=i,
                    terms=set(known_terms[i]) if known_terms is not None else set(terms(text)),
                )
            )
    return out


@lru_cache(maxsize=_CACHED)
def date_precision(text: str) -> float:
    """How precisely a sentence dates something: 1 a day, 0.6 a month, 0.3 a year. The
    day a source reported it is not when it happened ("an assessment, reported in
    February 2025, found …")."""
    text = _REPORTED.sub("", text)
    if FULL_DATE.search(text):
        return 1.0
    if MONTH_YEAR.search(text):
        return 0.6
    return 0.3 if YEAR.search(text) else 0.0


_REPORTED = re.compile(
    rf"\breported (?:on |in )?(?:early |late |mid-)?(?:\d{{1,2}} )?(?:{MONTHS})(?: \d{{1,2}},?)?"
    r"(?: (?:19|20)\d\d)?"
)


@lru_cache(maxsize=_CACHED)
def has_quantity(text: str) -> bool:
    """A number that is not only a date, a year or a rank ("the 18th ambassador")."""
    return bool(NUMBER.search(_bare(text)))


# The first day of a span of days: "19–20 December", "6 to 14 March", "28 and 29 May".
_DAYS = re.compile(rf"\b\d{{1,2}}\s*(?:–|-|to|and)\s*(?=\d{{1,2}} (?:{MONTHS})\b)")


@lru_cache(maxsize=_CACHED)
def _bare(text: str) -> str:
    """text without its dates, years and ranks: what is left holds only figures."""
    return ORDINAL.sub("", YEAR.sub("", FULL_DATE.sub("", _DAYS.sub("", _NAMED_BY.sub("", text)))))


# A number that names something, not how many: "Resolution 2793", "H.R. 6500",
# "Section 122", "COVID-19", "DusitD2".
_NAMED_BY = re.compile(
    r"\b(?:Resolutions?|Sections?|Articles?|Chapters?|Titles?|H\.\s?R\.|S\.|No\.|Flight)\s+\d+"
    r"(?:[.,]\d+)*\b|\b[A-Za-z]+-?\d+\b"
)


_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")


@lru_cache(maxsize=_CACHED)
def _figures(text: str) -> frozenset[str]:
    """Whole figures ("1,000" as "1000") and number words, as comparable tokens."""
    words = {m.group(0).lower() for m in NUMBER.finditer(text) if not m.group(0).isdigit()}
    return frozenset(f.replace(",", "") for f in _FIGURE.findall(text)) | words


_MONTH = re.compile(rf"\b({MONTHS})\b")
_MONTH_NAMES = frozenset(MONTHS.split("|"))


@lru_cache(maxsize=_CACHED)
def stated(text: str) -> frozenset[str]:
    """The figures, years, days and months a sentence states ("25", "june", "2024")."""
    return _figures(text) | {m.group(0).lower() for m in _MONTH.finditer(text)}


def answers(answer_type: str, text: str, question: str) -> bool:
    """Whether the sentence holds what the question asks for and does not already say:
    a date, figure or name that is not in the question itself (two names for a list)."""
    if not holds(answer_type, text):
        return False
    asked = question.lower()
    if answer_type == "date":
        found = [m.group(0) for p in (FULL_DATE, MONTH_YEAR, YEAR) for m in p.finditer(text)]
        return any(f.lower() not in asked for f in found)
    if answer_type == "number":  # a figure the question does not give ("11 of the 16")
        return bool(_figures(_bare(text)) - _figures(asked))
    if answer_type in ("person", "organisation", "list"):
        names = [m.group(0) for m in NAME.finditer(text)]
        names += re.findall(r"\b[A-Z]{2,}\b", text) + opening_name(text)
        if answer_type == "list":  # "China and the Russian Federation abstained"
            names += [w for w in proper_nouns(text) if w not in _MONTH_NAMES]
        # No new name: "US Ambassador Meg Whitman" for Whitman, "Godfrey Otunge" for Otunge
        new = {
            n
            for n in names
            if not all(w.lower() in asked or w.lower() in TITLE_WORDS for w in n.split())
            and not (answer_type == "person" and " " in n and n.split()[-1].lower() in words(asked))
        }
        # "which countries signed …": a list names at least two things the question lacks
        return len(new) >= (2 if answer_type == "list" else 1)
    if answer_type == "place":  # "at Olkaria", "in Nyeri": a place the question lacks
        places = [a or b for a, b in _PLACE.findall(text)]
        return any(p.lower() not in asked for p in places)
    return True


@lru_cache(maxsize=_CACHED)
def holds(answer_type: str, text: str) -> bool:
    """Whether the sentence holds the kind of thing the question asks for."""
    if answer_type == "date":
        return date_precision(text) > 0
    if answer_type == "number":
        return has_quantity(text)
    if answer_type in ("person", "organisation"):
        return bool(NAME.search(text) or re.search(r"\b[A-Z]{2,}\b", text) or opening_name(text))
    if answer_type == "place":
        return bool(re.search(r"(?<!^)\b[A-Z][a-z]+", text))
    return True


_OPENING = re.compile(
    r"^([A-Z][a-z]+-[A-Z][a-z]+|[A-Z][a-z]+(?: [A-Z][a-z]+)+"
    # one surname doing something: "Risch objected to …", "Whitman said …"
    r"|[A-Z][a-z]{2,}(?=,? (?!(?:reported|announced|estimated|counted|recorded|noted)\b)"
    r"(?:[a-z]+ed|said|says|told|met|led|wrote|won|ran|took|gave)\b))"
)


def opening_name(text: str) -> list[str]:
    """A name the sentence opens with ("Al-Shabaab fighters attacked …", "Marc Dillard
    took over …"), which NAME skips because every sentence opens capitalised."""
    m = _OPENING.match(text)
    if not m or m.group(1).split()[0].lower() in STOPWORDS:
        return []
    if " " not in m.group(1) and country_names(m.group(1)):  # "Kenya signed …": no person
        return []
    return [m.group(1)]


# "how many kenyan officers were …": the thing counted, so that "400 officers" answers
# it and "30 to 40 militants" does not. Words that end the noun phrase:
_COUNT_END = STOPWORDS | set(
    """already roughly approximately exactly total overall in got went died killed injured
    work worked live lived serve""".split()  # noqa: SIM905
)
# Generic counts ("how many people") and words that count the same things.
_COUNT_ANY = frozenset({"people", "ppl", "persons", "times", "of"})
_COUNT_SAME = (
    frozenset(
        """police policeman policemen officer cop troop soldier personnel force marine
        contingent""".split()  # noqa: SIM905
    ),
    frozenset({"embassy", "mission", "diplomat"}),
    frozenset({"firm", "company", "business", "enterprise", "factory", "exporter"}),
    frozenset({"worker", "employee", "job", "staff", "employ"}),
    # "how many people died / were injured": the dead, or the injured, by any word
    frozenset({"killed", "died", "dead", "death", "toll", "fatality", "live"}),
    frozenset({"injured", "wounded", "hurt", "injury"}),
)
# What "how many people …" counts when the noun says nothing: the dead or the injured.
_CASUALTY = re.compile(
    r"\b(?:(killed|died|dead|deaths?|murdered|lost (?:their|there|his|her) lives?)"
    r"|(injured|wounded|hurt))\b"
)


def counted(question: str) -> str | None:
    """The head noun of "how many <…> <noun>" ("officers" in "how many kenyan officers
    were …"); "killed" or "injured" when it asks how many died or were hurt, whoever
    they were; None when it counts something generic or unnamed."""
    m = re.search(r"\bhow many\b(.*)", question.lower())
    if not m:  # "what was the vote count": votes
        tally = re.search(r"\b(vote|death)s? (?:count|tally)\b", question.lower())
        return tally.group(1) if tally else None
    run: list[str] = []
    for word in re.findall(r"[\w&'-]+", m.group(1)):
        if word in _COUNT_END:
            break
        run.append(word)
    # The first plural ("kenyan jobs depend" -> "jobs"), else a lone word or one of
    # the words that count people in uniform ("kenyan police").
    head = next((w for w in run if len(w) > 3 and w.endswith("s")), None)
    if head is None and run and (len(run) == 1 or run[-1] in _COUNT_SAME[0]):
        head = run[-1]
    # "how many officers died": the dead, whoever they were
    casualty = _CASUALTY.search(m.group(1))
    if casualty:
        return "killed" if casualty.group(1) else "injured"
    return None if head is None or head in _COUNT_ANY else head


@lru_cache(maxsize=_CACHED)
def counts(text: str, noun: str) -> bool:
    """The sentence gives a figure of what `noun` counts: a number within a few words
    of the noun or a word counting the same things ("400 police" for "how many
    officers", "jobs in the sector passed 66,000")."""
    one = _singular(noun)
    same = next((g for g in _COUNT_SAME if one in g), {one})
    lower = text.lower()
    if not any(w[:4] in lower for w in same):  # most sentences: not even mentioned
        return False
    words = re.findall(r"[\w,.$%]+", _bare(text))
    at = [i for i, w in enumerate(words) if _singular(w.lower().strip(",.")) in same]
    # Sums of money and shares are not head counts ("$1 billion", "KSh 60.6 billion").
    figures = [
        i
        for i, w in enumerate(words)
        if NUMBER.search(w)
        and not _MONEY_OR_SHARE.search(w)
        and not (i and _MONEY_OR_SHARE.search(" ".join(words[max(0, i - 2) : i])))
    ]
    return any(abs(i - j) <= _COUNT_WINDOW for i in at for j in figures)


_COUNT_WINDOW = 8  # words between a figure and the thing it counts
_MONEY_OR_SHARE = re.compile(r"\$|%|\bKSh\b|\bpercent\b", re.I)


def _singular(word: str) -> str:
    """'counties' / 'countys' -> 'county', 'officers' -> 'officer' (no more is needed)."""
    if word.endswith("ies"):
        return word[:-3] + "y"
    if word.endswith(("sses", "ches", "shes")):
        return word[:-2]
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word
