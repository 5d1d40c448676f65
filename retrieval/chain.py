"""The LangChain edge: the answer chain as Runnables, a `BaseRetriever` over the hybrid
search, and the conversions between LangChain `Document`s and typed `Passage`s.

Inside retrieval, typed passages flow; LangChain types appear only here (and in
the embedding adapters), for users who swap in their own retriever or model.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda
from pydantic import ConfigDict

from retrieval.models import Answer, Evidence, Passage
from retrieval.retriever import HybridSearch, IndexView


class Composer(Protocol):
    mode: str

    def answer(self, question: str, query: str, evidence: Evidence) -> Answer: ...

    def summarize(self, topic: str, evidence: Evidence, *, by_document: bool = False) -> Answer: ...


def passage_to_document(passage: Passage) -> Document:
    """A passage as a LangChain Document with the usual citation metadata."""
    meta: dict[str, Any] = {
        "source": passage.source,
        "title": passage.title,
        "section": passage.section,
        "url": passage.url,
        "date": passage.date,
        "as_of": passage.as_of,
        "score": passage.score,
    }
    if passage.page is not None:
        meta["page"] = passage.page
    return Document(page_content=passage.text, metadata=meta, id=passage.id)


def document_to_passage(doc: Document, rank: int = 0) -> Passage:
    """Any retriever's Document as a passage (its sentences are embedded when composing)."""
    meta = doc.metadata or {}
    page = meta.get("page")
    return Passage(
        id=str(doc.id or f"{meta.get('source', 'document')}#{rank}"),
        text=doc.page_content,
        source=str(meta.get("source", "")),
        title=str(meta.get("title", "")),
        section=str(meta.get("section", "")),
        url=str(meta.get("url", "")),
        date=str(meta.get("date", "")),
        as_of=str(meta.get("as_of", "")),
        page=int(page) if isinstance(page, int) and page >= 0 else None,
    )


class HybridRetriever(BaseRetriever):
    """The hybrid search as a LangChain retriever over the currently served index."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    view: Callable[[], IndexView]
    search: HybridSearch

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun | None = None
    ) -> list[Document]:
        evidence = self.search.search(self.view(), query)
        return [passage_to_document(p) for p in evidence.passages]


Retrieve = Callable[[str], Evidence]


def _as_retrieve(retriever: BaseRetriever | Retrieve) -> Retrieve:
    if isinstance(retriever, BaseRetriever):

        def from_documents(query: str) -> Evidence:
            docs = retriever.invoke(query)
            return Evidence(query, [document_to_passage(d, i) for i, d in enumerate(docs)])

        return from_documents
    return retriever


def build_answer_chain(
    retriever: BaseRetriever | Retrieve, composer: Composer
) -> Runnable[Any, Answer]:
    """`{"question", "query"[, "said"]}` → Answer, timing the retrieve and compose steps.

    `retriever` is any LangChain retriever (its Documents need `title`/`source`
    metadata for useful citations) or a function from query to `Evidence`.
    """
    retrieve_evidence = _as_retrieve(retriever)

    def retrieve(inputs: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        evidence = retrieve_evidence(inputs["query"])
        if inputs.get("said"):  # earlier answers of the conversation: not to be repeated
            evidence = replace(evidence, said=tuple(inputs["said"]))
        return {
            **inputs,
            "evidence": evidence,
            "retrieve_ms": (time.perf_counter() - started) * 1000,
        }

    def compose(inputs: dict[str, Any]) -> Answer:
        started = time.perf_counter()
        answer = composer.answer(inputs["question"], inputs["query"], inputs["evidence"])
        timings = {
            "retrieve": inputs["retrieve_ms"],
            "compose": (time.perf_counter() - started) * 1000,
            **answer.timings_ms,
        }
        return replace(answer, timings_ms=timings, standalone_question=inputs["query"])

    return RunnableLambda(retrieve, name="retrieve") | RunnableLambda(compose, name="compose")
