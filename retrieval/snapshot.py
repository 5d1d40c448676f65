"""An immutable in-memory view of one complete index: chunks, sentence vectors, BM25.

Queries read one snapshot from start to end, so a re-index that swaps in a
new snapshot never mixes two versions of the corpus inside one answer.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from retrieval.blends import name_runs
from retrieval.lexical import LexicalIndex
from retrieval.store import ChromaStore
from retrieval.text import initialisms, iter_words, terms


class DamagedIndex(RuntimeError):
    """The stored index is incomplete (an interrupted write, a lost collection)."""


@dataclass(frozen=True)
class ChunkView:
    position: int
    id: str
    text: str
    metadata: dict[str, Any]

    @property
    def source(self) -> str:
        return str(self.metadata.get("source", ""))

    @property
    def page(self) -> int | None:
        page = int(self.metadata.get("page", -1))
        return page if page >= 0 else None


@dataclass
class CorpusSnapshot:
    chunks: list[ChunkView]
    sentence_chunk: np.ndarray  # sentence -> chunk position
    sentence_spans: np.ndarray  # (n, 2) char offsets into the chunk text
    sentence_vectors: np.ndarray  # (n, dim) float16, unit length
    chunk_sentences: np.ndarray  # (chunks, 2): first sentence, count
    lexical: LexicalIndex
    _sentence_terms: dict[int, list[frozenset[str]]] = field(default_factory=dict)
    loaded_seconds: float = 0.0
    by_id: dict[str, int] = field(default_factory=dict)
    documents: dict[str, list[int]] = field(default_factory=dict)  # source -> chunk positions
    _words: Counter[str] | None = None
    _latest: str | None = None
    _names: frozenset[str] | None = None
    _initialisms: dict[str, str] | None = None
    _name_runs: Counter[tuple[str, ...]] | None = None

    @classmethod
    def load(cls, store: ChromaStore) -> CorpusSnapshot:
        """Read the whole index from the store (one pass over chunks and sentences)."""
        started = time.perf_counter()
        if not store.exists():
            return cls.empty(store.embedder.dim)
        ids, texts, metas = store.all_chunks()
        vectors = store.all_sentence_vectors()
        missing = len(set(ids) - set(vectors))
        if missing:
            raise DamagedIndex(f"{missing} of {len(ids)} chunks have no sentence vectors")
        order = sorted(
            range(len(ids)), key=lambda i: (str(metas[i]["source"]), int(metas[i].get("chunk", 0)))
        )
        chunks = [ChunkView(p, ids[i], texts[i], metas[i]) for p, i in enumerate(order)]
        s_chunk: list[int] = []
        s_spans: list[tuple[int, int]] = []
        s_vecs: list[np.ndarray] = []
        ranges: list[tuple[int, int]] = []
        for c in chunks:
            spans, vecs = vectors.get(c.id, ([], np.zeros((0, store.embedder.dim), np.float16)))
            ranges.append((len(s_chunk), len(spans)))
            s_chunk.extend([c.position] * len(spans))
            s_spans.extend(spans)
            s_vecs.append(vecs)
        documents: dict[str, list[int]] = {}
        for c in chunks:
            documents.setdefault(c.source, []).append(c.position)
        lexical = LexicalIndex(
            [
                f"{c.metadata.get('title', '')} {c.metadata.get('section', '')} {c.text}"
                for c in chunks
            ]
        )
        dim = store.embedder.dim
        return cls(
            chunks=chunks,
            sentence_chunk=np.asarray(s_chunk, dtype=np.int32),
            sentence_spans=np.asarray(s_spans, dtype=np.int32).reshape(-1, 2),
            sentence_vectors=(
                np.vstack(s_vecs).astype(np.float16) if s_vecs else np.zeros((0, dim), np.float16)
            ),
            chunk_sentences=np.asarray(ranges, dtype=np.int32).reshape(-1, 2),
            lexical=lexical,
            loaded_seconds=time.perf_counter() - started,
            by_id={c.id: c.position for c in chunks},
            documents=documents,
        )

    @classmethod
    def empty(cls, dim: int) -> CorpusSnapshot:
        return cls(
            chunks=[],
            sentence_chunk=np.zeros(0, np.int32),
            sentence_spans=np.zeros((0, 2), np.int32),
            sentence_vectors=np.zeros((0, dim), np.float16),
            chunk_sentences=np.zeros((0, 2), np.int32),
            lexical=LexicalIndex([]),
        )

    def words(self) -> Counter[str]:
        """Every word the documents use (lower case) and how often: the speller's
        vocabulary (the more used of two equally near words is the likelier fix)."""
        cached = self._words
        if cached is None:
            found: Counter[str] = Counter()
            for c in self.chunks:
                text = f"{c.metadata.get('title', '')} {c.metadata.get('section', '')} {c.text}"
                found.update(w.lower() for w in iter_words(text))
            cached = self._words = found
        return cached

    def name_terms(self) -> frozenset[str]:
        """Terms the documents only ever write capitalised: names of people, places and
        organisations ("tanzania", "whitman"), not ordinary words ("budget")."""
        cached = self._names
        if cached is None:
            upper: set[str] = set()
            lower: set[str] = set()
            for c in self.chunks:
                for word in iter_words(c.text):
                    for t in terms(word):
                        (lower if word[:1].islower() else upper).add(t)
            cached = self._names = frozenset(upper - lower)
        return cached

    def initialisms(self) -> dict[str, str]:
        """Short forms of the names the documents write out ("kdf": "Kenya Defence
        Forces"); see `text.initialisms`."""
        cached = self._initialisms
        if cached is None:
            cached = self._initialisms = initialisms(c.text for c in self.chunks)
        return cached

    def name_runs(self) -> Counter[tuple[str, ...]]:
        """The names the documents write out, for short forms made of their syllables
        ("kepsa"); see `blends.name_runs`."""
        cached = self._name_runs
        if cached is None:
            cached = self._name_runs = name_runs(c.text for c in self.chunks)
        return cached

    def latest_date(self) -> str:
        """The newest `as_of` (else `date`) of any document: where the documents end."""
        if self._latest is None:
            dates = (
                str(c.metadata.get("as_of") or c.metadata.get("date") or "") for c in self.chunks
            )
            self._latest = max((d for d in dates if d[:4].isdigit()), default="")
        return self._latest

    def sentence_ids(self, chunk_position: int) -> range:
        first, count = self.chunk_sentences[chunk_position]
        return range(int(first), int(first) + int(count))

    def sentence_terms(self, chunk_position: int) -> list[frozenset[str]]:
        """Terms of each sentence of a chunk, computed on first use (queries touch few chunks)."""
        cached = self._sentence_terms.get(chunk_position)
        if cached is None:
            text = self.chunks[chunk_position].text
            ids = self.sentence_ids(chunk_position)
            cached = [
                frozenset(terms(text[int(s) : int(e)]))
                for s, e in self.sentence_spans[ids.start : ids.stop]
            ]
            self._sentence_terms[chunk_position] = cached  # a benign race: same value
        return cached
