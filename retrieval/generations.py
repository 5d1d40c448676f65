"""Index generations: a re-index builds a new complete generation beside the one
being served, checks it, then moves a small pointer to it.

Queries keep reading the previous generation until the switch, a crash while
building leaves the pointer (and so the served index) untouched, and the
previous generation is kept as a fallback should the newest fail to open.

Two layouts, one contract:

- `FolderGenerations` (the embedded store; `retrieval.generation_folders`): each
  generation is a database of its own, `<root>/corpus_<generation>/` (a
  `PersistentClient` folder), and the pointer and the leases are small JSON files
  beside them. A damaged database file takes one generation with it, never the
  fallback, and dropping a generation deletes its folder whole (vector segments and
  the text of deleted documents included).
- `Generations` (a Chroma server shared by several bots): every generation's
  collections live in one database; the pointer is a collection's metadata, and so
  is each lease.

A generation is dropped only when no process can still be serving it: it is
neither current nor previous, it stopped being either more than `grace` seconds
ago, and no process has leased it within `lease_seconds`. Every process serving
an index leases the generation it serves (`hold`) and renews the lease as it
answers (`heartbeat`).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import socket
import threading
import time
from calendar import timegm
from collections.abc import Callable
from typing import Any

from retrieval.ports import Embedder
from retrieval.store import ChromaStore

log = logging.getLogger(__name__)

GRACE_SECONDS = 60.0  # a generation stays this long after it stops being current or previous
LEASE_SECONDS = 60.0  # a lease renewed within this long keeps its generation
HEARTBEAT_SECONDS = 10.0  # how often a serving process renews its lease (as it answers)
BUILD_GRACE_SECONDS = 3600.0  # an unpublished generation may be another bot's build under way
_FORGET_SECONDS = 86400.0  # stale leases and old retirement records are forgotten after this

_SUFFIXES = ("_chunks", "_sentences")


def generation_time(generation: str) -> float:
    """When a generation id was made (seconds since the epoch; 0 if it is not an id)."""
    m = re.fullmatch(r"g(\d{8})t(\d{6})(\d{6})", generation)
    if not m:
        return 0.0
    stamp = time.strptime(m.group(1) + m.group(2), "%Y%m%d%H%M%S")
    return timegm(stamp) + int(m.group(3)) / 1e6


class Generations:
    """The generations of one index (`base`) in one Chroma database (a server's)."""

    def __init__(
        self,
        client: Any,
        embedder: Embedder,
        *,
        base: str = "corpus",
        grace: float = GRACE_SECONDS,
        lease_seconds: float = LEASE_SECONDS,
        build_grace: float = BUILD_GRACE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.client = client
        self.embedder = embedder
        self.base = base
        self.grace = grace
        self.lease_seconds = lease_seconds
        self.build_grace = build_grace
        self.clock = clock
        self._pointer_name = f"{base}-pointer"
        self._lease_prefix = f"{base}-lease-"
        self._pattern = re.compile(
            rf"^{re.escape(base)}_(g\d{{8}}t\d{{12}})(?:_chunks|_sentences)$"
        )
        host = re.sub(r"[^A-Za-z0-9]", "", socket.gethostname())[:40] or "host"
        self.lease_id = f"{host}-{os.getpid()}-{secrets.token_hex(4)}"
        self._held: tuple[str, ...] = ()
        self._held_at = 0.0
        self._lease_lock = threading.Lock()

    # Storage of the pointer and the leases (a collection's metadata each) -------
    def _read_pointer(self) -> dict[str, Any]:
        try:
            collection = self.client.get_collection(self._pointer_name)
        except Exception as exc:
            if _not_found(exc):
                return {"retired": {}}  # no pointer yet: nothing published
            raise  # a store hiccup must not read as "nothing is served"
        pointer = dict(collection.metadata or {})
        pointer["retired"] = parse_retired(pointer.get("retired"))
        return pointer

    def _write_pointer(self, pointer: dict[str, Any]) -> None:
        metadata = {**pointer, "retired": json.dumps(pointer.get("retired") or {})}
        _put_metadata(self.client, self._pointer_name, metadata)

    def _write_lease(self, generations: tuple[str, ...]) -> None:
        metadata = {"generations": ",".join(generations), "at": self.clock(), "pid": os.getpid()}
        _put_metadata(self.client, self._lease_prefix + self.lease_id, metadata)

    def _leases(self) -> dict[str, tuple[float, set[str]]]:
        """lease id -> (renewed at, generations) of every process's lease."""
        found = {}
        for collection in self.client.list_collections():
            name = str(getattr(collection, "name", collection))
            if not name.startswith(self._lease_prefix):
                continue
            metadata = getattr(collection, "metadata", None)
            if metadata is None:  # a client listing names only
                metadata = self.client.get_collection(name).metadata
            metadata = metadata or {}
            held = {g for g in str(metadata.get("generations", "")).split(",") if g}
            found[name[len(self._lease_prefix) :]] = (float(metadata.get("at", 0.0)), held)
        return found

    def _forget_lease(self, lease_id: str) -> None:
        with contextlib.suppress(Exception):  # already gone
            self.client.delete_collection(self._lease_prefix + lease_id)

    # The pointer -------------------------------------------------------------
    def published(self) -> str | None:
        """The generation the pointer names as current (one small read)."""
        return self._read_pointer().get("current") or None

    def current(self) -> str | None:
        """The generation to serve and build on: the pointer's current one, or its
        previous one when the current cannot be read whole (a damaged generation)."""
        pointer = self._read_pointer()
        for generation in (pointer.get("current"), pointer.get("previous")):
            if generation and self.intact(generation):
                return str(generation)
        return None

    def previous(self) -> str | None:
        return self._read_pointer().get("previous") or None

    def intact(self, generation: str) -> bool:
        """The generation opens and holds sentence vectors for every chunk."""
        try:
            return self.store(generation).intact()
        except Exception:  # it cannot even be opened
            return False

    def publish(self, generation: str) -> None:
        """Serve `generation` from now on; the one it was built on becomes the fallback
        (the current one, unless that is damaged)."""
        pointer = self._read_pointer()
        previous = self.current() or ""
        now = self.clock()
        retired = {
            g: at
            for g, at in pointer["retired"].items()
            if now - at < _FORGET_SECONDS and g not in (generation, previous)
        }
        for gone in {pointer.get("current"), pointer.get("previous")} - {generation, previous}:
            if gone:
                retired[str(gone)] = now
        self._write_pointer(
            {
                "current": generation,
                "previous": previous,
                "published_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now)),
                "retired": retired,
            }
        )

    # Leases ------------------------------------------------------------------
    def hold(self, *generations: str) -> None:
        """Lease these generations for this process (replacing what it held): cleanup in
        any process keeps them while the lease is renewed. Never raises."""
        held = tuple(dict.fromkeys(g for g in generations if g))
        with self._lease_lock:
            try:
                self._write_lease(held)
            except Exception as exc:  # leases protect; failing to write one must not fail
                log.warning("could not lease index generation %s: %s", ", ".join(held), exc)
                return
            self._held, self._held_at = held, self.clock()

    def heartbeat(self, every: float = HEARTBEAT_SECONDS) -> None:
        """Renew this process's lease when it is older than `every` seconds."""
        if self._held and self.clock() - self._held_at >= every:
            self.hold(*self._held)

    def release(self) -> None:
        """Give up this process's lease (at exit)."""
        with self._lease_lock:
            self._held = ()
            self._forget_lease(self.lease_id)

    def leased(self) -> set[str]:
        """Generations some process leased within the last `lease_seconds`."""
        now = self.clock()
        return {
            g for at, held in self._leases().values() if now - at < self.lease_seconds for g in held
        }

    # Generations -------------------------------------------------------------
    def store(self, generation: str) -> ChromaStore:
        return ChromaStore(self.client, self.embedder, name=f"{self.base}_{generation}")

    def new(self) -> str:
        """A fresh generation id, later ones sorting after earlier ones."""
        now = time.time()
        stamp = time.strftime("%Y%m%d", time.gmtime(now))
        return (
            f"g{stamp}t{time.strftime('%H%M%S', time.gmtime(now))}{int(now * 1e6) % 1_000_000:06d}"
        )

    def candidates(self) -> list[tuple[str, ChromaStore]]:
        """(generation, store) to serve, newest first: the current one, then the previous."""
        pointer = self._read_pointer()
        gens = [g for g in (pointer.get("current"), pointer.get("previous")) if g]
        return [(g, self.store(g)) for g in gens]

    def listed(self) -> set[str]:
        names = (getattr(c, "name", c) for c in self.client.list_collections())
        return {m.group(1) for n in names if (m := self._pattern.match(str(n)))}

    def drop(self, generation: str) -> None:
        for suffix in _SUFFIXES:
            with contextlib.suppress(Exception):  # already gone
                self.client.delete_collection(f"{self.base}_{generation}{suffix}")

    def close(self, generation: str) -> None:
        """Release what this process holds open for a generation it no longer reads."""

    def settle(self, generation: str) -> None:
        """After this process opened a generation: tidy what opening it wrote to disk
        (nothing to do on a server; see `FolderGenerations`)."""

    def _drop_legacy(self) -> None:
        for suffix in _SUFFIXES:  # the single-collection layout of earlier versions
            with contextlib.suppress(Exception):  # not there
                self.client.delete_collection(f"{self.base}{suffix}")

    def cleanup(self) -> list[str]:
        """Drop every generation no process can still be serving (half-built ones left
        by a crash included), and the layouts of earlier versions. Returns them.

        Kept: the current and previous generation, one that stopped being either less
        than `grace` seconds ago, one leased within `lease_seconds`, and an unpublished
        one younger than `build_grace` (another bot may be building it)."""
        try:
            pointer = self._read_pointer()
            leases = self._leases()
            listed = self.listed()
        except Exception as exc:  # after a publish: the next run cleans up instead
            log.warning("index cleanup skipped: %s", exc)
            return []
        now = self.clock()
        keep = {pointer.get("current"), pointer.get("previous")}
        keep |= {g for at, held in leases.values() if now - at < self.lease_seconds for g in held}
        retired: dict[str, float] = pointer["retired"]
        dropped = []
        for generation in sorted(listed - keep):
            if generation in retired:
                if self.grace > 0 and now - retired[generation] < self.grace:
                    continue
            elif self.build_grace > 0 and now - generation_time(generation) < self.build_grace:
                continue
            self.close(generation)
            self.drop(generation)
            dropped.append(generation)
        for lease_id, (at, _) in leases.items():
            if now - at > _FORGET_SECONDS:
                self._forget_lease(lease_id)
        if pointer.get("current"):
            self._drop_legacy()
        if dropped:
            log.info("dropped old index generations: %s", ", ".join(dropped))
        return dropped


def _not_found(exc: Exception) -> bool:
    return type(exc).__name__ in ("NotFoundError", "InvalidCollectionException") or (
        isinstance(exc, ValueError) and "does not exist" in str(exc)
    )


def parse_retired(value: Any) -> dict[str, float]:
    """The pointer's record of when each generation stopped being current or previous."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value else {}
        except ValueError:
            value = {}
    return {str(g): float(at) for g, at in (value or {}).items()}


def _put_metadata(client: Any, name: str, metadata: dict[str, Any]) -> None:
    collection = client.get_or_create_collection(name, embedding_function=None, metadata=metadata)
    if collection.metadata != metadata:
        collection.modify(metadata=metadata)
