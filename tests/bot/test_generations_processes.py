"""Generations across processes: a serving bot and `python -m bot index` runs beside it.

Each test runs a real bot process (tests/fakes/asking_bot.py, built like `serve`, asking
a question every 50 ms) and re-indexes with the command line, on the embedded store and,
where it applies, on a `chroma run` server shared by both processes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, make_settings
from tests.fakes.chroma_server import free_port

pytestmark = pytest.mark.slow  # subprocesses with the real model

QUESTION = "What did the police guard in Haiti, version?"
Record = dict[str, Any]


def write_corpus(folder: Path, version: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / "haiti.md").write_text(
        f"# Haiti\n\n## Police\nIn version {version} the police guarded the railway in Haiti.\n"
    )
    (folder / "trade.md").write_text(
        f"# Trade\n\n## Exports\nIn version {version} Kenya exported tea and coffee to Europe.\n"
    )


@dataclass
class Setup:
    env: dict[str, str]
    data: Path
    corpus: Path
    chroma_url: str | None

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "bot", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def index(self) -> None:
        done = self.cli("index")
        assert done.returncode == 0, done.stderr

    def settings(self):  # type: ignore[no-untyped-def]
        return make_settings(self.data, self.corpus, chroma_url=self.chroma_url)


@pytest.fixture(params=["embedded", "server"])
def setup(request: pytest.FixtureRequest, tmp_path: Path) -> Setup:
    return make_setup(request, tmp_path, request.param)


@pytest.fixture
def embedded(request: pytest.FixtureRequest, tmp_path: Path) -> Setup:
    return make_setup(request, tmp_path, "embedded")


def make_setup(request: pytest.FixtureRequest, tmp_path: Path, mode: str) -> Setup:
    data, corpus = tmp_path / "data", tmp_path / "corpus"
    env = {
        **os.environ,
        "ANONYMIZED_TELEMETRY": "False",
        "BOT_DATA_DIR": str(data),
        "BOT_CORPUS_DIR": str(corpus),
    }
    url = None
    if mode == "server":
        server = request.getfixturevalue("chroma_server")
        url = env["BOT_CHROMA_URL"] = server.url
        server.emptied()
    write_corpus(corpus, "one")
    return Setup(env, data, corpus, url)


class AskingBot:
    """tests/fakes/asking_bot.py in a subprocess; its JSON lines collected as they come."""

    def __init__(self, env: dict[str, str], health_port: int | None = None) -> None:
        args = [sys.executable, str(ROOT / "tests" / "fakes" / "asking_bot.py"), QUESTION]
        if health_port is not None:
            args.append(str(health_port))
        self.proc = subprocess.Popen(
            args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        self.records: list[tuple[float, Record]] = []
        self.stderr = ""
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._lock:
                self.records.append((time.monotonic(), json.loads(line)))

    def wait_for(self, predicate: Callable[[Record], bool], timeout: float) -> float:
        """When (time.monotonic) the first record satisfying predicate arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                found = [at for at, r in self.records if predicate(r)]
            if found:
                return found[0]
            if self.proc.poll() is not None:
                break
            time.sleep(0.05)
        self.stop()
        tail = [r for _, r in self.records[-3:]]
        raise AssertionError(f"no such answer in {timeout} s; last: {tail}\n{self.stderr[-2000:]}")

    def since(self, started: float) -> list[Record]:
        with self._lock:
            return [r for at, r in self.records if at >= started]

    def errors(self) -> list[str]:
        with self._lock:
            return [r["error"] for _, r in self.records if "error" in r]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        _, self.stderr = self.proc.communicate(timeout=10)


@pytest.fixture
def bots() -> Iterator[list[AskingBot]]:
    started: list[AskingBot] = []
    yield started
    for bot in started:
        bot.stop()


def says(version: str) -> Callable[[Record], bool]:
    return lambda r: f"version {version} " in r.get("answer", "")


def healthz(port: int) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
            return int(r.status)
    except urllib.error.HTTPError as err:
        return int(err.code)


def damage_newest_generation(setup: Setup, minilm: Any) -> None:
    """Delete the sentence vectors of the served generation (as a lost write would)."""
    from bot.wiring import build_engine

    engine = build_engine(setup.settings(), embedder=minilm)
    store = engine.holder.get().store
    store.client.delete_collection(f"{store.name}_sentences")


def test_a_running_bot_follows_reindexes_by_another_process_without_errors(
    setup: Setup, bots: list[AskingBot]
) -> None:
    setup.index()
    bot = AskingBot(setup.env)
    bots.append(bot)
    bot.wait_for(says("one"), 60)

    write_corpus(setup.corpus, "two")
    setup.index()
    write_corpus(setup.corpus, "three")
    setup.index()  # the generation the bot serves is neither current nor previous now
    published = time.monotonic()

    assert bot.wait_for(says("three"), 10) - published < 2.5  # within a second or two
    time.sleep(0.5)
    bot.stop()
    assert bot.errors() == []
    assert not any(says("one")(r) for r in bot.since(published + 2.5))


def test_a_bot_on_its_fallback_recovers_when_the_index_is_repaired(
    setup: Setup, bots: list[AskingBot], minilm: Any
) -> None:
    setup.index()
    write_corpus(setup.corpus, "two")
    setup.index()
    damage_newest_generation(setup, minilm)
    port = free_port()
    bot = AskingBot(setup.env, health_port=port)
    bots.append(bot)
    started = bot.wait_for(says("one"), 60)  # the previous generation, with a warning
    assert "could not be opened" in bot.since(started)[0]["warning"]
    assert healthz(port) == 503

    setup.index()  # as the warning says; the corpus has not changed since
    repaired = time.monotonic()

    recovered = bot.wait_for(lambda r: says("two")(r) and not r["warning"], 10)
    assert recovered - repaired < 2.5
    assert healthz(port) == 200
    time.sleep(0.3)
    bot.stop()
    assert bot.errors() == []


def corrupt(path: Path) -> None:
    """Scribble over every page but the header: 'database disk image is malformed'."""
    data = bytearray(path.read_bytes())
    for page in range(4096, len(data), 4096):
        data[page + 100 : page + 300] = b"\xff" * 200
    path.write_bytes(bytes(data))


def test_a_damaged_database_file_falls_back_to_the_previous_generation(
    embedded: Setup, bots: list[AskingBot]
) -> None:
    setup = embedded
    setup.index()
    write_corpus(setup.corpus, "two")
    setup.index()
    newest = max((setup.data / "chroma").rglob("chroma.sqlite3"), key=lambda p: p.stat().st_mtime)
    corrupt(newest)

    asked = setup.cli("ask", QUESTION)
    assert asked.returncode == 0, asked.stderr
    assert "version one " in asked.stdout and "could not be opened" in asked.stderr
    bot = AskingBot(setup.env)  # what `serve` builds
    bots.append(bot)
    bot.wait_for(says("one"), 60)

    setup.index()
    bot.wait_for(lambda r: says("two")(r) and not r["warning"], 10)
    asked = setup.cli("ask", QUESTION)
    assert asked.returncode == 0 and "version two " in asked.stdout
    assert "could not be opened" not in asked.stderr
    bot.stop()
    assert bot.errors() == []
