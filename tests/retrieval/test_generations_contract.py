"""The index generations contract, run against every way the bot reaches Chroma.

`GenerationsContract` needs one fixture, `open_client`: a function returning a
new client of the same (initially empty) database each time it is called. The
embedded `PersistentClient` and a real `chroma run` server provide it, as in
`test_store.py`. The re-index behaviour built on it (no-op, crash, fallback) is
tested end to end in `tests/bot/test_generations.py`.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import chromadb
import pytest
from chromadb.config import Settings

from retrieval.generations import Generations
from retrieval.store import ChromaStore
from tests.fakes.embedder import HashEmbedder

ClientFactory = Callable[[], Any]
FINGERPRINT = "hash-test-64|tokens=200"


def collection_names(client: Any) -> set[str]:
    return {str(getattr(c, "name", c)) for c in client.list_collections()}


class GenerationsContract:
    """What the indexer and the index holder rely on from `Generations`, whatever the client."""

    @pytest.fixture
    def open_client(self) -> ClientFactory:
        raise NotImplementedError("a subclass provides a client factory")

    @pytest.fixture
    def generations(self, open_client: ClientFactory) -> Generations:
        return Generations(open_client(), HashEmbedder())

    def build(self, generations: Generations) -> str:
        """A new generation with its collections created (what the indexer starts with)."""
        generation = generations.new()
        generations.store(generation).reset(FINGERPRINT)
        time.sleep(0.002)  # the next id is from a later microsecond
        return generation

    def test_new_ids_sort_in_the_order_they_were_made(self, generations: Generations) -> None:
        day_before = time.strftime("%Y%m%d", time.gmtime())
        made = []
        for _ in range(5):
            made.append(generations.new())
            time.sleep(0.002)
        day_after = time.strftime("%Y%m%d", time.gmtime())

        assert sorted(made) == made and len(set(made)) == 5
        assert all(re.fullmatch(r"g\d{8}t\d{12}", g) for g in made)
        assert made[0][1:9] in {day_before, day_after}  # stamped in UTC

    def test_nothing_is_served_before_the_first_publish(self, generations: Generations) -> None:
        self.build(generations)  # built but never published (a crash before the switch)

        assert generations.current() is None and generations.previous() is None
        assert generations.candidates() == []

    def test_publish_moves_current_to_previous(self, generations: Generations) -> None:
        first, second, third = (self.build(generations) for _ in range(3))

        generations.publish(first)
        assert (generations.current(), generations.previous()) == (first, None)
        generations.publish(second)
        assert (generations.current(), generations.previous()) == (second, first)
        generations.publish(third)
        assert (generations.current(), generations.previous()) == (third, second)

    def test_candidates_are_current_then_previous_with_their_stores(
        self, generations: Generations
    ) -> None:
        older, newer = self.build(generations), self.build(generations)
        generations.publish(older)
        assert [g for g, _ in generations.candidates()] == [older]

        generations.publish(newer)

        candidates = generations.candidates()
        assert [g for g, _ in candidates] == [newer, older]
        for generation, store in candidates:
            assert isinstance(store, ChromaStore)
            assert store.name == f"corpus_{generation}"
            assert store.exists() and store.fingerprint() == FINGERPRINT

    def test_the_pointer_is_seen_by_another_client(
        self, generations: Generations, open_client: ClientFactory
    ) -> None:
        older, newer = self.build(generations), self.build(generations)
        generations.publish(older)
        generations.publish(newer)

        other = Generations(open_client(), HashEmbedder())  # another bot on the same Chroma

        assert (other.current(), other.previous()) == (newer, older)
        assert other.listed() == {older, newer}

    def test_cleanup_keeps_only_current_and_previous(self, generations: Generations) -> None:
        old, half_built, previous, current = (self.build(generations) for _ in range(4))
        generations.publish(old)
        generations.publish(previous)
        generations.publish(current)
        client = generations.client
        legacy = ChromaStore(client, HashEmbedder(), name="corpus")  # pre-generation layout
        legacy.reset(FINGERPRINT)
        neighbour = Generations(client, HashEmbedder(), base="other")
        theirs = self.build(neighbour)

        dropped = generations.cleanup()

        assert dropped == sorted([old, half_built])
        assert generations.listed() == {previous, current}
        assert (generations.current(), generations.previous()) == (current, previous)
        names = collection_names(client)
        assert "corpus_chunks" not in names and "corpus_sentences" not in names
        assert neighbour.listed() == {theirs}  # another index in the same database is untouched
        assert generations.cleanup() == []

    def test_cleanup_before_any_publish_drops_every_half_built_generation(
        self, generations: Generations
    ) -> None:
        crashed = [self.build(generations), self.build(generations)]

        assert generations.cleanup() == crashed
        assert generations.listed() == set()

    def test_drop_removes_a_generation_and_is_idempotent(self, generations: Generations) -> None:
        kept, gone = self.build(generations), self.build(generations)

        generations.drop(gone)
        generations.drop(gone)  # already gone: no error
        generations.drop("g20000101t000000000000")  # never existed: no error

        assert generations.listed() == {kept}
        assert not generations.store(gone).exists()
        names = collection_names(generations.client)
        assert not any(name.startswith(f"corpus_{gone}") for name in names)


class TestEmbeddedChromaGenerations(GenerationsContract):
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


class TestChromaServerGenerations(GenerationsContract):
    """The same contract against a real `chroma run` server (BOT_CHROMA_URL mode)."""

    @pytest.fixture
    def open_client(self, chroma_server: Any) -> Iterator[ClientFactory]:
        def open_client() -> Any:
            return chromadb.HttpClient(
                host="127.0.0.1",
                port=chroma_server.port,
                settings=Settings(anonymized_telemetry=False),
            )

        first = open_client()
        for name in collection_names(first):  # each test starts from an empty server
            first.delete_collection(name)
        yield open_client
