"""What every stage shares: the run's options, and the state one stage leaves for the next."""

from __future__ import annotations

import gc
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.timing import cycle
from bot.evaluation import EvalQuestion
from config import Settings
from retrieval.engine import AnswerEngine
from retrieval.ports import Embedder

log = logging.getLogger(__name__)


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


@dataclass
class BenchContext:
    """The run's inputs, and what the indexing stage leaves for the stages after it."""

    settings: Settings
    options: BenchOptions
    embedder: Embedder
    root: Path
    eval_questions: list[EvalQuestion]
    engine: AnswerEngine | None = None  # over the last full index, for the stages after it
    data_dir: Path | None = None
    baseline_store: Any = None
    baseline_index: dict[str, Any] | None = None
    baseline_error: str | None = None

    @property
    def indexed(self) -> AnswerEngine:
        """The engine the indexing stage left (stages after it need it)."""
        if self.engine is None:
            raise RuntimeError("no full index was built")
        return self.engine

    @property
    def timed_questions(self) -> list[str]:
        return cycle([q.question for q in self.eval_questions], self.options.questions)

    def bench_settings(self, **update: Any) -> Settings:
        """The settings with a temp data dir, the embedded store and the extractive composer."""
        base = {"chroma_url": None, "llm": "none", "embeddings": "minilm"}
        return self.settings.model_copy(update={**base, **update})


def progress(message: str) -> None:
    """A progress line on stderr; stdout carries only the table."""
    print(message, file=sys.stderr, flush=True)


def failure_reason(exc: BaseException) -> str:
    """How a failed stage or run is recorded: the exception's class and message, cut short."""
    return f"{exc.__class__.__name__}: {exc}"[:300]


def release_chroma() -> None:
    """Drop chromadb's per-path client cache so finished scale runs free their memory."""
    try:
        from chromadb.api.client import SharedSystemClient

        SharedSystemClient.clear_system_cache()
    except Exception:
        log.debug("could not clear chromadb's client cache", exc_info=True)
    gc.collect()
