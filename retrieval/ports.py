"""The ports the core depends on; real and fake implementations pass the same tests."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    """Turns text into unit-length vectors."""

    model_id: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Shape (len(texts), dim), float32, L2-normalised."""
        ...

    def embed_spans(self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]) -> list:
        """Per text: its vector and one vector per character span (`SpanEmbedding`)."""
        ...

    def count_tokens(self, text: str) -> int: ...


@runtime_checkable
class Generator(Protocol):
    """A chat model that completes a prompt (LangChain chat models fit via an adapter)."""

    def generate(self, system: str, user: str, *, timeout: float) -> str: ...
