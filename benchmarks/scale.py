"""Scale runs: index a synthetic corpus of N chunks, then time start-up, queries and memory."""

from __future__ import annotations

import gc
import logging
import shutil
from typing import Any

from benchmarks.context import BenchContext, failure_reason, progress, release_chroma
from benchmarks.machine import peak_rss_mb, rss_mb
from benchmarks.synthetic import SCALE_DIM, scale_embedder, write_synthetic_corpus
from benchmarks.timing import cycle, latency_figures, median, time_calls, timed
from bot.wiring import build_engine
from retrieval.lexical import LexicalIndex

log = logging.getLogger(__name__)

SCALE_NOTE = (
    f"scale runs embed with a hashing bag-of-words embedder ({SCALE_DIM}-d), not MiniLM:"
    " they measure the store, BM25, snapshot load and retrieval, not the model"
)


def snapshot_parts(store: Any) -> dict[str, float]:
    """Seconds for each part of a snapshot load: chunk rows, sentence vectors, BM25."""
    read_chunks, (_, texts, metas) = timed(store.all_chunks)
    read_vectors, vectors = timed(store.all_sentence_vectors)
    del vectors
    docs = [
        f"{m.get('title', '')} {m.get('section', '')} {t}"
        for t, m in zip(texts, metas, strict=True)
    ]
    bm25, _ = timed(lambda: LexicalIndex(docs))
    return {
        "read_chunks_seconds": read_chunks,
        "read_sentence_vectors_seconds": read_vectors,
        "bm25_build_seconds": bm25,
    }


def _scale_run(ctx: BenchContext, size: int, result: dict[str, Any]) -> None:
    """Fill `result` as the run goes, so a failure late in the run keeps the early figures."""
    folder = ctx.root / f"scale-{size}"
    corpus = folder / "corpus"
    result["rss_before_mb"] = rss_mb()
    progress(f"  {size:,} chunks: writing the synthetic corpus")
    result["generate_seconds"], queries = timed(
        lambda: write_synthetic_corpus(corpus, size, chunk_tokens=ctx.settings.chunk_tokens)
    )
    result["corpus_mb"] = sum(p.stat().st_size for p in corpus.iterdir()) / 1e6
    embedder = scale_embedder()
    settings = ctx.bench_settings(data_dir=folder / "data", corpus_dir=corpus)
    progress(f"  {size:,} chunks: indexing ({result['corpus_mb']:.0f} MB of text)")
    engine = build_engine(settings, embedder=embedder)
    stats = engine.indexer.sync(corpus)  # the store side of a re-index, without the reload
    result.update(
        documents=stats.added,
        chunks=stats.chunks,
        index_seconds=stats.seconds,
        index_embed_seconds=embedder.seconds,
        chunks_per_second=stats.chunks / stats.seconds,
        chunks_per_second_without_embedding=stats.chunks / (stats.seconds - embedder.seconds),
    )
    progress(f"  {size:,} chunks: snapshot load, part by part")
    served = engine.holder.generations.candidates()[0][1]  # the generation just published
    result["snapshot_parts"] = snapshot_parts(served)
    del engine, served
    gc.collect()
    progress(f"  {size:,} chunks: start-up (open the store, load the snapshot)")
    result["startup_seconds"], engine = timed(lambda: build_engine(settings, embedder=embedder))
    snapshot = engine.holder.get().snapshot
    result["snapshot_load_seconds"] = snapshot.loaded_seconds
    result["sentences"] = len(snapshot.sentence_chunk)
    del snapshot
    progress(f"  {size:,} chunks: {ctx.options.scale_queries} queries")
    timed_queries = cycle(queries, ctx.options.scale_queries)
    millis, answers = time_calls(engine.ask, timed_queries, warmup=ctx.options.warmup)
    result.update(latency_figures(timed_queries, millis))
    result["retrieve_p50_ms"] = median([a.timings_ms.get("retrieve", 0.0) for a in answers])
    del answers
    result["rss_mb"] = rss_mb()
    result["peak_rss_mb"] = peak_rss_mb()


def stage_scale(ctx: BenchContext) -> dict[str, Any]:
    runs = []
    for size in ctx.options.scales:
        result: dict[str, Any] = {"chunks_requested": size}
        try:
            _scale_run(ctx, size, result)
        except Exception as exc:
            log.debug("scale run failed", exc_info=True)
            result["skipped"] = failure_reason(exc)
            result["peak_rss_mb"] = peak_rss_mb()
            progress(f"  {size:,} chunks: stopped: {result['skipped']}")
        finally:
            release_chroma()
            shutil.rmtree(ctx.root / f"scale-{size}", ignore_errors=True)
        runs.append(result)
    return {"embedder": scale_embedder().model_id, "note": SCALE_NOTE, "runs": runs}
