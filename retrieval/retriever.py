"""Hybrid retrieval: dense (Chroma) + BM25, fused by reciprocal rank, capped per document.

`HybridSearch` returns typed `Passage`s carrying everything the composer needs
(citation fields, fused score, the chunk's sentence spans and vectors), so the
answer step never goes back to the store and a whole answer reads one
consistent index. The LangChain `BaseRetriever` face lives in `retrieval.chain`.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import numpy as np

from retrieval.countries import country_names
from retrieval.generations import Generations
from retrieval.models import Evidence, Passage
from retrieval.ports import Embedder
from retrieval.snapshot import CorpusSnapshot
from retrieval.store import ChromaStore
from retrieval.text import proper_nouns, terms

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass(frozen=True)
class IndexView:
    """A store and the snapshot of it that queries read together."""

    store: ChromaStore
    snapshot: CorpusSnapshot
    generation: str = ""


@dataclass(frozen=True)
class RetrievalParams:
    dense_k: int = 20
    lexical_k: int = 20
    rrf_k: int = 60
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    top_k: int = 8
    max_chunks_per_doc: int = 3
    # Passages read besides the top ones (`Evidence.further`): those holding the
    # sentences closest to the question. A chunk about many things can rank low as a
    # whole while one of its sentences is the answer.
    sentence_passages: int = 6


class QueryEmbeddingCache:
    """Embeds a query once per request even when retriever and composer both need it."""

    def __init__(self, embedder: Embedder, size: int = 256) -> None:
        self.embedder = embedder
        self._size = size
        self._cache: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def __call__(self, text: str) -> np.ndarray:
        with self._lock:
            vec = self._cache.get(text)
        if vec is None:
            vec = self.embedder.embed([text])[0]  # outside the lock: threads embed in parallel
            with self._lock:
                if len(self._cache) >= self._size:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[text] = vec
        return vec


def passage_at(view: IndexView, position: int, score: float = 0.0, **scores: float) -> Passage:
    """The chunk at `position` of the view's snapshot as a typed passage."""
    snap = view.snapshot
    chunk = snap.chunks[position]
    sids = snap.sentence_ids(position)
    meta = chunk.metadata
    return Passage(
        id=chunk.id,
        text=chunk.text,
        source=chunk.source,
        title=str(meta.get("title", "")),
        section=str(meta.get("section", "")),
        url=str(meta.get("url", "")),
        date=str(meta.get("date", "")),
        as_of=str(meta.get("as_of", "")),
        page=chunk.page,
        position=position,
        generation=view.generation,
        score=score,
        sentence_spans=snap.sentence_spans[sids.start : sids.stop],
        sentence_vectors=snap.sentence_vectors[sids.start : sids.stop],
        sentence_terms=snap.sentence_terms(position),
        **scores,
    )


class HybridSearch:
    """Dense + lexical retrieval with reciprocal rank fusion over one index view."""

    def __init__(
        self, embed_query: Callable[[str], np.ndarray], params: RetrievalParams | None = None
    ) -> None:
        self.embed_query = embed_query
        self.params = params or RetrievalParams()

    def search(
        self, view: IndexView, query: str, *, top_k: int | None = None, per_doc: int | None = None
    ) -> Evidence:
        """Fused top passages for query, best first (none for an empty index)."""
        snap = view.snapshot
        if not snap.chunks:
            return Evidence(query)
        p = self.params
        vector = self.embed_query(query)
        query_terms = terms(query)
        fused: dict[int, float] = {}
        dense_sim: dict[int, float] = {}
        for rank, (cid, sim) in enumerate(
            view.store.dense_search(vector, p.dense_k, size=len(snap.chunks))
        ):
            pos = snap.by_id.get(cid)
            if pos is None:  # written after this snapshot was taken
                continue
            dense_sim[pos] = sim
            fused[pos] = fused.get(pos, 0.0) + p.dense_weight / (p.rrf_k + rank + 1)
        lexical_score: dict[int, float] = {}
        lexical = snap.lexical.search(query_terms, p.lexical_k)
        for rank, (pos, score) in enumerate(lexical):
            lexical_score[pos] = score
            fused[pos] = fused.get(pos, 0.0) + p.lexical_weight / (p.rrf_k + rank + 1)
        # Ties (a rank-1 lexical hit vs a rank-1 dense hit) go to the exact word match.
        ranked = sorted(fused.items(), key=lambda kv: (-kv[1], -lexical_score.get(kv[0], 0.0)))
        limit, cap = top_k or p.top_k, per_doc or p.max_chunks_per_doc
        per_source: dict[str, int] = {}
        passages: list[Passage] = []
        for pos, score in ranked:
            source = snap.chunks[pos].source
            if per_source.get(source, 0) >= cap:
                continue
            per_source[source] = per_source.get(source, 0) + 1
            passages.append(
                passage_at(
                    view,
                    pos,
                    score,
                    dense_similarity=dense_sim.get(pos, 0.0),
                    lexical_score=lexical_score.get(pos, 0.0),
                )
            )
            if len(passages) >= limit:
                break
        # The passage matching the question's words best is always read: fusion can rank
        # it out when the dense list misses it, and a document's cap can push it out
        # ("the theme of ruto's state visit": the one passage saying "theme").
        best = lexical[0][0] if lexical else None
        if best is not None and all(p.id != snap.chunks[best].id for p in passages):
            passages[min(len(passages), limit - 1) :] = [
                passage_at(
                    view,
                    best,
                    fused[best],
                    dense_similarity=dense_sim.get(best, 0.0),
                    lexical_score=lexical_score[best],
                )
            ]
        # Names the documents never use: capitalised words, and countries however typed
        # ("who is the prime minister of japan").
        unknown_names = tuple(
            dict.fromkeys(
                name
                for name in [*proper_nouns(query), *country_names(query)]
                if (t := terms(name)) and not all(snap.lexical.knows(w) for w in t)
            )
        )
        return Evidence(
            query=query,
            passages=passages,
            further=self._by_sentence(view, vector, {p.id for p in passages}, fused, dense_sim),
            query_idf={t: snap.lexical.idf(t) for t in set(query_terms)},
            unknown_names=unknown_names,
            latest=snap.latest_date(),
            unknown_terms=tuple(
                t for t in dict.fromkeys(query_terms) if not snap.lexical.knows_variant(t)
            ),
            names=tuple(t for t in dict.fromkeys(query_terms) if t in snap.name_terms()),
        )

    def _by_sentence(
        self,
        view: IndexView,
        vector: np.ndarray,
        have: set[str],
        fused: dict[int, float],
        dense_sim: dict[int, float],
    ) -> list[Passage]:
        """Up to `sentence_passages` passages not in `have` holding the sentences closest
        to the query vector, closest first, from the chunks either search found."""
        snap, wanted = view.snapshot, self.params.sentence_passages
        if wanted <= 0 or not len(snap.sentence_vectors):
            return []
        # Only the chunks either search found (dense and lexical lists, the ones the
        # top passages or a document's cap left out): their number, not the corpus's
        # size, sets the cost.
        pool = [p for p in fused if snap.chunks[p].id not in have]
        if not pool:
            return []
        sids = np.concatenate([np.arange(r.start, r.stop) for r in map(snap.sentence_ids, pool)])
        if not len(sids):
            return []
        sims = snap.sentence_vectors[sids].astype(np.float32) @ vector.astype(np.float32)
        out: list[Passage] = []
        for sid in sids[np.argsort(-sims, kind="stable")]:
            pos = int(snap.sentence_chunk[sid])
            if snap.chunks[pos].id in have:
                continue
            have.add(snap.chunks[pos].id)
            out.append(passage_at(view, pos, fused[pos], dense_similarity=dense_sim.get(pos, 0.0)))
            if len(out) >= wanted:
                break
        return out


class IndexHolder:
    """The current `IndexView`; swapped atomically when a re-index completes.

    It serves the newest generation that opens, falling back to the previous
    one (and saying so in `warning`) when the newest cannot be read. It follows
    generations published by other processes: the pointer is checked at most every
    `check_interval` seconds (one small read), and a read failing on the served
    generation (dropped elsewhere, say) reloads at once and is retried once. The
    generation served is leased in the store, so no cleanup drops it meanwhile.
    """

    _RETRY_FAILED = 60.0  # a generation that failed to open is tried again after this
    _RELOAD_AFTER_ERROR = 5.0  # at most one reload per this long for failing reads

    def __init__(self, generations: Generations, *, check_interval: float = 1.0) -> None:
        self.generations = generations
        self.check_interval = check_interval
        self.warning = ""
        self._checked_at = time.monotonic()
        self._failed = ""  # the newest generation that could not be opened, if any
        self._failed_at = 0.0
        self._error_reload_at = -self._RELOAD_AFTER_ERROR
        self._closing = ""  # served before the current one: closed at the next switch
        self._reload_lock = threading.Lock()
        self._view = IndexView(
            generations.store("empty"), CorpusSnapshot.empty(generations.embedder.dim)
        )
        weakref.finalize(self, generations.release)  # the lease goes with the holder

    def get(self) -> IndexView:
        return self._view

    def refresh_if_moved(self, min_interval: float | None = None) -> bool:
        """Reload when another process published a newer generation (checked at most
        every `min_interval` seconds, default `check_interval`), and renew the lease.
        True if reloaded."""
        interval = self.check_interval if min_interval is None else min_interval
        now = time.monotonic()
        if now - self._checked_at < interval:
            return False
        self._checked_at = now
        try:
            current = self.generations.published()
        except Exception as exc:  # a store hiccup must not fail the question being asked
            log.warning("could not read the index pointer: %s", exc)
            return False
        self.generations.heartbeat()
        if not current or current == self._view.generation:
            return False
        if current == self._failed and now - self._failed_at < self._RETRY_FAILED:
            return False  # still the damaged one we fell back from
        if not self._reload_lock.acquire(blocking=False):
            return False  # another thread is reloading it already
        try:
            log.info("index generation %s published elsewhere: reloading", current)
            self._reload(reuse=self._view)
        finally:
            self._reload_lock.release()
        return True

    def read(self, query: Callable[[IndexView], T]) -> T:
        """query(view) on the served view; if it fails (the generation was dropped by
        another process, say), reload and run it once more on the new view."""
        view = self._view
        try:
            return query(view)
        except Exception as exc:
            if not view.generation:
                raise
            with self._reload_lock:
                now = time.monotonic()
                if self._view is view and now - self._error_reload_at >= self._RELOAD_AFTER_ERROR:
                    log.warning(
                        "index generation %s failed a read (%s: %s): reloading",
                        view.generation,
                        type(exc).__name__,
                        exc,
                    )
                    self._error_reload_at = now
                    self._reload()
            if self._view is view:
                raise
        return query(self._view)

    def reload(self) -> IndexView:
        """Read the served index into a new snapshot and publish it."""
        with self._reload_lock:
            return self._reload()

    def _reload(self, reuse: IndexView | None = None) -> IndexView:
        """Load the newest candidate that opens (`reuse`: the view already serving a
        candidate, kept rather than read again)."""
        failures: list[str] = []
        failed: list[str] = []
        served = self._view.generation
        for generation, store in self.generations.candidates():
            self.generations.hold(served, generation)  # leased before it is read
            try:
                if reuse is not None and generation == reuse.generation:
                    view = reuse
                else:
                    view = IndexView(store, CorpusSnapshot.load(store), generation)
                    self.generations.settle(generation)
            except Exception as exc:  # a damaged generation must not take the bot down
                log.error("cannot open index generation %s: %s", generation or "-", exc)
                failures.append(f"{generation}: {type(exc).__name__}")
                failed.append(generation)
                continue
            self.warning = (
                f"The newest index ({', '.join(failures)}) could not be opened; "
                f"answering from the previous one ({generation}). Re-index to repair it."
                if failures
                else ""
            )
            self._set_failed(failed)
            self._switch(view)
            return view
        self.generations.hold(served)
        if failures:
            self.warning = f"No index generation could be opened ({', '.join(failures)})."
            self._set_failed(failed)
        return self._view

    def _set_failed(self, failed: list[str]) -> None:
        self._failed = failed[0] if failed else ""
        self._failed_at = time.monotonic()

    def _switch(self, view: IndexView) -> None:
        old = self._view
        self._view = view  # one reference assignment: readers see old or new, never a mix
        self.generations.hold(view.generation)
        if old.generation and old.generation != view.generation:
            if self._closing and self._closing != view.generation:
                self.generations.close(self._closing)  # two switches ago: nobody reads it
            self._closing = old.generation
