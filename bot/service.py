"""The core service every front end calls: ask, summarize, sources, reindex.

Thread-safe: adapters call it from worker threads. Queries read one index
snapshot each; a re-index publishes a new snapshot only when it is complete.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from retrieval.chain import Composer, build_answer_chain
from retrieval.compose import ABSTAIN_MESSAGE
from retrieval.followup import QuestionRewriter
from retrieval.indexer import Indexer, Progress
from retrieval.models import Answer, IndexStats, SourceInfo, Turn
from retrieval.retriever import HybridRetriever, IndexHolder, chunk_to_document
from retrieval.text import terms
from retrieval.writelock import IndexLocked

log = logging.getLogger(__name__)


class Summarizer(Protocol):
    def summarize(self, topic: str, docs: list[Any], *, by_document: bool = False) -> Answer: ...


class QuestionError(ValueError):
    """The question is empty or too long; str() tells the user what to do."""


class ReindexInProgress(RuntimeError):
    """Another re-index is running (here or in another process); only one runs at a time."""


class QAService:
    """Answers questions from the current index and keeps the index in sync."""

    def __init__(
        self,
        holder: IndexHolder,
        indexer: Indexer,
        retriever: HybridRetriever,
        composer: Composer,
        summarizer: Summarizer,
        *,
        corpus_dir: Path,
        max_question_chars: int = 2000,
        rewriter: QuestionRewriter | None = None,
    ) -> None:
        self.holder = holder
        self.indexer = indexer
        self.retriever = retriever
        self.composer = composer
        self.summarizer = summarizer
        self.corpus_dir = corpus_dir
        self.max_question_chars = max_question_chars
        self.rewriter = rewriter or QuestionRewriter()
        self.chain = build_answer_chain(retriever, composer)
        self._reindex_lock = threading.Lock()

    # Index lifecycle ---------------------------------------------------------
    def load(self) -> None:
        """Load the stored index into memory (call once at start-up)."""
        view = self.holder.reload()
        if self.holder.warning:
            log.warning("%s", self.holder.warning)
        log.info(
            "index loaded: %d chunks, %d documents in %.0f ms",
            len(view.snapshot.chunks),
            len(view.snapshot.documents),
            view.snapshot.loaded_seconds * 1000,
        )

    @property
    def index_warning(self) -> str:
        """Non-empty when the newest index could not be opened and an older one serves."""
        return self.holder.warning

    @property
    def is_indexed(self) -> bool:
        return bool(self.holder.get().snapshot.chunks)

    def reindex(self, actor: str = "cli", progress: Progress | None = None) -> IndexStats:
        """Sync the index with the corpus folder. Raises ReindexInProgress if one is running."""
        if not self._reindex_lock.acquire(blocking=False):
            raise ReindexInProgress("a re-index is already running; try again when it finishes")
        try:
            log.info("re-index started by %s", actor)
            try:
                stats = self.indexer.sync(self.corpus_dir, progress)
            except IndexLocked as exc:
                raise ReindexInProgress(str(exc)) from None
            self.holder.reload()
            log.info(
                "re-index by %s done: +%d ~%d -%d =%d, %d chunks, %d skipped, %.1fs",
                actor,
                stats.added,
                stats.updated,
                stats.deleted,
                stats.unchanged,
                stats.chunks,
                len(stats.skipped),
                stats.seconds,
            )
            return stats
        finally:
            self._reindex_lock.release()

    @property
    def reindex_running(self) -> bool:
        return self._reindex_lock.locked()

    # Questions ---------------------------------------------------------------
    def check_question(self, question: str) -> str:
        question = " ".join(question.split())
        if not question:
            raise QuestionError("Ask a question, for example: When was the 2024 state visit?")
        if len(question) > self.max_question_chars:
            raise QuestionError(
                f"That question is {len(question):,} characters long; the limit is "
                f"{self.max_question_chars:,}. Please shorten it."
            )
        return question

    def ask(self, question: str, history: Sequence[Turn] = ()) -> Answer:
        """A cited answer (or an abstention). Raises QuestionError for empty/too long input."""
        started = time.perf_counter()
        question = self.check_question(question)
        self.holder.refresh_if_moved()
        query = self.rewriter.rewrite(question, history)
        answer: Answer = self.chain.invoke({"question": question, "query": query})
        timings = dict(answer.timings_ms)
        timings["total"] = (time.perf_counter() - started) * 1000
        return replace(answer, timings_ms=timings)

    def summarize(self, topic: str | None = None) -> Answer:
        """4–8 cited sentences on a topic or document; no topic: every document in brief."""
        started = time.perf_counter()
        view = self.holder.get()
        snap = view.snapshot
        topic = " ".join((topic or "").split())
        if not snap.chunks:
            return Answer(question=topic, answer=ABSTAIN_MESSAGE, abstained=True)
        source = self._match_document(topic) if topic else None
        if not topic:  # the whole corpus, one line per document
            docs = [
                chunk_to_document(view, p, 0.0) for s in snap.documents for p in snap.documents[s]
            ]
            answer = self.summarizer.summarize("", docs, by_document=True)
        elif source:  # one document: its most central points
            docs = [chunk_to_document(view, p, 0.0) for p in snap.documents[source]]
            answer = replace(self.summarizer.summarize("", docs), question=topic)
        else:
            r0 = time.perf_counter()
            docs = self.retriever.retrieve(view, topic, top_k=12, per_doc=3)
            answer = self.summarizer.summarize(topic, docs)
            answer.timings_ms["retrieve"] = (time.perf_counter() - r0) * 1000
        timings = dict(answer.timings_ms)
        timings["total"] = (time.perf_counter() - started) * 1000
        return replace(answer, timings_ms=timings)

    def _match_document(self, topic: str) -> str | None:
        """The source a topic names: its path, file name, or (nearly) its title."""
        snap = self.holder.get().snapshot
        lowered = topic.lower().strip()
        for source in snap.documents:
            if lowered in (source.lower(), Path(source).name.lower(), Path(source).stem.lower()):
                return source
        wanted = set(terms(topic))
        if not wanted:
            return None
        best, best_score = None, 0.0
        for source, positions in snap.documents.items():
            title = str(snap.chunks[positions[0]].metadata.get("title", ""))
            title_terms = set(terms(re.sub(r"^kenya and the us:\s*", "", title, flags=re.I)))
            if not title_terms:
                continue
            score = len(wanted & title_terms) / len(wanted | title_terms)
            if score > best_score:
                best, best_score = source, score
        return best if best_score >= 0.6 else None

    # Sources -----------------------------------------------------------------
    def sources(self) -> list[SourceInfo]:
        """Indexed documents in path order, from the in-memory snapshot (no store call)."""
        snap = self.holder.get().snapshot
        out = []
        for source, positions in snap.documents.items():
            meta = snap.chunks[positions[0]].metadata
            out.append(
                SourceInfo(
                    title=str(meta.get("title", "")),
                    path=source,
                    url=str(meta.get("url", "")),
                    chunks=len(positions),
                    indexed_at=str(meta.get("indexed_at", "")),
                    date=str(meta.get("date", "")),
                    topics=tuple(
                        t.strip() for t in str(meta.get("topics", "")).split(",") if t.strip()
                    ),
                )
            )
        return out
