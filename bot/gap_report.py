"""The knowledge-gaps report: questions the documents did not answer, grouped by what
they ask (the same question in other words is one group), most frequent first.

Groups are found with the engine's own embedder: wordings equal once normalised (case,
spacing, quotes, end punctuation) are one, and the rest are merged by the cosine
similarity of their embeddings. The report is plain data (`to_dict()` is the `gaps
--json` shape); each front end renders it.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

Outcome = Literal["declined", "partial", "downvoted"]
OUTCOMES: tuple[Outcome, ...] = ("declined", "partial", "downvoted")
EmbedTexts = Callable[[Sequence[str]], np.ndarray]
# Cosine similarity above which two questions ask the same thing. Measured with the
# bundled MiniLM: rewordings of one question score 0.87-0.95 ("what is the visa fee for
# kenyans going to the us" / "how much does a us visa cost for a kenyan" 0.92), other
# questions on the same subject mostly 0.4-0.7.
SAME_QUESTION = 0.85
MAX_WORDINGS = 5
MAX_DOCUMENTS = 5


def _iso(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


@dataclass(frozen=True)
class SeenDocument:
    """A document the bot looked at (cited) while not answering well."""

    title: str
    source: str

    def to_dict(self) -> dict[str, str]:
        return {"title": self.title, "source": self.source}


@dataclass(frozen=True)
class GapQuestion:
    """One question the documents did not answer well."""

    question: str
    outcome: Outcome
    at: float  # Unix time
    platform: str = ""
    user: str = ""
    documents: tuple[SeenDocument, ...] = ()
    missing: tuple[str, ...] = ()  # what the answer said the documents do not say
    answer_id: int = 0  # the stored answer (feedback buttons); 0 when none


@dataclass(frozen=True)
class GapGroup:
    """Questions that ask the same thing."""

    question: str  # a sample wording: the most asked, then the most typical
    count: int  # times asked (a 👎 on a declined answer counts once)
    outcomes: dict[str, int]  # "declined", "partial", "downvoted" -> times
    wordings: tuple[str, ...]  # distinct wordings, most frequent first
    documents: tuple[SeenDocument, ...]  # what the bot looked at, most often first
    missing: tuple[str, ...]  # what the answers said the documents do not say
    people: int  # distinct askers
    last_asked: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "count": self.count,
            "outcomes": dict(self.outcomes),
            "wordings": list(self.wordings),
            "documents": [d.to_dict() for d in self.documents],
            "missing": list(self.missing),
            "people": self.people,
            "last_asked": _iso(self.last_asked),
        }


@dataclass(frozen=True)
class GapsReport:
    """The grouped questions of `days` days up to `until`, most frequent group first."""

    days: int
    since: float
    until: float
    groups: tuple[GapGroup, ...] = field(default_factory=tuple)

    @property
    def questions(self) -> int:
        return sum(g.count for g in self.groups)

    @property
    def empty(self) -> bool:
        return not self.groups

    def to_dict(self) -> dict[str, Any]:
        """The `gaps --json` shape (README, "Admin loop")."""
        return {
            "days": self.days,
            "since": _iso(self.since),
            "until": _iso(self.until),
            "questions": self.questions,
            "groups": [g.to_dict() for g in self.groups],
        }


_EDGE_PUNCTUATION = "?!.,;:¿¡\"'“”‘’«»()[] "


def normalise_question(text: str) -> str:
    """Case, spacing, quotes and end punctuation aside: "  When did…  ??" -> "when did…"."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[’‘]", "'", text)
    return " ".join(text.split()).strip(_EDGE_PUNCTUATION)


@dataclass
class _Bucket:
    """The questions with one normalised wording."""

    key: str
    items: list[GapQuestion]

    @property
    def count(self) -> int:
        return _count(self.items)

    @property
    def last(self) -> float:
        return max(q.at for q in self.items)


def _count(items: Sequence[GapQuestion]) -> int:
    """Times asked: a 👎 on an answer already kept as declined or partial is the same
    asking, so it adds its outcome, not a question."""
    kept = {q.answer_id for q in items if q.outcome != "downvoted" and q.answer_id}
    return sum(1 for q in items if not (q.outcome == "downvoted" and q.answer_id in kept))


def group_questions(
    questions: Sequence[GapQuestion], embed: EmbedTexts, similarity: float = SAME_QUESTION
) -> list[GapGroup]:
    """Groups of questions asking the same thing, most frequent first (then latest).

    Wordings equal once normalised are one bucket. Buckets are then merged bottom-up,
    the closest two groups first, while the cosine similarity of their mean vectors is
    at least `similarity` (centroid linkage: a group is judged by what its wordings have
    in common, not by its odd one out). Past `MAX_MERGED` wordings, the rarer rest join
    the closest group or stand alone. Deterministic for one input."""
    buckets: dict[str, _Bucket] = {}
    for q in questions:
        key = normalise_question(q.question)
        if key:
            buckets.setdefault(key, _Bucket(key, [])).items.append(q)
    if not buckets:
        return []
    ordered = sorted(buckets.values(), key=lambda b: (-b.count, -b.last, b.key))
    vectors = _units(np.asarray(embed([b.key for b in ordered]), dtype=np.float32))
    members = _merge(vectors[:MAX_MERGED], similarity)
    if len(ordered) > MAX_MERGED:  # the rarest wordings of a huge report
        centres = _units(np.stack([vectors[m].sum(axis=0) for m in members]))
        best = centres @ vectors[MAX_MERGED:].T  # (groups, rest)
        for offset, column in enumerate(best.T):
            i, g = MAX_MERGED + offset, int(np.argmax(column))
            if column[g] >= similarity:
                members[g].append(i)
            else:
                members.append([i])
    groups = []
    for group in members:
        centre = _units(vectors[group].sum(axis=0, keepdims=True))[0]
        closeness = [float(vectors[i] @ centre) for i in group]
        groups.append(_group([ordered[i] for i in group], closeness))
    return sorted(groups, key=lambda g: (-g.count, -g.last_asked, g.question))


MAX_MERGED = 1000  # wordings merged pairwise (about a second at this size)


def _units(rows: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.where(norms == 0, 1, norms)).astype(np.float32)


def _merge(vectors: np.ndarray, similarity: float) -> list[list[int]]:
    """Centroid-linkage merging of the (unit) rows of `vectors`: each group's rows."""
    n = len(vectors)
    members: list[list[int]] = [[i] for i in range(n)]
    if n < 2:
        return members
    sums = vectors.astype(np.float64)
    centres = vectors.astype(np.float64)
    alive = np.ones(n, dtype=bool)
    scores = centres @ centres.T
    np.fill_diagonal(scores, -np.inf)
    while True:
        a, b = divmod(int(np.argmax(scores)), n)
        if scores[a, b] < similarity:
            break
        a, b = min(a, b), max(a, b)  # the earlier (more asked) group keeps its place
        members[a] += members[b]
        members[b] = []
        alive[b] = False
        sums[a] += sums[b]
        centres[a] = sums[a] / (np.linalg.norm(sums[a]) or 1.0)
        scores[b, :] = -np.inf
        scores[:, b] = -np.inf
        row = np.where(alive, centres @ centres[a], -np.inf)
        row[a] = -np.inf
        scores[a, :] = row
        scores[:, a] = row
    return [m for m in members if m]


def _group(buckets: list[_Bucket], closeness: list[float]) -> GapGroup:
    """One group; `closeness` is each bucket's similarity to the group's mean vector."""
    items = [q for b in buckets for q in b.items]
    # Most asked first, then the most typical wording (nearest the mean), then the latest.
    ranked = sorted(
        zip(buckets, closeness, strict=True), key=lambda x: (-x[0].count, -x[1], -x[0].last)
    )
    by_wording = [b for b, _ in ranked]
    # The wording shown is the one people typed, not the normalised key.
    shown = [max(b.items, key=lambda q: q.at).question for b in by_wording]
    outcomes = Counter(q.outcome for q in items)
    documents = Counter(d for q in items for d in q.documents)
    return GapGroup(
        question=shown[0],
        count=_count(items),
        outcomes={o: outcomes[o] for o in OUTCOMES if outcomes[o]},
        wordings=tuple(shown[:MAX_WORDINGS]),
        documents=tuple(d for d, _ in documents.most_common(MAX_DOCUMENTS)),
        missing=tuple(dict.fromkeys(m for q in items for m in q.missing))[:MAX_WORDINGS],
        people=len({(q.platform, q.user) for q in items if q.user}),
        last_asked=max(q.at for q in items),
    )
