"""Chunking: chunks fit the model's window, keep whole sentences, and carry their place."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.chunking import chunk_document, make_splitter
from retrieval.loaders import LoadedDocument, Section, load_document
from retrieval.text import sentences

CORPUS = Path(__file__).resolve().parents[2] / "docs_corpus"


@pytest.fixture(scope="module")
def long_section() -> str:
    """About 2,000 model tokens of real corpus prose in one section, paragraphs kept."""
    paragraphs = []
    for name in ("04-haiti-security-mission.md", "05-trade-and-investment.md"):
        doc = load_document(CORPUS / name, name)
        paragraphs += [s.text for s in doc.sections]
    return "\n\n".join(paragraphs)


def document(*sections: Section) -> LoadedDocument:
    return LoadedDocument(source="doc.md", title="Doc", sections=list(sections), content_hash="h")


def test_chunks_stay_within_the_token_budget(minilm, long_section: str) -> None:
    assert minilm.count_tokens(long_section) > 1500
    splitter = make_splitter(minilm.count_tokens, chunk_tokens=120, overlap=20)

    chunks = chunk_document(document(Section("Long", long_section)), splitter)

    assert len(chunks) >= 12
    sizes = [minilm.count_tokens(c.text) for c in chunks]
    assert max(sizes) <= 120, sizes


def test_no_sentence_is_lost_between_chunks(minilm, long_section: str) -> None:
    splitter = make_splitter(minilm.count_tokens, chunk_tokens=120, overlap=20)

    chunks = chunk_document(document(Section("Long", long_section)), splitter)

    missing = [s for s in sentences(long_section) if not any(s in c.text for c in chunks)]
    assert missing == []


def test_every_sentence_span_slices_a_whole_sentence(minilm, long_section: str) -> None:
    whole = set(sentences(long_section))
    splitter = make_splitter(minilm.count_tokens, chunk_tokens=120, overlap=20)

    for chunk in chunk_document(document(Section("Long", long_section)), splitter):
        quoted = [chunk.text[s:e] for s, e in chunk.sentences]
        assert quoted, chunk.text
        assert set(quoted) <= whole, chunk.text
        # Together the spans cover the chunk: nothing but whitespace is left out.
        assert "".join(quoted).replace(" ", "") == chunk.text.replace(" ", "").replace("\n", "")
        assert list(chunk.sentences) == sorted(chunk.sentences)


def test_chunks_carry_their_section_and_page(minilm) -> None:
    doc = document(
        Section("Page 1", "Kenya agreed to lead the mission. " * 30, page=1),
        Section("Page 2", "The first officers landed on 25 June 2024.", page=2),
    )
    splitter = make_splitter(minilm.count_tokens, chunk_tokens=60, overlap=10)

    chunks = chunk_document(doc, splitter)

    assert [(c.section, c.page) for c in chunks][-1] == ("Page 2", 2)
    assert {(c.section, c.page) for c in chunks[:-1]} == {("Page 1", 1)}
    assert len(chunks) >= 3
    assert chunks[-1].text == "The first officers landed on 25 June 2024."


def test_chunk_numbering_is_stable_for_the_same_document(hash_embedder) -> None:
    doc = load_document(CORPUS / "04-haiti-security-mission.md", "haiti.md")
    splitter = make_splitter(hash_embedder.count_tokens, chunk_tokens=80, overlap=10)

    first = chunk_document(doc, splitter)
    second = chunk_document(doc, make_splitter(hash_embedder.count_tokens, 80, 10))

    assert [c.number for c in first] == list(range(len(first)))
    assert first == second
    headings = [s.heading for s in doc.sections]
    assert [c.section for c in first] == sorted((c.section for c in first), key=headings.index), (
        "chunks follow document order"
    )
