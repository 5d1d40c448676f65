"""What a reader checks in one answer: facts present, the first sentence, sentences
about the documents themselves, one source section cited under two numbers."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from retrieval.models import Answer
from retrieval.text import comparable

_MARKER = re.compile(r"\s*(?:\[\d+\])+")
# Quoted sentences that talk about the text rather than the world.
_META = re.compile(
    r"\b(?:this|the|that) (?:interview )?(?:summary|document|article|collection|corpus|file)\b"
    r"|\breaders?\b(?: (?:should|looking|may|can|will))?|\bthe corpus\b|\bseparate documents?\b"
    r"|\bin this (?:collection|document|section)\b",
    re.I,
)


def _norm(text: str) -> str:
    return comparable(text).lower().replace("–", "-").replace("—", "-")


def facts_present(text: str, groups: Sequence[Sequence[str]]) -> bool:
    """Every group has an alternative in text (case-insensitive, whitespace-insensitive)."""
    have = _norm(text)
    return all(any(_norm(alt) in have for alt in group) for group in groups)


def key_terms_present(answer: str, key_terms: Sequence[str]) -> bool:
    """Every key term (alternatives separated by |) appears in the answer."""
    return facts_present(answer, [term.split("|") for term in key_terms])


def first_sentence(answer: Answer) -> str:
    """The answer's opening, up to its first citation marker."""
    m = _MARKER.search(answer.answer)
    return answer.answer[: m.start()] if m else answer.answer


def meta_quotes(answer: Answer) -> list[str]:
    """Quoted sentences about the documents themselves ("the interview summary…")."""
    return [c.quote for c in answer.citations if _META.search(c.quote)]


def duplicate_citations(answer: Answer) -> bool:
    """One source section cited under two numbers."""
    seen = [(c.source, c.section, c.page) for c in answer.citations]
    return len(seen) != len(set(seen))


def quote_in_source(quote: str, source: str, root: Path) -> bool:
    path = Path(source) if Path(source).is_absolute() else root / source
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return False
    return comparable(quote) in comparable(text)
