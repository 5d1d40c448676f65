"""Sync the index with a corpus folder: add new, re-embed changed, drop deleted.

Unchanged documents (same content hash) cost one file read and no embedding.
A change of embedding model or chunking settings rebuilds the whole index,
because vectors of different models or chunkings must never be mixed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from retrieval.chunking import ChunkDraft, chunk_document, make_splitter
from retrieval.generations import Generations
from retrieval.loaders import (
    LOADER_VERSION,
    SUPPORTED_SUFFIXES,
    DocumentError,
    LoadedDocument,
    load_document,
)
from retrieval.models import IndexStats, SkippedDocument
from retrieval.ports import Embedder
from retrieval.store import ChromaStore, ChunkRecord, DocumentEntry
from retrieval.writelock import writer_lock

CHUNKER_VERSION = "1"
Progress = Callable[[str, int, int], None]


def content_hash(raw: bytes) -> str:
    return hashlib.sha256(LOADER_VERSION.encode() + b"\0" + raw).hexdigest()


def embedding_text(title: str, section: str, text: str) -> tuple[str, int]:
    """The text the model sees for a chunk, and where the chunk text starts in it."""
    prefix = f"{title}. {section}.\n" if section else f"{title}.\n"
    return prefix + text, len(prefix)


@dataclass
class _Pending:
    doc: LoadedDocument
    drafts: list[ChunkDraft]
    is_new: bool


class Indexer:
    """Builds and incrementally updates one `ChromaStore` from files on disk."""

    def __init__(
        self,
        target: ChromaStore | Generations,
        embedder: Embedder,
        *,
        chunk_tokens: int = 200,
        chunk_overlap: int = 30,
        max_document_bytes: int | None = 20_000_000,
        source_root: Path | None = None,
        lock_path: Path | None = None,
    ) -> None:
        self.target = target
        self.embedder = embedder
        self.chunk_tokens = chunk_tokens
        self.chunk_overlap = chunk_overlap
        self.max_document_bytes = max_document_bytes
        self.source_root = source_root.resolve() if source_root else None
        self.lock_path = lock_path
        self._splitter = make_splitter(embedder.count_tokens, chunk_tokens, chunk_overlap)

    def fingerprint(self) -> str:
        return (
            f"{self.embedder.model_id}|tokens={self.chunk_tokens}|overlap={self.chunk_overlap}"
            f"|chunker={CHUNKER_VERSION}|loader={LOADER_VERSION}"
        )

    def source_name(self, path: Path) -> str:
        """Repository-relative for files under the source root, else the absolute path."""
        resolved = path.resolve()
        if self.source_root is not None:
            try:
                return resolved.relative_to(self.source_root).as_posix()
            except ValueError:
                pass
        return resolved.as_posix()

    @staticmethod
    def discover(corpus_dir: Path) -> list[Path]:
        """Files the indexer considers: all under corpus_dir but hidden ones and the root README."""
        found = []
        for path in sorted(corpus_dir.rglob("*")):
            rel = path.relative_to(corpus_dir)
            if any(part.startswith((".", "_")) for part in rel.parts) or not path.is_file():
                continue
            if rel.as_posix().lower() in ("readme.md", "readme.txt"):
                continue
            found.append(path)
        return found

    def sync(self, corpus_dir: Path, progress: Progress | None = None) -> IndexStats:
        """Bring the store in line with corpus_dir.

        Raises FileNotFoundError if the folder is missing, IndexLocked if another
        process is writing the same index.
        """
        if self.lock_path is None:
            return self._sync(corpus_dir, progress)
        with writer_lock(self.lock_path):
            return self._sync(corpus_dir, progress)

    def _served(self) -> ChromaStore | None:
        """The store queries read now: the current generation, or the single store."""
        if isinstance(self.target, Generations):
            current = self.target.current()
            return self.target.store(current) if current else None
        return self.target

    def _sync(self, corpus_dir: Path, progress: Progress | None) -> IndexStats:
        started = time.perf_counter()
        if not corpus_dir.is_dir():
            raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
        stats = IndexStats()
        fingerprint = self.fingerprint()
        served = self._served()
        same_build = served is not None and served.fingerprint() == fingerprint
        stats.rebuilt = served is not None and served.exists() and not same_build
        indexed = served.manifest() if served is not None and same_build else {}
        pending, seen = self._plan(corpus_dir, indexed, stats, progress)
        removed = sorted(set(indexed) - seen)
        stats.deleted = len(removed)

        if isinstance(self.target, Generations):
            store = self._build_generation(
                self.target, served, fingerprint, indexed, seen, pending, removed, stats, progress
            )
        else:
            store = self.target
            if not same_build:
                store.reset(fingerprint)
            for source in removed:
                store.delete_document(source)
            self._embed_and_write(store, pending, stats, progress)
        stats.chunks = store.count() if store is not None else 0
        stats.seconds = time.perf_counter() - started
        return stats

    def _build_generation(
        self,
        generations: Generations,
        served: ChromaStore | None,
        fingerprint: str,
        indexed: dict[str, DocumentEntry],
        seen: set[str],
        pending: list[_Pending],
        removed: list[str],
        stats: IndexStats,
        progress: Progress | None,
    ) -> ChromaStore | None:
        """Build, check and publish a new generation; None changed: keep serving the old."""
        if served is not None and indexed and not pending and not removed:
            generations.cleanup()  # leftovers of an interrupted run
            stats.generation = generations.current() or ""
            return served
        generation = generations.new()
        store = generations.store(generation)
        store.reset(fingerprint)
        keep = (set(indexed) & seen) - {p.doc.source for p in pending}
        copied = served.export(keep) if served is not None and keep else []
        store.add_chunks(copied)
        self._embed_and_write(store, pending, stats, progress)
        expected = len(copied) + sum(len(p.drafts) for p in pending)
        problem = self._check(store, expected)
        if problem:
            generations.drop(generation)
            raise RuntimeError(f"the new index failed its check ({problem}); still serving the old")
        generations.publish(generation)
        generations.cleanup()
        stats.generation = generation
        return store

    def _check(self, store: ChromaStore, expected: int) -> str:
        """'' when the store holds what was written and answers a query."""
        count = store.count()
        if count != expected:
            return f"{count} chunks stored, {expected} expected"
        if count and not store.dense_search(self.embedder.embed(["probe"])[0], 1, size=count):
            return "a probe query found nothing"
        return ""

    def _plan(
        self,
        corpus_dir: Path,
        indexed: dict[str, DocumentEntry],
        stats: IndexStats,
        progress: Progress | None,
    ) -> tuple[list[_Pending], set[str]]:
        """Documents to (re-)embed, and every source present in the corpus folder."""
        seen: set[str] = set()
        pending: list[_Pending] = []
        files = self.discover(corpus_dir)
        for i, path in enumerate(files):
            source = self.source_name(path)
            seen.add(source)
            if progress:
                progress("read", i + 1, len(files))
            previous = indexed.get(source)
            try:
                if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                    raise DocumentError(f"unsupported file type {path.suffix or '(none)'}")
                if self.max_document_bytes and path.stat().st_size > self.max_document_bytes:
                    size, limit = path.stat().st_size / 1e6, self.max_document_bytes / 1e6
                    raise DocumentError(f"too large: {size:.1f} MB (limit {limit:.1f} MB)")
                raw = path.read_bytes()
                if previous and previous.content_hash == content_hash(raw):
                    stats.unchanged += 1
                    continue
                doc = load_document(path, source, max_bytes=self.max_document_bytes)
                drafts = chunk_document(doc, self._splitter)
                if not drafts:
                    raise DocumentError("no text found")
            except (DocumentError, OSError) as exc:
                reason = (
                    str(exc) if isinstance(exc, DocumentError) else f"cannot read: {exc.strerror}"
                )
                if previous:
                    reason += " (previous version kept)"
                stats.skipped.append(SkippedDocument(source, reason))
                continue
            if doc.had_invisible_chars:
                stats.flagged.append(
                    SkippedDocument(source, "invisible characters removed before indexing")
                )
            pending.append(_Pending(doc, drafts, is_new=previous is None))
        return pending, seen

    def _embed_and_write(
        self,
        store: ChromaStore,
        pending: list[_Pending],
        stats: IndexStats,
        progress: Progress | None,
    ) -> None:
        total = sum(len(p.drafts) for p in pending)
        done = 0
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for item in pending:
            doc = item.doc
            texts, spans = [], []
            for d in item.drafts:
                text, offset = embedding_text(doc.title, d.section, d.text)
                texts.append(text)
                spans.append([(s + offset, e + offset) for s, e in d.sentences])
            vectors = []
            batch = 16
            for i in range(0, len(texts), batch):
                vectors.extend(
                    self.embedder.embed_spans(texts[i : i + batch], spans[i : i + batch])
                )
                done += len(texts[i : i + batch])
                if progress:
                    progress("embed", done, total)
            records = [
                ChunkRecord(
                    id=f"{doc.source}#{d.number}",
                    text=d.text,
                    metadata={
                        "source": doc.source,
                        "title": doc.title,
                        "section": d.section,
                        "url": doc.url,
                        "date": doc.date,
                        "page": d.page if d.page is not None else -1,
                        "chunk": d.number,
                        "doc_hash": doc.content_hash,
                        "topics": ", ".join(doc.topics),
                        "indexed_at": now,
                    },
                    vector=v.vector,
                    sentence_spans=d.sentences,
                    sentence_vectors=(
                        v.span_vectors
                        if len(d.sentences)
                        else np.zeros((0, self.embedder.dim), np.float32)
                    ),
                )
                for d, v in zip(item.drafts, vectors, strict=True)
            ]
            # Replace, not merge: a shorter new version must not keep stale tail chunks.
            store.delete_document(doc.source)
            store.add_chunks(records)
            stats.embedded_chunks += len(records)
            if item.is_new:
                stats.added += 1
            else:
                stats.updated += 1
