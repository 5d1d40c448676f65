"""Who re-indexed or uploaded what, when, from which platform, and how it ended (SQLite)."""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bot.statedb import open_state_db


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


class AuditLog:
    """Append-only; shares the bot's state file with the feedback store."""

    def __init__(self, path: Path) -> None:
        self._db = open_state_db(
            path,
            """CREATE TABLE IF NOT EXISTS audit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL,
                    platform TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
                    detail TEXT NOT NULL, result TEXT NOT NULL)""",
        )
        self._lock = threading.Lock()

    def record(self, platform: str, actor: str, action: str, detail: str, result: str) -> None:
        at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
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
