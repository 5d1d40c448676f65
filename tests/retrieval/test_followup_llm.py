"""Follow-up rewriting with an LLM, against the local OpenAI-compatible server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from retrieval.followup import QuestionRewriter
from retrieval.generators import chat_model_generator
from retrieval.models import Turn
from tests.fakes.openai_server import FakeOpenAIServer, fake_openai_server

HISTORY = [
    Turn(
        "Which country leads the security mission in Haiti?",
        "Kenya agreed in 2023 to lead a multinational police mission to help Haiti. [1]",
    )
]


@pytest.fixture
def server() -> Iterator[FakeOpenAIServer]:
    with fake_openai_server() as s:
        yield s


@pytest.fixture
def llm_service(corpus_engine: Any, server: FakeOpenAIServer, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    generator = chat_model_generator(
        "openai:test-model", base_url=server.url + "/v1", api_key="sk-test", timeout=5
    )
    monkeypatch.setattr(corpus_engine, "rewriter", QuestionRewriter(generator, timeout=5))
    return corpus_engine


def test_follow_up_is_rewritten_by_the_model(llm_service: Any, server: FakeOpenAIServer) -> None:
    server.enqueue("When did Kenya's first police contingent arrive in Haiti?")
    answer = llm_service.ask("and when did they get there?", HISTORY)
    assert answer.standalone_question == "When did Kenya's first police contingent arrive in Haiti?"
    assert "25 June 2024" in answer.answer
    assert answer.citations[0].source == "docs_corpus/04-haiti-security-mission.md"
    sent = server.requests[0].message("user")
    assert "<conversation>" in sent and HISTORY[0].question in sent
    assert "Last question: and when did they get there?" in sent


def test_model_failure_falls_back_to_carrying_terms(
    llm_service: Any, server: FakeOpenAIServer
) -> None:
    server.enqueue_error(500)
    answer = llm_service.ask("and when did they get there?", HISTORY)
    assert "Haiti" in answer.standalone_question and not answer.abstained
    assert answer.citations[0].source == "docs_corpus/04-haiti-security-mission.md"


def test_rambling_reply_is_not_used(llm_service: Any, server: FakeOpenAIServer) -> None:
    server.enqueue("Sure! Here is the rewritten question:\nWhen did they arrive in Haiti?")
    rewritten = llm_service.rewriter.rewrite("and when did they get there?", HISTORY)
    assert rewritten.startswith("and when did they get there? (") and "Haiti" in rewritten


def test_no_history_means_no_model_call(llm_service: Any, server: FakeOpenAIServer) -> None:
    assert llm_service.rewriter.rewrite("When was the state visit?", []) == (
        "When was the state visit?"
    )
    assert server.requests == []
