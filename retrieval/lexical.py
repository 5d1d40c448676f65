"""BM25 over chunk text (with title and section), rebuilt in memory from the store."""

from __future__ import annotations

from collections.abc import Sequence

import bm25s
import numpy as np

from retrieval.text import terms

# A longer or shorter form of a known term shares this much of it ("kenyans" and
# "kenyan"); "collateral" is not a form of "collapse" for sharing "colla".
VARIANT_SHARE = 0.7
# ... and differs from it in at most this many letters at the end: "expressway" is no
# form of "expression" or "express".
VARIANT_EXTRA = 2


class LexicalIndex:
    """BM25 (bm25s) over pre-tokenised chunks; also supplies term IDF for answer scoring."""

    def __init__(self, documents: Sequence[str]) -> None:
        self._n = len(documents)
        tokens = [terms(d) for d in documents]
        self._bm25 = bm25s.BM25()
        self._vocab: dict[str, int] = {}
        self._by_start: dict[str, tuple[str, ...]] | None = None  # known terms by first 5 letters
        if self._n:
            self._bm25.index(tokens, show_progress=False)
            self._vocab = dict(self._bm25.vocab_dict)
        df: dict[str, int] = {}
        for toks in tokens:
            for t in set(toks):
                df[t] = df.get(t, 0) + 1
        self._idf = {t: float(np.log(1 + (self._n - c + 0.5) / (c + 0.5))) for t, c in df.items()}
        self._max_idf = float(np.log(1 + (self._n + 0.5) / 0.5)) if self._n else 1.0

    def __len__(self) -> int:
        return self._n

    def knows(self, term: str) -> bool:
        return term in self._vocab

    def knows_variant(self, term: str) -> bool:
        """Known, or a longer/shorter form of a known term ("kenyan" for "kenya"): one
        sharing its first `VARIANT_SHARE` (at least five letters)."""
        if term in self._vocab:
            return True
        if len(term) < 5:
            return False
        if self._by_start is None:
            by_start: dict[str, list[str]] = {}
            for t in self._vocab:
                if len(t) >= 5:
                    by_start.setdefault(t[:5], []).append(t)
            self._by_start = {p: tuple(ts) for p, ts in by_start.items()}
        share = max(5, round(VARIANT_SHARE * len(term)))
        for known in self._by_start.get(term[:5], ()):
            common = _shared(term, known)
            if common >= share and max(len(term), len(known)) - common <= VARIANT_EXTRA:
                return True
        return False

    def idf(self, term: str) -> float:
        """IDF of a term; unseen terms get the highest IDF (rarest possible)."""
        return self._idf.get(term, self._max_idf)

    def search(self, query_terms: Sequence[str], k: int) -> list[tuple[int, float]]:
        """(chunk position, BM25 score) of the best k chunks with a positive score."""
        known = [t for t in query_terms if t in self._vocab]
        if not known or k <= 0:
            return []
        scores = self._bm25.get_scores(known)
        k = min(k, self._n)
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(i), float(scores[i])) for i in top if scores[i] > 0]


def _shared(a: str, b: str) -> int:
    """How many letters a and b share from the start."""
    return next(
        (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
    )
