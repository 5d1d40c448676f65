"""The bot's own state (feedback, audit log): one SQLite file in BOT_DATA_DIR."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def open_state_db(path: Path, *schema: str) -> sqlite3.Connection:
    """An autocommit WAL connection usable from any thread (callers serialise with a lock),
    with the given CREATE TABLE IF NOT EXISTS statements applied."""
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    for statement in schema:
        db.execute(statement)
    return db
