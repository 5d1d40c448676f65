"""The core service: thread safety, one re-index at a time, answers during a re-index."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.service import QuestionError, ReindexInProgress
from bot.wiring import build_service
from tests.conftest import make_settings
from tests.fakes.embedder import HashEmbedder

DOCS = {
    "haiti.md": "# Haiti\n\n## Arrival\nKenyan police officers arrived in Haiti on 25 June 2024 to "
    "fight the gangs of Port-au-Prince.\n",
    "railway.md": "# Railway\n\n## Opening\nThe standard gauge railway from Mombasa to Nairobi "
    "opened on 31 May 2017 with Chinese loans.\n",
}


class SlowEmbedder(HashEmbedder):
    """Holds every embedding call until released, to catch a re-index mid-way."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.entered = threading.Event()

    def embed_spans(self, texts, spans):  # type: ignore[no-untyped-def]
        self.entered.set()
        assert self.gate.wait(30)
        return super().embed_spans(texts, spans)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text)
    return folder


def test_question_limits(tmp_path: Path, corpus: Path) -> None:
    service = build_service(
        make_settings(tmp_path / "d", corpus, max_question_chars=50), embedder=HashEmbedder()
    )
    with pytest.raises(QuestionError, match="Ask a question"):
        service.ask("   ")
    with pytest.raises(QuestionError, match="limit is 50"):
        service.ask("why " * 30)


def test_sources_after_reindex(tmp_path: Path, corpus: Path) -> None:
    service = build_service(make_settings(tmp_path / "d", corpus), embedder=HashEmbedder())
    assert service.sources() == [] and not service.is_indexed
    stats = service.reindex("tester")
    assert stats.added == 2
    assert [s.title for s in service.sources()] == ["Haiti", "Railway"]
    assert all(s.chunks == 1 and s.indexed_at for s in service.sources())


def test_one_reindex_at_a_time_and_answers_meanwhile(tmp_path: Path, corpus: Path) -> None:
    embedder = SlowEmbedder()
    embedder.gate.set()
    service = build_service(make_settings(tmp_path / "d", corpus), embedder=embedder)
    service.reindex("first")
    before = service.ask("When did the police arrive in Haiti?")
    assert "25 June 2024" in before.answer

    (corpus / "haiti.md").write_text(DOCS["haiti.md"].replace("25 June", "26 June"))
    embedder.gate.clear()
    embedder.entered.clear()
    worker = threading.Thread(target=service.reindex, args=("second",))
    worker.start()
    assert embedder.entered.wait(10)
    try:
        assert service.reindex_running
        with pytest.raises(ReindexInProgress, match="already running"):
            service.reindex("third")
        # Still answering from the previous complete snapshot.
        during = service.ask("When did the police arrive in Haiti?")
        assert "25 June 2024" in during.answer
    finally:
        embedder.gate.set()
        worker.join(30)
    after = service.ask("When did the police arrive in Haiti?")
    assert "26 June 2024" in after.answer and not service.reindex_running


def test_concurrent_questions(tmp_path: Path, corpus: Path) -> None:
    service = build_service(make_settings(tmp_path / "d", corpus), embedder=HashEmbedder())
    service.reindex("tester")
    questions = ["When did police arrive in Haiti?", "When did the railway open?"] * 20
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(service.ask, questions))
    for q, a in zip(questions, answers, strict=True):
        expected = "Haiti" if "Haiti" in q else "railway"
        assert a.citations and expected in a.citations[0].quote


def test_timings_are_reported(tmp_path: Path, corpus: Path) -> None:
    service = build_service(make_settings(tmp_path / "d", corpus), embedder=HashEmbedder())
    service.reindex("tester")
    started = time.perf_counter()
    answer = service.ask("When did the railway open?")
    elapsed = (time.perf_counter() - started) * 1000
    assert {"retrieve", "compose", "total"} <= set(answer.timings_ms)
    assert 0 < answer.timings_ms["total"] <= elapsed + 1


def test_server_mode_end_to_end(tmp_path: Path, corpus: Path, chroma_server) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path / "d", corpus, chroma_url=chroma_server.url)
    service = build_service(settings, embedder=HashEmbedder())
    stats = service.reindex("tester")
    assert stats.added == 2
    answer = service.ask("When did the railway open?")
    assert answer.citations and answer.citations[0].title == "Railway"
    # A second process (here: a second service) sees the same index through the server.
    other = build_service(
        make_settings(tmp_path / "other", corpus, chroma_url=chroma_server.url),
        embedder=HashEmbedder(),
    )
    assert [s.title for s in other.sources()] == ["Haiti", "Railway"]
    assert not (tmp_path / "d" / "chroma").exists()  # nothing embedded on local disk


def test_a_second_bot_on_the_server_follows_a_reindex(
    tmp_path: Path, corpus: Path, chroma_server
) -> None:  # type: ignore[no-untyped-def]
    first = build_service(
        make_settings(tmp_path / "a", corpus, chroma_url=chroma_server.url), embedder=HashEmbedder()
    )
    first.reindex("tester")
    second = build_service(
        make_settings(tmp_path / "b", corpus, chroma_url=chroma_server.url), embedder=HashEmbedder()
    )
    assert "25 June 2024" in second.ask("When did police arrive in Haiti?").answer

    (corpus / "haiti.md").write_text(DOCS["haiti.md"].replace("25 June", "27 June"))
    first.reindex("tester")
    second.holder._checked_at -= 60  # as if the check interval had passed
    assert "27 June 2024" in second.ask("When did police arrive in Haiti?").answer
