"""The extractive composer: answers and summaries made only of quoted source sentences.

Offline and deterministic. Sentences are scored with their contextual vectors
(pooled at indexing time from the chunk's forward pass) against the query
vector, plus IDF-weighted term overlap and what the question asks for; whether
to answer is decided from the evidence (`retrieval.answering`). Every quoted
sentence carries its [n]; one source section has one number.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from retrieval.answering import ABSTAIN_MESSAGE, Answerer
from retrieval.citing import citation_for
from retrieval.models import Answer, Evidence
from retrieval.params import ComposeParams
from retrieval.summaries import Summarizer

__all__ = ["ABSTAIN_MESSAGE", "ComposeParams", "ExtractiveComposer", "citation_for"]


class ExtractiveComposer:
    """Answers and summaries made only of quoted source sentences."""

    mode = "extractive"

    def __init__(
        self,
        embed_query: Callable[[str], np.ndarray],
        embed_texts: Callable[[Sequence[str]], np.ndarray],
        params: ComposeParams | None = None,
    ) -> None:
        self.params = params or ComposeParams()
        self.answerer = Answerer(embed_query, embed_texts, self.params)
        self.summarizer = Summarizer(self.answerer)

    def answer(self, question: str, query: str, evidence: Evidence) -> Answer:
        """A cited answer to query from the evidence, a partial one naming what the
        documents don't say, or an abstention when they are about something else."""
        return self.answerer.answer(question, query, evidence, self.mode)

    def summarize(self, topic: str, evidence: Evidence, *, by_document: bool = False) -> Answer:
        """4–8 cited sentences covering distinct points (topic-weighted), leading with
        the core facts; with by_document, one central sentence per document."""
        return self.summarizer.summarize(topic, evidence, self.mode, by_document)
