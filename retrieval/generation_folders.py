"""Index generations in a folder, one embedded Chroma database per generation.

`root/corpus_<generation>/` is a `PersistentClient` folder, `root/corpus-pointer.json`
the pointer and `root/corpus-leases/` one small file per serving process. A damaged
database file then takes only its own generation (the fallback is in another file),
and dropping a generation deletes its folder whole: its vector segments and the text
of documents deleted since go with it, nothing is left in SQLite's free pages.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import os
import re
import shutil
import struct
import threading
from pathlib import Path
from typing import Any

from retrieval.generations import Generations, parse_retired
from retrieval.ports import Embedder
from retrieval.store import ChromaStore

log = logging.getLogger(__name__)

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class GenerationMissing(RuntimeError):
    """A generation's database is not there (dropped, or never built)."""


class FolderGenerations(Generations):
    """The generations of one index in a folder: one embedded database per generation.

    `root/corpus_<generation>/` is a `PersistentClient` folder, `root/corpus-pointer.json`
    the pointer and `root/corpus-leases/` one small file per serving process. Writers
    are one at a time (the index lock), so cleanup drops unpublished generations at once.
    """

    def __init__(
        self, root: Path, embedder: Embedder, *, settings: Any = None, **options: Any
    ) -> None:
        options.setdefault("build_grace", 0.0)
        super().__init__(None, embedder, **options)
        self.root = root
        self.settings = settings
        self._folder = re.compile(rf"^{re.escape(self.base)}_(g\d{{8}}t\d{{12}})$")
        self._pointer_file = root / f"{self.base}-pointer.json"
        self._lease_dir = root / f"{self.base}-leases"
        self._clients: dict[str, FolderClient] = {}
        self._building: set[str] = set()
        self._clients_lock = threading.Lock()

    def folder(self, generation: str) -> Path:
        return self.root / f"{self.base}_{generation}"

    # Storage -------------------------------------------------------------------
    def _read_pointer(self) -> dict[str, Any]:
        try:
            pointer = json.loads(self._pointer_file.read_text())
        except FileNotFoundError:
            return {"retired": {}}
        except ValueError as exc:  # a damaged pointer: the next re-index writes a new one
            log.error("index pointer %s is unreadable (%s): re-index", self._pointer_file, exc)
            return {"retired": {}}
        pointer["retired"] = parse_retired(pointer.get("retired"))
        return dict(pointer)

    def _write_pointer(self, pointer: dict[str, Any]) -> None:
        _write_atomically(self._pointer_file, json.dumps(pointer, indent=1))

    def _write_lease(self, generations: tuple[str, ...]) -> None:
        record = {"generations": list(generations), "at": self.clock(), "pid": os.getpid()}
        _write_atomically(self._lease_dir / f"{self.lease_id}.json", json.dumps(record))

    def _leases(self) -> dict[str, tuple[float, set[str]]]:
        found = {}
        for path in self._lease_dir.glob("*.json"):
            try:
                record = json.loads(path.read_text())
            except (OSError, ValueError):  # gone meanwhile, or being replaced
                continue
            found[path.stem] = (float(record.get("at", 0.0)), set(record.get("generations", [])))
        return found

    def _forget_lease(self, lease_id: str) -> None:
        with contextlib.suppress(OSError):
            (self._lease_dir / f"{lease_id}.json").unlink()

    # Generations -----------------------------------------------------------------
    def client_of(self, generation: str) -> FolderClient:
        with self._clients_lock:
            client = self._clients.get(generation)
            if client is None:
                client = self._clients[generation] = FolderClient(
                    self.folder(generation), self.settings, create=generation in self._building
                )
            return client

    def store(self, generation: str) -> ChromaStore:
        return ChromaStore(
            self.client_of(generation), self.embedder, name=f"{self.base}_{generation}"
        )

    def new(self) -> str:
        generation = super().new()
        self._building.add(generation)
        return generation

    def listed(self) -> set[str]:
        if not self.root.is_dir():
            return set()
        return {m.group(1) for p in self.root.iterdir() if (m := self._folder.match(p.name))}

    def close(self, generation: str) -> None:
        with self._clients_lock:
            client = self._clients.pop(generation, None)
        if client is not None:
            client.close()

    def drop(self, generation: str) -> None:
        self.close(generation)
        self._building.discard(generation)
        shutil.rmtree(self.folder(generation), ignore_errors=True)

    def publish(self, generation: str) -> None:
        self.settle(generation)  # the build is done and checked: nothing more is written
        super().publish(generation)

    def settle(self, generation: str) -> None:
        scrub_vector_files(self.folder(generation))

    def cleanup(self) -> list[str]:
        dropped = super().cleanup()
        for generation in self.listed():  # what other processes' opens wrote since
            self.settle(generation)
        return dropped

    def _drop_legacy(self) -> None:
        """The one database of every generation that earlier versions kept in root."""
        if not (self.root / "chroma.sqlite3").exists():
            return
        for path in self.root.iterdir():
            if path.is_dir() and _UUID.match(path.name):
                shutil.rmtree(path, ignore_errors=True)
            elif path.name.startswith("chroma.sqlite3"):
                path.unlink(missing_ok=True)
        log.info("removed the index database of the earlier layout from %s", self.root)


class FolderClient:
    """The `PersistentClient` of one generation's folder, opened on first use.

    A damaged database then fails the first read of its own generation (which the
    caller can fall back from) rather than the making of its store, and a missing
    folder is never created by a reader (Chroma would make an empty database)."""

    def __init__(self, path: Path, settings: Any, *, create: bool = False) -> None:
        self.path = path
        self.settings = settings
        self.create = create
        self._client: Any = None
        self._lock = threading.Lock()

    def open(self) -> Any:
        with self._lock:
            if self._client is None:
                if not self.create and not (self.path / "chroma.sqlite3").is_file():
                    raise GenerationMissing(f"no index database in {self.path}")
                import chromadb

                # A copy each: PersistentClient writes its path into the settings it is given.
                options = {} if self.settings is None else {"settings": copy.copy(self.settings)}
                self._client = chromadb.PersistentClient(path=str(self.path), **options)
            return self._client

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # not the client's: copy, pickle, half-made instances
            raise AttributeError(name)
        return getattr(self.open(), name)

    def close(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(Exception):
                client.close()


_HNSW_HEADER = struct.Struct("<iQQQQQQiIQQQdQ")  # Chroma's HNSW segment header.bin, version 1


def scrub_vector_files(folder: Path) -> int:
    """Zero the unused capacity of the HNSW segment files in a Chroma folder; the bytes
    zeroed. Chroma (1.5) writes a segment's whole allocated buffer when it opens one,
    uninitialised memory included, so any text the process held (a deleted document's,
    from the snapshot it served) could land in the file. Only the part past the element
    count the header records is touched, and only when the header reads as expected."""
    zeroed = 0
    for header in folder.glob("*/header.bin"):
        try:
            raw = header.read_bytes()
            if len(raw) != _HNSW_HEADER.size:
                continue
            version, offset, capacity, count, size = _HNSW_HEADER.unpack(raw)[:5]
            if version != 1 or offset != 0 or size <= 0 or count > capacity:
                continue
            for name, width in (("data_level0.bin", size), ("length.bin", 4)):
                zeroed += _zero_tail(header.parent / name, count * width, capacity * width)
        except OSError as exc:  # dropped meanwhile; a best effort either way
            log.debug("could not scrub %s: %s", header.parent, exc)
    return zeroed


def _zero_tail(path: Path, used: int, capacity: int) -> int:
    if not path.is_file() or not used <= path.stat().st_size <= capacity:
        return 0
    with open(path, "r+b") as f:
        f.seek(used)
        tail = f.read()
        if not tail.strip(b"\0"):
            return 0
        f.seek(used)
        f.write(b"\0" * len(tail))
        f.flush()
        os.fsync(f.fileno())
    return len(tail)


def _write_atomically(path: Path, text: str) -> None:
    """Readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())  # on disk before it replaces the old one (a power cut)
    os.replace(tmp, path)
