"""Synthetic data for the scale runs: a random-word corpus, and the hashing embedder, timed.

The two go together: one word of the corpus is one `HashEmbedder` token,
so the generator can size each paragraph to make exactly one chunk.
"""

from __future__ import annotations

import itertools
import math
import random
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrieval.embedding.hashing import HashEmbedder
from retrieval.embedding.minilm import SpanEmbedding
from retrieval.ports import Embedder

# As wide as MiniLM's vectors, so the store holds what it would hold in production.
SCALE_DIM = 384


class TimedEmbedder:
    """Any embedder, adding up in `seconds` the time spent embedding, so a run can
    tell the store's share from the embedder's."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_id = inner.model_id
        self.dim = inner.dim
        self.seconds = 0.0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        started = time.perf_counter()
        try:
            return self.inner.embed(texts)
        finally:
            self.seconds += time.perf_counter() - started

    def embed_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> list[SpanEmbedding]:
        started = time.perf_counter()
        try:
            return self.inner.embed_spans(texts, spans)
        finally:
            self.seconds += time.perf_counter() - started

    def count_tokens(self, text: str) -> int:
        return self.inner.count_tokens(text)


def scale_embedder() -> TimedEmbedder:
    """The scale runs' embedder: feature hashing into 384 dimensions, keeping no texts."""
    return TimedEmbedder(HashEmbedder(SCALE_DIM, record=False))


def write_synthetic_corpus(
    folder: Path, chunks: int, *, chunk_tokens: int, seed: int = 2024
) -> list[str]:
    """Write `chunks` paragraphs of random sentences as .txt files; returns sample queries.

    Each paragraph holds 75–95% of `chunk_tokens` words (one word is one
    `HashEmbedder` token), so the chunker makes exactly one chunk of each.
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
