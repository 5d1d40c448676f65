"""Questions to offer the user: follow-ups under an answer, and prompts for a new chat.

Offline and grounded: candidates come from the documents' own section headings
(the cited sections' neighbours first) and topics, and each one is kept only when
the engine actually answers it from that section (or, for a topic, at all). The
engine passes its `ask`; nothing here reads the index directly.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from retrieval.models import Answer, DocumentInfo

Ask = Callable[[str], Answer]

MAX_LABEL = 75  # Slack's button text limit; Discord's is 80
_QUESTION_WORD = re.compile(r"^(why|what|how|who|when|where|which|is|are|does|do|can)\b", re.I)
_TRAILING_DATE = re.compile(r"\s*\((?:[^()]*\d{4}[^()]*)\)$")


def heading_question(heading: str) -> str:
    """What to ask for a section heading: a question heading as a question ("Why Kenya
    was chosen?"), any other as "Tell me about <heading>" (a trailing "(2025)" dropped)."""
    text = " ".join(_TRAILING_DATE.sub("", heading).split()).rstrip(".:?")
    if not text:
        return ""
    first, _, rest = text.partition(" ")
    if first.lower() in _FUNCTION_WORDS or _QUESTION_WORD.match(first):
        first = first.lower()  # "The formal designation…" reads "the formal designation…"
    return " ".join(("Tell me about", first, rest)).strip()


_FUNCTION_WORDS = {"the", "a", "an", "from", "other", "its", "their", "new", "more"}


def _fits(question: str) -> bool:
    return 8 <= len(question) <= MAX_LABEL


def followups(
    answer: Answer,
    sections: Callable[[str], Sequence[str]],
    ask: Ask,
    *,
    limit: int = 3,
    attempts: int = 8,
) -> list[str]:
    """Up to `limit` questions the cited documents answer beyond this answer.

    Candidates are the headings next to each cited section, then the rest of the
    cited documents' headings; each is asked, and kept only when its answer cites
    the section it came from (so the button gets the answer it promises) and adds
    a section this answer did not cite."""
    if answer.abstained or not answer.citations:
        return []
    cited = {(c.source, c.section) for c in answer.citations}
    asked = {answer.question.strip().lower(), answer.standalone_question.strip().lower()}
    candidates: list[tuple[str, str]] = []
    for source in dict.fromkeys(c.source for c in answer.citations):
        order = list(dict.fromkeys(s for s in sections(source) if s))
        near: list[str] = []
        for i, heading in enumerate(order):
            if (source, heading) in cited:
                near += [order[j] for j in (i + 1, i - 1) if 0 <= j < len(order)]
        for heading in [*near, *order]:
            if (source, heading) not in cited and (source, heading) not in candidates:
                candidates.append((source, heading))
    found: list[str] = []
    for source, heading in candidates:
        if len(found) >= limit or attempts <= 0:
            break
        question = heading_question(heading)
        if not _fits(question) or question.lower() in asked:
            continue
        attempts -= 1
        reply = ask(question)
        if reply.abstained:
            continue
        if any(c.source == source and c.section == heading for c in reply.citations):
            found.append(question)
            asked.add(question.lower())
    return found


def _display(topic: str, documents: Iterable[DocumentInfo]) -> str:
    """A topic as the titles write it ("agoa" -> "AGOA", "state-visit" -> "state visit");
    "" for a short word no title shows (an abbreviation whose spelling is unknown)."""
    words = topic.replace("-", " ").replace("_", " ").split()
    titles = " ".join(d.title for d in documents)
    shown = []
    for word in words:
        match = re.search(rf"\b{re.escape(word)}\b", titles, re.I)
        if match is None and len(word) <= 4:
            return ""
        shown.append(match.group(0) if match and match.group(0).isupper() else word)
    return " ".join(shown)


def starter_prompts(
    documents: Sequence[DocumentInfo], ask: Ask, *, limit: int = 4, attempts: int = 12
) -> list[tuple[str, str]]:
    """(title, question) pairs for a new conversation: the newest documents' topics,
    one per document, each kept only when the engine answers it. A topic two or three
    documents share comes first: specific enough to be a subject ("AGOA", not "trade"),
    common enough not to be a detail of one document."""
    newest = sorted(documents, key=lambda d: d.as_of or d.date, reverse=True)
    shared = Counter(t.lower() for d in documents for t in set(d.topics))
    used: set[str] = set()
    prompts: list[tuple[str, str]] = []
    for doc in newest:
        if len(prompts) >= limit or attempts <= 0:
            break
        ranked = sorted(
            doc.topics, key=lambda t: (not 2 <= shared[t.lower()] <= 3, shared[t.lower()])
        )
        for topic in ranked:
            key = topic.lower()
            if key in used:
                continue
            used.add(key)
            shown = _display(topic, documents)
            if not shown:
                continue
            question = f"Tell me about {shown}"
            attempts -= 1
            if _fits(question) and not ask(question).abstained:
                prompts.append((shown[:1].upper() + shown[1:], question))
                break  # one topic per document: the prompts cover different things
    return prompts
