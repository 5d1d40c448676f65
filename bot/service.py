"""The one chat service every front end calls: console, CLI, Slack and Discord.

A front end turns its input into a `ChatRequest` (who, where, what, with which
role), makes one call here and renders the result. The service owns what is
the same everywhere: question checks, rate limits, conversations, metrics,
feedback, the audit log and the permission check for admin actions. It knows
nothing of Slack or Discord; retrieval is one facade (`AnswerEngine`).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from bot.audit import AuditLog
from bot.conversations import Conversations, PlatformMessage, turns_from_messages
from bot.feedback import FeedbackStore
from bot.gap_report import GapsReport
from bot.gaps import GapLog
from bot.limits import RateLimiter, slow_down_message
from bot.logs import question_for_log
from bot.metrics import Metrics, PlatformStatus
from bot.uploads import StoredUpload, UploadError, check_upload, store_upload
from bot.webfetch import FetchError, PageFetcher
from bot.webpages import AddedPage, save_page
from retrieval.engine import AnswerEngine, IndexStatus, ReindexInProgress
from retrieval.indexer import Progress
from retrieval.models import Answer, DocumentInfo, IndexStats, Turn

if TYPE_CHECKING:  # bot.digest's runner calls this module
    from bot.digest import Claim, DigestSchedule

log = logging.getLogger(__name__)

__all__ = [
    "ChatAnswer",
    "ChatRequest",
    "ChatService",
    "FetchError",
    "NotAllowed",
    "PlatformMessage",
    "QuestionError",
    "RateLimited",
    "ReindexInProgress",
    "Role",
    "UploadError",
    "turns_from_messages",
]

Role = Literal["user", "admin"]
# Front ends run by whoever runs the process: no rate limit, no feedback rows.
LOCAL_PLATFORMS = frozenset({"cli", "console"})
MAX_FOLLOWUPS = 3


class QuestionError(ValueError):
    """The question is empty or too long; str() tells the user what to do."""


class RateLimited(QuestionError):
    """The user asked too often; str() is a friendly "slow down" message."""


class NotAllowed(PermissionError):
    """An admin action asked for by someone who is not an admin; str() says so."""


@dataclass(frozen=True)
class ChatRequest:
    """One thing a user asked for, from any front end.

    `conversation` keys the thread or DM whose earlier turns a follow-up uses
    ("" for none); `history`, when given, is used instead of what the service
    remembers for that key; `role` is decided by the front end from platform facts
    (Slack admins, Discord roles, the local user) and enforced here.
    """

    platform: str
    user: str
    text: str = ""
    conversation: str = ""
    role: Role = "user"
    history: tuple[Turn, ...] = ()  # earlier turns given by the caller (CLI, platform thread)

    @property
    def local(self) -> bool:
        return self.platform in LOCAL_PLATFORMS


@dataclass(frozen=True)
class ChatAnswer:
    answer: Answer
    answer_id: int  # for feedback and "show quotes" buttons; 0 when not stored
    # Questions the documents answer next (buttons under the answer); chat platforms only.
    followups: tuple[str, ...] = ()


class ChatService:
    """Thread-safe; platform adapters call it from worker threads, never on their loop."""

    def __init__(
        self,
        engine: AnswerEngine,
        *,
        feedback: FeedbackStore,
        audit: AuditLog,
        conversations: Conversations,
        limiter: RateLimiter,
        metrics: Metrics,
        platforms: PlatformStatus,
        max_question_chars: int = 2000,
        max_upload_bytes: int = 20_000_000,
        log_questions: bool = False,
        gaps: GapLog,
        digests: DigestSchedule,
        fetcher: PageFetcher,
    ) -> None:
        self.engine = engine
        self.feedback = feedback
        self.audit = audit
        self.conversations = conversations
        self.limiter = limiter
        self.metrics = metrics
        self.platforms = platforms
        self.max_question_chars = max_question_chars
        self.max_upload_bytes = max_upload_bytes
        self.log_questions = log_questions
        self._prompts: tuple[str, list[tuple[str, str]]] | None = None
        self.gap_log, self.digests, self.fetcher = gaps, digests, fetcher  # the admin loop

    # Checks ------------------------------------------------------------------
    def _checked(self, request: ChatRequest, text: str, *, what: str = "question") -> str:
        """The cleaned text, after the length and rate checks (QuestionError)."""
        try:
            text = " ".join(text.split())
            if what == "question" and not text:
                raise QuestionError("Ask a question, for example: When was the 2024 state visit?")
            if len(text) > self.max_question_chars:
                raise QuestionError(
                    f"That {what} is {len(text):,} characters long; the limit is "
                    f"{self.max_question_chars:,}. Please shorten it."
                )
            if not request.local:
                wait = self.limiter.check(f"{request.platform}:{request.user}")
                if wait:
                    raise RateLimited(slow_down_message(wait))
        except QuestionError:
            self.metrics.question(request.platform, "rejected")
            raise
        return text

    def check(self, request: ChatRequest) -> str:
        """Run the question checks without answering (adapters call it before opening a
        thread); counts against the rate limit like a question. Raises QuestionError."""
        return self._checked(request, request.text)

    @staticmethod
    def _require_admin(request: ChatRequest, action: str) -> None:
        if request.role != "admin":
            raise NotAllowed(f"Only admins can {action}.")

    # Questions ---------------------------------------------------------------
    def ask(self, request: ChatRequest, *, checked: bool = False) -> ChatAnswer:
        """Answer with the conversation's earlier turns. Raises QuestionError/RateLimited
        (skipped when `checked`: the caller ran `check()` for this request already)."""
        started = time.perf_counter()
        question = (
            " ".join(request.text.split()) if checked else self._checked(request, request.text)
        )
        key = request.conversation
        history = list(request.history) or (self.conversations.history(key) if key else [])
        try:
            answer = self.engine.ask(question, history)
        except Exception:
            self.metrics.question(request.platform, "error", time.perf_counter() - started)
            raise
        outcome = "abstained" if answer.abstained else "answered"
        elapsed = time.perf_counter() - started
        self.metrics.question(request.platform, outcome, elapsed)
        log.info(
            "question on %s from %s: %s -> %s, %d citations, %.0f ms",
            request.platform,
            request.user,
            question_for_log(question, self.log_questions),
            outcome,
            len(answer.citations),
            elapsed * 1000,
        )
        if key:
            self.conversations.add(key, question, answer.answer)
        if request.local:
            return ChatAnswer(answer, 0)
        followups = tuple(self.engine.suggest_followups(answer, MAX_FOLLOWUPS))
        answer_id = self.feedback.remember(request.platform, request.user, answer, followups)
        self.gap_log.keep(request.platform, request.user, question, answer, answer_id, history)
        return ChatAnswer(answer, answer_id, followups)

    def keep(self, request: ChatRequest, answer: Answer) -> int:
        """Store an answer made elsewhere (a summary) so its buttons (share, quotes) can
        refer to it later; 0 for local front ends."""
        if request.local:
            return 0
        return self.feedback.remember(request.platform, request.user, answer)

    def followups(self, answer_id: int) -> list[str]:
        """The follow-up questions offered under a stored answer (to show them again)."""
        return self.feedback.followups(answer_id)

    def followup_question(self, answer_id: int, index: int) -> str | None:
        """The index-th follow-up offered under a stored answer (a button click)."""
        offered = self.feedback.followups(answer_id)
        return offered[index] if 0 <= index < len(offered) else None

    def starter_prompts(self) -> list[tuple[str, str]]:
        """(title, question) prompts for a new conversation, from the indexed topics;
        computed once per index generation."""
        generation = self.engine.status().generation
        cached = self._prompts
        if cached is None or cached[0] != generation:
            cached = self._prompts = (generation, self.engine.starter_prompts())
        return list(cached[1])

    def summarize(self, request: ChatRequest) -> Answer:
        """Cited summary of `request.text` (a topic or document; empty: the corpus)."""
        started = time.perf_counter()
        topic = self._checked(request, request.text, what="topic")
        answer = self.engine.summarize(topic or None)
        self.metrics.question(request.platform, "summary", time.perf_counter() - started)
        return answer

    def sources(self, request: ChatRequest) -> list[DocumentInfo]:
        self._checked(request, "", what="request")
        return self.engine.sources()

    def start_conversation(self, key: str) -> None:
        """Mark key (a thread) as one the bot takes part in, before any answer."""
        self.conversations.start(key)

    def in_conversation(self, key: str) -> bool:
        return key in self.conversations

    def new_conversation(self, key: str) -> None:
        self.conversations.forget(key)

    # Admin actions -------------------------------------------------------------
    def reindex(self, request: ChatRequest, progress: Progress | None = None) -> IndexStats:
        """Sync the index with the corpus. Raises NotAllowed, ReindexInProgress.
        Every attempt is audited."""
        self._require_admin(request, "re-index the documents")
        log.info("re-index requested on %s by %s", request.platform, request.user)
        return self._audited(request, "reindex", str(self.engine.corpus_dir), progress)

    def check_upload(self, request: ChatRequest, name: str, size: int) -> None:
        """Refuse a file by name and declared size before downloading it (UploadError,
        NotAllowed)."""
        self._require_admin(request, "add documents")
        check_upload(name, size, self.max_upload_bytes)

    def add_upload(
        self, request: ChatRequest, name: str, data: bytes, progress: Progress | None = None
    ) -> tuple[StoredUpload, IndexStats]:
        """Store an uploaded document in the corpus and index it.
        Raises NotAllowed, UploadError, ReindexInProgress."""
        self._require_admin(request, "add documents")
        if self.engine.reindex_running:
            raise ReindexInProgress("a re-index is already running; try again when it finishes")
        try:
            stored = store_upload(Path(self.engine.corpus_dir), name, data, self.max_upload_bytes)
        except UploadError as exc:
            self._record(request, "upload", name[:200], f"refused: {exc}")
            raise
        log.info(
            "upload on %s by %s stored as %s", request.platform, request.user, stored.path.name
        )
        detail = f"{name[:200]} -> {stored.path.name}"
        return stored, self._audited(request, "upload", detail, progress, upload=stored)

    def _upload_skipped(self, stored: StoredUpload, stats: IndexStats) -> str | None:
        """Why the indexer skipped the stored upload, or None when it was indexed."""
        source = self.engine.indexer.source_name(stored.path)
        for skipped in stats.skipped:
            if skipped.path == source:
                return skipped.reason
        return None

    def _audited(
        self,
        request: ChatRequest,
        action: str,
        detail: str,
        progress: Progress | None,
        *,
        upload: StoredUpload | None = None,
    ) -> IndexStats:
        """Re-index and audit the outcome. With `upload`: an upload the indexer skipped
        (no text, binary, unreadable) is deleted again, audited as refused, and refused
        to the caller (UploadError), instead of staying in the corpus unindexed."""
        try:
            stats = self.engine.reindex(progress)
        except ReindexInProgress as exc:
            self._record(request, action, detail, f"refused: {exc}")
            raise
        except Exception as exc:
            self.metrics.reindexed(ok=False)
            self._record(request, action, detail, f"failed: {exc}")
            raise
        self.metrics.reindexed(ok=True)
        log.info(
            "re-index by %s:%s done: %s", request.platform, request.user, summarize_stats(stats)
        )
        reason = self._upload_skipped(upload, stats) if upload is not None else None
        if upload is not None and reason is not None:
            upload.discard()
            log.info("upload %s skipped by the indexer and removed: %s", upload.path.name, reason)
            self._record(request, action, detail, f"refused: {reason}")
            raise UploadError(f"{upload.original_name}: not added — {reason}")
        self._record(request, action, detail, summarize_stats(stats))
        return stats

    def _record(self, request: ChatRequest, action: str, detail: str, result: str) -> None:
        self.audit.record(request.platform, request.user, action, detail, result)

    @property
    def reindex_running(self) -> bool:
        return self.engine.reindex_running

    # Feedback ------------------------------------------------------------------
    def vote(self, answer_id: int, user: str, vote: int) -> bool:
        recorded = self.feedback.vote(answer_id, user, vote)
        if recorded:
            self.metrics.vote(vote)
        return recorded

    def stored_answer(self, answer_id: int) -> Answer | None:
        return self.feedback.answer(answer_id)

    # Health ----------------------------------------------------------------------
    def index_status(self) -> IndexStatus:
        status = self.engine.status()
        self.metrics.index(status.documents, status.chunks, status.generation)
        return status

    def ensure_index(self, progress: Progress | None = None) -> IndexStats | None:
        """Index the corpus when nothing is indexed yet (first run); None otherwise."""
        if self.engine.status().indexed:
            return None
        return self.engine.reindex(progress)

    # Knowledge gaps and web pages ---------------------------------------------------
    def gaps(self, request: ChatRequest, days: int = 7) -> GapsReport:
        """The last `days` days' unanswered questions, grouped (NotAllowed, ValueError)."""
        self._require_admin(request, "see the questions the documents did not answer")
        return self.gap_log.report(days, self.feedback.votes_since)

    def claim_digest(self, channel_key: str, now: float) -> Claim | None:
        """The weekly digest of channel_key ("slack:C0123…") if it is due (bot.digest)."""
        return self.digests.claim(channel_key, now)

    def release_digest(self, claim: Claim) -> None:
        """Give back the claim of a digest whose post failed: the next check retries."""
        self.digests.release(claim)

    def add_url(
        self, request: ChatRequest, url: str, progress: Progress | None = None
    ) -> AddedPage:
        """Fetch a public web page, store its article as a corpus document (the same URL
        again replaces it), index it. Raises NotAllowed, FetchError (one line for the
        user), ReindexInProgress. Every attempt, refusals included, is audited."""
        detail = " ".join(url.split())[:300]
        try:
            self._require_admin(request, "add web pages")
            if self.engine.reindex_running:
                raise ReindexInProgress("a re-index is already running; try again when it finishes")
            saved = save_page(self.fetcher, Path(self.engine.corpus_dir), url)
        except (NotAllowed, ReindexInProgress, FetchError) as exc:
            self._record(request, "add-url", detail, f"refused: {exc}")
            raise
        detail = f"{detail} -> {saved.path.name}"
        try:
            stats = self._audited(request, "add-url", detail, progress, upload=saved.as_upload())
        except UploadError as exc:  # the indexer skipped the document (and it was removed)
            raise FetchError(str(exc)) from None
        return saved.added(self.engine, stats)


def summarize_stats(stats: IndexStats) -> str:
    """One line for logs, the audit log and chat progress messages."""
    line = (
        f"{stats.added} added, {stats.updated} updated, {stats.deleted} deleted, "
        f"{stats.unchanged} unchanged; {stats.chunks} chunks in {stats.seconds:.1f}s"
    )
    if stats.skipped:
        line += f"; {len(stats.skipped)} skipped"
    return line
