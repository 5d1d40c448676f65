"""Re-index never loses or mixes data: generations, a crash mid-way, a damaged newest index."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from bot.wiring import build_engine
from retrieval.generations import Generations
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
    return {w for c in answer.citations for w in ("one", "two") if f"version {w}" in c.quote}


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
    generations = Generations(service.holder.get().store.client, HashEmbedder())
    assert (generations.current(), generations.previous()) == (
        second.generation,
        first.generation,
    )
    third = (write_corpus(corpus, "three"), service.reindex())[1]
    assert generations.listed() == {third.generation, second.generation}  # oldest dropped


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
    generations = Generations(fresh.holder.get().store.client, HashEmbedder())
    assert generations.listed() == {stats.generation, before}


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


@pytest.fixture(autouse=True)
def _quiet_chroma_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("CRITICAL", logger="retrieval.retriever")
