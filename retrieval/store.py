"""The Chroma store: one collection of chunks, one of their sentence vectors.

Chunk records carry readable metadata (title, section, source, url, date,
page) so the collection is usable from LangChain as is; sentence vectors
(pooled from the chunk's own forward pass) live in a side collection, one
record per chunk, so answering never re-embeds sentences.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from retrieval.embedding.adapters import BotEmbeddingFunction, LangChainEmbeddings, activate
from retrieval.models import DocumentInfo
from retrieval.ports import Embedder

_BATCH = 500
_PAGE = 2000  # rows per read: one large get() trips SQLite's limit on query variables


@dataclass(frozen=True)
class ChunkRecord:
    id: str
    text: str
    metadata: dict[str, Any]
    vector: np.ndarray
    sentence_spans: tuple[tuple[int, int], ...]
    sentence_vectors: np.ndarray


def document_info(meta: dict[str, Any], *, chunks: int) -> DocumentInfo:
    """The document a chunk's stored metadata belongs to."""
    return DocumentInfo(
        source=str(meta.get("source", "")),
        title=str(meta.get("title", "")),
        url=str(meta.get("doc_url", meta.get("url", ""))),
        date=str(meta.get("date", "")),
        as_of=str(meta.get("as_of", "")),
        topics=tuple(t.strip() for t in str(meta.get("topics", "")).split(",") if t.strip()),
        chunks=chunks,
        indexed_at=str(meta.get("indexed_at", "")),
        content_hash=str(meta.get("doc_hash", "")),
    )


def encode_vectors(m: np.ndarray) -> str:
    return base64.b64encode(np.asarray(m, dtype=np.float16).tobytes()).decode("ascii")


def decode_vectors(s: str, dim: int) -> np.ndarray:
    return np.frombuffer(base64.b64decode(s), dtype=np.float16).reshape(-1, dim)


class ChromaStore:
    """Chunks of one index in Chroma (embedded `PersistentClient` or `HttpClient`)."""

    def __init__(self, client: Any, embedder: Embedder, *, name: str = "corpus") -> None:
        self.client = client
        self.embedder = embedder
        self.name = name
        activate(embedder)
        self._ef = BotEmbeddingFunction(embedder)
        self._lc_embeddings = LangChainEmbeddings(embedder)
        self._chunks: Any = None
        self._sentences: Any = None
        self._vectorstore: Any = None

    # Collections ----------------------------------------------------------
    @property
    def chunk_collection_name(self) -> str:
        return f"{self.name}_chunks"

    @property
    def sentence_collection_name(self) -> str:
        return f"{self.name}_sentences"

    def _open(self, fingerprint: str | None = None, *, create: bool = False) -> None:
        """Open both collections; only a writer (`reset`) creates them. A reader gets the
        store's error for a missing one (a dropped generation), never a new empty one."""
        if create:
            meta = {"hnsw:space": "cosine"}
            if fingerprint is not None:
                meta["fingerprint"] = fingerprint
            self._chunks = self.client.get_or_create_collection(
                self.chunk_collection_name, embedding_function=self._ef, metadata=meta
            )
            self._sentences = self.client.get_or_create_collection(
                self.sentence_collection_name, embedding_function=self._ef, metadata=meta
            )
        else:
            self._chunks = self.client.get_collection(
                self.chunk_collection_name, embedding_function=self._ef
            )
            self._sentences = self.client.get_collection(
                self.sentence_collection_name, embedding_function=self._ef
            )
        self._vectorstore = None

    @property
    def chunks(self) -> Any:
        if self._chunks is None:
            self._open()
        return self._chunks

    @property
    def sentences(self) -> Any:
        if self._sentences is None:
            self._open()
        return self._sentences

    def exists(self) -> bool:
        names = {getattr(c, "name", c) for c in self.client.list_collections()}
        return self.chunk_collection_name in names

    def intact(self) -> bool:
        """Both collections are there, readable, with a sentence record for every chunk
        (False for a damaged or half-deleted store, whatever the error)."""
        try:
            names = {getattr(c, "name", c) for c in self.client.list_collections()}
            if not {self.chunk_collection_name, self.sentence_collection_name} <= names:
                return False
            return int(self.chunks.count()) == int(self.sentences.count())
        except Exception:
            return False

    def fingerprint(self) -> str | None:
        if not self.exists():
            return None
        return (self.chunks.metadata or {}).get("fingerprint")

    def reset(self, fingerprint: str) -> None:
        """Drop everything and start an empty index built with `fingerprint`."""
        for suffix in ("_chunks", "_sentences"):
            try:
                self.client.delete_collection(f"{self.name}{suffix}")
            except Exception:
                pass
        self._open(fingerprint, create=True)

    def vectorstore(self) -> Any:
        """The chunk collection as a `langchain_chroma.Chroma` vector store."""
        if self._vectorstore is None:
            from langchain_chroma import Chroma

            self._vectorstore = Chroma(
                client=self.client,
                collection_name=self.chunk_collection_name,
                embedding_function=self._lc_embeddings,
                create_collection_if_not_exists=False,
            )
        return self._vectorstore

    # Reads -----------------------------------------------------------------
    def count(self) -> int:
        return int(self.chunks.count()) if self.exists() else 0

    def manifest(self) -> dict[str, DocumentInfo]:
        """What is indexed, per source document."""
        if not self.exists():
            return {}
        first: dict[str, dict[str, Any]] = {}
        counts: dict[str, int] = {}
        for _, _, meta in self._read(self.chunks, ["metadatas"]):
            source = str(meta["source"])
            counts[source] = counts.get(source, 0) + 1
            first.setdefault(source, meta)
        return {s: document_info(first[s], chunks=counts[s]) for s in sorted(first)}

    @staticmethod
    def _read(collection: Any, include: list[str]) -> Iterable[tuple[str, Any, Any]]:
        """(id, document, metadata) of every record, a page at a time."""
        offset = 0
        while True:
            got = collection.get(include=include, limit=_PAGE, offset=offset)
            ids = got["ids"]
            if not ids:
                return
            docs = got.get("documents") or [None] * len(ids)
            metas = got.get("metadatas") or [None] * len(ids)
            yield from zip(ids, docs, metas, strict=True)
            if len(ids) < _PAGE:
                return
            offset += len(ids)

    def all_chunks(self) -> tuple[list[str], list[str], list[dict[str, Any]]]:
        ids, texts, metas = [], [], []
        for cid, text, meta in self._read(self.chunks, ["documents", "metadatas"]):
            ids.append(str(cid))
            texts.append(str(text))
            metas.append(dict(meta))
        return ids, texts, metas

    def all_sentence_vectors(self) -> dict[str, tuple[list[tuple[int, int]], np.ndarray]]:
        out = {}
        for cid, _, meta in self._read(self.sentences, ["metadatas"]):
            spans = [tuple(s) for s in json.loads(str(meta["spans"]))]
            out[cid] = (spans, decode_vectors(str(meta["vectors"]), self.embedder.dim))
        return out  # type: ignore[return-value]

    def export(self, sources: set[str]) -> list[ChunkRecord]:
        """Every record of these documents, vectors included (to copy into a new generation)."""
        sentences = self.all_sentence_vectors()
        out: list[ChunkRecord] = []
        offset = 0
        while True:
            got = self.chunks.get(
                include=["documents", "metadatas", "embeddings"], limit=_PAGE, offset=offset
            )
            ids = got["ids"]
            for cid, text, meta, vector in zip(
                ids, got["documents"], got["metadatas"], got["embeddings"], strict=True
            ):
                if str(meta["source"]) not in sources:
                    continue
                spans, vectors = sentences.get(str(cid), ([], np.zeros((0, self.embedder.dim))))
                out.append(
                    ChunkRecord(
                        id=str(cid),
                        text=str(text),
                        metadata=dict(meta),
                        vector=np.asarray(vector, dtype=np.float32),
                        sentence_spans=tuple((int(a), int(b)) for a, b in spans),
                        sentence_vectors=np.asarray(vectors, dtype=np.float32),
                    )
                )
            if len(ids) < _PAGE:
                return out
            offset += len(ids)

    def sample_vector(self) -> np.ndarray | None:
        """The stored vector of some chunk (None when empty): a probe for health checks
        that costs no embedding."""
        got = self.chunks.get(limit=1, include=["embeddings"])
        embeddings = got.get("embeddings")
        if embeddings is None or len(embeddings) == 0:
            return None
        return np.asarray(embeddings[0], dtype=np.float32)

    def dense_search(
        self, vector: np.ndarray, k: int, *, size: int | None = None
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest chunks, best first.

        `size`, the number of chunks when the caller knows it, saves a count call.
        """
        n = self.count() if size is None else size
        if n == 0:
            return []
        # The raw collection, ids and distances only: LangChain's wrapper would also fetch
        # every hit's text and metadata, which costs 4 ms a query here for nothing.
        got = self.chunks.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=min(k, n),
            include=["distances"],
        )
        return [
            (str(i), 1.0 - float(d))
            for i, d in zip(got["ids"][0], got["distances"][0], strict=True)
        ]

    # Writes ----------------------------------------------------------------
    def delete_document(self, source: str) -> None:
        where = {"source": source}
        self.chunks.delete(where=where)
        self.sentences.delete(where=where)

    def add_chunks(self, records: Iterable[ChunkRecord]) -> None:
        recs = list(records)
        for i in range(0, len(recs), _BATCH):
            batch = recs[i : i + _BATCH]
            ids = [r.id for r in batch]
            vectors = [np.asarray(r.vector, dtype=np.float32) for r in batch]
            self.chunks.upsert(
                ids=ids,
                embeddings=vectors,
                documents=[r.text for r in batch],
                metadatas=[r.metadata for r in batch],
            )
            self.sentences.upsert(
                ids=ids,
                embeddings=vectors,
                metadatas=[
                    {
                        "source": r.metadata["source"],
                        "spans": json.dumps([list(s) for s in r.sentence_spans]),
                        "vectors": encode_vectors(r.sentence_vectors),
                    }
                    for r in batch
                ],
            )
