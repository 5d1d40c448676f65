"""Extractive, cited answers and summaries: pick source sentences, number their sources.

Offline and deterministic. Sentences are scored with their contextual vectors
(pooled at indexing time from the chunk's forward pass) against the query
vector, plus IDF-weighted term overlap; answers abstain when the best evidence
is weak. Every sentence of the output is a verbatim quote carrying its [n].
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from retrieval.models import Answer, Citation, Evidence, Passage
from retrieval.text import sentence_spans, terms

ABSTAIN_MESSAGE = (
    "I couldn't find an answer to that in the documents I have. "
    "Try rephrasing, ask about one of the indexed sources, or list them with `sources`."
)
_LIST_QUESTION = re.compile(
    r"^\s*(list|name|which (countries|nations|ones|attacks|areas|topics|investments)|what are the)"
    r"|\b(countries|attacks|examples|areas|ways|steps|reasons|investments|partners|topics)\b",
    re.IGNORECASE,
)
_WHEN = re.compile(r"^\s*(and )?(when|what (year|date|day|month)|since when)\b|\bwhat time\b", re.I)
_HOW_MANY = re.compile(
    r"\bhow (many|much|large|big|long)\b|\bwhat (share|percentage|amount)\b", re.I
)
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_FULL_DATE = re.compile(rf"\b\d{{1,2}} ({_MONTHS})\b|\b({_MONTHS}) \d{{1,2}}\b")
_MONTH_YEAR = re.compile(rf"\b({_MONTHS}) (1[89]|20)\d\d\b")
_YEAR = re.compile(r"\b(1[89]|20)\d\d\b")
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand"
    r"|million|billion|dozen)\b",
    re.IGNORECASE,
)
_MIN_WORDS = 5
# Sentences about the document itself ("This document explains…") answer nothing.
_META = re.compile(
    r"\b(this|the present|other) (document|article|corpus)s?\b|\bin this corpus\b", re.I
)
# "What is AGOA?" / "Who is Redi Tlhabi?": prefer the sentence that defines the subject.
_DEFINITION_QUESTION = re.compile(
    r"^\s*(?:what|who)(?:\s+(?:is|are|was|were)|'s)\s+(?:the\s+|an?\s+)?(?P<subject>[^?]{2,60}?)\s*\??\s*$",
    re.I,
)
# Sentences that lean on the one before read badly when quoted alone.
_DEPENDENT_START = re.compile(
    r"^(It|Its|This|That|These|Those|They|Their|He|She|His|Her|However|But|Either way|Also"
    r"|Still|Such|The same)\b"
)


@dataclass(frozen=True)
class ComposeParams:
    max_sentences: int = 3
    list_sentences: int = 5
    min_score: float = 0.5
    margin: float = 0.2
    lexical_weight: float = 0.3
    redundancy: float = 0.88
    summary_sentences: int = 6
    unknown_name_penalty: float = 0.2


@dataclass
class _Candidate:
    doc_rank: int
    doc: Passage
    start: int
    end: int
    vector: np.ndarray
    order: int
    score: float = 0.0
    terms: set[str] = field(default_factory=set)

    @property
    def text(self) -> str:
        return self.doc.text[self.start : self.end]


def _doc_sentences(
    docs: Sequence[Passage], embed: Callable[[Sequence[str]], np.ndarray]
) -> list[_Candidate]:
    """Candidate sentences of passages; vectors from indexing, or embedded now for
    passages that came without them (foreign LangChain Documents)."""
    out: list[_Candidate] = []
    for rank, doc in enumerate(docs):
        spans = doc.sentence_spans
        vectors = doc.sentence_vectors
        known_terms = doc.sentence_terms
        if spans is None or vectors is None or len(spans) != len(vectors):
            spans = np.asarray(sentence_spans(doc.text), dtype=np.int32).reshape(-1, 2)
            texts = [doc.text[s:e] for s, e in spans]
            vectors = embed(texts) if texts else np.zeros((0, 1), np.float32)
            known_terms = None
        for i, ((start, end), vec) in enumerate(zip(spans, vectors, strict=True)):
            text = doc.text[int(start) : int(end)]
            if len(text.split()) < _MIN_WORDS or _META.search(text):
                continue
            out.append(
                _Candidate(
                    rank,
                    doc,
                    int(start),
                    int(end),
                    np.asarray(vec, np.float32),
                    order=i,
                    terms=set(known_terms[i]) if known_terms is not None else set(terms(text)),
                )
            )
    return out


def _definition_pattern(question: str) -> re.Pattern[str] | None:
    """For "what/who is X?", a pattern matching sentences that define X."""
    m = _DEFINITION_QUESTION.match(question)
    if not m or len(m.group("subject").split()) > 5:
        return None
    x = re.escape(m.group("subject").strip())
    return re.compile(
        rf"\({x}\)|^(the\s+)?{x}\b[^.]{{0,40}}\b(is|are|was|were)\b|\b(known as|called) {x}\b"
        rf"|^{x},",
        re.I,
    )


def _citations(selected: list[_Candidate], first: int = 1) -> tuple[str, list[Citation]]:
    """Answer text with [n] after each sentence; adjacent sentences of one chunk share n."""
    citations: list[Citation] = []
    parts: list[str] = []
    prev: _Candidate | None = None
    for cand in selected:
        same_run = prev is not None and prev.doc is cand.doc and cand.order == prev.order + 1
        if same_run:
            last = citations[-1]
            quote = cand.doc.text[_run_start(selected, cand) : cand.end]
            citations[-1] = Citation(**{**last.__dict__, "quote": quote})
        else:
            citations.append(citation_for(cand.doc, len(citations) + first, cand.text))
        parts.append(f"{cand.text} [{citations[-1].index}]")
        prev = cand
    return " ".join(parts), citations


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
        date=passage.date,
    )


def _run_start(selected: list[_Candidate], cand: _Candidate) -> int:
    """Start offset of the run of consecutive same-chunk sentences that ends at cand."""
    i = selected.index(cand)
    start = cand.start
    while (
        i > 0 and selected[i - 1].doc is cand.doc and selected[i - 1].order == selected[i].order - 1
    ):
        i -= 1
        start = selected[i].start
    return start


class ExtractiveComposer:
    """Answers and summaries made only of quoted source sentences."""

    mode = "extractive"

    def __init__(
        self,
        embed_query: Callable[[str], np.ndarray],
        embed_texts: Callable[[Sequence[str]], np.ndarray],
        params: ComposeParams | None = None,
    ) -> None:
        self.embed_query = embed_query
        self.embed_texts = embed_texts
        self.params = params or ComposeParams()

    # Scoring ---------------------------------------------------------------
    def _score(self, query: str, cands: list[_Candidate], evidence: Evidence) -> None:
        if not cands:
            return
        q = self.embed_query(query)
        sims = np.vstack([c.vector for c in cands]) @ q
        q_terms = set(terms(query))
        idf = evidence.query_idf
        total = sum(idf.get(t, 1.0) for t in q_terms) or 1.0
        when, how_many = bool(_WHEN.search(query)), bool(_HOW_MANY.search(query))
        defines = _definition_pattern(query)
        # A name the corpus never mentions ("Peru", "Jupiter") means the documents
        # are about something else, however similar the rest of the question is.
        unknown = bool(evidence.unknown_names)
        penalty = self.params.unknown_name_penalty if unknown else 0.0
        for cand, sim in zip(cands, sims, strict=True):
            overlap = sum(idf.get(t, 1.0) for t in q_terms & cand.terms) / total
            bonus = 0.0
            if when:
                bonus += self._date_bonus(cand.text)
            if how_many and _NUMBER.search(_YEAR.sub("", _FULL_DATE.sub("", cand.text))):
                bonus += 0.06  # a quantity, not just a date
            if defines is not None and defines.search(cand.text):
                bonus += 0.08
            if _DEPENDENT_START.match(cand.text):
                bonus -= 0.05
            cand.score = float(sim) + self.params.lexical_weight * overlap + bonus
            cand.score += 0.02 / (1 + cand.doc_rank) - penalty

    @staticmethod
    def _date_bonus(text: str) -> float:
        """How precisely a sentence dates something: a day beats a month beats a year."""
        if _FULL_DATE.search(text):
            return 0.12
        if _MONTH_YEAR.search(text):
            return 0.07
        return 0.04 if _YEAR.search(text) else 0.0

    def _pick(self, ranked: list[_Candidate], limit: int, floor: float) -> list[_Candidate]:
        chosen: list[_Candidate] = []
        for cand in ranked:
            if len(chosen) >= limit or cand.score < floor:
                break
            if any(float(cand.vector @ c.vector) > self.params.redundancy for c in chosen):
                continue
            if any(cand.text == c.text for c in chosen):
                continue
            chosen.append(cand)
        return chosen

    # Answers ---------------------------------------------------------------
    def answer(self, question: str, query: str, evidence: Evidence) -> Answer:
        """A cited answer to query from the evidence, or an abstention when it is weak."""
        cands = _doc_sentences(evidence.passages, self.embed_texts)
        self._score(query, cands, evidence)
        ranked = sorted(cands, key=lambda c: -c.score)
        if not ranked or ranked[0].score < self.params.min_score:
            return Answer(question=question, answer=ABSTAIN_MESSAGE, abstained=True, mode=self.mode)
        best = ranked[0].score
        limit = (
            self.params.list_sentences
            if _LIST_QUESTION.search(question)
            else self.params.max_sentences
        )
        floor = max(self.params.min_score, best - self.params.margin)
        chosen = self._pick(ranked, limit, floor)
        # The chunk holding the best sentence leads; each chunk's sentences in text order.
        lead: dict[int, float] = {}
        for c in chosen:
            lead[c.doc_rank] = max(lead.get(c.doc_rank, -9.0), c.score)
        chosen.sort(key=lambda c: (-lead[c.doc_rank], c.order))
        text, citations = _citations(chosen)
        return Answer(question=question, answer=text, citations=citations, mode=self.mode)

    # Summaries -------------------------------------------------------------
    def summarize(self, topic: str, evidence: Evidence, *, by_document: bool = False) -> Answer:
        """4–8 cited sentences covering distinct points of docs (topic-weighted).

        With by_document, one central sentence per document, grouped by title.
        """
        cands = _doc_sentences(evidence.passages, self.embed_texts)
        if not cands:
            return Answer(question=topic, answer=ABSTAIN_MESSAGE, abstained=True, mode=self.mode)
        vecs = np.vstack([c.vector for c in cands])
        if by_document:
            return self._overview(topic, cands, vecs)
        if topic:
            picked = self._on_topic(topic, cands, evidence)
            if not picked:
                return Answer(
                    question=topic, answer=ABSTAIN_MESSAGE, abstained=True, mode=self.mode
                )
            cands = picked
            vecs = np.vstack([c.vector for c in cands])
        centroid = vecs.mean(axis=0)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
        centrality = vecs @ centroid
        relevance = np.array([c.score for c in cands]) if topic else centrality
        scores = 0.5 * centrality + 0.5 * relevance
        chosen = self._mmr(cands, vecs, scores, self.params.summary_sentences)
        chosen.sort(key=lambda c: (c.doc_rank, c.order))
        text, citations = _citations(chosen)
        return Answer(question=topic, answer=text, citations=citations, mode=self.mode)

    def _on_topic(
        self, topic: str, cands: list[_Candidate], evidence: Evidence
    ) -> list[_Candidate]:
        """Candidates about the topic: those naming it when there are enough, else the
        most similar ones; empty when nothing in the evidence is about it."""
        self._score(topic, cands, evidence)
        if evidence.unknown_names:
            return []
        topic_terms = set(terms(topic))
        naming = [c for c in cands if c.terms & topic_terms]
        if len(naming) >= 4:
            return naming
        best = max(c.score for c in cands)
        if best < self.params.min_score and not naming:
            return []
        return [c for c in cands if c.score >= best - self.params.margin] or naming

    def _mmr(
        self,
        cands: list[_Candidate],
        vecs: np.ndarray,
        scores: np.ndarray,
        k: int,
        lam: float = 0.6,
    ) -> list[_Candidate]:
        chosen: list[int] = []
        remaining = set(range(len(cands)))
        while remaining and len(chosen) < k:
            best_i, best_v = -1, -1e9
            for i in remaining:
                penalty = max((float(vecs[i] @ vecs[j]) for j in chosen), default=0.0)
                value = lam * float(scores[i]) - (1 - lam) * penalty
                if value > best_v:
                    best_i, best_v = i, value
            chosen.append(best_i)
            remaining.discard(best_i)
        return [cands[i] for i in chosen]

    def _overview(self, topic: str, cands: list[_Candidate], vecs: np.ndarray) -> Answer:
        by_source: dict[str, list[int]] = {}
        for i, c in enumerate(cands):
            by_source.setdefault(c.doc.source, []).append(i)
        lines: list[str] = []
        citations: list[Citation] = []
        for idxs in by_source.values():
            sub = vecs[idxs]
            centroid = sub.mean(axis=0)
            best = cands[idxs[int(np.argmax(sub @ centroid))]]
            title = best.doc.title or "Untitled"
            text, cites = _citations([best], first=len(citations) + 1)
            citations.extend(cites)
            lines.append(f"{title}: {text}")
        return Answer(question=topic, answer="\n".join(lines), citations=citations, mode=self.mode)
