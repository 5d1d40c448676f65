"""Who re-indexed or uploaded what, when, from which platform, and how it ended (SQLite).

Entries are deleted once older than the retention period (default 90 days), at
start-up and then at most once a day; they never hold question text.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bot.statedb import DEFAULT_RETENTION_DAYS, Clock, RetainedStore


def _iso(seconds: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))


@dataclass(frozen=True)
class AuditEntry:
    at: str  # ISO 8601, UTC
    platform: str
    actor: str
    action: str  # "reindex" | "upload"
    detail: str
    result: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class AuditLog(RetainedStore):
    """Append-only but for pruning; shares the bot's state file with the feedback store."""

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
                """CREATE TABLE IF NOT EXISTS audit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,
                    platform TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
                    detail TEXT NOT NULL, result TEXT NOT NULL)"""
            ],
            retention_days=retention_days,
            clock=clock,
        )

    def _expired(self, cutoff: float) -> list[tuple[str, tuple[object, ...]]]:
        # `at` is fixed-width ISO 8601 UTC, so text order is time order.
        return [("DELETE FROM audit WHERE at < ?", (_iso(cutoff),))]

    def record(self, platform: str, actor: str, action: str, detail: str, result: str) -> None:
        self._pruner.maybe()
        at = _iso(self._clock())
        with self._lock:
            self._db.execute(
                "INSERT INTO audit (at, platform, actor, action, detail, result)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (at, platform, actor, action, detail, result),
            )

    def entries(self, limit: int = 100) -> list[AuditEntry]:
        """The newest `limit` entries, oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT at, platform, actor, action, detail, result FROM audit"
                " ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [AuditEntry(*row) for row in reversed(rows)]
