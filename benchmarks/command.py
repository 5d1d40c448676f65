"""Running the bench: the stages in order, each one's failure recorded, then the report."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.answering import (
    stage_accuracy,
    stage_chain_overhead,
    stage_memory,
    stage_warm_ask,
)
from benchmarks.baseline import stage_baseline
from benchmarks.cold_start import stage_cold_start
from benchmarks.context import (
    BenchContext,
    BenchOptions,
    failure_reason,
    parse_scales,
    progress,
    release_chroma,
)
from benchmarks.indexing import stage_indexing, stage_noop_reindex
from benchmarks.machine import machine_facts
from benchmarks.report import ratios, render_report, rounded, write_report
from benchmarks.scale import stage_scale
from bot.evaluation import load_questions
from bot.wiring import build_embedder, eval_dir
from config import Settings
from retrieval.ports import Embedder

log = logging.getLogger(__name__)

# (result keys it fills, title, function, result keys it needs)
Stage = tuple[tuple[str, ...], str, Callable[[BenchContext], dict[str, Any]], tuple[str, ...]]

_ORDER = (
    "full_index",
    "model_alone",
    "noop_reindex",
    "warm_ask",
    "memory",
    "chain_overhead",
    "accuracy",
    "cold_start",
    "baseline",
    "scale",
)


def _stages(options: BenchOptions) -> list[Stage]:
    indexing = "full index, model alone" + (", baseline index" if options.baseline else "")
    stages: list[Stage] = [
        (("full_index", "model_alone"), f"{indexing} (taking turns)", stage_indexing, ()),
        (("noop_reindex",), "no-op re-index", stage_noop_reindex, ("full_index",)),
        (("warm_ask",), "warm ask latency", stage_warm_ask, ("full_index",)),
        (("memory",), "peak RSS after the warm run", stage_memory, ("warm_ask",)),
        (("chain_overhead",), "LangChain layer overhead", stage_chain_overhead, ("full_index",)),
        (("accuracy",), "answer accuracy (eval set)", stage_accuracy, ("full_index",)),
        (("cold_start",), "cold start to first answer", stage_cold_start, ("full_index",)),
    ]
    if options.baseline:
        stages.append((("baseline",), "LangChain baseline", stage_baseline, ()))
    if options.scales:
        stages.append((("scale",), "synthetic scale runs", stage_scale, ()))
    return stages


def run_bench(
    settings: Settings, options: BenchOptions, *, embedder: Embedder | None = None
) -> dict[str, Any]:
    """Run every stage; a failing stage is recorded as skipped with its reason."""
    results: dict[str, Any] = {}
    if not options.baseline:
        results["baseline"] = {"skipped": "--no-baseline"}
    if not options.scales:
        results["scale"] = {"skipped": "no sizes given (--scale '')"}
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    started = time.perf_counter()
    if embedder is None:
        embedder = build_embedder(settings.model_copy(update={"embeddings": "minilm"}))
    embedder.embed(["warm up the model once before anything is timed"])
    model_load_seconds = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="bot-bench-", ignore_cleanup_errors=True) as tmp:
        ctx = BenchContext(
            settings, options, embedder, Path(tmp), load_questions(eval_dir(settings))
        )
        stages = _stages(options)
        for n, (keys, title, fn, needs) in enumerate(stages, 1):
            progress(f"bench [{n}/{len(stages)}] {title}…")
            missing = [k for k in needs if k not in results or "skipped" in results[k]]
            if missing:
                for key in keys:
                    results[key] = {"skipped": f"needs {', '.join(missing)}"}
                progress(f"  skipped: needs {', '.join(missing)}")
                continue
            t0 = time.perf_counter()
            try:
                out = fn(ctx)
                results.update(out if len(keys) > 1 else {keys[0]: out})
            except Exception as exc:
                log.debug("bench stage %s failed", title, exc_info=True)
                for key in keys:
                    results[key] = {"skipped": failure_reason(exc)}
                progress(f"  skipped: {failure_reason(exc)}")
                continue
            progress(f"  done in {time.perf_counter() - t0:.1f} s")
        ctx.engine = None
        release_chroma()
    machine = machine_facts()
    machine["load_average_at_start"] = load_at_start
    return {
        "machine": machine,
        "config": {
            "corpus_dir": str(settings.corpus_dir),
            "embedder": embedder.model_id,
            "model_load_seconds": model_load_seconds,
            "composer": "extractive",
            "chunk_tokens": settings.chunk_tokens,
            "chunk_overlap": settings.chunk_overlap,
            "questions": options.questions,
            "warmup": options.warmup,
            "repeats": options.repeats,
            "cold_runs": options.cold_runs,
            "scales": list(options.scales),
        },
        "stages": {key: results[key] for key in _ORDER if key in results},
        "ratios": ratios(results),
        "total_seconds": time.perf_counter() - started,
    }


def run_bench_command(settings: Settings, args: argparse.Namespace) -> int:
    """`python -m bot bench`: run, print the table, write JSON to args.output."""
    try:
        scales = parse_scales(args.scale)
    except ValueError as exc:
        print(f"error: --scale: {exc}", file=sys.stderr)
        return 2
    if args.questions < 1:
        print("error: --questions must be at least 1", file=sys.stderr)
        return 2
    options = BenchOptions(
        output=args.output,
        questions=args.questions,
        scales=scales,
        baseline=not args.no_baseline,
    )
    return run_and_report(settings, options)


def run_and_report(
    settings: Settings, options: BenchOptions, *, embedder: Embedder | None = None
) -> int:
    """Run the bench, write the JSON report to options.output, print the table."""
    report = rounded(run_bench(settings, options, embedder=embedder))
    write_report(report, options.output)
    print(render_report(report))
    print(f"\nwrote {options.output}")
    return 0
