"""The retrieval facade: thread safety, one re-index at a time, answers during a re-index,
server mode."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.wiring import build_engine
from retrieval.engine import ReindexInProgress
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


def test_sources_after_reindex(tmp_path: Path, corpus: Path) -> None:
    engine = build_engine(make_settings(tmp_path / "d", corpus), embedder=HashEmbedder())
    assert engine.sources() == [] and not engine.status().indexed
    stats = engine.reindex()
    assert stats.added == 2
    assert [s.title for s in engine.sources()] == ["Haiti", "Railway"]
    assert all(s.chunks == 1 and s.indexed_at for s in engine.sources())


def test_one_reindex_at_a_time_and_answers_meanwhile(tmp_path: Path, corpus: Path) -> None:
    embedder = SlowEmbedder()
    embedder.gate.set()
    engine = build_engine(make_settings(tmp_path / "d", corpus), embedder=embedder)
    engine.reindex()
    before = engine.ask("When did the police arrive in Haiti?")
    assert "25 June 2024" in before.answer

    (corpus / "haiti.md").write_text(DOCS["haiti.md"].replace("25 June", "26 June"))
    embedder.gate.clear()
    embedder.entered.clear()
    worker = threading.Thread(target=engine.reindex)
    worker.start()
    assert embedder.entered.wait(10)
    try:
        assert engine.reindex_running
        with pytest.raises(ReindexInProgress, match="already running"):
            engine.reindex()
        # Still answering from the previous complete snapshot.
        during = engine.ask("When did the police arrive in Haiti?")
        assert "25 June 2024" in during.answer
    finally:
        embedder.gate.set()
        worker.join(30)
    after = engine.ask("When did the police arrive in Haiti?")
    assert "26 June 2024" in after.answer and not engine.reindex_running


def test_concurrent_questions(tmp_path: Path, corpus: Path) -> None:
    engine = build_engine(make_settings(tmp_path / "d", corpus), embedder=HashEmbedder())
    engine.reindex()
    questions = ["When did police arrive in Haiti?", "When did the railway open?"] * 20
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(engine.ask, questions))
    for q, a in zip(questions, answers, strict=True):
        expected = "Haiti" if "Haiti" in q else "railway"
        assert a.citations and expected in a.citations[0].quote


def test_timings_are_reported(tmp_path: Path, corpus: Path) -> None:
    engine = build_engine(make_settings(tmp_path / "d", corpus), embedder=HashEmbedder())
    engine.reindex()
    started = time.perf_counter()
    answer = engine.ask("When did the railway open?")
    elapsed = (time.perf_counter() - started) * 1000
    assert {"retrieve", "compose", "total"} <= set(answer.timings_ms)
    assert 0 < answer.timings_ms["total"] <= elapsed + 1


def test_server_mode_end_to_end(tmp_path: Path, corpus: Path, chroma_server) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path / "d", corpus, chroma_url=chroma_server.url)
    engine = build_engine(settings, embedder=HashEmbedder())
    stats = engine.reindex()
    assert stats.added == 2
    answer = engine.ask("When did the railway open?")
    assert answer.citations and answer.citations[0].title == "Railway"
    # A second process (here: a second engine) sees the same index through the server.
    other = build_engine(
        make_settings(tmp_path / "other", corpus, chroma_url=chroma_server.url),
        embedder=HashEmbedder(),
    )
    assert [s.title for s in other.sources()] == ["Haiti", "Railway"]
    assert not (tmp_path / "d" / "chroma").exists()  # nothing embedded on local disk


def test_a_second_bot_on_the_server_follows_a_reindex(
    tmp_path: Path, corpus: Path, chroma_server
) -> None:  # type: ignore[no-untyped-def]
    first = build_engine(
        make_settings(tmp_path / "a", corpus, chroma_url=chroma_server.url), embedder=HashEmbedder()
    )
    first.reindex()
    second = build_engine(
        make_settings(tmp_path / "b", corpus, chroma_url=chroma_server.url), embedder=HashEmbedder()
    )
    assert "25 June 2024" in second.ask("When did police arrive in Haiti?").answer

    (corpus / "haiti.md").write_text(DOCS["haiti.md"].replace("25 June", "27 June"))
    first.reindex()
    second.holder._checked_at -= 60  # as if the check interval had passed
    assert "27 June 2024" in second.ask("When did police arrive in Haiti?").answer
