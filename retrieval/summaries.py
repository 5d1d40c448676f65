"""Extractive summaries: a topic or a document in 4–8 quoted sentences that lead with
its core facts (who, what, when, how much), or one line per document."""

from __future__ import annotations

import numpy as np

from retrieval.answering import ABSTAIN_MESSAGE, Answerer
from retrieval.citing import cite
from retrieval.models import Answer, Citation, Evidence
from retrieval.sentences import NAME, Candidate, candidates, date_precision, has_quantity
from retrieval.text import terms


def core_facts(cand: Candidate) -> int:
    """How many of when / how much / who a sentence states (0–3), plus one for a
    document's opening, where the corpus states its core facts."""
    return (
        (date_precision(cand.text) > 0)
        + has_quantity(cand.text)
        + bool(NAME.search(cand.text))
        + (not cand.doc.section)
    )


class Summarizer:
    def __init__(self, answerer: Answerer) -> None:
        self.answerer = answerer
        self.params = answerer.params

    def summarize(self, topic: str, evidence: Evidence, mode: str, by_document: bool) -> Answer:
        cands = candidates(evidence.passages, self.answerer.embed_texts)
        if not cands:
            return Answer(question=topic, answer=ABSTAIN_MESSAGE, abstained=True, mode=mode)
        vecs = np.vstack([c.vector for c in cands])
        if by_document:
            return self._overview(topic, cands, vecs, mode)
        if topic:
            picked = self._on_topic(topic, cands, evidence)
            if not picked:
                return Answer(question=topic, answer=ABSTAIN_MESSAGE, abstained=True, mode=mode)
            cands = picked
            vecs = np.vstack([c.vector for c in cands])
        centroid = vecs.mean(axis=0)
        centroid /= max(float(np.linalg.norm(centroid)), 1e-9)
        centrality = vecs @ centroid
        relevance = np.array([c.score for c in cands]) if topic else centrality
        facts = np.array([core_facts(c) for c in cands], dtype=np.float32)
        scores = 0.45 * centrality + 0.45 * relevance + 0.04 * facts
        chosen = self._mmr(cands, vecs, scores, self.params.summary_sentences)
        # The sentence stating the most core facts leads; the rest in document order.
        lead = max(chosen, key=lambda c: (core_facts(c), -c.doc_rank, -c.order))
        rest = sorted((c for c in chosen if c is not lead), key=lambda c: (c.doc_rank, c.order))
        text, citations = cite([lead, *rest])
        return Answer(question=topic, answer=text, citations=citations, mode=mode)

    def _on_topic(self, topic: str, cands: list[Candidate], evidence: Evidence) -> list[Candidate]:
        """Candidates about the topic: those naming it when there are enough, else the
        most similar ones; empty when nothing in the evidence is about it."""
        self.answerer.score(topic, cands, evidence, "other")
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

    @staticmethod
    def _mmr(
        cands: list[Candidate], vecs: np.ndarray, scores: np.ndarray, k: int, lam: float = 0.6
    ) -> list[Candidate]:
        chosen: list[int] = []
        remaining = set(range(len(cands)))
        while remaining and len(chosen) < k:
            best_i, best_v = -1, -1e9
            for i in remaining:
                if any(
                    cands[i].section_key == cands[j].section_key
                    and cands[i].doc is not cands[j].doc
                    for j in chosen
                ):
                    continue  # one number per section: never two passages of one section
                penalty = max((float(vecs[i] @ vecs[j]) for j in chosen), default=0.0)
                value = lam * float(scores[i]) - (1 - lam) * penalty
                if value > best_v:
                    best_i, best_v = i, value
            if best_i < 0:
                break
            chosen.append(best_i)
            remaining.discard(best_i)
        return [cands[i] for i in chosen]

    @staticmethod
    def _overview(topic: str, cands: list[Candidate], vecs: np.ndarray, mode: str) -> Answer:
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
            text, cites = cite([best], first=len(citations) + 1)
            citations.extend(cites)
            lines.append(f"{title}: {text}")
        return Answer(question=topic, answer="\n".join(lines), citations=citations, mode=mode)
