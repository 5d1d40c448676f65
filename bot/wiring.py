"""The composition root: the only place that reads settings and builds concrete parts."""

from __future__ import annotations

import os
from collections.abc import Awaitable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from config import Settings

# Heavy modules (chromadb, LangChain) are imported inside the builders, so that the
# embedding model can load on another thread meanwhile: it saves ~0.5 s of cold start.
if TYPE_CHECKING:
    from bot.audit import AuditLog
    from bot.discord.commands import DiscordConfig
    from bot.service import ChatService
    from bot.slack.app import SlackConfig
    from retrieval.compose import ExtractiveComposer
    from retrieval.engine import AnswerEngine
    from retrieval.followup import QuestionRewriter
    from retrieval.generations import Generations
    from retrieval.llm import LLMComposer
    from retrieval.ports import Embedder

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def source_root() -> Path:
    """Sources are stored relative to this: the checkout, or the working directory when
    the package is installed (the Docker image runs from /app)."""
    return PROJECT_ROOT if (PROJECT_ROOT / "pyproject.toml").is_file() else Path.cwd()


def eval_dir(settings: Settings) -> Path:
    """Where `eval` finds its questions: BOT_EVAL_DIR, else the checkout's tests/eval."""
    return settings.eval_dir or source_root() / "tests" / "eval"


def build_embedder(settings: Settings) -> Embedder:
    if settings.embeddings == "minilm":
        from retrieval.embedding.minilm import MiniLMEmbedder

        return MiniLMEmbedder()
    from retrieval.embedding.providers import provider_embedder

    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return provider_embedder(settings.embeddings, base_url=settings.llm_base_url, api_key=key)


def build_chroma_client(settings: Settings) -> Any:
    """An HttpClient of BOT_CHROMA_URL, else a PersistentClient of BOT_DATA_DIR/chroma (the
    bot's own index is in per-generation folders there: see `build_generations`)."""
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    import chromadb

    chroma_settings = _chroma_settings()
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


def _chroma_settings() -> Any:
    os.environ["ANONYMIZED_TELEMETRY"] = "False"
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def build_generations(settings: Settings, embedder: Embedder) -> Generations:
    """The index generations: in the Chroma server of BOT_CHROMA_URL (pointer and leases
    in it, shared by every bot using it), else one embedded database per generation in
    BOT_DATA_DIR/chroma/<generation>/ (pointer and leases as small files beside them)."""
    from retrieval.generation_folders import FolderGenerations
    from retrieval.generations import Generations

    if settings.chroma_url:
        return Generations(build_chroma_client(settings), embedder)
    path = settings.data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    return FolderGenerations(path, embedder, settings=_chroma_settings())


def build_llm_composer(
    settings: Settings, fallback: ExtractiveComposer
) -> tuple[LLMComposer, QuestionRewriter] | tuple[None, None]:
    """(answer step, question rewriter) using the LLM when BOT_LLM is set, else (None, None)."""
    if settings.llm == "none":
        return None, None
    from retrieval.followup import QuestionRewriter
    from retrieval.generators import chat_model_generator
    from retrieval.llm import LLMComposer

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


def build_engine(settings: Settings, *, embedder: Embedder | None = None) -> AnswerEngine:
    """A ready AnswerEngine (index loaded if present) for these settings."""
    return _build_engine(settings, embedder)[0]


def _build_engine(settings: Settings, embedder: Embedder | None) -> tuple[AnswerEngine, Embedder]:
    """The engine and the embedder it uses (built here when not given)."""
    pending = start_embedder(settings) if embedder is None else None
    from retrieval.compose import ComposeParams, ExtractiveComposer
    from retrieval.engine import AnswerEngine
    from retrieval.indexer import Indexer
    from retrieval.retriever import HybridSearch, IndexHolder, QueryEmbeddingCache, RetrievalParams

    _chroma_settings()  # imports chromadb while the model loads
    if pending is not None:
        embedder = pending.result()
    assert embedder is not None
    generations = build_generations(settings, embedder)
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
    extractive = ExtractiveComposer(
        embed_query,
        embedder.embed,
        ComposeParams(
            min_score=settings.min_sentence_score,
            max_sentences=settings.max_answer_sentences,
            answer_confidence=settings.answer_confidence,
            hedge_confidence=settings.decline_confidence,
        ),
    )
    llm_composer, rewriter = build_llm_composer(settings, extractive)
    indexer = Indexer(
        generations,
        embedder,
        chunk_tokens=settings.chunk_tokens,
        chunk_overlap=settings.chunk_overlap,
        max_document_bytes=int(settings.max_document_mb * 1_000_000),
        source_root=source_root(),
        lock_path=settings.data_dir / "index.lock",
    )
    engine = AnswerEngine(
        IndexHolder(generations),
        indexer,
        HybridSearch(embed_query, params),
        llm_composer or extractive,
        corpus_dir=settings.corpus_dir,
        rewriter=rewriter,
        lexicon=word_list(embedder),
    )
    engine.load()
    return engine, embedder


def word_list(embedder: Embedder) -> frozenset[str]:
    """Ordinary words for the speller: the embedding model's vocabulary when it has one."""
    words = getattr(embedder, "word_list", None)
    return words() if callable(words) else frozenset()


def build_service(settings: Settings, *, embedder: Embedder | None = None) -> ChatService:
    """The one ChatService every front end shares: engine, state, limits, metrics."""
    from bot.audit import AuditLog
    from bot.conversations import Conversations
    from bot.digest import DigestSchedule
    from bot.feedback import FeedbackStore
    from bot.gaps import GapLog
    from bot.limits import RateLimiter
    from bot.metrics import Metrics, PlatformStatus
    from bot.service import ChatService
    from bot.statedb import secure_folder
    from bot.webfetch import PageFetcher

    secure_folder(settings.data_dir)  # 0700 before the index and the state file land in it
    engine, used_embedder = _build_engine(settings, embedder)
    state, keep = state_path(settings), retention_days(settings)
    return ChatService(
        engine,
        feedback=FeedbackStore(state, retention_days=keep),
        audit=AuditLog(state, retention_days=keep),
        conversations=Conversations(),
        limiter=RateLimiter(settings.rate_limit_per_minute),
        metrics=Metrics(),
        platforms=PlatformStatus(),
        max_question_chars=settings.max_question_chars,
        max_upload_bytes=int(settings.max_document_mb * 1_000_000),
        log_questions=settings.log_questions,
        # Unanswered questions are grouped with the engine's own embedder.
        gaps=GapLog(state, embed=used_embedder.embed, retention_days=keep),
        digests=DigestSchedule(state),
        fetcher=PageFetcher(allow_loopback=settings.fetch_allow_loopback),
    )


def state_path(settings: Settings) -> Path:
    """The bot's state file (feedback, unanswered questions, digests, audit log): private
    to the bot's user."""
    return settings.data_dir / "bot_state.sqlite3"


def retention_days(settings: Settings) -> int:
    """BOT_RETENTION_DAYS: how long feedback answers, votes, unanswered questions and
    audit entries are kept."""
    return settings.retention_days


def digest_channel(settings: Settings, platform: str) -> str | None:
    """The admin channel ID the weekly digest of unanswered questions is posted to on
    platform ("slack" or "discord"), or None for no digest there. Its schedule key
    (`bot.digest.run_digest`) is "<platform>:<channel ID>"."""
    channels = {
        "slack": settings.slack_admin_channel,
        "discord": settings.discord_admin_channel,
    }
    return channels.get(platform)


def open_audit_log(settings: Settings) -> AuditLog:
    from bot.audit import AuditLog

    return AuditLog(state_path(settings), retention_days=retention_days(settings))


# Chat platforms ------------------------------------------------------------------
def slack_config(settings: Settings) -> SlackConfig:
    """Raises ValueError when SLACK_BOT_TOKEN is missing."""
    from bot.slack.app import SlackConfig

    if settings.slack_bot_token is None:
        raise ValueError("serve slack needs SLACK_BOT_TOKEN")
    secret, app_token = settings.slack_signing_secret, settings.slack_app_token
    return SlackConfig(
        bot_token=settings.slack_bot_token.get_secret_value(),
        signing_secret=secret.get_secret_value() if secret else "",
        app_token=app_token.get_secret_value() if app_token else "",
        api_url=settings.slack_api_url,
        admins=frozenset(settings.slack_admins),
        admin_channel=digest_channel(settings, "slack"),
        retention_days=retention_days(settings),
    )


async def run_slack(service: ChatService, config: SlackConfig, *, host: str, port: int) -> None:
    """Build the Slack client and app inside the running loop, then serve (with the
    weekly digest beside it when an admin channel is set)."""
    from bot.slack.app import build_app, build_client
    from bot.slack.digest import digest_beside
    from bot.slack.serve import serve_slack

    client = build_client(config)
    app = build_app(service, client, config)
    every = config.digest_check_every
    async with digest_beside(service, client, config.admin_channel, check_every=every):
        await serve_slack(app, service.platforms, app_token=config.app_token, host=host, port=port)


def discord_config(settings: Settings) -> DiscordConfig:
    from bot.discord.commands import DiscordConfig

    digest = digest_channel(settings, "discord")
    return DiscordConfig(
        admin_roles=frozenset(settings.discord_admin_roles),
        guild_ids=tuple(int(g) for g in settings.discord_guild_ids),
        api_url=settings.discord_api_url,
        gateway_url=settings.discord_gateway_url,
        digest_channel=int(digest) if digest else None,
        retention_days=retention_days(settings),
    )


async def run_discord(service: ChatService, settings: Settings, **options: Any) -> None:
    from bot.discord import DiscordStartError, serve_discord

    if settings.discord_token is None:
        raise DiscordStartError("serve discord needs DISCORD_TOKEN")
    token = settings.discord_token.get_secret_value()
    await serve_discord(service, discord_config(settings), service.platforms, token, **options)


def serve(
    service: ChatService, settings: Settings, platforms: list[str], *, host: str, port: int
) -> int:
    """Run the named platforms and the health endpoint; the exit code."""
    from bot.platforms import serve_platforms
    from config.settings import check_health_address

    # Before anything connects: a busy or wrong health address is a bad setting (exit 2).
    slack_http = "slack" in platforms and not settings.slack_app_token
    check_health_address(settings, slack_port=port if slack_http else None)
    runners: list[tuple[str, Awaitable[None]]] = []
    if "slack" in platforms:
        runners.append(("slack", run_slack(service, slack_config(settings), host=host, port=port)))
    if "discord" in platforms:
        runners.append(("discord", run_discord(service, settings)))
    extra: list[Awaitable[None]] = []
    if settings.health_port:
        from bot.health import serve_health

        extra.append(serve_health(service, settings.health_host, settings.health_port))
    return serve_platforms(runners, service.platforms, extra)
