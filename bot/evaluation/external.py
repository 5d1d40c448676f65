"""The external set, scored the way a chat user meets the bot.

Per question: covered ones must be answered with every key fact, the first
sentence should carry the first, and a hedge or gap line on one is counted
(`covered_plain`), so hedging more cannot buy honesty unseen. Partly covered and
not covered ones must be declined or answered with the gap named; off-topic ones
declined. Across all: no quoted sentence about the documents themselves, no
section cited twice.

The same figures are kept per style of question ("typo", "two-part", "follow-up"…)
and per batch file, so a weak kind of question or a new held-out batch shows.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.evaluation.checks import duplicate_citations, facts_present, first_sentence, meta_quotes
from bot.evaluation.sets import ExternalQuestion
from retrieval.models import Answer, Turn


class Asks(Protocol):
    def ask(self, question: str, history: Any = ()) -> Answer: ...


@dataclass
class ExternalReport:
    questions: int = 0
    covered: int = 0
    uncovered: int = 0  # partly + not covered
    off_topic: int = 0
    follow_ups: int = 0
    covered_correct: float = 0.0
    covered_plain: float = 0.0  # correct and not hedged: no gap line on an answerable question
    first_sentence_answers: float = 0.0
    not_covered_honest: float = 0.0
    off_topic_declined: float = 0.0
    follow_ups_correct: float = 0.0
    meta_sentence_answers: int = 0
    duplicate_citation_answers: int = 0
    latency_ms_p50: float = 0.0
    failures: list[dict[str, Any]] = field(default_factory=list)
    # style or batch -> counts: covered, correct, first, uncovered, honest, off_topic, declined
    by_style: dict[str, dict[str, int]] = field(default_factory=dict)
    by_batch: dict[str, dict[str, int]] = field(default_factory=dict)

    FIGURES = (
        "covered_correct",
        "covered_plain",
        "first_sentence_answers",
        "not_covered_honest",
        "off_topic_declined",
        "follow_ups_correct",
    )
    COUNTS = ("meta_sentence_answers", "duplicate_citation_answers")

    def figures(self) -> dict[str, float]:
        out: dict[str, float] = {k: round(getattr(self, k), 4) for k in self.FIGURES}
        out.update({k: getattr(self, k) for k in self.COUNTS})
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "questions": self.questions,
            "covered": self.covered,
            "not_covered_or_partly": self.uncovered,
            "off_topic": self.off_topic,
            "follow_ups": self.follow_ups,
            **self.figures(),
            "latency_ms_p50": round(self.latency_ms_p50, 2),
            "by_style": self.by_style,
            "by_batch": self.by_batch,
            "failures": self.failures,
        }

    def tally(self, q: ExternalQuestion, **counts: int) -> None:
        """Add one question's outcome to its style's and its batch's counts."""
        style = (q.style or "plain").lower().replace("_", "-")
        for table, key in ((self.by_style, style), (self.by_batch, q.batch)):
            row = table.setdefault(key, dict.fromkeys(_TALLY, 0))
            for name, value in counts.items():
                row[name] += value


_TALLY = ("covered", "correct", "first", "uncovered", "honest", "off_topic", "declined")


def _miss(report: ExternalReport, q: ExternalQuestion, problem: str, answer: Answer) -> None:
    report.failures.append(
        {
            "id": q.id,
            "label": q.label,
            "problem": problem,
            "question": q.question,
            "answer": answer.answer[:300],
        }
    )


def evaluate_external(engine: Asks, questions: list[ExternalQuestion]) -> ExternalReport:
    """Ask every question (with its history) and score the answers."""
    report = ExternalReport(questions=len(questions))
    correct = plain = first = honest = declined = follow_ok = 0
    latencies = []
    for q in questions:
        history: tuple[Turn, ...] = q.history
        answer = engine.ask(q.question, history)
        latencies.append(answer.timings_ms.get("total", 0.0))
        if meta_quotes(answer):
            report.meta_sentence_answers += 1
            _miss(report, q, "quotes a sentence about the documents", answer)
        if duplicate_citations(answer):
            report.duplicate_citation_answers += 1
            _miss(report, q, "one section cited under two numbers", answer)
        if q.label == "covered":
            report.covered += 1
            ok = not answer.abstained and facts_present(answer.answer, q.key_facts)
            correct += ok
            plain += ok and not answer.gaps
            if q.history:
                report.follow_ups += 1
                follow_ok += ok
            opening = first_sentence(answer)
            led = ok and bool(q.key_facts) and facts_present(opening, q.key_facts[:1])
            first += led
            report.tally(q, covered=1, correct=ok, first=led)
            if not ok:
                problem = "declined" if answer.abstained else "key facts missing"
                _miss(report, q, problem, answer)
        elif q.label in ("partly", "not_covered"):
            report.uncovered += 1
            ok = answer.abstained or bool(answer.gaps)
            honest += ok
            report.tally(q, uncovered=1, honest=ok)
            if not ok:
                _miss(report, q, "answered without naming what is not covered", answer)
        else:
            report.off_topic += 1
            declined += answer.abstained
            report.tally(q, off_topic=1, declined=answer.abstained)
            if not answer.abstained:
                _miss(report, q, "answered an off-topic question", answer)
    report.covered_correct = correct / max(report.covered, 1)
    report.covered_plain = plain / max(report.covered, 1)
    report.first_sentence_answers = first / max(report.covered, 1)
    report.not_covered_honest = honest / max(report.uncovered, 1)
    report.off_topic_declined = declined / max(report.off_topic, 1)
    report.follow_ups_correct = follow_ok / max(report.follow_ups, 1)
    report.latency_ms_p50 = statistics.median(latencies) if latencies else 0.0
    return report
