"""The neutral data the core returns and every platform renders."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Citation:
    """One numbered piece of evidence: where it is and the exact text quoted."""

    index: int
    title: str
    source: str
    section: str
    url: str
    quote: str
    page: int | None = None
    date: str = ""

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        if d["page"] is None:
            del d["page"]
        if not d["date"]:
            del d["date"]
        return d


@dataclass(frozen=True)
class Answer:
    """An answer whose sentences carry [n] markers pointing into `citations`."""

    question: str
    answer: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    mode: str = "extractive"
    timings_ms: dict[str, float] = field(default_factory=dict)
    note: str = ""
    standalone_question: str = ""
    # What the question asks that the documents do not say ("what happened in 2026");
    # the answer text names it too. Empty for a full answer or an abstention.
    gaps: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [c.to_dict() for c in self.citations],
            "mode": self.mode,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
        }
        if self.note:
            d["note"] = self.note
        if self.standalone_question and self.standalone_question != self.question:
            d["standalone_question"] = self.standalone_question
        if self.gaps:
            d["gaps"] = list(self.gaps)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Answer:
        """The answer `to_dict()` wrote (stored answers, for buttons and sharing)."""
        return cls(
            question=str(d["question"]),
            answer=str(d["answer"]),
            citations=[Citation(**c) for c in d.get("citations", ())],
            abstained=bool(d.get("abstained")),
            mode=str(d.get("mode", "extractive")),
            note=str(d.get("note", "")),
            standalone_question=str(d.get("standalone_question", "")),
            gaps=tuple(d.get("gaps", ())),
        )

    def to_summary_dict(self) -> dict[str, Any]:
        """The `summary --json` shape: `topic` and `summary` instead of question/answer."""
        d = self.to_dict()
        return {
            "topic": d.pop("question"),
            "summary": d.pop("answer"),
            "citations": d.pop("citations"),
            **d,
        }


@dataclass(frozen=True)
class Turn:
    """One earlier exchange of a conversation, oldest first in a history."""

    question: str
    answer: str = ""


@dataclass(frozen=True)
class SkippedDocument:
    path: str
    reason: str


@dataclass
class IndexStats:
    """What one `index` run did."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    chunks: int = 0
    skipped: list[SkippedDocument] = field(default_factory=list)
    flagged: list[SkippedDocument] = field(default_factory=list)
    seconds: float = 0.0
    embedded_chunks: int = 0
    rebuilt: bool = False
    generation: str = ""  # the index generation serving after this run (generations mode)

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "deleted": self.deleted,
            "unchanged": self.unchanged,
            "chunks": self.chunks,
            "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped],
            "seconds": round(self.seconds, 3),
            "flagged": [{"path": s.path, "reason": s.reason} for s in self.flagged],
        }


@dataclass(frozen=True)
class DocumentInfo:
    """One indexed document: what `sources` lists, what the indexer compares, what
    summaries match a topic against. The one description of a document."""

    source: str
    title: str
    url: str = ""
    date: str = ""
    as_of: str = ""
    topics: tuple[str, ...] = ()
    chunks: int = 0
    indexed_at: str = ""
    content_hash: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The `sources --json` shape."""
        return {
            "title": self.title,
            "path": self.source,
            "url": self.url,
            "chunks": self.chunks,
            "indexed_at": self.indexed_at,
        }


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its citation fields and per-sentence data.

    `sentence_spans`/`sentence_vectors`/`sentence_terms` come from indexing;
    they are None for passages made from a foreign LangChain Document, whose
    sentences are then split and embedded when composing.
    """

    id: str
    text: str
    source: str
    title: str
    section: str = ""
    url: str = ""
    date: str = ""
    as_of: str = ""
    page: int | None = None
    position: int = -1
    generation: str = ""
    score: float = 0.0
    dense_similarity: float = 0.0
    lexical_score: float = 0.0
    sentence_spans: np.ndarray | None = None
    sentence_vectors: np.ndarray | None = None
    sentence_terms: list[frozenset[str]] | None = None


@dataclass(frozen=True)
class Evidence:
    """What retrieval found for one query: passages best first, plus what the query
    itself told the retriever (term weights, names the corpus never mentions)."""

    query: str
    passages: list[Passage] = field(default_factory=list)
    # Passages past the top ones that hold a sentence close to the query: read for
    # the sentences an answer may quote, not counted among the top passages.
    further: list[Passage] = field(default_factory=list)
    query_idf: dict[str, float] = field(default_factory=dict)
    unknown_names: tuple[str, ...] = ()
    unknown_terms: tuple[str, ...] = ()  # query terms no document uses
    latest: str = ""  # the newest date any document reports events up to (YYYY-MM-DD)
    said: tuple[str, ...] = ()  # answers already given in the conversation: not repeated
    lexicon: frozenset[str] = frozenset()  # ordinary words of the language (not names)
    names: tuple[str, ...] = ()  # query terms the documents only write as names

    def read(self) -> list[Passage]:
        """What an answer is chosen from: the top passages, then the further ones not
        among them (a passage added to the top ones later may be a further one too)."""
        top = {p.id for p in self.passages}
        return [*self.passages, *(p for p in self.further if p.id not in top)]
