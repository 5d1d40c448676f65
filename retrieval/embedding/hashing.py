"""A deterministic hashing embedder with the real embedder's interface: not a language model.

Each term (as `retrieval.text.terms` makes them) adds ±1 to one of `dim`
slots picked by its hash; the vector is L2-normalised. Texts sharing words
get similar vectors, so retrieval and composing behave sensibly, and it is
fast and offline. Unit tests use it where speed matters, and the benchmark's
synthetic scale runs use it to measure the store rather than the model.
A token is a whitespace-separated word.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from retrieval.embedding.minilm import SpanEmbedding
from retrieval.text import terms

_SLOT_CACHE_MAX = 1_000_000


class HashEmbedder:
    """Signed feature hashing of terms into `dim` dimensions.

    `calls` counts embed calls and `embedded_texts` lists every text embedded
    (span texts are not listed), for tests; `record=False` keeps no texts, so a
    long run's memory stays flat.
    """

    def __init__(self, dim: int = 64, *, record: bool = True) -> None:
        self.model_id = f"hash-test-{dim}"
        self.dim = dim
        self.record = record
        self.calls = 0
        self.embedded_texts: list[str] = []
        self._slots: dict[str, tuple[int, float]] = {}

    def _slot(self, term: str) -> tuple[int, float]:
        found = self._slots.get(term)
        if found is None:
            h = int(hashlib.md5(term.encode()).hexdigest(), 16)
            found = (h % self.dim, 1.0 if (h >> 8) % 2 else -1.0)
            if len(self._slots) < _SLOT_CACHE_MAX:
                self._slots[term] = found
        return found

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, np.float32)
        for t in terms(text):
            slot, sign = self._slot(t)
            v[slot] += sign
        n = float(np.linalg.norm(v))
        if n == 0:
            v[0] = 1.0
            return v
        return v / n

    def _seen(self, texts: Sequence[str]) -> None:
        self.calls += 1
        if self.record:
            self.embedded_texts.extend(texts)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self._seen(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.vstack([self._vec(t) for t in texts])

    def embed_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> list[SpanEmbedding]:
        self._seen(texts)
        out = []
        for text, text_spans in zip(texts, spans, strict=True):
            vecs = np.zeros((len(text_spans), self.dim), np.float32)
            for j, (start, end) in enumerate(text_spans):
                vecs[j] = self._vec(text[start:end])
            out.append(SpanEmbedding(self._vec(text), vecs))
        return out

    def count_tokens(self, text: str) -> int:
        return len(text.split())
