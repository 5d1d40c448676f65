"""The Chroma store contract, run against every way the bot reaches Chroma.

`StoreContract` needs one fixture, `open_client`: a function returning a new
client of the same database each time it is called. The embedded
`PersistentClient` provides it here; a Chroma server (`chroma run` on
127.0.0.1) can reuse the whole class by adding a subclass with its own
`open_client`, or a parameter of a shared fixture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import chromadb
import numpy as np
import pytest
from chromadb.config import Settings

from retrieval.store import ChromaStore, ChunkRecord
from retrieval.text import sentence_spans
from tests.fakes.embedder import HashEmbedder

ClientFactory = Callable[[], Any]

HAITI = [
    "Kenya agreed to lead a police mission to Haiti. The UN authorised it in October 2023.",
    "The first Kenyan officers landed in Port-au-Prince on 25 June 2024.",
    "The United States funded the mission but sent no troops of its own.",
]
TRADE = ["AGOA gives Kenyan goods duty-free access to the US market. It expired in 2025."]
HEALTH = ["PEPFAR has funded Kenya's HIV response since 2003."]


def records(source: str, texts: list[str], embedder: HashEmbedder) -> list[ChunkRecord]:
    spans = [sentence_spans(t) for t in texts]
    vectors = embedder.embed_spans(texts, spans)
    return [
        ChunkRecord(
            id=f"{source}#{n}",
            text=text,
            metadata={
                "source": source,
                "title": f"Title of {source}",
                "section": "Introduction",
                "url": f"https://example.org/{source}",
                "date": "2024-07-19",
                "page": -1,
                "chunk": n,
                "doc_hash": f"hash-{source}",
                "topics": "kenya",
                "indexed_at": "2026-01-01T00:00:00+00:00",
            },
            vector=v.vector,
            sentence_spans=tuple(s),
            sentence_vectors=v.span_vectors,
        )
        for n, (text, s, v) in enumerate(zip(texts, spans, vectors, strict=True))
    ]


class StoreContract:
    """Behaviour the indexer and retriever rely on from `ChromaStore`, whatever the client."""

    @pytest.fixture
    def open_client(self) -> ClientFactory:
        raise NotImplementedError("a subclass provides a client factory")

    @pytest.fixture
    def embedder(self) -> HashEmbedder:
        return HashEmbedder()

    @pytest.fixture
    def store(self, open_client: ClientFactory, embedder: HashEmbedder) -> ChromaStore:
        store = ChromaStore(open_client(), embedder, name="contract")
        store.reset("hash-test-64|tokens=200")
        return store

    @pytest.fixture
    def filled(self, store: ChromaStore, embedder: HashEmbedder) -> ChromaStore:
        store.add_chunks(
            records("haiti.md", HAITI, embedder)
            + records("trade.md", TRADE, embedder)
            + records("health.md", HEALTH, embedder)
        )
        return store

    def test_a_new_store_is_empty(self, open_client: ClientFactory) -> None:
        store = ChromaStore(open_client(), HashEmbedder(), name="never-written")

        assert store.exists() is False
        assert store.fingerprint() is None
        assert store.count() == 0
        assert store.manifest() == {}

    def test_manifest_lists_each_document_with_its_chunk_count(self, filled: ChromaStore) -> None:
        manifest = filled.manifest()

        assert list(manifest) == ["haiti.md", "health.md", "trade.md"]
        assert {s: e.chunks for s, e in manifest.items()} == {
            "haiti.md": 3,
            "health.md": 1,
            "trade.md": 1,
        }
        haiti = manifest["haiti.md"]
        assert (haiti.content_hash, haiti.title, haiti.url, haiti.date) == (
            "hash-haiti.md",
            "Title of haiti.md",
            "https://example.org/haiti.md",
            "2024-07-19",
        )
        assert filled.count() == 5

    def test_chunks_come_back_with_text_metadata_and_sentence_vectors(
        self, filled: ChromaStore, embedder: HashEmbedder
    ) -> None:
        ids, texts, metas = filled.all_chunks()
        by_id = dict(zip(ids, zip(texts, metas, strict=True), strict=True))
        text, meta = by_id["haiti.md#0"]
        assert text == HAITI[0]
        assert (meta["source"], meta["chunk"], meta["section"]) == ("haiti.md", 0, "Introduction")

        spans, vectors = filled.all_sentence_vectors()["haiti.md#0"]
        assert [HAITI[0][s:e] for s, e in spans] == [
            "Kenya agreed to lead a police mission to Haiti.",
            "The UN authorised it in October 2023.",
        ]
        expected = embedder.embed(["Kenya agreed to lead a police mission to Haiti."])[0]
        np.testing.assert_allclose(vectors[0], expected, atol=2e-3)  # stored as float16

    def test_dense_search_returns_nearest_chunks_best_first(
        self, filled: ChromaStore, embedder: HashEmbedder
    ) -> None:
        query = embedder.embed(["first Kenyan officers landed in Port-au-Prince"])[0]

        hits = filled.dense_search(query, k=3)

        assert len(hits) == 3
        assert hits[0][0] == "haiti.md#1"
        similarities = [sim for _, sim in hits]
        assert similarities == sorted(similarities, reverse=True)
        assert similarities[0] > 0.5

    def test_dense_search_never_asks_for_more_than_there_is(
        self, filled: ChromaStore, embedder: HashEmbedder
    ) -> None:
        hits = filled.dense_search(embedder.embed(["PEPFAR"])[0], k=50)

        assert sorted(cid for cid, _ in hits) == sorted(filled.all_chunks()[0])
        assert hits[0][0] == "health.md#0"

    def test_dense_search_of_an_empty_store_finds_nothing(
        self, store: ChromaStore, embedder: HashEmbedder
    ) -> None:
        assert store.dense_search(embedder.embed(["Haiti"])[0], k=5) == []

    def test_deleting_a_document_removes_its_chunks_and_sentences_only(
        self, filled: ChromaStore, embedder: HashEmbedder
    ) -> None:
        filled.delete_document("haiti.md")

        assert {s: e.chunks for s, e in filled.manifest().items()} == {
            "health.md": 1,
            "trade.md": 1,
        }
        assert sorted(filled.all_sentence_vectors()) == ["health.md#0", "trade.md#0"]
        hits = filled.dense_search(embedder.embed([HAITI[1]])[0], k=5)
        assert all(not cid.startswith("haiti.md") for cid, _ in hits)

    def test_adding_the_same_chunks_again_does_not_duplicate_them(
        self, filled: ChromaStore, embedder: HashEmbedder
    ) -> None:
        filled.add_chunks(records("trade.md", TRADE, embedder))

        assert filled.count() == 5
        assert filled.manifest()["trade.md"].chunks == 1

    def test_reset_with_a_new_fingerprint_empties_the_store(self, filled: ChromaStore) -> None:
        filled.reset("other-model|tokens=100")

        assert filled.fingerprint() == "other-model|tokens=100"
        assert filled.count() == 0
        assert filled.manifest() == {}
        assert filled.all_sentence_vectors() == {}

    def test_a_new_client_finds_the_data_and_the_fingerprint(
        self, filled: ChromaStore, open_client: ClientFactory, embedder: HashEmbedder
    ) -> None:
        close = getattr(filled.client, "close", None)
        if close is not None:
            close()  # like a restart: nothing cached in this process survives

        reopened = ChromaStore(open_client(), HashEmbedder(), name="contract")

        assert reopened.fingerprint() == "hash-test-64|tokens=200"
        assert {s: e.chunks for s, e in reopened.manifest().items()} == {
            "haiti.md": 3,
            "health.md": 1,
            "trade.md": 1,
        }
        query = embedder.embed(["AGOA duty-free access"])[0]
        assert reopened.dense_search(query, k=1)[0][0] == "trade.md#0"
        assert len(reopened.all_sentence_vectors()["haiti.md#0"][0]) == 2

    def test_stores_with_different_names_do_not_share_chunks(
        self, filled: ChromaStore, open_client: ClientFactory
    ) -> None:
        other = ChromaStore(open_client(), HashEmbedder(), name="other")
        other.reset("hash-test-64|tokens=200")

        assert other.count() == 0
        assert filled.count() == 5


class TestEmbeddedChromaStore(StoreContract):
    @pytest.fixture
    def open_client(self, tmp_path: Path) -> Iterator[ClientFactory]:
        path = tmp_path / "chroma"
        clients: list[Any] = []

        def open_client() -> Any:
            client = chromadb.PersistentClient(
                path=str(path), settings=Settings(anonymized_telemetry=False)
            )
            clients.append(client)
            return client

        yield open_client
        for client in clients:
            client.close()


class TestChromaServerStore(StoreContract):
    """The same contract against a real `chroma run` server (BOT_CHROMA_URL mode)."""

    @pytest.fixture
    def open_client(self, chroma_server: Any) -> Iterator[ClientFactory]:
        chroma_server.emptied()
        yield chroma_server.client
