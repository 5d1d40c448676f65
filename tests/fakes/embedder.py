"""A deterministic bag-of-words embedder with the real embedder's interface.

Unit tests use it where speed matters; integration tests use the real model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from retrieval.embedding.minilm import SpanEmbedding
from retrieval.text import terms


class HashEmbedder:
    model_id = "hash-test-64"

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.calls = 0
        self.embedded_texts: list[str] = []

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, np.float32)
        for t in terms(text):
            h = int(hashlib.md5(t.encode()).hexdigest(), 16)
            v[h % self.dim] += 1.0 if (h >> 8) % 2 else -1.0
        n = float(np.linalg.norm(v))
        if n == 0:
            v[0] = 1.0
            return v
        return v / n

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.embedded_texts.extend(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.vstack([self._vec(t) for t in texts])

    def embed_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> list[SpanEmbedding]:
        self.calls += 1
        self.embedded_texts.extend(texts)
        out = []
        for text, text_spans in zip(texts, spans, strict=True):
            vecs = np.vstack(
                [self._vec(text[s:e]) for s, e in text_spans] or [np.zeros((0, self.dim))]
            )
            out.append(
                SpanEmbedding(self._vec(text), vecs.reshape(-1, self.dim).astype(np.float32))
            )
        return out

    def count_tokens(self, text: str) -> int:
        return len(text.split())
