"""The answer chain on LangChain's interfaces: retriever | composer, each a Runnable."""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any, Protocol

from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda

from retrieval.models import Answer


class Composer(Protocol):
    mode: str

    def answer(self, question: str, query: str, docs: list[Document]) -> Answer: ...


def build_answer_chain(retriever: BaseRetriever, composer: Composer) -> Runnable[Any, Answer]:
    """`{"question", "query"}` → Answer, timing the retrieve and compose steps.

    Any LangChain retriever works (its Documents need `title`/`source`
    metadata for useful citations); any object with `answer()` composes.
    """

    def retrieve(inputs: dict[str, Any]) -> dict[str, Any]:
        started = time.perf_counter()
        docs = retriever.invoke(inputs["query"])
        return {**inputs, "docs": docs, "retrieve_ms": (time.perf_counter() - started) * 1000}

    def compose(inputs: dict[str, Any]) -> Answer:
        started = time.perf_counter()
        answer = composer.answer(inputs["question"], inputs["query"], inputs["docs"])
        timings = {
            "retrieve": inputs["retrieve_ms"],
            "compose": (time.perf_counter() - started) * 1000,
            **answer.timings_ms,
        }
        return replace(answer, timings_ms=timings, standalone_question=inputs["query"])

    return RunnableLambda(retrieve, name="retrieve") | RunnableLambda(compose, name="compose")
