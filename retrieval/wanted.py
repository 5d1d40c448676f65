"""What a question (or one part of it) asks the answer to supply: a date, a figure,
a name, a place, or something more particular ("which gang": one named; "which number
ambassador": a rank; "when was it set up": the date of its start). The gap lines say
when no quoted sentence supplies it, and the leading sentence is chosen by some of it."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from retrieval.asked import ORDINALS, PERCENT, START_QUESTION, STARTED, gives_reason
from retrieval.countries import WHICH_COUNTRIES
from retrieval.followup import own_words
from retrieval.kinds import asked_kind
from retrieval.mentions import asks_names, names_person, quotes_someone
from retrieval.models import Evidence
from retrieval.question import content_terms
from retrieval.sentences import (
    HOW_LONG,
    SPAN,
    Candidate,
    answers,
    counted,
    counts,
    date_precision,
    holds,
)
from retrieval.subject import countries_named, with_before
from retrieval.titles import ROLE_ASKED, in_role

_WHAT_TIME = re.compile(r"\b(what|which) (time|hour)\b(?! of (the )?year)", re.I)
_CLOCK = re.compile(
    r"\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s?(a\.?m\.?|p\.?m\.?)(?!\w)|\bo'clock\b|\bnoon\b|\bmidnight\b",
    re.I,
)
_WANTED = {"date": "a date", "number": "a figure", "person": "a name", "place": "a place"}

# "what share / percentage / proportion of …": a percentage or a fraction answers it.
_SHARE_QUESTION = re.compile(r"\bwhat (share|percentage|percent|proportion|fraction)\b", re.I)
_SHARE = re.compile(
    rf"{PERCENT.pattern}|\b(half|third|thirds|quarter|quarters|fifth|fifths|tenth|majority)\b",
    re.I,
)
# A figure asked in dollars, and a sentence giving one.
_IN_DOLLARS = re.compile(r"\bin (?:us )?(?:dollars|dolars|usd)\b|\busd\b", re.I)
_DOLLARS = re.compile(r"\$|\bdollars?\b|\bUSD\b")
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
RANK = re.compile(rf"\b({ORDINALS}|eleventh|twelfth|\w+teenth|\w+tieth|\d+(st|nd|rd|th))\b", re.I)
_OWN = 0.6  # share of a date question's own words a dated sentence must hold


def _holds_most(words: Sequence[str], have: set[str]) -> bool:
    """At least `_OWN` of the words are among the sentence's."""
    return sum(t in have for t in words) >= _OWN * len(words)


@dataclass(frozen=True)
class Wanted:
    """What a part asks the answer to supply ("a date", "the gang"), how to say it is
    missing, and which sentences supply it."""

    wanted: str | None
    line: str
    supplied: Callable[[Candidate], bool]
    anywhere: bool = False  # any quoted sentence, not only one about the subject
    # The leading sentence is one supplying it, if one is close to the best: on all
    # 2,770 external questions, for the kinds, ranks, starts and speakers below (+1
    # covered, +2 first, +1 honest); for the other checks the lead lost more than it won.
    leads: bool = False


def asked_for(
    text: str, answer_type: str, evidence: Evidence, best: Candidate | None = None
) -> Wanted:
    """What the part `text` asks the answer to supply; `best` is the sentence chosen
    for it, if any (a date in it is the part's own)."""
    asked = own_words(text)  # without the subject a follow-up carries in
    wanted = _WANTED.get(answer_type)
    noun = counted(text) if answer_type == "number" else None
    if WHICH_COUNTRIES.search(text):  # a country the question doesn't name
        named = countries_named(text)
        return Wanted("a country", "", lambda c: bool(countries_named(c.text) - named))
    if kind := asked_kind(asked):  # "which gang": one named, not "gang members";
        # named in any quote: "G42, an artificial intelligence company" may leave the
        # place asked about to the quote after it
        return Wanted(
            f"the {kind.word}",
            kind.missing,
            lambda c: kind.named(c.text),
            anywhere=True,
            leads=True,
        )
    if answer_type == "number" and _IN_DOLLARS.search(asked):
        # "how much did kenya sell to the us in 2024 in dollars": not the shilling figure
        return Wanted(
            "a figure in dollars", "", lambda c: bool(_DOLLARS.search(c.text)), leads=True
        )
    if noun:  # "how many officers": a figure of officers, not of militants
        return Wanted(wanted, "", lambda c: counts(c.text, noun))
    if _WHICH_NUMBER.search(text):  # "which number ambassador was she": a rank
        return Wanted("a rank", "", lambda c: bool(RANK.search(c.text)), leads=True)
    if _WHAT_TIME.search(text):  # "what time in the morning": a clock time
        return Wanted("a time of day", "", lambda c: bool(_CLOCK.search(c.text)))
    if answer_type == "date" and _EXACT_DAY.search(asked):
        # "westgate attack date", "what day": a day, not only "September 2013"
        return Wanted("the exact date", "", lambda c: date_precision(c.text) >= 1.0)
    if answer_type == "date" and START_QUESTION.search(text):
        # "when was camp simba set up": a date of its start, not of a later event
        return Wanted(
            wanted, "", lambda c: bool(STARTED.search(c.text)) and holds("date", c.text), leads=True
        )
    if answer_type == "number" and _SHARE_QUESTION.search(asked):
        # "what share of its debt": a percentage or a fraction
        return Wanted("a share", "", lambda c: bool(_SHARE.search(c.text)))
    if answer_type == "number" and HOW_LONG.search(text):
        # "how long did it last": "four hours", "18 months"
        return Wanted("a length of time", "", lambda c: bool(SPAN.search(c.text)))
    if answer_type == "place":  # any capitalised word "holds" a place
        return Wanted(wanted, "", lambda c: answers("place", c.text, text))
    if asks_names(asked):
        # "name of the us soldier killed", "manda bay contractors killed names": a
        # person's name, not "Al-Shabaab" or "Camp Simba"
        return Wanted(
            "a name", "", lambda c: names_person(c.text) and answers("person", c.text, asked)
        )
    if answer_type == "person" and (said := _WHO_SAID.search(asked)):
        # "who said when we do something in africa we do it in kenya first": a
        # sentence naming someone saying it, not anyone about the same subject
        said_words = set(content_terms(said.group(3)))
        return Wanted(
            "a speaker",
            "",
            lambda c: (
                quotes_someone(c.text) and len(said_words & with_before(c)) >= len(said_words) / 2
            ),
            leads=True,
        )
    if answer_type == "person" and (role := ROLE_ASKED.search(asked)):
        # "who is the chief mediator": someone the sentence calls a mediator (a
        # person, not "the UN Security Council"); "who paid for it" may be a country
        return Wanted(wanted, "", lambda c: in_role(c.text, role))
    if answer_type == "date":
        # A date of the thing asked: in the part's own sentence, or in one holding
        # most of the question's words besides its names ("when did china and kenya
        # agree their comprehensive strategic partnership": the date of another
        # China deal does not answer it).
        event = [t for t in content_terms(asked) if t not in evidence.names]
        return Wanted(
            wanted,
            "",
            lambda c: holds("date", c.text) and (c is best or _holds_most(event, with_before(c))),
        )
    if answer_type == "reason":
        # "why did al qaeda pick 7 august": a sentence saying why or what for, not
        # only that it happened
        return Wanted("a reason", "", lambda c: gives_reason(c.text))
    if answer_type == "person":
        # "who led them before otunge": a name the question does not give already
        return Wanted(wanted, "", lambda c: answers("person", c.text, asked))
    return Wanted(wanted, "", lambda c: holds(answer_type, c.text))
