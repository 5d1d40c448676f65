"""`python -m bot bench`: indexing, answer latency, start-up, memory, and a LangChain baseline.

A benchmark, not a test: it prints a table (stage, figure, target, ok?) and
writes every figure as JSON. It runs offline in temporary folders; the
configured index is never touched. The machine is small and noisy, so
timings are medians of repeats and every ratio compares runs of one process.
Synthetic scale runs use a hashing embedder instead of the model: they
measure the store, BM25, snapshot load and retrieval, not embedding.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import importlib.metadata
import itertools
import json
import logging
import math
import os
import platform
import random
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from bot.evaluation import EvalQuestion, evaluate, key_terms_present, load_questions
from bot.wiring import PROJECT_ROOT, build_chroma_client, build_embedder, build_service
from config import Settings
from retrieval.chunking import chunk_document, make_splitter
from retrieval.embedding.minilm import SpanEmbedding
from retrieval.followup import standalone_question
from retrieval.indexer import Indexer, embedding_text
from retrieval.lexical import LexicalIndex
from retrieval.loaders import SUPPORTED_SUFFIXES, DocumentError, LoadedDocument, load_document
from retrieval.ports import Embedder

log = logging.getLogger(__name__)

COLD_QUESTION = "When was the 2024 state visit?"
# The indexer embeds each document's chunks 16 at a time (Indexer._embed_and_write).
INDEXER_BATCH = 16
TARGET_INDEX_OVER_MODEL = 1.2
TARGET_NOOP_SECONDS = 1.0
TARGET_COLD_SECONDS = 3.0
SCALE_NOTE = (
    "scale runs embed with a hashing bag-of-words embedder (384-d), not MiniLM:"
    " they measure the store, BM25, snapshot load and retrieval, not the model"
)


@dataclass(frozen=True)
class BenchOptions:
    output: Path = Path("bench-results/bench.json")
    questions: int = 200
    scales: tuple[int, ...] = (10_000, 50_000)
    baseline: bool = True
    repeats: int = 3  # full index, model alone, no-op re-index, baseline index
    cold_runs: int = 3
    warmup: int = 5
    scale_queries: int = 100


def parse_scales(text: str) -> tuple[int, ...]:
    """'10000,50000' → (10000, 50000); '' → (). Raises ValueError for anything else."""
    sizes = tuple(int(part) for part in text.replace(" ", "").split(",") if part)
    if any(n < 1 for n in sizes):
        raise ValueError("scale sizes must be positive chunk counts")
    return sizes


# Small measuring helpers ------------------------------------------------------
def _median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def _percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def _status_mb(key: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _rss_mb() -> float | None:
    """This process's resident memory now (Linux /proc), in MB."""
    return _status_mb("VmRSS")


def _peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    peak = _status_mb("VmHWM")  # same source as VmRSS, so peak >= now always holds
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _cycle(questions: Sequence[str], n: int) -> list[str]:
    return [questions[i % len(questions)] for i in range(n)] if questions else []


def _warmups(n: int) -> list[str]:
    # Not eval questions, so the timed run's first pass is not served from the query cache.
    return [f"Warm-up question {i}: what does the corpus say about trade?" for i in range(n)]


def _latency_figures(questions: Sequence[str], millis: Sequence[float]) -> dict[str, Any]:
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
        "p50_ms": _percentile(millis, 50),
        "p95_ms": _percentile(millis, 95),
        "first_pass_p50_ms": _median(first),
    }


def machine_facts() -> dict[str, Any]:
    """CPU, memory and library versions, to read every figure against."""
    cpu_model = platform.processor() or platform.machine()
    memory_mb = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_mb = int(line.split()[1]) // 1024
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for package in ("onnxruntime", "chromadb", "numpy", "langchain-core", "langchain-chroma"):
        try:
            versions[package] = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)),
        "cpu_model": cpu_model,
        "memory_total_mb": memory_mb,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        **{f"{name.replace('-', '_')}_version": v for name, v in versions.items()},
    }


# A fast stand-in embedder for the scale runs ----------------------------------
_WORD = re.compile(r"\w+")


class HashingEmbedder:
    """Signed feature hashing of words into 384 dimensions: deterministic, not a language model.

    Same interface as `MiniLMEmbedder`; a token is a word. `seconds` adds up
    the time spent embedding, so a run can tell the store's share from ours.
    """

    model_id = "bench-hashing-bow-384"
    dim = 384

    def __init__(self) -> None:
        self.seconds = 0.0
        self._slots: dict[str, int] = {}

    def _slot(self, word: str) -> int:
        slot = self._slots.get(word)
        if slot is None:
            digest = hashlib.blake2b(word.encode(), digest_size=8).digest()
            slot = int.from_bytes(digest, "little") % (2 * self.dim)
            if len(self._slots) < 1_000_000:
                self._slots[word] = slot
        return slot

    def _vector(self, text: str) -> np.ndarray:
        words = _WORD.findall(text.lower())
        counts = np.bincount(
            np.fromiter((self._slot(w) for w in words), np.int64, len(words)),
            minlength=2 * self.dim,
        ).astype(np.float32)
        v = counts[: self.dim] - counts[self.dim :]  # upper half of the slots counts negative
        norm = float(np.linalg.norm(v))
        if norm == 0.0:
            v[0] = 1.0
            return v
        return v / norm

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        started = time.perf_counter()
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, text in enumerate(texts):
            out[i] = self._vector(text)
        self.seconds += time.perf_counter() - started
        return out

    def embed_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> list[SpanEmbedding]:
        started = time.perf_counter()
        out = []
        for text, text_spans in zip(texts, spans, strict=True):
            vecs = np.zeros((len(text_spans), self.dim), np.float32)
            for j, (start, end) in enumerate(text_spans):
                vecs[j] = self._vector(text[start:end])
            out.append(SpanEmbedding(self._vector(text), vecs))
        self.seconds += time.perf_counter() - started
        return out

    def count_tokens(self, text: str) -> int:
        return len(_WORD.findall(text))


def write_synthetic_corpus(
    folder: Path, chunks: int, *, chunk_tokens: int, seed: int = 2024
) -> list[str]:
    """Write `chunks` paragraphs of random sentences as .txt files; returns sample queries.

    Each paragraph holds 75–95% of `chunk_tokens` words (one word is one
    `HashingEmbedder` token), so the chunker makes exactly one chunk of each.
    Files are written one paragraph at a time to keep memory flat.
    """
    rng = random.Random(seed)
    syllables = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
    vocabulary: list[str] = []
    known: set[str] = set()
    while len(vocabulary) < 8000:
        word = "".join(rng.choices(syllables, k=rng.randint(2, 4)))
        if word not in known:
            known.add(word)
            vocabulary.append(word)
    cum_weights = list(itertools.accumulate(1.0 / rank for rank in range(1, len(vocabulary) + 1)))
    low, high = max(20, int(chunk_tokens * 0.75)), max(25, int(chunk_tokens * 0.95))
    files = max(2, math.ceil(chunks / 500))
    query_every = max(1, chunks // 100)
    queries: list[str] = []
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for f in range(files):
        count = chunks // files + (1 if f < chunks % files else 0)
        with (folder / f"synthetic-{f:03d}.txt").open("w", encoding="utf-8") as out:
            for _ in range(count):
                words = rng.choices(vocabulary, cum_weights=cum_weights, k=rng.randint(low, high))
                sentences, i = [], 0
                while i < len(words):
                    length = rng.randint(10, 30)
                    if len(words) - (i + length) < 5:
                        length = len(words) - i
                    sentences.append(" ".join(words[i : i + length]).capitalize() + ".")
                    i += length
                out.write(" ".join(sentences) + "\n\n")
                if written % query_every == 0:
                    start = rng.randrange(max(1, len(words) - 6))
                    queries.append(" ".join(words[start : start + rng.randint(3, 6)]) + "?")
                written += 1
    return queries


# The run ----------------------------------------------------------------------
@dataclass
class _Context:
    settings: Settings
    options: BenchOptions
    embedder: Embedder
    root: Path
    eval_questions: list[EvalQuestion]
    service: Any = None
    data_dir: Path | None = None
    baseline_store: Any = None
    baseline_index: dict[str, Any] | None = None
    baseline_error: str | None = None

    @property
    def timed_questions(self) -> list[str]:
        return _cycle([q.question for q in self.eval_questions], self.options.questions)

    def bench_settings(self, **update: Any) -> Settings:
        """The settings with a temp data dir, the embedded store and the extractive composer."""
        base = {"chroma_url": None, "llm": "none", "embeddings": "minilm"}
        return self.settings.model_copy(update={**base, **update})


def _source_name(path: Path) -> str:
    """As the indexer names it: repository-relative when under the project, else absolute."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return resolved.as_posix()


def _corpus_texts(ctx: _Context) -> tuple[list[LoadedDocument], list[tuple[list[str], list[Any]]]]:
    """The documents the indexer would load and, per document, the texts and spans it embeds."""
    s = ctx.settings
    max_bytes = int(s.max_document_mb * 1_000_000)
    splitter = make_splitter(ctx.embedder.count_tokens, s.chunk_tokens, s.chunk_overlap)
    docs, batches = [], []
    for path in Indexer.discover(s.corpus_dir):
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        try:
            doc = load_document(path, _source_name(path), max_bytes=max_bytes)
        except (DocumentError, OSError):
            continue
        drafts = chunk_document(doc, splitter)
        if not drafts:
            continue
        texts, spans = [], []
        for d in drafts:
            text, offset = embedding_text(doc.title, d.section, d.text)
            texts.append(text)
            spans.append([(a + offset, b + offset) for a, b in d.sentences])
        docs.append(doc)
        batches.append((texts, spans))
    return docs, batches


def _index_ours(ctx: _Context, r: int) -> tuple[float, Any]:
    """One full index into a fresh Chroma; the last one stays for the later stages."""
    data_dir = ctx.root / f"index-{r}"
    service = build_service(ctx.bench_settings(data_dir=data_dir), embedder=ctx.embedder)
    started = time.perf_counter()
    stats = service.reindex("bench")
    seconds = time.perf_counter() - started
    if not stats.chunks:
        raise RuntimeError(f"no chunks indexed from {ctx.settings.corpus_dir}")
    ctx.service, ctx.data_dir = service, data_dir
    return seconds, stats


def _embed_alone(ctx: _Context, per_doc: list[tuple[list[str], list[Any]]]) -> float:
    """The indexer's embedding calls alone: same texts, same spans, same batches."""
    if not per_doc:
        raise RuntimeError("no chunk texts to embed")
    started = time.perf_counter()
    for texts, spans in per_doc:
        for i in range(0, len(texts), INDEXER_BATCH):
            ctx.embedder.embed_spans(texts[i : i + INDEXER_BATCH], spans[i : i + INDEXER_BATCH])
    return time.perf_counter() - started


def _index_baseline(ctx: _Context, r: int) -> tuple[float, dict[str, Any]]:
    """Plain LangChain indexing: 1000-character chunks into `Chroma.from_documents`."""
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from retrieval.embedding.adapters import LangChainEmbeddings

    started = time.perf_counter()
    loaded, _ = _corpus_texts(ctx)
    source_docs = [
        Document(
            page_content="\n\n".join([d.title] + [f"{s.heading}\n{s.text}" for s in d.sections]),
            metadata={"source": d.source, "title": d.title},
        )
        for d in loaded
    ]
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
    chunks = splitter.split_documents(source_docs)
    client = build_chroma_client(ctx.bench_settings(data_dir=ctx.root / f"baseline-{r}"))
    ctx.baseline_store = Chroma.from_documents(
        chunks, LangChainEmbeddings(ctx.embedder), client=client, collection_name="baseline"
    )
    return time.perf_counter() - started, {"documents": len(loaded), "chunks": len(chunks)}


def stage_indexing(ctx: _Context) -> dict[str, Any]:
    """Full index, model alone and the baseline index, taking turns round by round.

    The machine's load drifts during a run; rotating who goes first in each
    round keeps the ratios between them fair.
    """
    _, per_doc = _corpus_texts(ctx)
    runners: dict[str, Callable[[int], tuple[float, Any]]] = {
        "full_index": lambda r: _index_ours(ctx, r),
        "model_alone": lambda r: (_embed_alone(ctx, per_doc), None),
    }
    if ctx.options.baseline:
        runners["baseline"] = lambda r: _index_baseline(ctx, r)
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
                errors[part] = _reason(exc)
                continue
            runs[part].append(seconds)
        done = [f"{part} {runs[part][-1]:.1f} s" for part in parts if len(runs[part]) == r + 1]
        _stderr(f"  round {r + 1}: {', '.join(done) or 'nothing finished'}")

    def by_round(a: str, b: str) -> list[float]:
        # A part that fails stops for good, so round i is the i-th run of each.
        return [x / y for x, y in zip(runs[a], runs.get(b, ()), strict=False) if y]

    out: dict[str, dict[str, Any]] = {}
    for part in ("full_index", "model_alone"):
        if part in errors or not runs[part]:
            out[part] = {"skipped": errors.get(part, "no runs (repeats is 0)")}
    if "full_index" not in out:
        stats = last["full_index"]
        seconds = _median(runs["full_index"])
        out["full_index"] = {
            "documents": stats.added,
            "chunks": stats.chunks,
            "skipped_documents": len(stats.skipped),
            "seconds": seconds,
            "seconds_runs": runs["full_index"],
            "sync_seconds": stats.seconds,
            "snapshot_load_seconds": ctx.service.holder.get().snapshot.loaded_seconds,
            "chunks_per_second": stats.chunks / seconds,
            "over_model_alone_by_round": by_round("full_index", "model_alone"),
        }
    if "model_alone" not in out:
        chunks = sum(len(texts) for texts, _ in per_doc)
        seconds = _median(runs["model_alone"])
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
                "index_seconds": _median(runs["baseline"]),
                "index_seconds_runs": runs["baseline"],
                "ours_over_baseline_by_round": by_round("full_index", "baseline"),
            }
    return out


def stage_noop_reindex(ctx: _Context) -> dict[str, Any]:
    runs, embedded = [], 0
    for _ in range(max(3, ctx.options.repeats)):
        started = time.perf_counter()
        stats = ctx.service.reindex("bench")
        runs.append(time.perf_counter() - started)
        embedded += stats.embedded_chunks
    return {"seconds": _median(runs), "seconds_runs": runs, "embedded_chunks": embedded}


def stage_warm_ask(ctx: _Context) -> dict[str, Any]:
    service = ctx.service
    for q in _warmups(ctx.options.warmup):
        service.ask(q)
    questions = ctx.timed_questions
    millis, retrieve, compose, abstained = [], [], [], 0
    for q in questions:
        started = time.perf_counter()
        answer = service.ask(q)
        millis.append((time.perf_counter() - started) * 1000)
        retrieve.append(answer.timings_ms.get("retrieve", 0.0))
        compose.append(answer.timings_ms.get("compose", 0.0))
        abstained += answer.abstained
    return {
        "warmup": ctx.options.warmup,
        **_latency_figures(questions, millis),
        "retrieve_p50_ms": _median(retrieve),
        "compose_p50_ms": _median(compose),
        "abstained": abstained,
    }


def stage_memory(ctx: _Context) -> dict[str, Any]:
    return {"peak_rss_mb": _peak_rss_mb(), "rss_mb": _rss_mb()}


def stage_chain_overhead(ctx: _Context) -> dict[str, Any]:
    """The same questions through `service.chain` and through retrieve + answer directly."""
    service = ctx.service
    via_chain, direct, diffs = [], [], []
    for i, q in enumerate(ctx.timed_questions):
        question = service.check_question(q)
        query = standalone_question(question, ())

        def chain(question: str = question, query: str = query) -> None:
            service.chain.invoke({"question": question, "query": query})

        def plain(question: str = question, query: str = query) -> None:
            docs = service.retriever.retrieve(service.holder.get(), query)
            service.composer.answer(question, query, docs)

        order: list[Callable[[], None]] = [chain, plain] if i % 2 == 0 else [plain, chain]
        took = {}
        for run in order:
            started = time.perf_counter()
            run()
            took[run] = (time.perf_counter() - started) * 1000
        via_chain.append(took[chain])
        direct.append(took[plain])
        diffs.append(took[chain] - took[plain])
    return {
        "questions": len(diffs),
        "chain_p50_ms": _median(via_chain),
        "direct_p50_ms": _median(direct),
        "overhead_ms": _median(diffs),
    }


def stage_accuracy(ctx: _Context) -> dict[str, Any]:
    report = evaluate(ctx.service, ctx.eval_questions)
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


# A child forked from this process would report this process's RSS high-water mark as
# its own (Linux keeps it across fork and exec), so a tiny launcher starts the child,
# times it from spawn to exit and reads its rusage.
_LAUNCHER = """
import json, os, sys, time
report, cmd = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
pid = os.posix_spawn(cmd[0], cmd, os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
with open(report, "w") as f:
    json.dump({"seconds": seconds, "returncode": os.waitstatus_to_exitcode(status),
               "peak_rss_kb": usage.ru_maxrss}, f)
"""


def _spawn(cmd: list[str], env: dict[str, str], timeout: float = 180.0) -> dict[str, Any]:
    """Run cmd; wall seconds from spawn to exit, exit code, output, and the child's peak RSS."""
    with tempfile.TemporaryDirectory(prefix="bot-bench-spawn-") as tmp:
        report, out, err = Path(tmp, "report.json"), Path(tmp, "out"), Path(tmp, "err")
        with out.open("wb") as stdout, err.open("wb") as stderr:
            launcher = subprocess.Popen(
                [sys.executable, "-c", _LAUNCHER, str(report), *cmd],
                stdout=stdout,
                stderr=stderr,
                env=env,
                start_new_session=True,  # so a timeout can stop the launcher and its child
            )
            try:
                launcher.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(launcher.pid, signal.SIGKILL)
                launcher.wait()
                raise RuntimeError(f"{' '.join(cmd[1:])[:80]} ran over {timeout:.0f} s") from None
        child = json.loads(report.read_text()) if report.exists() else {}
        return {
            "seconds": child.get("seconds", 0.0),
            "returncode": child.get("returncode", -1),
            "stdout": out.read_text("utf-8", "replace"),
            "stderr": err.read_text("utf-8", "replace"),
            "peak_rss_mb": child.get("peak_rss_kb", 0) / 1024,
        }


def stage_cold_start(ctx: _Context) -> dict[str, Any]:
    assert ctx.data_dir is not None
    env = dict(os.environ)
    env.update(
        BOT_DATA_DIR=str(ctx.data_dir.resolve()),
        BOT_CORPUS_DIR=str(ctx.settings.corpus_dir.resolve()),
        BOT_LLM="none",
        BOT_EMBEDDINGS="minilm",
        BOT_CHROMA_URL="",
        ANONYMIZED_TELEMETRY="False",
    )
    ask = [sys.executable, "-m", "bot", "ask", "--json", COLD_QUESTION]
    runs, rss = [], []
    answer: dict[str, Any] = {}
    for _ in range(ctx.options.cold_runs):
        child = _spawn(ask, env)
        if child["returncode"] != 0:
            tail = child["stderr"].strip().splitlines()[-1:] or ["no output"]
            raise RuntimeError(f"`bot ask` exited {child['returncode']}: {tail[0][:200]}")
        answer = json.loads(child["stdout"].splitlines()[0])
        runs.append(child["seconds"])
        rss.append(child["peak_rss_mb"])
    python = [_spawn([sys.executable, "-c", "pass"], env)["seconds"] for _ in range(3)]
    # One more run, untimed, only to see where start-up goes: module imports.
    traced = _spawn([sys.executable, "-X", "importtime", *ask[1:]], env)
    imports = _import_seconds(traced["stderr"])
    return {
        "question": COLD_QUESTION,
        "seconds": _median(runs),
        "seconds_runs": runs,
        "python_startup_seconds": _median(python),
        "import_seconds": sum(imports.values()),
        "heaviest_imports_seconds": dict(sorted(imports.items(), key=lambda kv: -kv[1])[:8]),
        "peak_rss_mb": max(rss),
        "abstained": bool(answer.get("abstained")),
        "citations": len(answer.get("citations") or ()),
    }


def _import_seconds(importtime: str) -> dict[str, float]:
    """Seconds spent importing each top-level package, from `python -X importtime` output.

    Sums each module's own ("self") time under its package, so nothing is counted twice.
    """
    out: dict[str, float] = {}
    for line in importtime.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if not line.startswith("import time:") or len(parts) != 3 or not parts[0].strip().isdigit():
            continue
        package = parts[2].strip().split(".")[0]
        out[package] = out.get(package, 0.0) + int(parts[0]) / 1e6
    return out


def stage_baseline(ctx: _Context) -> dict[str, Any]:
    """Plain LangChain RAG: `similarity_search(k=4)`, the top chunk's text as the answer."""
    if ctx.baseline_error or ctx.baseline_index is None:
        raise RuntimeError(f"baseline index failed: {ctx.baseline_error or 'not built'}")
    store = ctx.baseline_store
    for q in _warmups(ctx.options.warmup):
        store.similarity_search(q, k=4)
    questions = ctx.timed_questions
    millis = []
    for q in questions:
        started = time.perf_counter()
        store.similarity_search(q, k=4)
        millis.append((time.perf_counter() - started) * 1000)
    correct = in_corpus = 0
    for eq in ctx.eval_questions:
        if eq.kind == "out_of_corpus":
            continue  # the baseline never abstains: wrong by construction
        in_corpus += 1
        hits = store.similarity_search(eq.question, k=4)
        correct += bool(hits) and key_terms_present(hits[0].page_content, eq.key_terms)
    total = len(ctx.eval_questions)
    return {
        **ctx.baseline_index,
        **_latency_figures(questions, millis),
        "in_corpus": in_corpus,
        "out_of_corpus": total - in_corpus,
        "in_corpus_accuracy": correct / in_corpus if in_corpus else 0.0,
        "overall_accuracy": correct / total if total else 0.0,
        "answer": "the top chunk's text (about 1000 characters): a lenient bar for key terms",
    }


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn()
    return time.perf_counter() - started, value


def _snapshot_parts(store: Any) -> dict[str, float]:
    """Seconds for each part of a snapshot load: chunk rows, sentence vectors, BM25."""
    read_chunks, (_, texts, metas) = _timed(store.all_chunks)
    read_vectors, vectors = _timed(store.all_sentence_vectors)
    del vectors
    docs = [
        f"{m.get('title', '')} {m.get('section', '')} {t}"
        for t, m in zip(texts, metas, strict=True)
    ]
    bm25, _ = _timed(lambda: LexicalIndex(docs))
    return {
        "read_chunks_seconds": read_chunks,
        "read_sentence_vectors_seconds": read_vectors,
        "bm25_build_seconds": bm25,
    }


def _scale_run(ctx: _Context, size: int, result: dict[str, Any]) -> None:
    """Fill `result` as the run goes, so a failure late in the run keeps the early figures."""
    folder = ctx.root / f"scale-{size}"
    corpus = folder / "corpus"
    result["rss_before_mb"] = _rss_mb()
    _stderr(f"  {size:,} chunks: writing the synthetic corpus")
    result["generate_seconds"], queries = _timed(
        lambda: write_synthetic_corpus(corpus, size, chunk_tokens=ctx.settings.chunk_tokens)
    )
    result["corpus_mb"] = sum(p.stat().st_size for p in corpus.iterdir()) / 1e6
    embedder = HashingEmbedder()
    settings = ctx.bench_settings(data_dir=folder / "data", corpus_dir=corpus)
    _stderr(f"  {size:,} chunks: indexing ({result['corpus_mb']:.0f} MB of text)")
    service = build_service(settings, embedder=embedder)
    stats = service.indexer.sync(corpus)  # the store side of a re-index, without the reload
    result.update(
        documents=stats.added,
        chunks=stats.chunks,
        index_seconds=stats.seconds,
        index_embed_seconds=embedder.seconds,
        chunks_per_second=stats.chunks / stats.seconds,
        chunks_per_second_without_embedding=stats.chunks / (stats.seconds - embedder.seconds),
    )
    _stderr(f"  {size:,} chunks: snapshot load, part by part")
    result["snapshot_parts"] = _snapshot_parts(service.holder.get().store)
    del service
    gc.collect()
    _stderr(f"  {size:,} chunks: start-up (open the store, load the snapshot)")
    result["startup_seconds"], service = _timed(lambda: build_service(settings, embedder=embedder))
    snapshot = service.holder.get().snapshot
    result["snapshot_load_seconds"] = snapshot.loaded_seconds
    result["sentences"] = len(snapshot.sentence_chunk)
    del snapshot
    _stderr(f"  {size:,} chunks: {ctx.options.scale_queries} queries")
    for q in _warmups(ctx.options.warmup):
        service.ask(q)
    timed = _cycle(queries, ctx.options.scale_queries)
    millis, retrieve = [], []
    for q in timed:
        t0 = time.perf_counter()
        answer = service.ask(q)
        millis.append((time.perf_counter() - t0) * 1000)
        retrieve.append(answer.timings_ms.get("retrieve", 0.0))
    result.update(_latency_figures(timed, millis))
    result["retrieve_p50_ms"] = _median(retrieve)
    result["rss_mb"] = _rss_mb()
    result["peak_rss_mb"] = _peak_rss_mb()


def stage_scale(ctx: _Context) -> dict[str, Any]:
    runs = []
    for size in ctx.options.scales:
        result: dict[str, Any] = {"chunks_requested": size}
        try:
            _scale_run(ctx, size, result)
        except Exception as exc:
            log.debug("scale run failed", exc_info=True)
            result["skipped"] = _reason(exc)
            result["peak_rss_mb"] = _peak_rss_mb()
            _stderr(f"  {size:,} chunks: stopped: {result['skipped']}")
        finally:
            _release_chroma()
            shutil.rmtree(ctx.root / f"scale-{size}", ignore_errors=True)
        runs.append(result)
    return {"embedder": HashingEmbedder.model_id, "note": SCALE_NOTE, "runs": runs}


def _release_chroma() -> None:
    """Drop chromadb's per-path client cache so finished scale runs free their memory."""
    try:
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    except Exception:
        log.debug("could not clear chromadb's client cache", exc_info=True)
    gc.collect()


def _reason(exc: BaseException) -> str:
    return f"{exc.__class__.__name__}: {exc}"[:300]


# Orchestration ----------------------------------------------------------------
Stage = tuple[tuple[str, ...], str, Callable[[_Context], dict[str, Any]], tuple[str, ...]]


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
        ctx = _Context(settings, options, embedder, Path(tmp), load_questions())
        stages = _stages(options)
        for n, (keys, title, fn, needs) in enumerate(stages, 1):
            _stderr(f"bench [{n}/{len(stages)}] {title}…")
            missing = [k for k in needs if k not in results or "skipped" in results[k]]
            if missing:
                for key in keys:
                    results[key] = {"skipped": f"needs {', '.join(missing)}"}
                _stderr(f"  skipped: needs {', '.join(missing)}")
                continue
            t0 = time.perf_counter()
            try:
                out = fn(ctx)
                results.update(out if len(keys) > 1 else {keys[0]: out})
            except Exception as exc:
                log.debug("bench stage %s failed", title, exc_info=True)
                for key in keys:
                    results[key] = {"skipped": _reason(exc)}
                _stderr(f"  skipped: {_reason(exc)}")
                continue
            _stderr(f"  done in {time.perf_counter() - t0:.1f} s")
        ctx.service = None
        _release_chroma()
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


def _figure(results: dict[str, Any], stage: str, name: str) -> float | None:
    value = results.get(stage, {}).get(name)
    return float(value) if isinstance(value, int | float) else None


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def ratios(results: dict[str, Any]) -> dict[str, float | None]:
    """Ratios between figures of this run (None where a side is missing or zero)."""

    def f(stage: str, name: str) -> float | None:
        return _figure(results, stage, name)

    def paired(stage: str, name: str) -> float | None:
        # Rounds took turns under the same load, so the median of per-round ratios
        # is steadier than the ratio of two medians on a shared machine.
        values = results.get(stage, {}).get(name) or []
        return _median(values) if values and "skipped" not in results.get(stage, {}) else None

    return {
        "full_index_over_model_alone": paired("full_index", "over_model_alone_by_round")
        or _ratio(f("full_index", "seconds"), f("model_alone", "seconds")),
        "index_seconds_ours_over_baseline": paired("baseline", "ours_over_baseline_by_round")
        or _ratio(f("full_index", "seconds"), f("baseline", "index_seconds")),
        # First-pass p50s: neither side answers from a cache.
        "p50_latency_ours_over_baseline": _ratio(
            f("warm_ask", "first_pass_p50_ms"), f("baseline", "first_pass_p50_ms")
        ),
        "in_corpus_accuracy_ours_over_baseline": _ratio(
            f("accuracy", "in_corpus_accuracy"), f("baseline", "in_corpus_accuracy")
        ),
        "overall_accuracy_ours_over_baseline": _ratio(
            f("accuracy", "overall_accuracy"), f("baseline", "overall_accuracy")
        ),
    }


# Rendering --------------------------------------------------------------------
Row = tuple[str, str, str, str, str]


def _check(value: float | None, limit: float) -> str:
    return "" if value is None else ("yes" if value <= limit else "NO")


def _short(text: str, width: int = 72) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _skip_reasons(report: dict[str, Any]) -> list[tuple[str, str]]:
    """(stage, reason) of every skipped stage or stopped scale run."""
    out = []
    for key, d in report["stages"].items():
        if "skipped" in d:
            out.append((key, str(d["skipped"])))
        for run in d.get("runs", ()):
            if "skipped" in run:
                out.append((f"scale {run['chunks_requested']:,}", str(run["skipped"])))
    return out


def table_rows(report: dict[str, Any]) -> list[Row]:
    """(stage, figure, value, target, ok) rows for every figure worth reading."""
    s, r = report["stages"], report["ratios"]
    rows: list[Row] = []

    def add(stage: str, figure: str, value: str, target: str = "", ok: str = "") -> None:
        rows.append((stage, figure, value, target, ok))

    def usable(key: str, stage: str) -> dict[str, Any] | None:
        d: dict[str, Any] = s.get(key, {"skipped": "not run"})
        if "skipped" in d:
            add(stage, "skipped", _short(str(d["skipped"])))
            return None
        return d

    if d := usable("full_index", "full index"):
        runs = len(d["seconds_runs"])
        add("full index", "documents / chunks", f"{d['documents']} / {d['chunks']}")
        add("full index", f"seconds (median of {runs})", f"{d['seconds']:.2f} s")
        add("full index", "chunks/s", f"{d['chunks_per_second']:.1f}")
        add("full index", "snapshot load after it", f"{d['snapshot_load_seconds']:.3f} s")
    if d := usable("model_alone", "model alone"):
        add("model alone", f"seconds (median of {len(d['seconds_runs'])})", f"{d['seconds']:.2f} s")
        add("model alone", "chunks/s", f"{d['chunks_per_second']:.1f}")
        ratio = r["full_index_over_model_alone"]
        if ratio is not None:
            limit = TARGET_INDEX_OVER_MODEL
            add(
                "full index",
                "÷ model alone (per-round median)",
                f"{ratio:.2f}",
                f"≤ {limit}",
                _check(ratio, limit),
            )
    if d := usable("noop_reindex", "no-op re-index"):
        limit = TARGET_NOOP_SECONDS
        add(
            "no-op re-index",
            f"seconds (median of {len(d['seconds_runs'])})",
            f"{d['seconds']:.3f} s",
            f"≤ {limit:g} s",
            _check(d["seconds"], limit),
        )
    if d := usable("warm_ask", "warm ask"):
        add("warm ask", f"p50 / p95 ({d['questions']} asks)", _ms(d["p50_ms"], d["p95_ms"]))
        add("warm ask", "p50, first asks (uncached)", f"{d['first_pass_p50_ms']:.1f} ms")
        add("warm ask", "retrieve / compose p50", _ms(d["retrieve_p50_ms"], d["compose_p50_ms"]))
    if d := usable("chain_overhead", "LangChain layers"):
        add("LangChain layers", "chain / direct p50", _ms(d["chain_p50_ms"], d["direct_p50_ms"]))
        add("LangChain layers", "chain − direct (median)", f"{d['overhead_ms']:+.2f} ms")
    if d := usable("memory", "memory"):
        add("memory", "peak RSS after warm run", f"{d['peak_rss_mb']:.0f} MB")
    if d := usable("cold_start", "cold start"):
        limit = TARGET_COLD_SECONDS
        add(
            "cold start",
            f"spawn → answer (median of {len(d['seconds_runs'])})",
            f"{d['seconds']:.2f} s",
            f"≤ {limit:g} s",
            _check(d["seconds"], limit),
        )
        heavy = ", ".join(
            f"{k} {v:.2f}" for k, v in list(d["heaviest_imports_seconds"].items())[:3]
        )
        add("cold start", "imports (-X importtime run)", f"{d['import_seconds']:.2f} s ({heavy} …)")
        add("cold start", "python -c pass", f"{d['python_startup_seconds']:.3f} s")
        add(
            "cold start",
            "model load (in this process)",
            f"{report['config']['model_load_seconds']:.2f} s",
        )
        add("cold start", "child peak RSS", f"{d['peak_rss_mb']:.0f} MB")
    if d := usable("accuracy", "accuracy (ours)"):
        add(
            "accuracy (ours)",
            "in-corpus / overall",
            _pct(d["in_corpus_accuracy"], d["overall_accuracy"]),
        )
    if d := usable("baseline", "LangChain baseline"):
        add(
            "LangChain baseline",
            "chunks / index seconds",
            f"{d['chunks']} / {d['index_seconds']:.2f} s",
        )
        add("LangChain baseline", "query p50 / p95", _ms(d["p50_ms"], d["p95_ms"]))
        add("LangChain baseline", "p50, first asks", f"{d['first_pass_p50_ms']:.1f} ms")
        add(
            "LangChain baseline",
            "in-corpus / overall",
            _pct(d["in_corpus_accuracy"], d["overall_accuracy"]),
        )
    if d := usable("scale", "scale"):
        for run in d["runs"]:
            _scale_rows(add, run)
    return rows


def _scale_rows(add: Callable[..., None], run: dict[str, Any]) -> None:
    stage = f"scale {run['chunks_requested']:,}"
    if "chunks" in run:
        add(stage, "documents / chunks", f"{run['documents']} / {run['chunks']:,}")
        add(
            stage,
            "index chunks/s (hashing embedder)",
            f"{run['chunks_per_second']:.0f} ({run['chunks_per_second_without_embedding']:.0f}"
            " without embedding)",
        )
    if "snapshot_parts" in run:
        p = run["snapshot_parts"]
        add(
            stage,
            "read chunks / vectors / BM25",
            f"{p['read_chunks_seconds']:.2f} / {p['read_sentence_vectors_seconds']:.2f}"
            f" / {p['bm25_build_seconds']:.2f} s",
        )
    if "startup_seconds" in run:
        add(
            stage,
            "start-up (snapshot load)",
            f"{run['startup_seconds']:.2f} s ({run['snapshot_load_seconds']:.2f} s)",
        )
    if "p50_ms" in run:
        add(stage, f"query p50 / p95 ({run['questions']})", _ms(run["p50_ms"], run["p95_ms"]))
        add(stage, "RSS after (peak)", f"{run['rss_mb']:.0f} MB ({run['peak_rss_mb']:.0f} MB)")
    if "skipped" in run:
        add(stage, "stopped", _short(str(run["skipped"])))


def _ms(a: float, b: float) -> str:
    return f"{a:.1f} / {b:.1f} ms"


def _pct(a: float, b: float) -> str:
    return f"{a:.1%} / {b:.1%}"


def render_report(report: dict[str, Any]) -> str:
    rows = [("stage", "figure", "value", "target", "ok?"), *table_rows(report)]
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    r = report["ratios"]
    names = [
        ("index time", "index_seconds_ours_over_baseline"),
        ("p50 latency (first asks)", "p50_latency_ours_over_baseline"),
        ("in-corpus accuracy", "in_corpus_accuracy_ours_over_baseline"),
        ("overall accuracy", "overall_accuracy_ours_over_baseline"),
    ]
    shown = [f"{label} {r[key]:.2f}×" for label, key in names if r.get(key) is not None]
    if shown:
        lines += ["", "ours ÷ LangChain baseline (same run): " + ", ".join(shown)]
    long_reasons = [(k, why) for k, why in _skip_reasons(report) if _short(why) != why]
    if long_reasons:
        lines += ["", *(f"{key} skipped: {why}" for key, why in long_reasons)]
    if "runs" in report["stages"].get("scale", {}):
        lines += ["", f"note: {SCALE_NOTE}"]
    m = report["machine"]
    lines += [
        "",
        f"machine: {m['cpu_model']}, {m['cpu_count']} CPUs, Python {m['python']},"
        f" onnxruntime {m['onnxruntime_version']}, {m['date']}",
        f"load average (1, 5, 15 min) at start {m['load_average_at_start']},"
        f" at end {m['load_average']} (a shared machine: load slows every figure)",
    ]
    return "\n".join(lines)


def _rounded(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, 4)
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_rounded(v) for v in obj]
    return obj


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
    report = _rounded(run_bench(settings, options, embedder=embedder))
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    print(render_report(report))
    print(f"\nwrote {options.output}")
    return 0
