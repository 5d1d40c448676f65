"""Sync the index with a corpus folder: add new, re-embed changed, drop deleted.

Unchanged documents (same content hash) cost one file read and no embedding.
A change of embedding model or chunking settings rebuilds the whole index,
because vectors of different models or chunkings must never be mixed.
"""

from __future__ import annotations

import hashlib
import json
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
from retrieval.models import DocumentInfo, IndexStats, SkippedDocument
from retrieval.ports import Embedder
from retrieval.safety import describe, flagged_sentences, source_hosts
from retrieval.store import ChromaStore, ChunkRecord
from retrieval.writelock import writer_lock

WRITE_BATCH = 500  # chunks per write: one Chroma call per document costs ~20 ms each
CHUNKER_VERSION = "3"  # 3: sentences that address the reader or a model are not stored
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
    flagged: list[set[int]]  # per draft: indices of sentences that must never be quoted


def flag_sentences(doc: LoadedDocument, drafts: list[ChunkDraft]) -> tuple[list[set[int]], str]:
    """Per draft, the sentences `retrieval.safety` flags (instructions to a model,
    credential requests, calls to open a link, links to hosts that are not the
    document's sources), and the index report line for them ("" when none)."""
    hosts = source_hosts([doc.url, *(s.url for s in doc.sections)])
    flagged: list[set[int]] = []
    found: dict[str, str] = {}  # sentence text -> kind; overlapping chunks repeat sentences
    for d in drafts:
        hits = flagged_sentences(d.text, d.sentences, hosts)
        flagged.append({i for i, _ in hits})
        for i, kind in hits:
            start, end = d.sentences[i]
            found.setdefault(d.text[start:end], kind)
    return flagged, describe(len(found), found.values()) if found else ""


@dataclass
class SyncPlan:
    """What one sync will do: compare the served generation with the corpus folder."""

    served: ChromaStore | None
    fingerprint: str
    indexed: dict[str, DocumentInfo]
    seen: set[str]
    pending: list[_Pending]

    @property
    def removed(self) -> list[str]:
        return sorted(set(self.indexed) - self.seen)

    @property
    def kept(self) -> set[str]:
        """Indexed documents still in the corpus and unchanged: copied, not re-embedded."""
        return (set(self.indexed) & self.seen) - {p.doc.source for p in self.pending}

    @property
    def changes_nothing(self) -> bool:
        return (
            self.served is not None and bool(self.indexed) and not self.pending and not self.removed
        )


class Indexer:
    """Builds index generations from files on disk, re-embedding only what changed."""

    def __init__(
        self,
        generations: Generations,
        embedder: Embedder,
        *,
        chunk_tokens: int = 200,
        chunk_overlap: int = 30,
        max_document_bytes: int | None = 20_000_000,
        source_root: Path | None = None,
        lock_path: Path | None = None,
    ) -> None:
        self.generations = generations
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
        """Bring the served index in line with corpus_dir, through a new generation.

        Raises FileNotFoundError if the folder is missing, IndexLocked if another
        process is writing the same index.
        """
        if self.lock_path is None:
            return self._sync(corpus_dir, progress)
        with writer_lock(self.lock_path):
            return self._sync(corpus_dir, progress)

    def _sync(self, corpus_dir: Path, progress: Progress | None) -> IndexStats:
        started = time.perf_counter()
        if not corpus_dir.is_dir():
            raise FileNotFoundError(f"corpus folder not found: {corpus_dir}")
        stats = IndexStats()
        plan = self.plan(corpus_dir, stats, progress)
        stats.deleted = len(plan.removed)
        store = self._build_generation(plan, stats, progress)
        stats.chunks = store.count() if store is not None else 0
        stats.seconds = time.perf_counter() - started
        return stats

    def plan(self, corpus_dir: Path, stats: IndexStats, progress: Progress | None) -> SyncPlan:
        """Read the corpus folder against the served generation (skips go into stats)."""
        fingerprint = self.fingerprint()
        current = self.generations.current()
        served = self.generations.store(current) if current else None
        same_build = served is not None and served.fingerprint() == fingerprint
        stats.rebuilt = served is not None and served.exists() and not same_build
        indexed = served.manifest() if served is not None and same_build else {}
        pending, seen = self._read_corpus(corpus_dir, indexed, stats, progress)
        return SyncPlan(served, fingerprint, indexed, seen, pending)

    def _build_generation(
        self, plan: SyncPlan, stats: IndexStats, progress: Progress | None
    ) -> ChromaStore | None:
        """Build, check and publish a new generation; None changed: keep serving the old."""
        generations = self.generations
        if plan.changes_nothing and generations.published() == generations.current():
            generations.cleanup()  # leftovers of an interrupted run
            stats.generation = generations.current() or ""
            return plan.served
        generation = generations.new()
        store = generations.store(generation)
        store.reset(plan.fingerprint)
        kept = plan.kept
        copied = plan.served.export(kept) if plan.served is not None and kept else []
        store.add_chunks(copied)
        self._embed_and_write(store, plan.pending, stats, progress)
        expected = len(copied) + sum(len(p.drafts) for p in plan.pending)
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
        if count:
            probe = store.sample_vector()
            if probe is None or not store.dense_search(probe, 1, size=count):
                return "a probe query found nothing"
        return ""

    def _read_corpus(
        self,
        corpus_dir: Path,
        indexed: dict[str, DocumentInfo],
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
            stats.flagged.extend(SkippedDocument(source, w) for w in doc.warnings)
            flagged, report = flag_sentences(doc, drafts)
            if report:
                stats.flagged.append(SkippedDocument(source, report))
            pending.append(_Pending(doc, drafts, is_new=previous is None, flagged=flagged))
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
        unwritten: list[ChunkRecord] = []
        now = datetime.now(UTC).isoformat(timespec="seconds")
        for item in pending:
            doc = item.doc
            texts, spans, quotable = [], [], []
            for d, flagged in zip(item.drafts, item.flagged, strict=True):
                # A flagged sentence stays in the chunk text (searchable, shown as context)
                # but gets no sentence span, so nothing can quote it as an answer.
                kept = tuple(span for i, span in enumerate(d.sentences) if i not in flagged)
                text, offset = embedding_text(doc.title, d.section, d.text)
                texts.append(text)
                spans.append([(s + offset, e + offset) for s, e in kept])
                quotable.append(kept)
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
                        "url": d.url or doc.url,
                        "doc_url": doc.url,
                        "date": doc.date,
                        "as_of": doc.as_of,
                        "page": d.page if d.page is not None else -1,
                        "chunk": d.number,
                        "doc_hash": doc.content_hash,
                        "topics": ", ".join(doc.topics),
                        "indexed_at": now,
                        "flagged_sentences": json.dumps(
                            [list(d.sentences[i]) for i in sorted(flagged)]
                        ),
                    },
                    vector=v.vector,
                    sentence_spans=kept,
                    sentence_vectors=(
                        v.span_vectors if kept else np.zeros((0, self.embedder.dim), np.float32)
                    ),
                )
                for d, v, kept, flagged in zip(
                    item.drafts, vectors, quotable, item.flagged, strict=True
                )
            ]
            # The generation is new and holds only unchanged documents' chunks, so there
            # is nothing of this document to replace; writes go in large batches.
            unwritten.extend(records)
            if len(unwritten) >= WRITE_BATCH:
                store.add_chunks(unwritten)
                unwritten.clear()
            stats.embedded_chunks += len(records)
            if item.is_new:
                stats.added += 1
            else:
                stats.updated += 1
        if unwritten:
            store.add_chunks(unwritten)
