"""What both chat adapters call: the QA service plus chat concerns (limits, threads,
feedback, uploads). Adapters turn a platform event into one call here and render
the result; nothing in here knows Slack or Discord.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from bot.audit import AuditLog
from bot.conversations import Conversations
from bot.feedback import FeedbackStore
from bot.health import Metrics, PlatformStatus
from bot.limits import RateLimiter, slow_down_message
from bot.service import QAService, QuestionError, ReindexInProgress
from bot.uploads import StoredUpload, UploadError, check_upload, store_upload
from retrieval.indexer import Progress
from retrieval.models import Answer, IndexStats, SourceInfo

log = logging.getLogger(__name__)

__all__ = ["BotCore", "ChatAnswer", "QuestionError", "RateLimited", "ReindexInProgress"]


class RateLimited(QuestionError):
    """The user asked too often; str() is a friendly "slow down" message."""


@dataclass(frozen=True)
class ChatAnswer:
    answer: Answer
    answer_id: int  # for feedback and "show quotes" buttons


class BotCore:
    """Thread-safe; adapters call it from worker threads, never on their event loop."""

    def __init__(
        self,
        service: QAService,
        feedback: FeedbackStore,
        *,
        rate_limit_per_minute: int = 5,
        max_upload_bytes: int = 20_000_000,
        audit: AuditLog | None = None,
        log_questions: bool = False,
    ) -> None:
        self.service = service
        self.feedback = feedback
        self.audit = audit
        self.log_questions = log_questions
        self.metrics = Metrics()
        self.platforms = PlatformStatus()
        self.limiter = RateLimiter(rate_limit_per_minute)
        self.conversations = Conversations()
        self.max_upload_bytes = max_upload_bytes

    def ask(
        self, platform: str, user: str, question: str, conversation: str | None = None
    ) -> ChatAnswer:
        """Answer with the conversation's earlier turns. Raises QuestionError / RateLimited."""
        started = time.perf_counter()
        try:
            question = self.service.check_question(question)
            wait = self.limiter.check(f"{platform}:{user}")
            if wait:
                raise RateLimited(slow_down_message(wait))
        except QuestionError:
            self.metrics.question(platform, "rejected")
            raise
        history = self.conversations.history(conversation) if conversation else []
        try:
            answer = self.service.ask(question, history)
        except Exception:
            self.metrics.question(platform, "error", time.perf_counter() - started)
            raise
        outcome = "abstained" if answer.abstained else "answered"
        elapsed = time.perf_counter() - started
        self.metrics.question(platform, outcome, elapsed)
        log.info(
            "question on %s from %s: %s -> %s, %d citations, %.0f ms",
            platform,
            user,
            question_for_log(question, self.log_questions),
            outcome,
            len(answer.citations),
            elapsed * 1000,
        )
        if conversation:
            self.conversations.add(conversation, question, answer.answer)
        answer_id = self.feedback.remember(platform, user, answer)
        return ChatAnswer(answer, answer_id)

    def summarize(self, topic: str | None = None) -> Answer:
        return self.service.summarize(topic)

    def sources(self) -> list[SourceInfo]:
        return self.service.sources()

    def reindex(self, platform: str, actor: str, progress: Progress | None = None) -> IndexStats:
        """Raises ReindexInProgress when one is running. Every attempt is audited."""
        log.info("re-index requested on %s by %s", platform, actor)
        return self._audited(platform, actor, "reindex", str(self.service.corpus_dir), progress)

    def _audited(
        self, platform: str, actor: str, action: str, detail: str, progress: Progress | None
    ) -> IndexStats:
        try:
            stats = self.service.reindex(f"{platform}:{actor}", progress)
        except ReindexInProgress as exc:
            self._record(platform, actor, action, detail, f"refused: {exc}")
            raise
        except Exception as exc:
            self.metrics.reindexed(ok=False)
            self._record(platform, actor, action, detail, f"failed: {exc}")
            raise
        self.metrics.reindexed(ok=True)
        self._record(platform, actor, action, detail, summarize_stats(stats))
        return stats

    def _record(self, platform: str, actor: str, action: str, detail: str, result: str) -> None:
        if self.audit is not None:
            self.audit.record(platform, actor, action, detail, result)

    @property
    def reindex_running(self) -> bool:
        return self.service.reindex_running

    def check_upload(self, name: str, size: int) -> None:
        """Refuse a file by name and declared size before downloading it (UploadError)."""
        check_upload(name, size, self.max_upload_bytes)

    def add_upload(
        self, platform: str, actor: str, name: str, data: bytes, progress: Progress | None = None
    ) -> tuple[StoredUpload, IndexStats]:
        """Store an uploaded document in the corpus and index it. Raises UploadError."""
        if self.service.reindex_running:
            raise ReindexInProgress("a re-index is already running; try again when it finishes")
        try:
            stored = store_upload(Path(self.service.corpus_dir), name, data, self.max_upload_bytes)
        except UploadError as exc:
            self._record(platform, actor, "upload", name[:200], f"refused: {exc}")
            raise
        log.info("upload on %s by %s stored as %s", platform, actor, stored.path.name)
        detail = f"{name[:200]} -> {stored.path.name}"
        return stored, self._audited(platform, actor, "upload", detail, progress)

    def vote(self, answer_id: int, user: str, vote: int) -> bool:
        recorded = self.feedback.vote(answer_id, user, vote)
        if recorded:
            self.metrics.vote(vote)
        return recorded

    def refresh_index_metrics(self) -> None:
        view = self.service.holder.get()
        snap = view.snapshot
        self.metrics.index(len(snap.documents), len(snap.chunks), view.generation)

    def stored_answer(self, answer_id: int) -> Answer | None:
        return self.feedback.answer(answer_id)


def summarize_stats(stats: IndexStats) -> str:
    """One line for logs, the audit log and chat progress messages."""
    line = (
        f"{stats.added} added, {stats.updated} updated, {stats.deleted} deleted, "
        f"{stats.unchanged} unchanged; {stats.chunks} chunks in {stats.seconds:.1f}s"
    )
    if stats.skipped:
        line += f"; {len(stats.skipped)} skipped"
    return line


def question_for_log(question: str, verbatim: bool) -> str:
    """The question itself only when BOT_LOG_QUESTIONS is on; otherwise a short hash."""
    if verbatim:
        return repr(question[:300])
    return "sha256:" + hashlib.sha256(question.encode()).hexdigest()[:12]
