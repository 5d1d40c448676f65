"""One index writer at a time: a second writer fails at once with IndexLocked, in this
process or another, and the lock is free again when the first ends (even by a crash)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings

from retrieval.generations import Generations
from retrieval.indexer import Indexer
from retrieval.writelock import IndexLocked, writer_lock
from tests.conftest import ROOT
from tests.fakes.embedder import HashEmbedder

# Takes the lock, says so, and holds it until its stdin closes (or it is killed).
HOLDER = """
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
from retrieval.writelock import writer_lock

with writer_lock(Path({path!r})):
    print("locked", flush=True)
    sys.stdin.read()
"""

# Tries to take the lock once and reports what happened.
CONTENDER = """
import sys
sys.path.insert(0, {root!r})
from pathlib import Path
from retrieval.writelock import IndexLocked, writer_lock

try:
    with writer_lock(Path({path!r})):
        print("acquired")
except IndexLocked as exc:
    print(exc)
    sys.exit(3)
"""


@pytest.fixture
def lock(tmp_path: Path) -> Path:
    return tmp_path / "data" / "index.lock"


@pytest.fixture
def holder(lock: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process holding the lock until the test closes its stdin."""
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER.format(root=str(ROOT), path=str(lock))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdout.readline().strip() == "locked"
    yield child
    if child.poll() is None:
        child.kill()
    child.wait(10)


def contend(lock: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", CONTENDER.format(root=str(ROOT), path=str(lock))],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_a_second_writer_fails_at_once_while_the_first_holds_the_lock(lock: Path) -> None:
    with writer_lock(lock):
        started = time.monotonic()
        with pytest.raises(IndexLocked) as raised, writer_lock(lock):
            pass
        assert time.monotonic() - started < 1.0  # no waiting for the first writer

    message = str(raised.value)
    assert f"being written by pid {os.getpid()}" in message
    assert str(lock.parent) in message and "one writer at a time" in message


def test_the_lock_is_free_again_once_released(lock: Path) -> None:
    with writer_lock(lock):
        pass

    with writer_lock(lock):  # no IndexLocked: nothing stale is left behind
        pass
    assert lock.read_text() == ""  # the holder's pid is cleared on release


def test_the_data_folder_is_created_for_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "new" / "data" / "index.lock"

    with writer_lock(path):
        assert path.read_text() == f"pid {os.getpid()}"


def test_a_writer_in_another_process_locks_out_this_one(
    lock: Path, holder: subprocess.Popen[str]
) -> None:
    with pytest.raises(IndexLocked, match=f"being written by pid {holder.pid};"), writer_lock(lock):
        pass

    assert holder.stdin is not None
    holder.stdin.close()  # the other writer finishes
    assert holder.wait(10) == 0
    with writer_lock(lock):
        pass


def test_this_writer_locks_out_another_process(lock: Path) -> None:
    with writer_lock(lock):
        out = contend(lock)

    assert out.returncode == 3
    assert f"being written by pid {os.getpid()}" in out.stdout
    assert contend(lock).stdout.strip() == "acquired"


def test_a_killed_writer_leaves_no_stale_lock(lock: Path, holder: subprocess.Popen[str]) -> None:
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(10)

    with writer_lock(lock):  # the OS released it with the process
        pass


def test_a_sync_while_another_writer_holds_the_lock_changes_nothing(
    tmp_path: Path, lock: Path, holder: subprocess.Popen[str]
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "haiti.md").write_text("# Haiti\n\nKenyan police arrived in Haiti in June 2024.\n")
    client = chromadb.PersistentClient(
        path=str(tmp_path / "data" / "chroma"), settings=Settings(anonymized_telemetry=False)
    )
    embedder = HashEmbedder()
    generations = Generations(client, embedder)
    indexer = Indexer(generations, embedder, source_root=tmp_path, lock_path=lock)
    try:
        with pytest.raises(IndexLocked, match=f"pid {holder.pid}"):
            indexer.sync(corpus)
        assert embedder.embedded_texts == []
        assert generations.current() is None and generations.listed() == set()

        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(10)
        assert indexer.sync(corpus).added == 1
    finally:
        client.close()
