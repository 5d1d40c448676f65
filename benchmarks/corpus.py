"""The configured corpus as the indexer sees it: documents, and the texts it embeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.context import BenchContext
from bot.wiring import source_root
from retrieval.chunking import chunk_document, make_splitter
from retrieval.indexer import Indexer, embedding_text
from retrieval.loaders import SUPPORTED_SUFFIXES, DocumentError, LoadedDocument, load_document

# Per document: the texts the indexer embeds, and each text's sentence spans.
EmbedBatch = tuple[list[str], list[Any]]


def source_name(path: Path) -> str:
    """As the indexer names it: relative to the source root when under it, else absolute."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(source_root().resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def corpus_texts(ctx: BenchContext) -> tuple[list[LoadedDocument], list[EmbedBatch]]:
    """The documents the indexer would load and, per document, the texts and spans it embeds."""
    s = ctx.settings
    max_bytes = int(s.max_document_mb * 1_000_000)
    splitter = make_splitter(ctx.embedder.count_tokens, s.chunk_tokens, s.chunk_overlap)
    docs, batches = [], []
    for path in Indexer.discover(s.corpus_dir):
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            continue
        try:
            doc = load_document(path, source_name(path), max_bytes=max_bytes)
        except (DocumentError, OSError):
            continue
        drafts = chunk_document(doc, splitter)
        if not drafts:
            continue
        texts, spans = [], []
        for d in drafts:
            text, offset = embedding_text(doc.title, d.section, d.text)
            texts.append(text)
            spans.append([(a + offset, b + offset) for a, b in d.sentences])
        docs.append(doc)
        batches.append((texts, spans))
    return docs, batches
