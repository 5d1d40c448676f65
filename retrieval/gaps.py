"""Plain statements of what a question asks that the chosen evidence lacks: a year
after the documents, a month or year they don't report, the future, words no document
uses, or the kind of thing asked for (a date, a figure, a name, a place)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise
from typing import Protocol

from retrieval.asked import ORDINALS, PERCENT, START_QUESTION, STARTED, gives_reason
from retrieval.countries import WHICH_COUNTRIES
from retrieval.followup import own_words
from retrieval.kinds import asked_kind
from retrieval.mentions import (
    REPORTS,
    asks_names,
    holds_month,
    names_person,
    quotes_someone,
    typed_months,
)
from retrieval.models import Evidence
from retrieval.question import QuestionAnalysis, content_terms
from retrieval.sentences import (
    HOW_LONG,
    SPAN,
    YEAR,
    Candidate,
    answers,
    counted,
    counts,
    date_precision,
    holds,
)
from retrieval.spelling import SPELLING
from retrieval.subject import countries_named, known_terms, name_groups, off_subject, with_before
from retrieval.text import terms
from retrieval.titles import ROLE_ASKED, in_role

YEAR_GAP = "The documents don't say what happened in"
_FILLER = frozenset({"anywhere", "somewhere", "everywhere", "already", "actually", "really"})
_WHAT_TIME = re.compile(r"\b(what|which) (time|hour)\b(?! of (the )?year)", re.I)
_CLOCK = re.compile(
    r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s?(a\.?m\.?|p\.?m\.?)(?!\w)|\bo'clock\b|\bnoon\b|\bmidnight\b",
    re.I,
)
_WANTED = {"date": "a date", "number": "a figure", "person": "a name", "place": "a place"}


class AnsweredPart(Protocol):
    """One part of a question, with the sentence chosen to answer it."""

    text: str
    answer_type: str
    terms: tuple[str, ...]
    best: Candidate | None
    coverage: float


def evidence_gaps(
    analysis: QuestionAnalysis,
    parts: Sequence[AnsweredPart],
    chosen: Sequence[Candidate],
    evidence: Evidence,
    answer_coverage: float,
) -> list[str]:
    """Plain statements of what the question asks that the chosen evidence lacks."""
    gaps: list[str] = []
    shown = " ".join(c.text for c in chosen)
    latest = _latest(evidence)
    for year in analysis.years:
        if (
            latest
            and year > int(latest[:4])
            and not (
                _NAMING_YEAR.search(analysis.text.replace(str(year), "YEAR")) and str(year) in shown
            )
        ):  # at most plans for it, no events; but "the 2028 eurobond" names a thing
            gaps.append(
                f"The documents don't cover {year}: the latest events they report are "
                f"from {month_name(latest)}."
            )
            continue
        if str(year) not in shown:
            gaps.append(f"{YEAR_GAP} {year} on this.")
            continue
        for month, in_year in typed_months(analysis.text):  # "in jan 2024": that month
            if in_year == year and not holds_month(shown, month, year):
                gaps.append(f"{YEAR_GAP} {month} {year} on this.")
    # "was she the first woman in that job" is answered by "only the second woman"
    says_rank = _RANK if analysis.answer_type == "yes_no" else _SAYS_FIRST
    typed = own_words(analysis.text)  # without the subject a follow-up carries in
    if (
        _FIRST.search(typed)
        and not _FIRST_DONE.search(typed)
        and not any(says_rank.search(c.text) for c in chosen)
    ):
        # "when did kenya issue its first eurobond": quotes about a later one mislead
        gaps.append("The documents don't say which was the first.")
    said = _WHAT_SAID.search(typed)
    speaker = terms(said.group("who")) if said else []  # none for "he": whoever it was
    if (
        said
        and speaker
        and not any(REPORTS.search(c.text) and _any_held(speaker, c.terms) for c in chosen)
    ):
        # "what did obama call africa": the words of someone the quotes never report
        gaps.append(f"The documents don't say what {said.group('who')} said.")
    future_year = any(latest and y >= int(latest[:4]) for y in analysis.years)
    if analysis.future and (not analysis.years or future_year) and latest:
        gaps.append(
            f"The documents can't say what will happen: they report events up to "
            f"{month_name(latest)}."
        )
    groups = name_groups(analysis, evidence)
    first_terms = set(content_terms(parts[0].text))
    quoted = set().union(*(with_before(c) for c in chosen))
    for n, part in enumerate(parts):
        if part.best is None:
            continue
        # A part of a two-part question left unanswered: no sentence strong enough to
        # quote for it, or ("… and who drafted it") no quoted sentence using its own words
        own = [t for t in content_terms(part.text) if t not in first_terms]
        if len(parts) > 1 and (
            part.best not in chosen
            or (n and part.answer_type not in _TYPED and own and not _any_held(own, quoted))
        ):
            gaps.append(f"The documents don't answer “{part.text.strip(' ?')}”.")
            continue
        if part.coverage < answer_coverage:
            # Only words no document uses are named: a missing common word is more
            # often a paraphrase ("pass" for "passed into law") than a gap.
            known = known_terms(part.best)
            missing = [
                t
                for t in part.terms
                if t in evidence.unknown_terms
                and len(t) >= 3
                and t not in _READ_WITH  # "swearing": read with the documents' word too
                and not any(k[:5] == t[:5] for k in known)  # "kenyan" vs "kenya"
            ]
            # A yes/no question stands on its predicate: if no document uses the word
            # ("is the port collateral for the loan"), they can't say yes or no. Short
            # words and fillers ("walk away", "anywhere else") are more often phrasing.
            words = [
                w
                for w in _surface(missing, analysis.text)
                if w.lower() not in evidence.lexicon
                or w[:1].isupper()
                or (part.answer_type == "yes_no" and len(w) >= 6 and w.lower() not in _FILLER)
                or _modifies(w, analysis.text, known)
            ]
            if words:
                gaps.append(f"The documents don't mention {_join(words)}.")
                continue
        wanted = _WANTED.get(part.answer_type)
        line = ""  # the gap said in its own words, when not "don't give <wanted>"
        asked = own_words(part.text)  # without the subject a follow-up carries in
        # Held by a sentence about the question's subject: a figure for US–Kenya trade
        # does not answer "how big is kenya's trade with russia".
        about = [c for c in chosen if not off_subject(analysis, [c], evidence, True, groups)]
        noun = counted(part.text) if part.answer_type == "number" else None
        if WHICH_COUNTRIES.search(part.text):  # a country the question doesn't name
            wanted = "a country"
            found = any(countries_named(c.text) - countries_named(part.text) for c in about)
        elif kind := asked_kind(asked):  # "which gang": one named, not "gang members";
            # named in any quote: "G42, an artificial intelligence company" may leave the
            # place asked about to the quote after it
            wanted, line = f"the {kind.word}", kind.missing
            found = any(kind.named(c.text) for c in chosen)
        elif noun:  # "how many officers": a figure of officers, not of militants
            found = any(counts(c.text, noun) for c in about)
        elif _WHICH_NUMBER.search(part.text):  # "which number ambassador was she": a rank
            wanted = "a rank"
            found = any(_RANK.search(c.text) for c in about)
        elif _WHAT_TIME.search(part.text):  # "what time in the morning": a clock time
            wanted = "a time of day"
            found = any(_CLOCK.search(c.text) for c in about)
        elif part.answer_type == "date" and _EXACT_DAY.search(asked):
            # "westgate attack date", "what day": a day, not only "September 2013"
            wanted = "the exact date"
            found = any(date_precision(c.text) >= 1.0 for c in about)
        elif part.answer_type == "date" and START_QUESTION.search(part.text):
            # "when was camp simba set up": a date of its start, not of a later event
            found = any(STARTED.search(c.text) and holds("date", c.text) for c in about)
        elif part.answer_type == "number" and _SHARE_QUESTION.search(asked):
            wanted = "a share"  # "what share of its debt": a percentage or a fraction
            found = any(_SHARE.search(c.text) for c in about)
        elif part.answer_type == "number" and HOW_LONG.search(part.text):
            wanted = "a length of time"  # "how long did it last": "four hours", "18 months"
            found = any(SPAN.search(c.text) for c in about)
        elif part.answer_type == "place":  # any capitalised word "holds" a place
            found = any(answers("place", c.text, part.text) for c in about)
        elif asks_names(asked):
            # "name of the us soldier killed", "manda bay contractors killed names": a
            # person's name, not "Al-Shabaab" or "Camp Simba"
            wanted = "a name"
            found = any(names_person(c.text) and answers("person", c.text, asked) for c in about)
        elif part.answer_type == "person" and (said := _WHO_SAID.search(asked)):
            # "who said when we do something in africa we do it in kenya first": a
            # sentence naming someone saying it, not anyone about the same subject
            wanted = "a speaker"
            said_words = set(content_terms(said.group(3)))
            found = any(
                quotes_someone(c.text) and len(said_words & with_before(c)) >= len(said_words) / 2
                for c in about
            )
        elif part.answer_type == "person" and (role := ROLE_ASKED.search(asked)):
            # "who is the chief mediator": someone the sentence calls a mediator (a
            # person, not "the UN Security Council"); "who paid for it" may be a country
            found = any(in_role(c.text, role) for c in about)
        elif part.answer_type == "date":
            # A date of the thing asked: in the part's own sentence, or in one holding
            # most of the question's words besides its names ("when did china and kenya
            # agree their comprehensive strategic partnership": the date of another
            # China deal does not answer it).
            event = [t for t in content_terms(asked) if t not in evidence.names]
            found = any(
                holds("date", c.text) and (c is part.best or _holds_most(event, with_before(c)))
                for c in about
            )
        elif part.answer_type == "reason":
            # "why did al qaeda pick 7 august": a sentence saying why or what for, not
            # only that it happened
            wanted = "a reason"
            found = any(gives_reason(c.text) for c in about)
        elif part.answer_type == "person":
            # "who led them before otunge": a name the question does not give already
            found = any(answers("person", c.text, asked) for c in about)
        else:
            found = any(holds(part.answer_type, c.text) for c in about)
        if wanted and not found:
            default = f"The documents don't give {wanted} for this."
            gaps.append(line or _SAY_MISSING.get(wanted, default))
    return list(dict.fromkeys(gaps))


# "what share / percentage / proportion of …": a percentage or a fraction answers it.
_SHARE_QUESTION = re.compile(r"\bwhat (share|percentage|percent|proportion|fraction)\b", re.I)
_SHARE = re.compile(
    rf"{PERCENT.pattern}|\b(half|third|thirds|quarter|quarters|fifth|fifths|tenth|majority)\b",
    re.I,
)
# A question that asks for the day itself: "westgate attack date", "on what day".
_EXACT_DAY = re.compile(r"\b(date|what day|which day|exact(ly)?)\b", re.I)


# "who said …", "which us official said …": the words of a statement follow.
_WHO_SAID = re.compile(
    r"\b(who|which (?:\w+ ){0,2}?(?:official|leader|minister|envoy|diplomat|senator|person))"
    r" (said|says|called|described|warned|told|wrote|declared) (.{12,})",
    re.I,
)


# "which number us ambassador was she", "what number state visit": a place in a series.
_WHICH_NUMBER = re.compile(r"\b(which|what) (number|rank)\b", re.I)
_RANK = re.compile(rf"\b({ORDINALS}|eleventh|twelfth|\w+teenth|\w+tieth|\d+(st|nd|rd|th))\b", re.I)
# "the first eurobond", not "first-term": answered by a sentence saying what came first.
_FIRST = re.compile(
    r"(?<!\bat )\b(first|earliest|maiden|inaugural|1st)\b(?!-)(?! place\b| of all\b| off\b)",
    re.I,
)  # not "in the first place", "at first", "first of all"
# "first" telling when something was done, not which of several: "when it first passed
# the extension", "when did the push first come out", "which judge put it on hold first".
_FIRST_DONE = re.compile(
    r"\bfirst\s+(?:\w+ed|came|come|went|go|met|began|begun|took|made|got|set|ran|won|hit|saw"
    r"|said|told|put|sent)\b|\bfirst\W*$|\b(?:came|happened|come|was|were) first\b",
    re.I,
)
_SAYS_FIRST = re.compile(
    r"\b(first|earliest|maiden|inaugural|1st|initial|opening|began|start\w*|since|founding)\b",
    re.I,
)
# A year naming a thing rather than when something happened: "the 2027 eurobond", "its
# 2028 and 2032 eurobonds" (not "in 2028", "by 2030", "all the way to 2028").
_NAMING_YEAR = re.compile(
    r"(?<!\bin )(?<!\bby )(?<!\bto )(?<!\buntil )(?<!\bfor )(?<!\bfrom )(?<!\bafter )"
    r"(?<!\bbefore )(?<!\bsince )(?<!\bduring )(?<!\bof )\bYEAR\b(?:\s+and\s+(?:19|20)\d\d)?"
    r"\s+(?!and\b|or\b|now\b|then\b)[a-z]",
    re.I,
)
# "what did obama call africa", "how did ruto describe the global order": what someone said
_WHAT_SAID = re.compile(
    r"\b(?:what|how)\s+(?:exactly\s+)?did\s+(?P<who>(?:the\s+)?[\w'’.-]+(?:\s+[\w'’.-]+){0,3}?)"
    r"\s+(?:say|call|write|tell|describe)\b",
    re.I,
)
_SAY_MISSING = {"a speaker": "The documents don't say who said this."}
_OWN = 0.6  # share of a date question's own words a dated sentence must hold
# Parts whose answer the checks below look for by kind.
_TYPED = frozenset({"date", "number", "place"})


def _holds_most(words: Sequence[str], have: set[str]) -> bool:
    """At least `_OWN` of the words are among the sentence's."""
    return sum(t in have for t in words) >= _OWN * len(words)


def _any_held(words: Sequence[str], quoted: set[str]) -> bool:
    """One of the words is quoted, or a word sharing its first four letters ("signed"
    for "sign", "drafting" for "drafted")."""
    return any(t in quoted or any(k[:4] == t[:4] for k in quoted) for t in words)


def stale_year(chosen: Sequence[Candidate], evidence: Evidence) -> int | None:
    """The newest year the chosen sentences report, when it is two years or more
    before the documents' latest: a question about now is answered from the past."""
    latest = _latest(evidence)
    years = [int(y) for c in chosen for y in YEAR.findall(c.text)]
    if not years or not latest[:4].isdigit():
        return None
    newest = max(years)
    return newest if newest <= int(latest[:4]) - STALE_YEARS else None


STALE_YEARS = 2


def _latest(evidence: Evidence) -> str:
    """The documents' latest date (ISO), or that of the passages read."""
    return evidence.latest or max((p.as_of or p.date for p in evidence.passages), default="")


# Chat words the speller keeps beside the documents' word for them ("swearing" with
# "inauguration"): the documents say the thing, in their own word.
_READ_WITH = frozenset(
    terms(typed)[0]
    for typed, read in SPELLING.items()
    if read.split()[0] == typed and len(read.split()) > 1 and terms(typed)
)


def _surface(missing: Sequence[str], text: str) -> list[str]:
    """The question's own words for the missing terms (not the carried context)."""
    out: list[str] = []
    asked = own_words(text)
    for raw in re.findall(r"[A-Za-z][A-Za-z'’-]*", asked):
        t = terms(raw)
        if t and t[0] in missing and raw.lower() not in (w.lower() for w in out):
            out.append(raw)
    return out


def _join(words: Sequence[str]) -> str:
    quoted = [f"“{w}”" for w in words[:4]]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]


def month_name(iso: str) -> str:
    """'2026-02-27' -> 'February 2026'."""
    import calendar

    parts = iso.split("-")
    if len(parts) >= 2 and parts[1].isdigit() and 1 <= int(parts[1]) <= 12:
        return f"{calendar.month_name[int(parts[1])]} {parts[0]}"
    return parts[0]


def _modifies(word: str, question: str, known: set[str]) -> bool:
    """The word names a kind of something the evidence speaks of ("samurai bond" when
    the sentence has a Eurobond): it comes right before a term the sentence holds."""
    asked = re.findall(r"[A-Za-z][A-Za-z'’-]*", own_words(question))
    for w, nxt in pairwise(asked):
        if w == word and len(word) >= 5 and (t := terms(nxt)) and t[0] in known:
            return True
    return False
