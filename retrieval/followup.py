"""Rewrite a follow-up ("and when did they arrive?") into a standalone question.

Without an LLM: when the question leans on earlier turns (pronouns, "and…",
"what about…", or too few words of its own), carry the key terms of the
previous standalone question into it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.models import Turn
from retrieval.text import STOPWORDS, iter_words, proper_nouns, terms

_LEADS = re.compile(
    r"^\s*(and|but|so|also|then|what about|how about|why|and why|and when|and how)\b", re.I
)
_REFERS = re.compile(
    r"\b(it|its|they|them|their|theirs|he|him|his|she|her|this|that|these|those|there|then"
    r"|the same|the mission|the visit|the deal|the attack|the country)\b",
    re.IGNORECASE,
)


_ACRONYM = re.compile(r"\b[A-Z]{2,}[a-z]?\b")


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


def standalone_question(question: str, history: Sequence[Turn]) -> str:
    """The question with the topic of earlier turns carried in when it needs it."""
    if not history:
        return question
    previous = history[0].question
    for turn in history[1:]:
        previous = standalone_question(turn.question, [Turn(previous)])
    if not needs_context(question):
        return question
    carried = _key_words(previous, set(terms(question)))
    if not carried:
        return question
    return f"{question.rstrip()} ({' '.join(carried)})"
