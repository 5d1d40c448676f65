"""Numbered citations for quoted sentences: one number per source section, whose quote
spans every sentence of it the answer uses."""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.models import Citation, Passage
from retrieval.sentences import MAX_QUOTE_CHARS, Candidate


def citation_for(passage: Passage, index: int, quote: str) -> Citation:
    """Citation number `index` quoting `quote` from passage."""
    return Citation(
        index=index,
        title=passage.title,
        source=passage.source,
        section=passage.section,
        url=passage.url,
        quote=quote,
        page=passage.page,
        date=passage.as_of or passage.date,
    )


def joinable(chosen: Sequence[Candidate], cand: Candidate) -> bool:
    """cand can join the answer without a second number for its section: no chosen
    sentence shares its section, or one does in the same passage close enough to
    quote both as one passage of text."""
    for other in chosen:
        if other.section_key != cand.section_key:
            continue
        if other.doc.id != cand.doc.id:
            return False
        start, end = min(other.start, cand.start), max(other.end, cand.end)
        if end - start > MAX_QUOTE_CHARS:
            return False
    return True


def cite(selected: Sequence[Candidate], first: int = 1) -> tuple[str, list[Citation]]:
    """Answer text with [n] after each sentence, numbered in reading order; all
    sentences of one section share one number, whose quote spans them."""
    numbers: dict[tuple[str, str, int | None], int] = {}
    spans: dict[int, tuple[Candidate, int, int]] = {}
    parts: list[str] = []
    for cand in selected:
        n = numbers.get(cand.section_key)
        if n is None:
            n = numbers[cand.section_key] = len(numbers) + first
            spans[n] = (cand, cand.start, cand.end)
        else:
            base, start, end = spans[n]
            spans[n] = (base, min(start, cand.start), max(end, cand.end))
        parts.append(f"{cand.text} [{n}]")
    citations = [
        citation_for(base.doc, n, base.doc.text[start:end])
        for n, (base, start, end) in sorted(spans.items())
    ]
    return " ".join(parts), citations
