"""Indexing stages: full index, the model alone, the baseline index, and a no-op re-index."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from benchmarks.baseline import index_baseline
from benchmarks.context import BenchContext, failure_reason, progress
from benchmarks.corpus import EmbedBatch, corpus_texts
from benchmarks.timing import median, timed
from bot.wiring import build_engine

log = logging.getLogger(__name__)

# The indexer embeds each document's chunks 16 at a time (Indexer._embed_and_write).
INDEXER_BATCH = 16


def index_ours(ctx: BenchContext, r: int) -> tuple[float, Any]:
    """One full index into a fresh Chroma; the last one stays for the later stages."""
    data_dir = ctx.root / f"index-{r}"
    engine = build_engine(ctx.bench_settings(data_dir=data_dir), embedder=ctx.embedder)
    seconds, stats = timed(engine.reindex)
    if not stats.chunks:
        raise RuntimeError(f"no chunks indexed from {ctx.settings.corpus_dir}")
    ctx.engine, ctx.data_dir = engine, data_dir
    return seconds, stats


def embed_alone(ctx: BenchContext, per_doc: list[EmbedBatch]) -> float:
    """The indexer's embedding calls alone: same texts, same spans, same batches."""
    if not per_doc:
        raise RuntimeError("no chunk texts to embed")

    def embed_all() -> None:
        for texts, spans in per_doc:
            for i in range(0, len(texts), INDEXER_BATCH):
                ctx.embedder.embed_spans(texts[i : i + INDEXER_BATCH], spans[i : i + INDEXER_BATCH])

    seconds, _ = timed(embed_all)
    return seconds


def stage_indexing(ctx: BenchContext) -> dict[str, Any]:
    """Full index, model alone and the baseline index, taking turns round by round.

    The machine's load drifts during a run; rotating who goes first in each
    round keeps the ratios between them fair.
    """
    _, per_doc = corpus_texts(ctx)
    runners: dict[str, Callable[[int], tuple[float, Any]]] = {
        "full_index": lambda r: index_ours(ctx, r),
        "model_alone": lambda r: (embed_alone(ctx, per_doc), None),
    }
    if ctx.options.baseline:
        runners["baseline"] = lambda r: index_baseline(ctx, r)
    parts = list(runners)
    runs: dict[str, list[float]] = {part: [] for part in parts}
    last: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for r in range(ctx.options.repeats):
        for part in parts[r % len(parts) :] + parts[: r % len(parts)]:
            if part in errors:
                continue
            try:
                seconds, last[part] = runners[part](r)
            except Exception as exc:
                log.debug("indexing part %s failed", part, exc_info=True)
                errors[part] = failure_reason(exc)
                continue
            runs[part].append(seconds)
        done = [f"{part} {runs[part][-1]:.1f} s" for part in parts if len(runs[part]) == r + 1]
        progress(f"  round {r + 1}: {', '.join(done) or 'nothing finished'}")

    def by_round(a: str, b: str) -> list[float]:
        # A part that fails stops for good, so round i is the i-th run of each.
        return [x / y for x, y in zip(runs[a], runs.get(b, ()), strict=False) if y]

    out: dict[str, dict[str, Any]] = {}
    for part in ("full_index", "model_alone"):
        if part in errors or not runs[part]:
            out[part] = {"skipped": errors.get(part, "no runs (repeats is 0)")}
    if "full_index" not in out:
        stats = last["full_index"]
        seconds = median(runs["full_index"])
        out["full_index"] = {
            "documents": stats.added,
            "chunks": stats.chunks,
            "skipped_documents": len(stats.skipped),
            "seconds": seconds,
            "seconds_runs": runs["full_index"],
            "sync_seconds": stats.seconds,
            "snapshot_load_seconds": ctx.indexed.holder.get().snapshot.loaded_seconds,
            "chunks_per_second": stats.chunks / seconds,
            "over_model_alone_by_round": by_round("full_index", "model_alone"),
        }
    if "model_alone" not in out:
        chunks = sum(len(texts) for texts, _ in per_doc)
        seconds = median(runs["model_alone"])
        out["model_alone"] = {
            "chunks": chunks,
            "batch": INDEXER_BATCH,
            "seconds": seconds,
            "seconds_runs": runs["model_alone"],
            "chunks_per_second": chunks / seconds,
        }
    if ctx.options.baseline:
        if "baseline" in errors or not runs["baseline"]:
            ctx.baseline_error = errors.get("baseline", "no runs (repeats is 0)")
        else:
            ctx.baseline_index = {
                **last["baseline"],
                "index_seconds": median(runs["baseline"]),
                "index_seconds_runs": runs["baseline"],
                "ours_over_baseline_by_round": by_round("full_index", "baseline"),
            }
    return out


def stage_noop_reindex(ctx: BenchContext) -> dict[str, Any]:
    engine = ctx.indexed
    runs, embedded = [], 0
    for _ in range(max(3, ctx.options.repeats)):
        seconds, stats = timed(engine.reindex)
        runs.append(seconds)
        embedded += stats.embedded_chunks
    return {"seconds": median(runs), "seconds_runs": runs, "embedded_chunks": embedded}
