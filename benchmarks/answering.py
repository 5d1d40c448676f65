"""Answering stages on the full index: warm asks, memory, LangChain overhead, accuracy."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from benchmarks.context import BenchContext
from benchmarks.machine import peak_rss_mb, rss_mb
from benchmarks.timing import latency_figures, median, percentile, time_calls, timed
from bot.evaluation import evaluate
from bot.wiring import source_root
from retrieval.models import Turn

FOLLOW_UPS = ("and when was that?", "who paid for it?")


def stage_warm_ask(ctx: BenchContext) -> dict[str, Any]:
    questions = ctx.timed_questions
    millis, answers = time_calls(ctx.indexed.ask, questions, warmup=ctx.options.warmup)
    # Chat platforms also get up to three checked follow-up questions per answer (on
    # the worker thread, after the answer is composed): their cost on its own.
    distinct = list({a.question: a for a in answers if not a.abstained}.values())
    suggest_ms, offered = [], []
    for answer in distinct:
        started = time.perf_counter()
        offered.append(ctx.indexed.suggest_followups(answer))
        suggest_ms.append((time.perf_counter() - started) * 1000)
    # A follow-up in a conversation ("and when was that?" after each answer) is made
    # standalone with the earlier subject and scored on its own words as well.
    follow_ms = []
    for answer in distinct:
        history = (Turn(answer.question, answer.answer),)
        for question in FOLLOW_UPS:
            started = time.perf_counter()
            ctx.indexed.ask(question, history)
            follow_ms.append((time.perf_counter() - started) * 1000)
    return {
        "warmup": ctx.options.warmup,
        **latency_figures(questions, millis),
        "followup_ask_p50_ms": percentile(follow_ms, 50),
        "followup_ask_p95_ms": percentile(follow_ms, 95),
        "followups_p50_ms": percentile(suggest_ms, 50),
        "followups_p95_ms": percentile(suggest_ms, 95),
        "followups_per_answer": median([float(len(f)) for f in offered]),
        "retrieve_p50_ms": median([a.timings_ms.get("retrieve", 0.0) for a in answers]),
        "compose_p50_ms": median([a.timings_ms.get("compose", 0.0) for a in answers]),
        "abstained": sum(a.abstained for a in answers),
    }


def stage_memory(ctx: BenchContext) -> dict[str, Any]:
    return {"peak_rss_mb": peak_rss_mb(), "rss_mb": rss_mb()}


def stage_chain_overhead(ctx: BenchContext) -> dict[str, Any]:
    """The same questions through `engine.chain` and through search + compose directly."""
    engine = ctx.indexed
    via_chain, direct, diffs = [], [], []
    for i, q in enumerate(ctx.timed_questions):
        question = " ".join(q.split())
        query = engine.rewriter.rewrite(question, ())

        def chain(question: str = question, query: str = query) -> None:
            engine.chain.invoke({"question": question, "query": query})

        def plain(question: str = question, query: str = query) -> None:
            evidence = engine.search.search(engine.holder.get(), query)
            engine.composer.answer(question, query, evidence)

        order: list[Callable[[], None]] = [chain, plain] if i % 2 == 0 else [plain, chain]
        took = {}
        for run in order:
            seconds, _ = timed(run)
            took[run] = seconds * 1000
        via_chain.append(took[chain])
        direct.append(took[plain])
        diffs.append(took[chain] - took[plain])
    return {
        "questions": len(diffs),
        "chain_p50_ms": median(via_chain),
        "direct_p50_ms": median(direct),
        "overhead_ms": median(diffs),
    }


def stage_accuracy(ctx: BenchContext) -> dict[str, Any]:
    report = evaluate(ctx.indexed, ctx.eval_questions, source_root())
    total = report.in_corpus + report.out_of_corpus
    right = report.answer_accuracy * report.in_corpus + report.ooc_abstention * report.out_of_corpus
    return {
        "in_corpus": report.in_corpus,
        "out_of_corpus": report.out_of_corpus,
        "in_corpus_accuracy": report.answer_accuracy,
        "overall_accuracy": right / total if total else 0.0,
        "ooc_abstention": report.ooc_abstention,
        "hit_at_1": report.hit_at_1,
        "citation_faithfulness": report.citation_faithfulness,
    }
