"""Index generations: a re-index builds a new complete generation beside the one
being served, checks it, then moves a small pointer to it.

Queries keep reading the previous generation until the switch, a crash while
building leaves the pointer (and so the served index) untouched, and the
previous generation is kept as a fallback should the newest fail to open.
The pointer lives in Chroma itself (a collection's metadata), so it works the
same for the embedded store and a Chroma server shared by several bots.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any

from retrieval.ports import Embedder
from retrieval.store import ChromaStore

log = logging.getLogger(__name__)

_SUFFIXES = ("_chunks", "_sentences")


class Generations:
    """The generations of one index (`base`) in one Chroma database."""

    def __init__(self, client: Any, embedder: Embedder, *, base: str = "corpus") -> None:
        self.client = client
        self.embedder = embedder
        self.base = base
        self._pointer_name = f"{base}-pointer"
        self._pattern = re.compile(
            rf"^{re.escape(base)}_(g\d{{8}}t\d{{12}})(?:_chunks|_sentences)$"
        )

    # The pointer -------------------------------------------------------------
    def _pointer(self) -> dict[str, Any]:
        try:
            collection = self.client.get_collection(self._pointer_name)
        except Exception:  # no pointer yet: nothing published
            return {}
        return dict(collection.metadata or {})

    def current(self) -> str | None:
        return self._pointer().get("current") or None

    def previous(self) -> str | None:
        return self._pointer().get("previous") or None

    def publish(self, generation: str) -> None:
        """Serve `generation` from now on; the one it replaces becomes the fallback."""
        pointer = self._pointer()
        metadata = {
            "current": generation,
            "previous": pointer.get("current") or "",
            "published_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        collection = self.client.get_or_create_collection(
            self._pointer_name, embedding_function=None, metadata=metadata
        )
        if collection.metadata != metadata:
            collection.modify(metadata=metadata)

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
        pointer = self._pointer()
        gens = [g for g in (pointer.get("current"), pointer.get("previous")) if g]
        return [(g, self.store(g)) for g in gens]

    def listed(self) -> set[str]:
        names = (getattr(c, "name", c) for c in self.client.list_collections())
        return {m.group(1) for n in names if (m := self._pattern.match(str(n)))}

    def drop(self, generation: str) -> None:
        for suffix in _SUFFIXES:
            try:
                self.client.delete_collection(f"{self.base}_{generation}{suffix}")
            except Exception:  # already gone
                pass

    def cleanup(self) -> list[str]:
        """Drop every generation that is neither current nor previous (half-built ones
        left by a crash included), and the pre-generation collections. Returns them."""
        keep = {self.current(), self.previous()}
        dropped = sorted(self.listed() - keep)
        for generation in dropped:
            self.drop(generation)
        for suffix in _SUFFIXES:  # the single-collection layout of earlier versions
            try:
                self.client.delete_collection(f"{self.base}{suffix}")
            except Exception:  # not there
                pass
        if dropped:
            log.info("dropped old index generations: %s", ", ".join(dropped))
        return dropped
