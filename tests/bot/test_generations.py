"""Re-index never loses or mixes data: generations, a crash mid-way, a damaged newest index."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from bot.wiring import build_engine
from retrieval.engine import AnswerEngine
from tests.conftest import ROOT, make_settings
from tests.fakes.embedder import HashEmbedder


def write_corpus(folder: Path, version: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "haiti.md").write_text(
        f"# Haiti\n\n## Police\nIn version {version} the police guarded the railway in Haiti.\n"
    )
    (folder / "railway.md").write_text(
        f"# Railway\n\n## Police\nIn version {version} the railway police patrolled Nairobi.\n"
    )


class SlowEmbedder(HashEmbedder):
    def embed_spans(self, texts, spans):  # type: ignore[no-untyped-def]
        time.sleep(0.3)
        return super().embed_spans(texts, spans)


def versions(answer) -> set[str]:  # type: ignore[no-untyped-def]
    return {w for c in answer.citations for w in re.findall(r"version (\w+)", c.quote)}


def test_noop_keeps_the_generation_and_a_change_makes_a_new_one(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, "one")
    service = build_engine(make_settings(tmp_path / "d", corpus), embedder=HashEmbedder())
    first = service.reindex()
    assert first.generation and service.holder.get().generation == first.generation
    assert service.reindex().generation == first.generation  # nothing changed

    write_corpus(corpus, "two")
    (corpus / "railway.md").write_text((corpus / "railway.md").read_text())  # same text
    second = service.reindex()
    assert second.generation != first.generation and second.updated == 2
    generations = service.holder.generations
    assert (generations.current(), generations.previous()) == (
        second.generation,
        first.generation,
    )
    third = (write_corpus(corpus, "three"), service.reindex())[1]
    # The oldest stays for the grace period (another process may still be reading it) ...
    assert generations.listed() == {third.generation, second.generation, first.generation}
    generations.grace = 0  # ... and goes at the next re-index after it
    assert service.reindex().generation == third.generation
    assert generations.listed() == {third.generation, second.generation}


@pytest.mark.slow  # 20 threads ask while a deliberately slow re-index runs
def test_questions_during_a_reindex_read_one_generation(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, "one")
    service = build_engine(make_settings(tmp_path / "d", corpus), embedder=SlowEmbedder())
    service.reindex()
    write_corpus(corpus, "two")

    errors: list[BaseException] = []
    seen: list[set[str]] = []
    done = threading.Event()

    def asker() -> None:
        while not done.is_set():
            try:
                answer = service.ask("What did the police do on the railway, version?")
                seen.append(versions(answer))
            except BaseException as exc:
                errors.append(exc)

    threads = [threading.Thread(target=asker) for _ in range(20)]
    for t in threads:
        t.start()
    stats = service.reindex()
    time.sleep(0.3)
    done.set()
    for t in threads:
        t.join(10)
    assert errors == []
    assert stats.updated == 2 and len(seen) > 20
    assert all(len(v) == 1 for v in seen), "an answer mixed two generations"
    assert {"one"} in seen and {"two"} in seen  # asked both before and after the switch


CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from bot.wiring import build_engine
from tests.conftest import make_settings
from tests.fakes.embedder import HashEmbedder
from pathlib import Path

class Slow(HashEmbedder):
    def embed_spans(self, texts, spans):
        print("embedding", flush=True)
        time.sleep(30)
        return super().embed_spans(texts, spans)

service = build_engine(make_settings(Path({data!r}), Path({corpus!r})), embedder=Slow())
service.reindex()
"""


@pytest.mark.slow  # a re-index in a subprocess, killed mid-way
def test_kill_9_mid_reindex_keeps_the_previous_index(tmp_path: Path) -> None:
    corpus, data = tmp_path / "corpus", tmp_path / "d"
    write_corpus(corpus, "one")
    service = build_engine(make_settings(data, corpus), embedder=HashEmbedder())
    before = service.reindex().generation
    del service
    write_corpus(corpus, "two")

    child = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), data=str(data), corpus=str(corpus))],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "embedding"
    os.kill(child.pid, signal.SIGKILL)
    child.wait(10)

    fresh = build_engine(make_settings(data, corpus), embedder=HashEmbedder())
    assert fresh.holder.get().generation == before
    assert versions(fresh.ask("What did the police do on the railway, version?")) == {"one"}
    stats = fresh.reindex()  # the next run completes the work and clears the debris
    assert stats.generation != before and stats.updated == 2
    assert versions(fresh.ask("What did the police do on the railway, version?")) == {"two"}
    assert fresh.holder.generations.listed() == {stats.generation, before}


def test_a_damaged_newest_generation_falls_back_and_says_so(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_corpus(corpus, "one")
    service = build_engine(make_settings(tmp_path / "d", corpus), embedder=HashEmbedder())
    old = service.reindex().generation
    write_corpus(corpus, "two")
    new = service.reindex().generation
    client = service.holder.get().store.client
    client.delete_collection(f"corpus_{new}_sentences")  # the newest cannot be loaded now

    service.load()
    assert service.holder.get().generation == old
    assert "could not be opened" in service.holder.warning and old in service.holder.warning
    assert versions(service.ask("What did the police do on the railway, version?")) == {"one"}


QUESTION = "What did the police do on the railway, version?"


def two_bots(tmp_path: Path) -> tuple[AnswerEngine, AnswerEngine, Path]:
    """Two engines on one data folder, as two processes would have: (server, indexer)."""
    corpus = tmp_path / "corpus"
    write_corpus(corpus, "one")
    settings = make_settings(tmp_path / "d", corpus)
    indexer = build_engine(settings, embedder=HashEmbedder())
    indexer.reindex()
    return build_engine(settings, embedder=HashEmbedder()), indexer, corpus


def test_a_bot_notices_a_new_generation_within_a_second(tmp_path: Path) -> None:
    bot, indexer, corpus = two_bots(tmp_path)
    assert versions(bot.ask(QUESTION)) == {"one"}
    write_corpus(corpus, "two")
    indexer.reindex()

    assert versions(bot.ask(QUESTION)) == {"one"}  # checked less than a second ago
    bot.holder._checked_at -= 1.0  # a second later
    assert versions(bot.ask(QUESTION)) == {"two"}
    assert bot.holder.generations.leased() == {indexer.status().generation}


def test_a_read_failing_on_its_generation_reloads_and_is_retried_once(tmp_path: Path) -> None:
    bot, indexer, corpus = two_bots(tmp_path)
    bot.holder.check_interval = 3600  # it would not look at the pointer by itself
    write_corpus(corpus, "two")
    indexer.reindex()
    search, failures = bot.search.search, []

    def dropped_once(view, query, **options):  # type: ignore[no-untyped-def]
        if not failures:
            failures.append(view.generation)
            raise RuntimeError(f"Collection corpus_{view.generation}_chunks does not exist")
        return search(view, query, **options)

    bot.search.search = dropped_once  # type: ignore[method-assign]

    assert versions(bot.ask(QUESTION)) == {"two"}
    assert failures and bot.status().generation == indexer.status().generation


def test_a_bot_whose_generation_was_dropped_on_the_server_reloads_at_once(
    tmp_path: Path, chroma_server: Any
) -> None:
    chroma_server.emptied()
    corpus = tmp_path / "corpus"
    write_corpus(corpus, "one")
    settings = make_settings(tmp_path / "d", corpus, chroma_url=chroma_server.url)
    indexer = build_engine(settings, embedder=HashEmbedder())
    indexer.reindex()
    bot = build_engine(settings, embedder=HashEmbedder())
    bot.holder.check_interval = 3600  # it would not look at the pointer by itself
    served = bot.status().generation
    # A cleanup that ignores grace and leases (a bot paused for longer than both):
    indexer.holder.generations.grace = indexer.holder.generations.lease_seconds = 0
    for version in ("two", "three"):
        write_corpus(corpus, version)
        indexer.reindex()
    assert served not in indexer.holder.generations.listed()

    assert versions(bot.ask(QUESTION)) == {"three"}  # NotFoundError, reload, retried
    assert bot.status().generation == indexer.status().generation


def test_a_bot_on_its_fallback_follows_the_repair_and_clears_its_warning(tmp_path: Path) -> None:
    bot, indexer, corpus = two_bots(tmp_path)
    write_corpus(corpus, "two")
    damaged = indexer.reindex().generation
    store = indexer.holder.get().store
    store.client.delete_collection(f"{store.name}_sentences")
    bot.load()
    fallback = bot.status().generation
    assert "could not be opened" in bot.status().warning and fallback != damaged

    repaired = indexer.reindex()  # as the warning says; the corpus has not changed since

    assert repaired.generation not in (damaged, fallback) and repaired.updated == 2
    bot.holder._checked_at -= 1.0
    status = bot.status()  # what /healthz reads
    assert (status.generation, status.warning) == (repaired.generation, "")
    assert versions(bot.ask(QUESTION)) == {"two"}
    generations = indexer.holder.generations
    assert (generations.current(), generations.previous()) == (repaired.generation, fallback)
    assert indexer.reindex().generation == repaired.generation  # nothing to repair now


SECRET = "The quokka ledger of Lamu is kept in vault seventeen"


def test_a_deleted_document_leaves_the_disk_with_its_last_generation(tmp_path: Path) -> None:
    corpus, data = tmp_path / "corpus", tmp_path / "data"
    write_corpus(corpus, "one")
    (corpus / "secret.md").write_text(f"# Ledger\n\n## Vault\n{SECRET}.\n")
    engine = build_engine(make_settings(data, corpus), embedder=HashEmbedder())
    engine.holder.generations.grace = 0  # as if the grace period had passed at each re-index
    engine.reindex()
    assert any(SECRET.encode() in p.read_bytes() for p in data.rglob("*") if p.is_file())

    (corpus / "secret.md").unlink()
    engine.reindex()
    for version in ("two", "three", "four", "five", "six"):
        write_corpus(corpus, version)
        engine.reindex()

    leaked = [p for p in data.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert leaked == []
    uuid = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
    segments = [p for p in data.rglob("*") if p.is_dir() and uuid.match(p.name)]
    assert len(segments) <= 4  # two collections' vector segments for each of two generations


@pytest.fixture(autouse=True)
def _quiet_chroma_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("CRITICAL", logger="retrieval.retriever")
