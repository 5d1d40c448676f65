"""Optional embedders (OpenAI, Ollama, local sentence-transformers) behind the `Embedder` port.

None is required: each needs its optional extra installed. Models without
token access get sentence vectors by embedding each sentence at index time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from retrieval.embedding.minilm import SpanEmbedding


def _unit(m: np.ndarray) -> np.ndarray:
    return (m / np.maximum(np.linalg.norm(m, axis=-1, keepdims=True), 1e-12)).astype(np.float32)


class LangChainEmbedder:
    """Adapts any LangChain `Embeddings` object to the `Embedder` port."""

    def __init__(self, embeddings: Any, model_id: str, dim: int | None = None) -> None:
        self._lc = embeddings
        self.model_id = model_id
        self.dim = dim or len(embeddings.embed_query("dimension probe"))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return _unit(np.asarray(self._lc.embed_documents(list(texts)), dtype=np.float32))

    def embed_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> list[SpanEmbedding]:
        out = []
        for text, text_spans in zip(texts, spans, strict=True):
            pieces = [text] + [text[s:e] for s, e in text_spans]
            vecs = self.embed(pieces)
            out.append(SpanEmbedding(vecs[0], vecs[1:]))
        return out

    def count_tokens(self, text: str) -> int:
        return int(len(text.split()) * 1.3) + 1


def provider_embedder(spec: str, *, base_url: str | None, api_key: str | None) -> LangChainEmbedder:
    """Build `openai:MODEL`, `ollama:MODEL` or `sentence-transformers:PATH`. Raises ImportError."""
    provider, _, model = spec.partition(":")
    if provider == "openai":
        from langchain_openai import OpenAIEmbeddings

        kwargs: dict[str, Any] = {"model": model}
        if base_url:
            kwargs["base_url"] = base_url
        if api_key:
            kwargs["api_key"] = api_key
        return LangChainEmbedder(OpenAIEmbeddings(**kwargs), spec)
    if provider == "ollama":
        from langchain_ollama import OllamaEmbeddings  # type: ignore[import-not-found]

        return LangChainEmbedder(OllamaEmbeddings(model=model, base_url=base_url), spec)
    if provider == "sentence-transformers":
        from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]

        st = SentenceTransformer(model, local_files_only=True)

        class _ST:
            def embed_documents(self, texts: list[str]) -> list[list[float]]:
                return st.encode(texts, normalize_embeddings=True).tolist()

            def embed_query(self, text: str) -> list[float]:
                return self.embed_documents([text])[0]

        return LangChainEmbedder(_ST(), spec)
    raise ValueError(f"unknown embeddings provider {provider!r}")
