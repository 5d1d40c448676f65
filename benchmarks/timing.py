"""Timing: medians, percentiles, one timed call, and a timed run of questions."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

T = TypeVar("T")


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def timed(fn: Callable[[], T]) -> tuple[float, T]:
    """Seconds `fn()` took, and what it returned."""
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def cycle(questions: Sequence[str], n: int) -> list[str]:
    """`n` questions, going round `questions` again as often as needed."""
    return [questions[i % len(questions)] for i in range(n)] if questions else []


def warmups(n: int) -> list[str]:
    # Not eval questions, so the timed run's first pass is not served from the query cache.
    return [f"Warm-up question {i}: what does the corpus say about trade?" for i in range(n)]


def time_calls(
    call: Callable[[str], T], questions: Sequence[str], *, warmup: int
) -> tuple[list[float], list[T]]:
    """Call `call` on `warmup` warm-up questions untimed, then on each question timed.

    Returns the milliseconds of each timed call and what each returned.
    """
    for q in warmups(warmup):
        call(q)
    millis: list[float] = []
    results: list[T] = []
    for q in questions:
        started = time.perf_counter()
        results.append(call(q))
        millis.append((time.perf_counter() - started) * 1000)
    return millis, results


def latency_figures(questions: Sequence[str], millis: Sequence[float]) -> dict[str, Any]:
    """p50/p95 over all runs, and p50 over each question's first run (no cache can help)."""
    seen: set[str] = set()
    first: list[float] = []
    for q, ms in zip(questions, millis, strict=True):
        if q not in seen:
            seen.add(q)
            first.append(ms)
    return {
        "questions": len(millis),
        "distinct_questions": len(seen),
        "p50_ms": percentile(millis, 50),
        "p95_ms": percentile(millis, 95),
        "first_pass_p50_ms": median(first),
    }
