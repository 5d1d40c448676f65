"""One embedder, two faces: a chromadb EmbeddingFunction and a LangChain Embeddings."""

from __future__ import annotations

from typing import Any

import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction
from chromadb.api.types import Embeddings as ChromaEmbeddings
from chromadb.utils.embedding_functions import register_embedding_function
from langchain_core.embeddings import Embeddings

from retrieval.ports import Embedder


class LangChainEmbeddings(Embeddings):
    """LangChain face of an `Embedder` (for `langchain_chroma.Chroma` and user chains)."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self._last: tuple[str, list[float]] | None = None

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [list(map(float, v)) for v in self.embedder.embed(texts)]

    def embed_query(self, text: str) -> list[float]:
        last = self._last
        if last is not None and last[0] == text:
            return last[1]
        vec = self.embedder.embed([text])[0].tolist()
        self._last = (text, vec)
        return vec


_ACTIVE: dict[str, Embedder] = {}


def activate(embedder: Embedder) -> None:
    """Make `embedder` the one reopened collections resolve to by model id."""
    _ACTIVE[embedder.model_id] = embedder


@register_embedding_function
class BotEmbeddingFunction(EmbeddingFunction[Documents]):
    """chromadb face of an `Embedder`; registered so reopened collections find it."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def __call__(self, input: Documents) -> ChromaEmbeddings:
        return [np.asarray(v, dtype=np.float32) for v in self.embedder.embed(list(input))]

    @staticmethod
    def name() -> str:
        return "kenya-qa-bot"

    def default_space(self) -> Any:
        return "cosine"

    def supported_spaces(self) -> Any:
        return ["cosine"]

    def get_config(self) -> dict[str, Any]:
        return {"model_id": self.embedder.model_id, "dim": self.embedder.dim}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> BotEmbeddingFunction:
        model_id = config.get("model_id", "")
        embedder = _ACTIVE.get(model_id)
        if embedder is None:
            raise ValueError(
                f"collection was built with embedder {model_id!r}, which is not loaded;"
                " re-run `python -m bot index`"
            )
        return BotEmbeddingFunction(embedder)
