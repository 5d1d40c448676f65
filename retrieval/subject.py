"""Whether quoted sentences are about the question's subject: the names it asks
about (people, places, bodies, countries) found in a sentence, the one before it,
its section or its document's title."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise

from retrieval.countries import country_names
from retrieval.followup import own_words
from retrieval.models import Evidence
from retrieval.question import QuestionAnalysis, content_terms
from retrieval.sentences import Candidate
from retrieval.text import CAPITALISED_RUN, initials, term_set, terms


def known_terms(cand: Candidate) -> set[str]:
    """The sentence's terms and those of its document's title and section."""
    return set(cand.terms) | term_set(f"{cand.doc.title} {cand.doc.section}")


def sentence_before(cand: Candidate) -> str:
    """The sentence before cand in its passage ("" for the first)."""
    spans = cand.doc.sentence_spans
    if cand.order == 0 or spans is None:
        return ""
    s, e = spans[cand.order - 1]
    return cand.doc.text[int(s) : int(e)]


def with_before(cand: Candidate) -> set[str]:
    """The sentence's terms and those of the sentence before it, which it may lean on."""
    return set(cand.terms) | term_set(sentence_before(cand))


def off_subject(
    analysis: QuestionAnalysis,
    chosen: Sequence[Candidate],
    evidence: Evidence,
    quoted: bool = False,
    names: Sequence[tuple[str, ...]] | None = None,
) -> bool:
    """True when most of the names the question asks about (places, people or
    bodies the documents know; see `name_groups`) are missing from the sentences,
    the one before each, their section and their title: the sentences are about
    something else. A country asked about counts as missing when a sentence names
    another country instead and not it (itself, or with the sentence before it for
    the answer's lead), whatever the document is about: "Kenya's exports to China"
    is not about Kenya's trade with Russia even in a document titled "Balancing
    China and Russia", and Kenya's ambassador is not Ethiopia's. For the lead
    (`quoted` False) such a missing country alone makes it off the subject."""
    own = content_terms(own_words(analysis.text))
    if names is None:
        names = name_groups(analysis, evidence)
    if not chosen:
        return bool(names)
    asked = countries_named(analysis.text)
    known: set[str] = set()  # first five letters: "kenyan" is there in "kenya's"
    stated: set[str] = set()  # named by a quoted sentence that names other countries
    for cand in chosen:
        before = with_before(cand)
        said = known_terms(cand) | before | _spelled(cand.text, own)
        said |= _initialled(f"{cand.text} {cand.doc.section} {cand.doc.title}", own)
        us = {"us"} if _US.search(cand.text) else set()  # the documents' "United States"
        if us or _US.search(f"{cand.doc.title} {cand.doc.section}"):
            said.add("us")
        if countries_named(cand.text) - asked:
            stated |= {t[:5] for t in (set(cand.terms) if quoted else before)} | us
        else:
            stated |= {t[:5] for t in said}
        known |= {t[:5] for t in said}

    def present(group: tuple[str, ...]) -> bool:
        if {t[:5] for t in group} & asked:
            return any(t[:5] in stated for t in group)
        return any(t[:5] in known for t in group)

    # A name of several words is there if one is ("Abdullah" for "cholo abdi abdullah").
    # Counted in words, more than half: "… the imf poverty trust around ruto's 2024
    # state visit" is answered by a sentence on the IMF trust that does not name Ruto,
    # "who led biden's delegation to ruto's inauguration" by one naming "the US
    # presidential delegation".
    gone = [g for g in names if not present(g)]
    missing = sum(len(g) for g in gone)
    total = sum(len(g) for g in names)
    if not quoted and any({t[:5] for t in g} & asked for g in gone):
        return True  # a country asked about is missing, another named instead
    return bool(missing) and 2 * missing > total


def countries_named(text: str) -> set[str]:
    """The countries text names, by their first five letters ("kenya" for "Kenyan"),
    the United States as "us"."""
    found = {c.lower()[:5] for c in country_names(text)}
    if "ameri" in found or _US.search(text) or _US_TYPED.search(text):
        found = (found - {"ameri"}) | {"us"}
    return found


def name_groups(analysis: QuestionAnalysis, evidence: Evidence) -> list[tuple[str, ...]]:
    """The question's own names, adjacent name words as one ("cholo abdi abdullah"; not
    "kenya and china", nor "uganda's parliament"). Left out: the subject carried from
    earlier turns ("… (kenyan police haiti)"), months (written capitalised, not
    names), years; a name that only says where ("the envoy in nairobi") when there
    are others; a name nearly every document uses ("kenya" here) when there are
    rarer ones, since it says little about the subject."""
    groups: list[list[str]] = []
    setting: set[int] = set()
    joins = False  # the next name word extends the last group
    previous = ""
    text = own_words(analysis.text)
    # A country is a name of its own ("kenya us trade"), whatever its length.
    countries = [terms(c) for c in country_names(text)]
    country_words = {t for c in countries for t in c}
    within = {pair for c in countries for pair in pairwise(c)}  # "south sudan"
    for word in re.findall(r"[\w'’-]+", text):
        for t in terms(word) or [""]:  # "non-nato": "non", "nato"; "and": no term
            name = t in evidence.names and t not in _MONTH_TERMS and t.isalpha()
            last = groups[-1][-1] if groups else ""
            if joins and {t, last} & country_words and (last, t) not in within:
                joins = False
            if name and joins:
                groups[-1].append(t)
            elif name:
                if previous in ("in", "at"):
                    setting.add(len(groups))
                groups.append([t])
            joins = name
        joins = joins and not word.endswith(("'s", "’s"))
        previous = word.lower()
    groups = [g for i, g in enumerate(groups) if i not in setting] or groups
    rare = [g for g in groups if any(evidence.query_idf.get(t, 1.0) >= RARE_NAME_IDF for t in g)]
    return [tuple(g) for g in (rare or groups)]


def _spelled(text: str, words: Sequence[str]) -> set[str]:
    """The question's words a sentence writes as letters ("MNNA" for "major non-nato
    ally"), so a sentence using the short form still names the thing asked about."""
    out: set[str] = set()
    initials = "".join(w[0] for w in words)
    for short in set(_LETTERS.findall(text)):
        at = initials.find(short.lower())
        if at >= 0:
            out.update(words[at : at + len(short)])
    return out


def _initialled(text: str, words: Sequence[str]) -> set[str]:
    """The question's short forms a sentence writes out in full ("gsf" for "the Gang
    Suppression Force"): the other way round from `_spelled`."""
    shorts = {w for w in words if 3 <= len(w) <= 6 and w.isalpha()}
    if not shorts:
        return set()
    out: set[str] = set()
    for run in CAPITALISED_RUN.finditer(text):
        letters = initials(run.group(0).split())
        out.update(s for s in shorts if s in letters)
    return out


RARE_NAME_IDF = 0.5
_LETTERS = re.compile(r"\b[A-Z]{3,6}\b")
_MONTH_TERMS = frozenset(
    terms(
        "january february march april may june july august september october november "
        "december monday tuesday wednesday thursday friday saturday sunday"
    )
)
_US = re.compile(r"\bUnited States\b|\bAmericans?\b|\bU\.S\.")
_US_TYPED = re.compile(r"\b(us|usa|america)\b", re.I)
