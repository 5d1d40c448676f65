"""Plain statements of what a question asks that the chosen evidence lacks: a year
after the documents, a month or year they don't report, the future, words no document
uses, or the kind of thing asked for (a date, a figure, a name, a place)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise
from typing import Protocol

from retrieval.followup import own_words
from retrieval.mentions import REPORTS, holds_month, typed_months
from retrieval.models import Evidence
from retrieval.question import QuestionAnalysis, content_terms
from retrieval.sentences import YEAR, Candidate
from retrieval.spelling import SPELLING
from retrieval.subject import known_terms, name_groups, off_subject, with_before
from retrieval.text import terms
from retrieval.wanted import RANK, asked_for

YEAR_GAP = "The documents don't say what happened in"
_FILLER = frozenset({"anywhere", "somewhere", "everywhere", "already", "actually", "really"})


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
    says_rank = RANK if analysis.answer_type == "yes_no" else _SAYS_FIRST
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
        # Held by a sentence about the question's subject: a figure for US–Kenya trade
        # does not answer "how big is kenya's trade with russia".
        about = [c for c in chosen if not off_subject(analysis, [c], evidence, True, groups)]
        want = asked_for(part.text, part.answer_type, evidence, part.best)
        found = any(want.supplied(c) for c in (chosen if want.anywhere else about))
        wanted, line = want.wanted, want.line
        if wanted and not found:
            default = f"The documents don't give {wanted} for this."
            gaps.append(line or _SAY_MISSING.get(wanted, default))
    return list(dict.fromkeys(gaps))


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
# Parts whose answer the checks below look for by kind.
_TYPED = frozenset({"date", "number", "place"})


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
