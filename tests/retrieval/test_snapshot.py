"""CorpusSnapshot: the in-memory view one query reads, loaded from an index the Indexer built."""

from __future__ import annotations

from pathlib import Path

import chromadb
import numpy as np
import pytest

from retrieval.generations import Generations
from retrieval.indexer import Indexer
from retrieval.snapshot import CorpusSnapshot, DamagedIndex
from retrieval.store import ChromaStore
from retrieval.text import sentences, terms
from tests.fakes.embedder import HashEmbedder

# Twelve chunks, so chunk 10 must come after chunk 9 (not after chunk 1).
REPORT = "# Report\n\n" + "\n\n".join(
    f"## Part {n}\n\nPart {n} of the report covers item {n}. It has a second sentence too."
    for n in range(12)
)
HAITI = """\
---
title: The Haiti mission
url: https://example.org/haiti
---
# The Haiti mission

Kenya agreed in 2023 to lead a police mission to Haiti.
The UN Security Council authorised it in October 2023.

## Arrival

The first Kenyan officers landed in Port-au-Prince on 25 June 2024.
About 400 officers were in Haiti by mid-July 2024.
"""
ANNEX = "# Annex\n\nThe annex lists the officers by rank. It was written after the report.\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "report.md").write_text(REPORT)
    (folder / "haiti.md").write_text(HAITI)
    return folder


def build(client: chromadb.ClientAPI, embedder: HashEmbedder, corpus: Path) -> ChromaStore:
    """Index corpus (then a document added later, as a second sync) and return the
    store of the generation being served."""
    generations = Generations(client, embedder)
    indexer = Indexer(
        generations, embedder, source_root=corpus.parent, chunk_tokens=60, chunk_overlap=10
    )
    indexer.sync(corpus)
    (corpus / "annex.md").write_text(ANNEX)  # sorts first, but is written last
    indexer.sync(corpus)
    current = generations.current()
    assert current
    return generations.store(current)


@pytest.fixture
def store(client: chromadb.ClientAPI, hash_embedder: HashEmbedder, corpus: Path) -> ChromaStore:
    return build(client, hash_embedder, corpus)


def test_chunks_are_ordered_by_source_then_chunk_number(store: ChromaStore) -> None:
    snap = CorpusSnapshot.load(store)

    listed = [(c.source, c.metadata["chunk"]) for c in snap.chunks]
    assert listed == (
        [("corpus/annex.md", 0)]
        + [("corpus/haiti.md", 0), ("corpus/haiti.md", 1)]
        + [("corpus/report.md", n) for n in range(12)]
    )
    assert [c.position for c in snap.chunks] == list(range(15))
    assert snap.by_id == {c.id: c.position for c in snap.chunks}
    assert snap.chunks[snap.by_id["corpus/report.md#10"]].text.startswith("Part 10 of the report")


def test_documents_map_each_source_to_its_chunk_positions(store: ChromaStore) -> None:
    snap = CorpusSnapshot.load(store)

    assert snap.documents == {
        "corpus/annex.md": [0],
        "corpus/haiti.md": [1, 2],
        "corpus/report.md": list(range(3, 15)),
    }


def test_each_chunk_owns_a_run_of_sentence_ids_that_slice_its_sentences(
    store: ChromaStore, hash_embedder: HashEmbedder
) -> None:
    snap = CorpusSnapshot.load(store)

    next_id = 0
    for chunk in snap.chunks:
        ids = snap.sentence_ids(chunk.position)
        assert ids.start == next_id, "sentence ids run on from the previous chunk"
        next_id = ids.stop
        assert list(snap.sentence_chunk[ids.start : ids.stop]) == [chunk.position] * len(ids)
        quoted = [chunk.text[s:e] for s, e in snap.sentence_spans[ids.start : ids.stop]]
        assert quoted == sentences(chunk.text)
    assert next_id == len(snap.sentence_chunk) == len(snap.sentence_vectors)

    arrival = snap.by_id["corpus/haiti.md#1"]
    ids = snap.sentence_ids(arrival)
    first = snap.sentence_spans[ids.start]
    text = snap.chunks[arrival].text
    assert text[first[0] : first[1]] == (
        "The first Kenyan officers landed in Port-au-Prince on 25 June 2024."
    )
    assert snap.sentence_vectors.dtype == np.float16
    np.testing.assert_allclose(
        snap.sentence_vectors[ids.start].astype(np.float32),
        hash_embedder.embed([text[first[0] : first[1]]])[0],
        atol=2e-3,
    )
    assert snap.sentence_terms(arrival)[0] == frozenset(terms(text[first[0] : first[1]]))


def test_citation_fields_and_lexical_index_come_with_the_chunks(store: ChromaStore) -> None:
    snap = CorpusSnapshot.load(store)

    arrival = snap.chunks[snap.by_id["corpus/haiti.md#1"]]
    assert (arrival.metadata["title"], arrival.metadata["section"]) == (
        "The Haiti mission",
        "Arrival",
    )
    assert arrival.metadata["url"] == "https://example.org/haiti"
    assert arrival.page is None  # a Markdown file has no pages
    assert len(snap.lexical) == len(snap.chunks)
    # The title and section are searchable too, not only the chunk text.
    assert snap.lexical.search(terms("arrival"), k=3)[0][0] == arrival.position
    assert snap.lexical.search(terms("annex"), k=3)[0][0] == snap.by_id["corpus/annex.md#0"]
    assert snap.loaded_seconds > 0


def test_missing_sentence_vectors_are_a_damaged_index(store: ChromaStore) -> None:
    store.sentences.delete(ids=["corpus/haiti.md#1"])  # as if a write stopped half-way

    with pytest.raises(DamagedIndex, match="1 of 15 chunks have no sentence vectors"):
        CorpusSnapshot.load(store)


def test_a_store_that_was_never_written_loads_as_empty(
    client: chromadb.ClientAPI, hash_embedder: HashEmbedder
) -> None:
    snap = CorpusSnapshot.load(ChromaStore(client, hash_embedder, name="never-written"))

    assert snap.chunks == [] and snap.documents == {} and snap.by_id == {}
    assert snap.sentence_vectors.shape == (0, hash_embedder.dim)


def test_empty_snapshot_has_no_chunks_sentences_or_terms() -> None:
    snap = CorpusSnapshot.empty(32)

    assert snap.chunks == [] and len(snap.lexical) == 0
    assert snap.sentence_vectors.shape == (0, 32)
    assert snap.sentence_spans.shape == (0, 2)
    assert snap.chunk_sentences.shape == (0, 2)
    assert snap.lexical.search(["haiti"], k=5) == []
