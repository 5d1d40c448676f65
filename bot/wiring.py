"""The composition root: the only place that reads settings and builds concrete parts."""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from config import Settings

# Heavy modules (chromadb, LangChain) are imported inside the builders, so that the
# embedding model can load on another thread meanwhile: it saves ~0.5 s of cold start.
if TYPE_CHECKING:
    from retrieval.compose import ExtractiveComposer
    from retrieval.ports import Embedder

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def source_root() -> Path:
    """Sources are stored relative to this: the checkout, or the working directory when
    the package is installed (the Docker image runs from /app)."""
    return PROJECT_ROOT if (PROJECT_ROOT / "pyproject.toml").is_file() else Path.cwd()


def build_embedder(settings: Settings) -> Embedder:
    if settings.embeddings == "minilm":
        from retrieval.embedding.minilm import MiniLMEmbedder

        return MiniLMEmbedder()
    from retrieval.embedding.providers import provider_embedder

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return provider_embedder(settings.embeddings, base_url=settings.llm_base_url, api_key=key)


def build_chroma_client(settings: Settings) -> Any:
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        from urllib.parse import urlparse

        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    path = settings.data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=chroma_settings)


def build_llm_composer(settings: Settings, fallback: ExtractiveComposer) -> tuple[Any, Any]:
    """(answer step, question rewriter) using the LLM when BOT_LLM is set, else (None, None)."""
    if settings.llm == "none":
        return None, None
    from retrieval.followup import QuestionRewriter
    from retrieval.llm import LLMComposer, chat_model_generator

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    generator = chat_model_generator(
        settings.llm, base_url=settings.llm_base_url, api_key=key, timeout=settings.llm_timeout
    )
    composer = LLMComposer(generator, fallback, timeout=settings.llm_timeout)
    return composer, QuestionRewriter(generator, timeout=min(settings.llm_timeout, 10.0))


def start_embedder(settings: Settings) -> Future[Embedder]:
    """Build the embedder on a worker thread; the caller collects it with .result()."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="load-embedder")
    future = pool.submit(build_embedder, settings)
    pool.shutdown(wait=False)
    return future


def build_service(settings: Settings, *, embedder: Embedder | None = None) -> Any:
    """A ready QAService (index loaded if present) for these settings."""
    pending = start_embedder(settings) if embedder is None else None
    from bot.service import QAService
    from retrieval.compose import ComposeParams, ExtractiveComposer
    from retrieval.generations import Generations
    from retrieval.indexer import Indexer
    from retrieval.retriever import (
        HybridRetriever,
        IndexHolder,
        QueryEmbeddingCache,
        RetrievalParams,
    )

    client = build_chroma_client(settings)
    if pending is not None:
        embedder = pending.result()
    assert embedder is not None
    generations = Generations(client, embedder)
    holder = IndexHolder(generations)
    embed_query = QueryEmbeddingCache(embedder)
    params = RetrievalParams(
        dense_k=settings.dense_k,
        lexical_k=settings.lexical_k,
        rrf_k=settings.rrf_k,
        dense_weight=settings.dense_weight,
        lexical_weight=settings.lexical_weight,
        top_k=settings.top_k,
        max_chunks_per_doc=settings.max_chunks_per_doc,
    )
    retriever = HybridRetriever(view=holder.get, embed_query=embed_query, params=params)
    extractive = ExtractiveComposer(
        embed_query,
        embedder.embed,
        ComposeParams(
            min_score=settings.min_sentence_score,
            max_sentences=settings.max_answer_sentences,
        ),
    )
    llm_composer, rewriter = build_llm_composer(settings, extractive)
    composer = llm_composer or extractive
    indexer = Indexer(
        generations,
        embedder,
        chunk_tokens=settings.chunk_tokens,
        chunk_overlap=settings.chunk_overlap,
        max_document_bytes=int(settings.max_document_mb * 1_000_000),
        source_root=source_root(),
        lock_path=settings.data_dir / "index.lock",
    )
    service = QAService(
        holder,
        indexer,
        retriever,
        composer,
        composer,  # answers and summaries come from the same step (LLM or extractive)
        corpus_dir=settings.corpus_dir,
        max_question_chars=settings.max_question_chars,
        rewriter=rewriter,
    )
    service.load()
    return service


def build_core(settings: Settings, *, embedder: Embedder | None = None) -> Any:
    """The BotCore both chat adapters share: service, feedback store, limits."""
    from bot.audit import AuditLog
    from bot.core import BotCore
    from bot.feedback import FeedbackStore

    service = build_service(settings, embedder=embedder)
    state = settings.data_dir / "bot_state.sqlite3"
    return BotCore(
        service,
        FeedbackStore(state),
        audit=AuditLog(state),
        log_questions=settings.log_questions,
        rate_limit_per_minute=settings.rate_limit_per_minute,
        max_upload_bytes=int(settings.max_document_mb * 1_000_000),
    )


def open_audit_log(settings: Settings) -> Any:
    from bot.audit import AuditLog

    return AuditLog(settings.data_dir / "bot_state.sqlite3")
