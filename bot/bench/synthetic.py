"""Synthetic data for the scale runs: a random-word corpus and a hashing stand-in embedder.

The two go together: one word of the corpus is one `HashingEmbedder` token,
so the generator can size each paragraph to make exactly one chunk.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import random
import re
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from retrieval.embedding.minilm import SpanEmbedding

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
