"""The project's own set: retrieval and answer quality on questions written from the
corpus. In-corpus ones name the documents that answer them and key terms a
correct answer contains; out-of-corpus ones must be declined. Figures: hit@1,
hit@5, MRR, answer accuracy, citation faithfulness, abstention on out-of-corpus
questions, false abstentions.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.evaluation.checks import (
    duplicate_citations,
    key_terms_present,
    meta_quotes,
    quote_in_source,
)
from bot.evaluation.sets import EvalQuestion


@dataclass
class EvalReport:
    in_corpus: int = 0
    out_of_corpus: int = 0
    hit_at_1: float = 0.0
    hit_at_5: float = 0.0
    mrr: float = 0.0
    answer_accuracy: float = 0.0
    citation_faithfulness: float = 0.0
    ooc_abstention: float = 0.0
    false_abstention: float = 0.0
    meta_sentence_answers: int = 0
    duplicate_citation_answers: int = 0
    latency_ms_p50: float = 0.0
    failures: list[dict[str, Any]] = field(default_factory=list)

    FIGURES = (
        "hit_at_1",
        "hit_at_5",
        "mrr",
        "answer_accuracy",
        "citation_faithfulness",
        "ooc_abstention",
        "false_abstention",
    )

    def figures(self) -> dict[str, float]:
        out: dict[str, float] = {k: round(getattr(self, k), 4) for k in self.FIGURES}
        out["meta_sentence_answers"] = self.meta_sentence_answers
        out["duplicate_citation_answers"] = self.duplicate_citation_answers
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "in_corpus": self.in_corpus,
            "out_of_corpus": self.out_of_corpus,
            **self.figures(),
            "latency_ms_p50": round(self.latency_ms_p50, 2),
            "failures": self.failures,
        }


def evaluate(engine: Any, questions: list[EvalQuestion], root: Path) -> EvalReport:
    """Run every question through retrieval and `engine.ask`; quotes are checked
    against the files under `root` (where the sources' relative paths start)."""
    report = EvalReport()
    hits1 = hits5 = rr = correct = false_abst = 0.0
    quotes = faithful = 0
    ooc_abst = 0
    latencies = []
    for q in questions:
        answer = engine.ask(q.question)
        latencies.append(answer.timings_ms.get("total", 0.0))
        for c in answer.citations:
            quotes += 1
            faithful += quote_in_source(c.quote, c.source, root)
        report.meta_sentence_answers += bool(meta_quotes(answer))
        report.duplicate_citation_answers += duplicate_citations(answer)
        if q.kind == "out_of_corpus":
            report.out_of_corpus += 1
            ooc_abst += answer.abstained
            if not answer.abstained:
                report.failures.append(
                    {"id": q.id, "problem": "answered out-of-corpus", "answer": answer.answer[:200]}
                )
            continue
        report.in_corpus += 1
        view = engine.holder.get()
        evidence = engine.search.search(view, q.question, top_k=10, per_doc=1)
        ranking = [p.source for p in evidence.passages]
        rank = next((i + 1 for i, s in enumerate(ranking) if s in q.expected_sources), None)
        hits1 += rank == 1
        hits5 += rank is not None and rank <= 5
        rr += 1.0 / rank if rank else 0.0
        ok = not answer.abstained and key_terms_present(answer.answer, q.key_terms)
        correct += ok
        false_abst += answer.abstained
        if not ok:
            report.failures.append(
                {
                    "id": q.id,
                    "problem": "abstained" if answer.abstained else "key terms missing",
                    "question": q.question,
                    "expected": list(q.key_terms),
                    "retrieval_rank": rank,
                    "answer": answer.answer[:300],
                }
            )
    n = max(report.in_corpus, 1)
    report.hit_at_1, report.hit_at_5, report.mrr = hits1 / n, hits5 / n, rr / n
    report.answer_accuracy = correct / n
    report.false_abstention = false_abst / n
    report.ooc_abstention = ooc_abst / max(report.out_of_corpus, 1)
    report.citation_faithfulness = faithful / quotes if quotes else 1.0
    report.latency_ms_p50 = statistics.median(latencies) if latencies else 0.0
    return report
