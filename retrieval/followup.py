"""Rewrite a follow-up ("and when did they arrive?") into a standalone question.

Without an LLM: when the question leans on earlier turns (pronouns, "and…",
"what about…", or too few words of its own), carry the key terms of the
previous standalone question into it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from retrieval.mentions import first_person
from retrieval.models import Turn
from retrieval.ports import Generator
from retrieval.sentences import YEAR
from retrieval.text import STOPWORDS, iter_words, proper_nouns, terms

log = logging.getLogger(__name__)

_LEADS = re.compile(
    r"^\s*(and|but|so|also|then|what about|how about|why|and why|and when|and how)\b", re.I
)
_REFERS = re.compile(
    r"\b(it|its|they|them|their|theirs|he|him|his|she|her|this|that|these|those|there|then"
    r"|the same|the mission|the visit|the deal|the attack|the country"
    r"|the new (?:one|force|mission|deal|body))\b",
    re.IGNORECASE,
)


_ACRONYM = re.compile(r"\b[A-Z]{2,}[a-z]?\b")


# In a conversation, a question this short that names nothing capitalised is read
# with the earlier turns' subject ("how big is the new force supposed to be?").
SHORT_FOLLOW_UP = 5


def needs_context(question: str) -> bool:
    """True when the question cannot stand on its own.

    It leans on earlier turns when it starts like a continuation ("and…",
    "what about…"), points back ("they", "that"), or is too short to name a
    subject of its own ("why?", "how much?"); a short question that names
    something ("Tell me about PEPFAR", "Who is Redi Tlhabi?") stands alone.
    """
    if _LEADS.search(question) or _REFERS.search(question):
        return True
    names = proper_nouns(question) or _ACRONYM.findall(question)
    return len(terms(question)) <= 2 and not names


def _key_words(question: str, exclude: set[str]) -> list[str]:
    out, seen = [], set(exclude)
    for word in iter_words(question):
        t = terms(word)
        if not t or word.lower() in STOPWORDS or t[0] in seen:
            continue
        seen.add(t[0])
        out.append(word)
    return out


# How a rewritten follow-up carries the earlier subject: "who paid for it? (… haiti)".
_CARRIED = re.compile(r"\s*\([^)]*\)\s*$")


def own_words(query: str) -> str:
    """The question itself, without the subject a rewritten follow-up carries in."""
    return _CARRIED.sub("", query)


# A pronoun pointing at what the previous answer gave rather than at what its question
# asked about: "who ran the embassy after whitman quit" -> "Marc Dillard, …" ->
# "and when did he leave?" is about Dillard, not Whitman.
_PERSONAL = re.compile(r"\b(he|him|his|she|her|hers)\b", re.I)
_ASKS_WHO = re.compile(r"^\W*(?:and |so )?(?:who|whom)\b", re.I)
_ASKS_WHICH = re.compile(r"^\W*(?:and |so )?(?:which|what)\b", re.I)
_POINTS = re.compile(r"\b(that one|this one|that|it|its)\b", re.I)
_NUMBERED = re.compile(r"\b([A-Za-z]+) (\d[\w.-]*)")


def answer_referent(question: str, previous: Turn) -> tuple[str, bool] | None:
    """What the question's pronoun refers to in the previous answer, and whether it
    stands in for the previous question's subject: the person a who-question was
    answered with ("he" -> "Marc Dillard"), or the numbered thing a which-question
    was ("that one" -> "resolution 2699", carried with the previous question's words)."""
    if not previous.answer:
        return None
    if _PERSONAL.search(question) and _ASKS_WHO.search(previous.question):
        person = first_person(previous.answer)
        return (person, True) if person else None
    if _POINTS.search(question) and _ASKS_WHICH.search(previous.question):
        asked = {w.lower() for w in iter_words(previous.question)}
        for m in _NUMBERED.finditer(previous.answer):
            noun = m.group(1).lower()  # "resolution 2699", not "on 4" (December)
            if noun in asked and noun not in STOPWORDS and not YEAR.fullmatch(m.group(2)):
                return m.group(0), False
    return None


def _person_talked_about(question: str, history: Sequence[Turn]) -> tuple[str, bool] | None:
    """The person an earlier who-question was answered with, when every turn since has
    pointed back at them too ("who was the ambassador …" -> "Meg Whitman." -> "why did
    kenyans want her out" -> "what did she do before becoming a diplomat")."""
    if not _PERSONAL.search(question):
        return None
    for turn in reversed(history):
        if _ASKS_WHO.search(turn.question):
            person = first_person(turn.answer)
            return (person, True) if person else None
        if not _PERSONAL.search(turn.question):
            return None
    return None


# The verb right after "who" / "what" asks about the subject, it is not the subject:
# "who leads the gsf", "what replaced the mss".
_ASKED_VERB = re.compile(
    r"^\W*(?:and |so )?(?:who\s+(?!(?:is|are|was|were|did|does|do|has|have|had|can|will|would"
    r"|could|should|else|of|in|at|from)\b)([a-z]+)|what\s+([a-z]+ed))\b",
    re.I,
)


def standalone_question(question: str, history: Sequence[Turn]) -> str:
    """The question with the topic of earlier turns carried in when it needs it."""
    if not history:
        return question
    referent = answer_referent(question, history[-1]) or _person_talked_about(question, history)
    if referent and referent[1]:
        return f"{question.rstrip()} ({referent[0]})"
    previous = history[0].question
    for turn in history[1:]:
        previous = standalone_question(turn.question, [Turn(previous)])
    short_and_unnamed = len(terms(question)) <= SHORT_FOLLOW_UP and not (
        proper_nouns(question) or _ACRONYM.findall(question)
    )
    if not needs_context(question) and not short_and_unnamed:
        return question
    # "who leads the gsf" -> "how big is it": "it" is the GSF, not its leading
    verb = _ASKED_VERB.match(previous)
    skip = set(terms(question)) | (set(terms(verb.group(1) or verb.group(2))) if verb else set())
    carried = _key_words(previous, skip)
    if (
        verb
        and verb.group(2)
        and verb.group(2).lower() not in _NEWS
        and _THING.search(question)
        and history[-1].answer
    ):
        # "what replaced the mss" -> "… a new Gang Suppression Force" -> "how big is
        # it": the thing the answer named, which the question did not
        named = _answer_names(history[-1].answer, previous)
        carried = named or carried
    if referent:
        carried.append(referent[0])
    if not carried:
        return question
    return f"{question.rstrip()} ({' '.join(carried)})"


_CITATION = re.compile(r"\s*\[\d+\]")


# A follow-up pointing at a thing (not "there", a place); and the verbs of a
# "what <verb>ed" question answered with a new thing ("what replaced", "what followed";
# not "what happened").
_THING = re.compile(r"\b(it|its|that|this|they|them|the new)\b", re.I)
_NEWS = frozenset({"happened", "occurred", "changed", "caused", "started", "ended"})


def _answer_names(answer: str, asked: str) -> list[str]:
    """The names in an answer's first sentence that its question did not give."""
    opening = _CITATION.sub("", answer.split("\n")[-1]).split(". ")[0]
    given = set(terms(asked))
    names = [w for w in proper_nouns(opening) if terms(w) and terms(w)[0] not in given]
    return list(dict.fromkeys(names))


_DATED = re.compile(r"^\s*(?:\d{1,2}[–-]?\d{0,2} )?[A-Z][a-z]+ \d{4}: ")  # a timeline entry's date


_YES_NO = re.compile(r"^\s*(?:yes|no|yeah|nope)\b[.,;:!]*\s*", re.I)


def with_answer_subject(question: str, history: Sequence[Turn], limit: int = 8) -> str | None:
    """The follow-up read with what the previous answer said rather than what its
    question asked ("what replaced the mission in haiti" -> "A Gang Suppression Force
    …" -> "troop ceiling for the new one?" is about the force); None when the
    question stands alone or the previous turn has no answer."""
    if not history or not history[-1].answer:
        return None
    if not needs_context(question) and len(terms(question)) > SHORT_FOLLOW_UP:
        return None
    answer = _CITATION.sub("", history[-1].answer.split("\n")[-1])
    answer = _YES_NO.sub("", answer)  # "Yes. On 20 February 2026, …": what follows
    opening = _DATED.sub("", answer.split(". ")[0])  # "30 September 2025: AGOA lapsed, …"
    carried = _key_words(opening, set(terms(question)))[:limit]
    return f"{question.rstrip()} ({' '.join(carried)})" if carried else None


REWRITE_SYSTEM = """\
You rewrite the last question of a conversation so that it can be understood on its own.
Replace pronouns and vague references with what they refer to in the earlier turns.
Keep the question's meaning and language. If it already stands alone, return it unchanged.
Reply with the rewritten question only: one line, no quotes, no explanation, no answer."""

_MAX_REWRITE_CHARS = 400


class QuestionRewriter:
    """Follow-ups made standalone: by an LLM when one is configured, else by carrying terms.

    The LLM's rewrite is used only when it looks like a question (one line,
    short); on any error or time-out the term-carrying rewrite is used.
    """

    def __init__(self, generator: Generator | None = None, *, timeout: float = 10.0) -> None:
        self.generator = generator
        self.timeout = timeout

    def rewrite(self, question: str, history: Sequence[Turn]) -> str:
        fallback = standalone_question(question, history)
        if self.generator is None or not history:
            return fallback
        turns = "\n".join(
            f"User: {t.question}\nBot: {' '.join(t.answer.split())[:500]}" for t in history[-4:]
        )
        user = f"<conversation>\n{turns}\n</conversation>\nLast question: {question}"
        try:
            reply = self.generator.generate(REWRITE_SYSTEM, user, timeout=self.timeout)
        except Exception as exc:  # any failure: fall back, never fail the answer
            log.warning("question rewrite failed (%s); carrying terms instead", type(exc).__name__)
            return fallback
        rewritten = " ".join(reply.strip().strip('"“”').split())
        if not rewritten or "\n" in reply.strip() or len(rewritten) > _MAX_REWRITE_CHARS:
            return fallback
        return rewritten
