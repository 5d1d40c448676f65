"""The LangChain edge: the answer chain over our search or any `BaseRetriever`, the
`HybridRetriever`, and the Passage <-> Document conversions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever

from retrieval.chain import (
    HybridRetriever,
    build_answer_chain,
    document_to_passage,
    passage_to_document,
)
from retrieval.compose import ExtractiveComposer
from retrieval.generations import Generations
from retrieval.indexer import Indexer
from retrieval.models import Answer, Evidence, Passage
from retrieval.retriever import HybridSearch, IndexHolder, QueryEmbeddingCache
from tests.fakes.embedder import HashEmbedder

HAITI_SOURCE = "docs_corpus/04-haiti-security-mission.md"
HAITI = """\
---
title: The Haiti mission
url: https://example.org/haiti
date: 2024-07-19
---
# The Haiti mission

Kenya agreed in 2023 to lead a multinational police mission to Haiti.
The UN Security Council authorised the mission in October 2023.

## Arrival

The first Kenyan officers landed in Port-au-Prince on 25 June 2024.
About 400 Kenyan officers were in Haiti by mid-July 2024.
"""
TRADE = """\
---
title: Trade and investment
---
# Trade and investment

AGOA gave Kenyan textiles duty-free access to the US market for two decades.
Most of those exports leave through the port of Mombasa.
"""
QUERY = "When did the first Kenyan officers land in Port-au-Prince?"
LANDED = "The first Kenyan officers landed in Port-au-Prince on 25 June 2024."


class FixedRetriever(BaseRetriever):
    """Any third-party LangChain retriever: returns the same Documents for every query."""

    documents: list[Document]
    queries: list[str] = []

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun | None = None
    ) -> list[Document]:
        self.queries.append(query)
        return list(self.documents)


@pytest.fixture
def embedder() -> HashEmbedder:
    return HashEmbedder()


@pytest.fixture
def composer(embedder: HashEmbedder) -> ExtractiveComposer:
    return ExtractiveComposer(QueryEmbeddingCache(embedder), embedder.embed)


@pytest.fixture
def holder(tmp_path: Path, embedder: HashEmbedder) -> Iterator[IndexHolder]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "haiti.md").write_text(HAITI)
    (corpus / "trade.md").write_text(TRADE)
    client = chromadb.PersistentClient(
        path=str(tmp_path / "chroma"), settings=Settings(anonymized_telemetry=False)
    )
    generations = Generations(client, embedder)
    Indexer(generations, embedder, source_root=tmp_path, chunk_tokens=60).sync(corpus)
    holder = IndexHolder(generations)
    holder.reload()
    yield holder
    client.close()


def assert_timed(answer: Answer) -> None:
    assert {"retrieve", "compose"} <= set(answer.timings_ms)
    assert all(ms >= 0 for ms in answer.timings_ms.values())


def test_chain_over_a_search_function_retrieves_with_the_query_and_cites(
    holder: IndexHolder, embedder: HashEmbedder, composer: ExtractiveComposer
) -> None:
    search = HybridSearch(QueryEmbeddingCache(embedder))
    asked: list[str] = []

    def retrieve(query: str) -> Evidence:
        asked.append(query)
        return search.search(holder.get(), query)

    chain = build_answer_chain(retrieve, composer)
    answer: Answer = chain.invoke({"question": "and when did they land?", "query": QUERY})

    assert asked == [QUERY]  # the standalone query is searched, not the raw follow-up
    assert answer.question == "and when did they land?"
    assert answer.standalone_question == QUERY
    assert not answer.abstained and answer.mode == "extractive"
    assert f"{LANDED} [1]" in answer.answer
    first = answer.citations[0]
    assert (first.index, first.source, first.title, first.section) == (
        1,
        "corpus/haiti.md",
        "The Haiti mission",
        "Arrival",
    )
    assert first.url == "https://example.org/haiti" and first.date == "2024-07-19"
    assert LANDED in first.quote
    assert_timed(answer)
    assert answer.to_dict()["standalone_question"] == QUERY


def test_chain_over_any_langchain_retriever_cites_its_documents(
    composer: ExtractiveComposer,
) -> None:
    retriever = FixedRetriever(
        documents=[
            Document(
                page_content=f"{LANDED} They were met at the airport by Haitian police.",
                metadata={
                    "source": "briefing.pdf",
                    "title": "Congressional briefing",
                    "section": "Deployment",
                    "url": "https://example.org/briefing.pdf",
                    "date": "2024-07-01",
                    "page": 3,
                },
                id="briefing.pdf#7",
            ),
            Document(
                page_content="AGOA gave Kenyan textiles duty-free access to the US market.",
                metadata={"source": "trade.md", "title": "Trade"},
            ),
        ]
    )

    answer: Answer = build_answer_chain(retriever, composer).invoke(
        {"question": QUERY, "query": QUERY}
    )

    assert retriever.queries == [QUERY]
    assert not answer.abstained
    assert answer.answer.startswith(f"{LANDED} [1]")
    first = answer.citations[0]
    assert (first.source, first.title, first.section, first.url, first.page, first.date) == (
        "briefing.pdf",
        "Congressional briefing",
        "Deployment",
        "https://example.org/briefing.pdf",
        3,
        "2024-07-01",
    )
    assert first.quote.startswith(LANDED)
    assert all("AGOA" not in c.quote for c in answer.citations)
    assert_timed(answer)


def test_chain_over_our_hybrid_retriever_cites_the_indexed_chunk(
    holder: IndexHolder, embedder: HashEmbedder, composer: ExtractiveComposer
) -> None:
    retriever = HybridRetriever(view=holder.get, search=HybridSearch(QueryEmbeddingCache(embedder)))

    answer: Answer = build_answer_chain(retriever, composer).invoke(
        {"question": QUERY, "query": QUERY}
    )

    assert f"{LANDED} [1]" in answer.answer
    assert answer.citations[0].source == "corpus/haiti.md"
    assert answer.citations[0].section == "Arrival"
    assert_timed(answer)


def test_chain_abstains_when_the_retriever_finds_nothing(composer: ExtractiveComposer) -> None:
    answer: Answer = build_answer_chain(FixedRetriever(documents=[]), composer).invoke(
        {"question": QUERY, "query": QUERY}
    )

    assert answer.abstained and answer.citations == []
    assert_timed(answer)


def test_hybrid_retriever_returns_documents_with_citation_metadata(
    holder: IndexHolder, embedder: HashEmbedder
) -> None:
    retriever = HybridRetriever(view=holder.get, search=HybridSearch(QueryEmbeddingCache(embedder)))

    docs = retriever.invoke(QUERY)

    assert docs[0].id == "corpus/haiti.md#1" and LANDED in docs[0].page_content
    assert docs[0].metadata["title"] == "The Haiti mission"
    assert {"source", "title", "section", "url", "date", "as_of", "score"} <= set(docs[0].metadata)
    assert "page" not in docs[0].metadata  # Markdown has no pages


def test_langchain_retriever_returns_documents_with_citation_metadata(corpus_engine) -> None:  # type: ignore[no-untyped-def]
    retriever = HybridRetriever(view=corpus_engine.holder.get, search=corpus_engine.search)

    docs = retriever.invoke("Which judge blocked the Haiti deployment?")

    assert docs[0].metadata["source"] == HAITI_SOURCE and "Mwita" in docs[0].page_content
    assert {"title", "section", "url", "date"} <= set(docs[0].metadata)


# Conversions -----------------------------------------------------------------
def test_passage_to_document_and_back_keeps_the_citation_fields() -> None:
    passage = Passage(
        id="briefing.pdf#3",
        text="Kenya briefed Congress on Haiti.",
        source="briefing.pdf",
        title="Brief",
        section="Haiti",
        url="https://example.org/brief.pdf",
        date="2024-07-01",
        as_of="2026-01-01",
        page=2,
        score=0.75,
    )

    doc = passage_to_document(passage)
    back = document_to_passage(doc)

    assert doc.id == "briefing.pdf#3" and doc.page_content == passage.text
    assert doc.metadata["page"] == 2 and doc.metadata["score"] == 0.75
    fields = ("id", "text", "source", "title", "section", "url", "date", "as_of", "page")
    assert {f: getattr(back, f) for f in fields} == {f: getattr(passage, f) for f in fields}
    assert back.sentence_spans is None  # its sentences are embedded when composing


def test_a_passage_without_a_page_round_trips_without_one() -> None:
    passage = Passage(id="haiti.md#0", text="Text.", source="haiti.md", title="Haiti")

    doc = passage_to_document(passage)

    assert "page" not in doc.metadata
    assert document_to_passage(doc).page is None


def test_a_foreign_document_gets_an_id_and_empty_fields_where_metadata_is_missing() -> None:
    bare = document_to_passage(Document(page_content="Some text."), rank=4)
    assert (bare.id, bare.source, bare.title, bare.url, bare.page) == (
        "document#4",
        "",
        "",
        "",
        None,
    )

    named = document_to_passage(
        Document(page_content="Text.", metadata={"source": "notes.md", "page": -1}), rank=2
    )
    assert (named.id, named.source, named.page) == ("notes.md#2", "notes.md", None)
    assert document_to_passage(Document(page_content="x", metadata={"page": "7"})).page is None
