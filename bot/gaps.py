"""Knowledge gaps: the questions the documents did not answer, for the admins.

Chat questions the bot declined (no answer in the documents) or answered only in part
(the answer names what the documents do not say) are kept in the bot's state file with
the documents the bot looked at; 👎 votes come from the feedback store. The report
(`bot.gap_report`) groups the last days' questions that ask the same thing, most
frequent first, so the admins see what to add.

Question text is kept only for the retention period (`BOT_RETENTION_DAYS`), like the
feedback rows, and shown only to admins.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from bot.feedback import VotedAnswer
from bot.gap_report import (
    SAME_QUESTION,
    EmbedTexts,
    GapQuestion,
    GapsReport,
    Outcome,
    SeenDocument,
    group_questions,
)
from bot.statedb import DEFAULT_RETENTION_DAYS, Clock, RetainedStore
from retrieval.models import Answer, Turn

log = logging.getLogger(__name__)

DownVotes = Callable[[float], Iterable[VotedAnswer]]  # 👎 answers voted since a time
DAY = 24 * 3600.0


def outcome_of(answer: Answer) -> Outcome | None:
    """The outcome kept for an answer: "declined" (abstained), "partial" (names gaps), or
    None for a full answer."""
    if answer.abstained:
        return "declined"
    return "partial" if answer.gaps else None


def seen_documents(answer: Answer) -> tuple[SeenDocument, ...]:
    """The documents an answer cites, once each, in citation order."""
    seen = dict.fromkeys(SeenDocument(c.title, c.source) for c in answer.citations)
    return tuple(seen)


def downvoted_question(vote: VotedAnswer) -> GapQuestion:
    """A 👎 answer as a gap: the question as the user typed it."""
    answer = vote.answer
    return GapQuestion(
        question=answer.question,
        outcome="downvoted",
        at=vote.voted_at,
        platform=vote.platform,
        user=vote.user,
        documents=seen_documents(answer),
        missing=answer.gaps,
        answer_id=vote.answer_id,
    )


class GapLog(RetainedStore):
    """The questions chat users asked that were declined or partly answered (SQLite,
    the bot's state file); pruned after the retention period like feedback.
    Thread-safe."""

    def __init__(
        self,
        path: Path,
        *,
        embed: EmbedTexts,
        retention_days: float | None = DEFAULT_RETENTION_DAYS,
        clock: Clock = time.time,
        similarity: float = SAME_QUESTION,
    ) -> None:
        self._embed = embed
        self.similarity = similarity
        super().__init__(
            path,
            [
                """CREATE TABLE IF NOT EXISTS gaps (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    platform TEXT NOT NULL, user TEXT NOT NULL, question TEXT NOT NULL,
                    outcome TEXT NOT NULL, documents_json TEXT NOT NULL,
                    missing_json TEXT NOT NULL, answer_id INTEGER NOT NULL,
                    created_at REAL NOT NULL)""",
                "CREATE INDEX IF NOT EXISTS gaps_created_at ON gaps (created_at)",
            ],
            retention_days=retention_days,
            clock=clock,
        )

    def now(self) -> float:
        return self._clock()

    def _expired(self, cutoff: float) -> list[tuple[str, tuple[object, ...]]]:
        return [("DELETE FROM gaps WHERE created_at < ?", (cutoff,))]

    def record(
        self, platform: str, user: str, question: str, answer: Answer, answer_id: int = 0
    ) -> Outcome | None:
        """Keep the question if the answer declined or was partial; the outcome kept."""
        outcome = outcome_of(answer)
        if outcome is None:
            return None
        self._pruner.maybe()
        documents = [d.to_dict() for d in seen_documents(answer)]
        with self._lock:
            self._db.execute(
                "INSERT INTO gaps (platform, user, question, outcome, documents_json,"
                " missing_json, answer_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    platform,
                    user,
                    question,
                    outcome,
                    json.dumps(documents, ensure_ascii=False),
                    json.dumps(list(answer.gaps), ensure_ascii=False),
                    answer_id,
                    self._clock(),
                ),
            )
        return outcome

    def since(self, cutoff: float) -> list[GapQuestion]:
        """Questions kept at or after cutoff (Unix time), oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT question, outcome, created_at, platform, user, documents_json,"
                " missing_json, answer_id FROM gaps WHERE created_at >= ? ORDER BY id",
                (cutoff,),
            ).fetchall()
        return [
            GapQuestion(
                question=r[0],
                outcome=r[1],
                at=r[2],
                platform=r[3],
                user=r[4],
                documents=tuple(SeenDocument(d["title"], d["source"]) for d in json.loads(r[5])),
                missing=tuple(json.loads(r[6])),
                answer_id=r[7],
            )
            for r in rows
        ]

    def keep(
        self,
        platform: str,
        user: str,
        question: str,
        answer: Answer,
        answer_id: int = 0,
        history: Sequence[Turn] = (),
    ) -> None:
        """`record` for the chat service: a follow-up (with history) is kept as the
        standalone question it was read as; a failure is logged, never raised, so it
        never costs the user the answer."""
        asked = (answer.standalone_question or question) if history else question
        try:
            self.record(platform, user, asked, answer, answer_id)
        except Exception:
            log.exception("could not keep an unanswered question for the gaps report")

    def report(self, days: int, downvotes: DownVotes | None = None) -> GapsReport:
        """The last `days` days' questions (kept ones and, from `downvotes(since)`, the
        👎 answers) grouped. Raises ValueError for days < 1."""
        if days < 1:
            raise ValueError("days must be at least 1")
        until = self._clock()
        since = until - days * DAY
        questions = self.since(since)
        if downvotes is not None:
            questions += [downvoted_question(v) for v in downvotes(since) if v.voted_at >= since]
        groups = group_questions(questions, self._embed, self.similarity)
        return GapsReport(days=days, since=since, until=until, groups=tuple(groups))
