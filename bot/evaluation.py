"""`python -m bot eval`: retrieval and answer quality on the committed question set.

Questions live in tests/eval/*.jsonl: in-corpus ones name the documents that
answer them and key terms a correct answer contains; out-of-corpus ones must
be declined. Figures: hit@1, hit@5, MRR, answer accuracy, citation
faithfulness, abstention on out-of-corpus questions, false abstentions.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.text import comparable

EVAL_DIR = Path(__file__).resolve().parent.parent / "tests" / "eval"
PROJECT_ROOT = EVAL_DIR.parent.parent


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    kind: str
    expected_sources: tuple[str, ...] = ()
    key_terms: tuple[str, ...] = ()


def load_questions(directory: Path = EVAL_DIR) -> list[EvalQuestion]:
    out = []
    for path in sorted(directory.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                d = json.loads(line)
                out.append(
                    EvalQuestion(
                        id=d["id"],
                        question=d["question"],
                        kind=d["kind"],
                        expected_sources=tuple(d.get("expected_sources") or ()),
                        key_terms=tuple(d.get("key_terms") or ()),
                    )
                )
            except (KeyError, json.JSONDecodeError) as exc:
                raise ValueError(f"{path.name}:{n}: bad eval line ({exc})") from None
    return out


def key_terms_present(answer: str, key_terms: tuple[str, ...]) -> bool:
    """Every key term (alternatives separated by |) appears in the answer, case-insensitively."""
    text = comparable(answer).lower()
    return all(
        any(comparable(alt).lower() in text for alt in term.split("|")) for term in key_terms
    )


def quote_in_source(quote: str, source: str, root: Path = PROJECT_ROOT) -> bool:
    path = Path(source) if Path(source).is_absolute() else root / source
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return False
    return comparable(quote) in comparable(text)


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
        return {k: round(getattr(self, k), 4) for k in self.FIGURES}

    def to_dict(self) -> dict[str, Any]:
        return {
            "in_corpus": self.in_corpus,
            "out_of_corpus": self.out_of_corpus,
            **self.figures(),
            "latency_ms_p50": round(self.latency_ms_p50, 2),
            "failures": self.failures,
        }


def evaluate(service: Any, questions: list[EvalQuestion] | None = None) -> EvalReport:
    """Run every question through retrieval and `service.ask`."""
    questions = questions if questions is not None else load_questions()
    report = EvalReport()
    hits1 = hits5 = rr = correct = false_abst = 0.0
    quotes = faithful = 0
    ooc_abst = 0
    latencies = []
    for q in questions:
        answer = service.ask(q.question)
        latencies.append(answer.timings_ms.get("total", 0.0))
        for c in answer.citations:
            quotes += 1
            faithful += quote_in_source(c.quote, c.source)
        if q.kind == "out_of_corpus":
            report.out_of_corpus += 1
            ooc_abst += answer.abstained
            if not answer.abstained:
                report.failures.append(
                    {"id": q.id, "problem": "answered out-of-corpus", "answer": answer.answer[:200]}
                )
            continue
        report.in_corpus += 1
        view = service.holder.get()
        docs = service.retriever.retrieve(view, q.question, top_k=10, per_doc=1)
        ranking = [d.metadata["source"] for d in docs]
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


def render_report(report: EvalReport) -> str:
    rows = [
        ("questions (in corpus / out of corpus)", f"{report.in_corpus} / {report.out_of_corpus}"),
        ("retrieval hit@1", f"{report.hit_at_1:.1%}"),
        ("retrieval hit@5", f"{report.hit_at_5:.1%}"),
        ("retrieval MRR", f"{report.mrr:.3f}"),
        ("answer accuracy", f"{report.answer_accuracy:.1%}"),
        ("citation faithfulness", f"{report.citation_faithfulness:.1%}"),
        ("out-of-corpus abstention", f"{report.ooc_abstention:.1%}"),
        ("false abstentions", f"{report.false_abstention:.1%}"),
        ("ask latency p50", f"{report.latency_ms_p50:.1f} ms"),
    ]
    width = max(len(r[0]) for r in rows)
    lines = [f"{name:<{width}}  {value}" for name, value in rows]
    if report.failures:
        lines.append(f"\n{len(report.failures)} misses:")
        for f in report.failures:
            lines.append(
                f"  {f['id']}: {f['problem']}: {f.get('question', '')} -> {f['answer'][:120]}"
            )
    return "\n".join(lines)


def run_eval_command(settings: Any, args: argparse.Namespace) -> int:
    from bot.wiring import build_service

    service = build_service(settings)
    if not service.is_indexed:
        print("indexing the corpus first…", file=sys.stderr)
        service.reindex("eval")
    report = evaluate(service)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(report.to_dict(), indent=2))
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print(render_report(report))
    return 0
