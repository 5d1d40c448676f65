"""The console chat, driven line by line with the real model over the default corpus."""

from __future__ import annotations

import io

from bot.console import ConsoleChat
from tests.conftest import CORPUS


def run(service, *lines: str) -> str:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    feed = iter(lines)

    def read(prompt: str) -> str:
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None

    ConsoleChat(service, out, read).run()
    return out.getvalue()


def test_question_then_follow_up_keeps_context(corpus_chat) -> None:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    chat = ConsoleChat(corpus_chat, out)
    chat.handle("When did Kenya's first police contingent arrive in Haiti?")
    first = out.getvalue()
    chat.handle("and how many officers were in it?")
    second = out.getvalue()[len(first) :]
    assert "25 June 2024" in first and "Sources:" in first
    assert "[1] Kenya and the US: The Kenyan-Led Security Mission in Haiti" in first
    assert "400" in second and "Sources:" in second
    assert len(corpus_chat.conversations.history(chat.conversation)) == 2


def test_commands(corpus_chat) -> None:  # type: ignore[no-untyped-def]
    text = run(corpus_chat, "/help", "/sources", "/summary Haiti", "/bogus", "/quit", "never read")
    assert "/summary [topic]" in text
    documents = [p for p in CORPUS.rglob("*.md") if p.name != "README.md"]
    assert f"{len(documents)} documents:" in text
    assert "Unknown command /bogus" in text
    assert "Haiti" in text and "[1]" in text
    assert "never read" not in text


def test_out_of_corpus_question_says_so(corpus_chat) -> None:  # type: ignore[no-untyped-def]
    text = run(corpus_chat, "What is the capital of Peru?")
    assert "couldn't find an answer" in text and "Sources:" not in text
