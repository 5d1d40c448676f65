"""The index generations contract, run against every way the bot reaches Chroma.

`GenerationsContract` needs one fixture, `open_generations`: a function returning
a new `Generations` of the same (initially empty) index each time it is called, as
another bot or process would open it (keyword options such as `grace` or `clock`
pass through). Three layouts provide it: per-generation folders (the embedded store),
one embedded database, and a real `chroma run` server. The re-index behaviour built
on it (no-op, crash, fallback, other processes) is tested end to end in
`tests/bot/test_generations.py` and `tests/bot/test_generations_processes.py`.
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

from retrieval.generation_folders import FolderGenerations, GenerationMissing, scrub_vector_files
from retrieval.generations import Generations
from retrieval.store import ChromaStore
from tests.fakes.embedder import HashEmbedder
from tests.retrieval.test_store import records

GenerationsFactory = Callable[..., Generations]
FINGERPRINT = "hash-test-64|tokens=200"


def collection_names(client: Any) -> set[str]:
    return {str(getattr(c, "name", c)) for c in client.list_collections()}


class Clock:
    """A wall clock the test moves (shared by every `Generations` of a test)."""

    def __init__(self) -> None:
        self.now = time.time()

    def __call__(self) -> float:
        return self.now


class GenerationsContract:
    """What the indexer and the index holder rely on from `Generations`, whatever the layout."""

    @pytest.fixture
    def open_generations(self) -> GenerationsFactory:
        raise NotImplementedError("a subclass provides a Generations factory")

    @pytest.fixture
    def clock(self) -> Clock:
        return Clock()

    @pytest.fixture
    def generations(self, open_generations: GenerationsFactory, clock: Clock) -> Generations:
        return open_generations(grace=0.0, build_grace=0.0, clock=clock)

    def make_legacy(self, generations: Generations) -> None:
        """Leave what an earlier version's layout kept (before generations)."""
        ChromaStore(generations.client, HashEmbedder(), name="corpus").reset(FINGERPRINT)

    def legacy_left(self, generations: Generations) -> bool:
        names = collection_names(generations.client)
        return "corpus_chunks" in names or "corpus_sentences" in names

    def neighbour(
        self, generations: Generations, open_generations: GenerationsFactory
    ) -> Generations:
        """Another index (base "other") beside this one."""
        return open_generations(base="other", grace=0.0, build_grace=0.0)

    def build(self, generations: Generations) -> str:
        """A new generation with its collections created (what the indexer starts with)."""
        generation = generations.new()
        generations.store(generation).reset(FINGERPRINT)
        time.sleep(0.002)  # the next id is from a later microsecond
        return generation

    def damage(self, generations: Generations, generation: str) -> None:
        """Lose a generation's sentence vectors (as an interrupted write would)."""
        store = generations.store(generation)
        store.client.delete_collection(f"{store.name}_sentences")

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
        assert generations.published() is None
        assert generations.candidates() == []

    def test_publish_moves_current_to_previous(self, generations: Generations) -> None:
        first, second, third = (self.build(generations) for _ in range(3))

        generations.publish(first)
        assert (generations.current(), generations.previous()) == (first, None)
        generations.publish(second)
        assert (generations.current(), generations.previous()) == (second, first)
        generations.publish(third)
        assert (generations.current(), generations.previous()) == (third, second)
        assert generations.published() == third

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
        self, generations: Generations, open_generations: GenerationsFactory
    ) -> None:
        older, newer = self.build(generations), self.build(generations)
        generations.publish(older)
        generations.publish(newer)

        other = open_generations()  # another bot on the same store

        assert (other.current(), other.previous()) == (newer, older)
        assert other.listed() == {older, newer}

    def test_cleanup_keeps_only_current_and_previous(
        self, generations: Generations, open_generations: GenerationsFactory
    ) -> None:
        old, half_built, previous, current = (self.build(generations) for _ in range(4))
        generations.publish(old)
        generations.publish(previous)
        generations.publish(current)
        self.make_legacy(generations)  # pre-generation layout
        neighbour = self.neighbour(generations, open_generations)
        theirs = self.build(neighbour)

        dropped = generations.cleanup()

        assert dropped == sorted([old, half_built])
        assert generations.listed() == {previous, current}
        assert (generations.current(), generations.previous()) == (current, previous)
        assert not self.legacy_left(generations)
        assert neighbour.listed() == {theirs}  # another index in the same store is untouched
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
        assert not generations.intact(gone)

    # Nothing is dropped that a process may still be serving -------------------------
    def test_a_generation_stays_for_the_grace_period_after_it_is_replaced(
        self, open_generations: GenerationsFactory, clock: Clock
    ) -> None:
        generations = open_generations(grace=60.0, clock=clock)
        first, second, third = (self.build(generations) for _ in range(3))
        for generation in (first, second, third):
            generations.publish(generation)  # `first` is neither current nor previous now

        clock.now += 59
        assert generations.cleanup() == []
        clock.now += 2
        assert generations.cleanup() == [first]
        assert generations.listed() == {second, third}

    def test_a_leased_generation_stays_while_its_lease_is_renewed(
        self, open_generations: GenerationsFactory, clock: Clock
    ) -> None:
        writer = open_generations(grace=0.0, lease_seconds=60.0, clock=clock)
        first, second, third = (self.build(writer) for _ in range(3))
        writer.publish(first)
        reader = open_generations(clock=clock)  # a bot still serving `first`
        reader.hold(first)
        writer.publish(second)
        writer.publish(third)

        assert writer.cleanup() == []
        assert writer.leased() == {first}
        clock.now += 50
        reader.heartbeat(every=10.0)  # it answers a question: the lease is renewed
        clock.now += 50
        assert writer.cleanup() == []
        clock.now += 11  # no question for a while: the lease lapses
        assert writer.cleanup() == [first]

    def test_a_released_lease_keeps_nothing(
        self, open_generations: GenerationsFactory, clock: Clock
    ) -> None:
        writer = open_generations(grace=0.0, clock=clock)
        first, second, third = (self.build(writer) for _ in range(3))
        writer.publish(first)
        reader = open_generations(clock=clock)
        reader.hold(first)
        reader.release()  # the bot stopped
        writer.publish(second)
        writer.publish(third)

        assert writer.leased() == set()
        assert writer.cleanup() == [first]

    def test_an_unpublished_generation_may_be_another_bots_build(
        self, open_generations: GenerationsFactory, clock: Clock
    ) -> None:
        generations = open_generations(grace=0.0, build_grace=600.0, clock=clock)
        building = self.build(generations)

        assert generations.cleanup() == []
        clock.now += 601
        assert generations.cleanup() == [building]

    # A damaged generation ---------------------------------------------------------
    def test_a_damaged_current_generation_is_skipped_and_not_kept_as_the_fallback(
        self, generations: Generations
    ) -> None:
        good, damaged, repaired = (self.build(generations) for _ in range(3))
        generations.publish(good)
        generations.publish(damaged)
        self.damage(generations, damaged)

        assert generations.published() == damaged
        assert not generations.intact(damaged) and generations.intact(good)
        assert generations.current() == good  # what a re-index builds on
        assert [g for g, _ in generations.candidates()] == [damaged, good]

        generations.publish(repaired)

        assert (generations.current(), generations.previous()) == (repaired, good)
        assert generations.cleanup() == [damaged]


class TestFolderGenerations(GenerationsContract):
    """The embedded store: one database per generation in BOT_DATA_DIR/chroma/."""

    @pytest.fixture
    def open_generations(self, tmp_path: Path) -> Iterator[GenerationsFactory]:
        root = tmp_path / "chroma"
        made: list[FolderGenerations] = []

        def open_generations(**options: Any) -> Generations:
            generations = FolderGenerations(
                root, HashEmbedder(), settings=Settings(anonymized_telemetry=False), **options
            )
            made.append(generations)
            return generations

        yield open_generations
        for generations in made:
            for generation in generations.listed():
                generations.close(generation)

    def make_legacy(self, generations: Generations) -> None:
        assert isinstance(generations, FolderGenerations)
        client = chromadb.PersistentClient(
            path=str(generations.root), settings=Settings(anonymized_telemetry=False)
        )
        ChromaStore(client, HashEmbedder(), name="corpus").reset(FINGERPRINT)
        client.close()

    def legacy_left(self, generations: Generations) -> bool:
        assert isinstance(generations, FolderGenerations)
        root = generations.root
        uuid = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-")
        return (root / "chroma.sqlite3").exists() or any(uuid.match(p.name) for p in root.iterdir())

    def test_each_generation_is_a_folder_and_a_dropped_one_goes_whole(
        self, generations: Generations
    ) -> None:
        assert isinstance(generations, FolderGenerations)
        first, second, third = (self.build(generations) for _ in range(3))
        for generation in (first, second, third):
            generations.publish(generation)
        assert (generations.folder(first) / "chroma.sqlite3").is_file()

        assert generations.cleanup() == [first]

        assert not generations.folder(first).exists()
        folders = sorted(p.name for p in generations.root.iterdir() if p.is_dir())
        assert folders == ["corpus-leases", f"corpus_{second}", f"corpus_{third}"] or folders == [
            f"corpus_{second}",
            f"corpus_{third}",
        ]

    def test_a_damaged_database_file_takes_only_its_own_generation(
        self, generations: Generations, open_generations: GenerationsFactory
    ) -> None:
        assert isinstance(generations, FolderGenerations)
        good, damaged = self.build(generations), self.build(generations)
        generations.publish(good)
        generations.publish(damaged)
        generations.close(damaged)
        path = generations.folder(damaged) / "chroma.sqlite3"
        data = bytearray(path.read_bytes())
        for page in range(4096, len(data), 4096):
            data[page + 100 : page + 300] = b"\xff" * 200
        path.write_bytes(bytes(data))

        other = open_generations()  # a process starting now
        stores = dict(other.candidates())  # making the stores opens nothing yet

        with pytest.raises(Exception, match="malformed"):
            stores[damaged].count()
        assert stores[good].count() == 0 and stores[good].intact()
        assert other.current() == good  # what a re-index builds on

    def test_unused_vector_capacity_is_zeroed_before_publish_and_after_a_load(
        self, generations: Generations, open_generations: GenerationsFactory
    ) -> None:
        """Chroma writes a vector segment's whole buffer, uninitialised memory included
        (whatever text the process held); only the part past the header's count is zeroed."""
        assert isinstance(generations, FolderGenerations)
        generation = self.build(generations)
        store = generations.store(generation)
        embedder = HashEmbedder()
        store.add_chunks(records("haiti.md", ["Kenyan police arrived in Haiti."], embedder))
        query = embedder.embed(["police in Haiti"])[0]
        hits = store.dense_search(query, 1)
        secret = b"The quokka ledger of Lamu is kept in vault seventeen"
        segments = list(generations.folder(generation).glob("*/data_level0.bin"))
        assert segments
        for path in segments:  # as if the process had held the secret in its heap
            data = bytearray(path.read_bytes())
            data[-200 : -200 + len(secret)] = secret
            path.write_bytes(bytes(data))

        generations.publish(generation)

        folder = generations.folder(generation)
        assert not any(secret in p.read_bytes() for p in folder.rglob("*") if p.is_file())
        generations.close(generation)
        reader = open_generations()  # another process opens it: same answers
        assert reader.store(generation).dense_search(query, 1) == hits
        reader.settle(generation)  # what its opening wrote is zeroed in turn
        assert scrub_vector_files(folder) == 0

    def test_a_reader_never_creates_a_missing_generation(self, generations: Generations) -> None:
        assert isinstance(generations, FolderGenerations)
        store = generations.store("g20000101t000000000000")

        with pytest.raises(GenerationMissing):
            store.exists()
        assert not store.intact()
        assert not generations.folder("g20000101t000000000000").exists()
        assert generations.listed() == set()


class TestEmbeddedChromaGenerations(GenerationsContract):
    """All generations in one embedded database (what earlier versions did)."""

    @pytest.fixture
    def open_generations(self, tmp_path: Path) -> Iterator[GenerationsFactory]:
        path = tmp_path / "chroma"
        clients: list[Any] = []

        def open_generations(**options: Any) -> Generations:
            client = chromadb.PersistentClient(
                path=str(path), settings=Settings(anonymized_telemetry=False)
            )
            clients.append(client)
            return Generations(client, HashEmbedder(), **options)

        yield open_generations
        for client in clients:
            client.close()


class TestChromaServerGenerations(GenerationsContract):
    """The same contract against a real `chroma run` server (BOT_CHROMA_URL mode)."""

    @pytest.fixture
    def open_generations(self, chroma_server: Any) -> Iterator[GenerationsFactory]:
        chroma_server.emptied()
        yield lambda **options: Generations(chroma_server.client(), HashEmbedder(), **options)
