"""Shared fixtures. Network access is blocked except to 127.0.0.1 (Haystack's request_blocker)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

os.environ["ANONYMIZED_TELEMETRY"] = "False"
ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "docs_corpus"

# Tests using these fixtures take seconds (the real model, a `chroma run` server), so they
# are marked `slow`; `make test-fast` (pytest -m "not slow") leaves them out. Tests that are
# slow for other reasons (subprocesses of `python -m bot`, deliberate waits) say so with
# `@pytest.mark.slow` or a module-level `pytestmark`.
SLOW_FIXTURES = frozenset({"minilm", "corpus_engine", "corpus_chat", "chroma_server"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark `slow` every test using a slow fixture, directly or through another fixture."""
    for item in items:
        if SLOW_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _allowed(address: object) -> bool:
    if isinstance(address, tuple) and address:
        return str(address[0]) in ("127.0.0.1", "localhost", "::1")
    return isinstance(address, (str, bytes))  # unix sockets


def _guard(real):  # type: ignore[no-untyped-def]
    def connect(self, address):  # type: ignore[no-untyped-def]
        if not _allowed(address):
            raise RuntimeError(f"network access blocked in tests: {address!r}")
        return real(self, address)

    return connect


@pytest.fixture(autouse=True, scope="session")
def block_network() -> None:
    socket.socket.connect = _guard(_real_connect)  # type: ignore[method-assign]
    socket.socket.connect_ex = _guard(_real_connect_ex)  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def clean_bot_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's own tokens or .env."""
    for key in list(os.environ):
        if key.startswith(("BOT_", "SLACK_", "DISCORD_", "OPENAI_")):
            monkeypatch.delenv(key, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(scope="session")
def minilm():
    """The real bundled embedding model, loaded once per session."""
    from retrieval.embedding.minilm import MiniLMEmbedder

    return MiniLMEmbedder()


@pytest.fixture
def hash_embedder():
    from tests.fakes.embedder import HashEmbedder

    return HashEmbedder()


def make_settings(data_dir: Path, corpus_dir: Path = CORPUS, **overrides: object):
    from config import load_settings

    return load_settings(data_dir=data_dir, corpus_dir=corpus_dir, **overrides)


@pytest.fixture(scope="session")
def corpus_engine(tmp_path_factory: pytest.TempPathFactory, minilm):
    """An AnswerEngine over the default corpus, indexed once with the real model and Chroma."""
    from bot.wiring import build_engine

    data = tmp_path_factory.mktemp("corpus-index")
    engine = build_engine(make_settings(data), embedder=minilm)
    engine.reindex()
    return engine


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory):
    """A real `chroma run` on 127.0.0.1 for the whole session (skipped without the CLI)."""
    from tests.fakes.chroma_server import ChromaServer, chroma_cli

    if chroma_cli() is None:
        pytest.skip("the `chroma` CLI is not installed, so server mode cannot be tested")
    server = ChromaServer(tmp_path_factory.mktemp("chroma-server") / "db").start()
    yield server
    server.stop()


def write_documents(folder: Path, documents: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in documents.items():
        (folder / name).write_text(text)
    return folder


def admin(platform: str = "test", user: str = "setup"):
    """A ChatRequest from an admin (re-index and upload are allowed)."""
    from bot.service import ChatRequest

    return ChatRequest(platform, user, role="admin")


# The answer thresholds are calibrated on MiniLM's scores; the hashing stand-in scores
# exact-word matches lower, so fast tests use thresholds fitted to it (as a user
# retunes them for another embedder).
HASH_THRESHOLDS = {"min_sentence_score": 0.5, "answer_confidence": -0.5, "decline_confidence": -2.5}


def make_service(
    root: Path,
    documents: dict[str, str],
    *,
    indexed_by: tuple[str, str] | None = ("test", "setup"),
    **settings: object,
):
    """A ChatService over `documents` (written to root/corpus) with the fast hashing
    embedder, indexed by an admin (platform, user) unless `indexed_by` is None."""
    from bot.wiring import build_service
    from tests.fakes.embedder import HashEmbedder

    for name, value in HASH_THRESHOLDS.items():
        settings.setdefault(name, value)
    corpus = write_documents(root / "corpus", documents)
    service = build_service(
        make_settings(root / "data", corpus, **settings), embedder=HashEmbedder()
    )
    if indexed_by is not None:
        service.reindex(admin(*indexed_by))
    return service


@pytest.fixture
def corpus_chat(corpus_engine, minilm, tmp_path: Path):
    """A ChatService of its own (fresh conversations and state) over the shared corpus engine."""
    from bot.audit import AuditLog
    from bot.conversations import Conversations
    from bot.digest import DigestSchedule
    from bot.feedback import FeedbackStore
    from bot.gaps import GapLog
    from bot.limits import RateLimiter
    from bot.metrics import Metrics, PlatformStatus
    from bot.service import ChatService
    from bot.webfetch import PageFetcher

    state = tmp_path / "state.sqlite3"
    return ChatService(
        corpus_engine,
        feedback=FeedbackStore(state),
        audit=AuditLog(state),
        conversations=Conversations(),
        limiter=RateLimiter(0),
        metrics=Metrics(),
        platforms=PlatformStatus(),
        gaps=GapLog(state, embed=minilm.embed),
        digests=DigestSchedule(state),
        fetcher=PageFetcher(),
    )
