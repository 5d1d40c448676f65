"""👍/👎 feedback on answers, stored with the question, answer and user (SQLite).

This is the one place the bot keeps question text: the buttons under an answer (vote,
"show quotes") refer to it later. Answers and votes are deleted once older than the
retention period (default 90 days), at start-up and then at most once a day.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.statedb import DEFAULT_RETENTION_DAYS, Clock, RetainedStore
from retrieval.models import Answer


@dataclass(frozen=True)
class VotedAnswer:
    """A stored answer with one user's vote on it (the knowledge-gaps report reads 👎s)."""

    answer_id: int
    platform: str
    user: str  # who voted
    vote: int
    voted_at: float
    answer: Answer


@dataclass(frozen=True)
class FeedbackRecord:
    id: int
    platform: str
    user: str
    question: str
    answer: str
    vote: int  # +1 or -1
    created_at: float


class FeedbackStore(RetainedStore):
    """Thread-safe store in one SQLite file (default: BOT_DATA_DIR/bot_state.sqlite3)."""

    def __init__(
        self,
        path: Path,
        *,
        retention_days: float | None = DEFAULT_RETENTION_DAYS,
        clock: Clock = time.time,
    ) -> None:
        super().__init__(
            path,
            [
                """CREATE TABLE IF NOT EXISTS answers (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    platform TEXT NOT NULL, user TEXT NOT NULL, question TEXT NOT NULL,
                    answer_json TEXT NOT NULL, created_at REAL NOT NULL)""",
                """CREATE TABLE IF NOT EXISTS feedback (
                    answer_id INTEGER NOT NULL REFERENCES answers(id),
                    user TEXT NOT NULL, vote INTEGER NOT NULL, created_at REAL NOT NULL,
                    PRIMARY KEY (answer_id, user))""",
            ],
            retention_days=retention_days,
            clock=clock,
        )

    def _expired(self, cutoff: float) -> list[tuple[str, tuple[object, ...]]]:
        """Old votes and votes on old answers first, then the old answers."""
        return [
            (
                "DELETE FROM feedback WHERE created_at < ?"
                " OR answer_id IN (SELECT id FROM answers WHERE created_at < ?)",
                (cutoff, cutoff),
            ),
            ("DELETE FROM answers WHERE created_at < ?", (cutoff,)),
        ]

    def remember(
        self, platform: str, user: str, answer: Answer, followups: Sequence[str] = ()
    ) -> int:
        """Keep an answer (and the follow-ups offered under it) so a later button press
        can refer to it; returns its id."""
        self._pruner.maybe()
        stored = answer.to_dict()
        if followups:
            stored["followups"] = list(followups)
        with self._lock:
            cur = self._db.execute(
                "INSERT INTO answers (platform, user, question, answer_json, created_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (platform, user, answer.question, json.dumps(stored), self._clock()),
            )
            return int(cur.lastrowid or 0)

    def answer(self, answer_id: int) -> Answer | None:
        """The stored answer (question, text, citations) or None."""
        stored = self._stored(answer_id)
        return Answer.from_dict(stored) if stored is not None else None

    def followups(self, answer_id: int) -> list[str]:
        """The follow-up questions suggested under a stored answer."""
        stored = self._stored(answer_id)
        return [str(q) for q in stored.get("followups", ())] if stored is not None else []

    def _stored(self, answer_id: int) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT answer_json FROM answers WHERE id = ?", (answer_id,)
            ).fetchone()
        return dict(json.loads(row[0])) if row else None

    def vote(self, answer_id: int, user: str, vote: int) -> bool:
        """Record (or change) a user's vote on an answer. False if the answer is unknown."""
        if vote not in (1, -1):
            raise ValueError("vote must be +1 or -1")
        self._pruner.maybe()
        with self._lock:
            known = self._db.execute("SELECT 1 FROM answers WHERE id = ?", (answer_id,)).fetchone()
            if not known:
                return False
            self._db.execute(
                "INSERT INTO feedback (answer_id, user, vote, created_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT(answer_id, user) DO UPDATE SET vote = excluded.vote,"
                " created_at = excluded.created_at",
                (answer_id, user, vote, self._clock()),
            )
            return True

    def records(self) -> list[FeedbackRecord]:
        with self._lock:
            rows = self._db.execute(
                "SELECT a.id, a.platform, f.user, a.question, a.answer_json, f.vote, f.created_at"
                " FROM feedback f JOIN answers a ON a.id = f.answer_id ORDER BY f.created_at"
            ).fetchall()
        return [
            FeedbackRecord(r[0], r[1], r[2], r[3], json.loads(r[4])["answer"], r[5], r[6])
            for r in rows
        ]

    def votes_since(self, cutoff: float, vote: int = -1) -> list[VotedAnswer]:
        """The answers voted `vote` at or after cutoff (Unix time), oldest vote first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT a.id, a.platform, f.user, f.vote, f.created_at, a.answer_json"
                " FROM feedback f JOIN answers a ON a.id = f.answer_id"
                " WHERE f.vote = ? AND f.created_at >= ? ORDER BY f.created_at",
                (vote, cutoff),
            ).fetchall()
        return [
            VotedAnswer(r[0], r[1], r[2], r[3], r[4], Answer.from_dict(json.loads(r[5])))
            for r in rows
        ]

    def counts(self) -> dict[str, int]:
        with self._lock:
            up, down = self._db.execute(
                "SELECT COALESCE(SUM(vote = 1), 0), COALESCE(SUM(vote = -1), 0) FROM feedback"
            ).fetchone()
        return {"up": int(up), "down": int(down)}
