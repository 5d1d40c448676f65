"""The bot's own state (feedback, audit log): one SQLite file in BOT_DATA_DIR.

The file holds user ids and, for the feedback buttons, questions and answers, so it
is private to the bot's user: the data folder is made 0700 and the database and its
-wal/-shm companions 0600, whatever the umask. Rows are kept for a retention period
(`BOT_RETENTION_DAYS`, default 90) and pruned at start-up and then at most once a day,
by the process itself (`Pruner`).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

log = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600
SIDE_FILES = ("-wal", "-shm", "-journal")
DEFAULT_RETENTION_DAYS = 90
PRUNE_EVERY = 24 * 3600.0  # seconds between two prunes of a running process

Clock = Callable[[], float]


def secure_folder(folder: Path) -> None:
    """Create folder (0700) or narrow an existing one to 0700 when it is ours."""
    folder.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    _narrow(folder, DIR_MODE)


def _narrow(path: Path, mode: int) -> None:
    try:
        if stat.S_IMODE(path.stat().st_mode) != mode:
            os.chmod(path, mode)
    except FileNotFoundError:
        pass
    except PermissionError:  # not our folder (e.g. a shared mount): say so, keep going
        log.warning("cannot restrict %s to %o: not owned by this user", path, mode)


def secure_state_files(path: Path) -> None:
    """The database and SQLite's side files (if present) readable by the owner only."""
    for candidate in (path, *(path.with_name(path.name + s) for s in SIDE_FILES)):
        _narrow(candidate, FILE_MODE)


def open_state_db(path: Path, *schema: str) -> sqlite3.Connection:
    """An autocommit WAL connection usable from any thread (callers serialise with a lock),
    with the given CREATE TABLE IF NOT EXISTS statements applied.

    The folder is 0700 and the file created 0600 before SQLite opens it (SQLite gives
    its -wal and -shm files the database's mode); files left by older versions are
    narrowed too."""
    secure_folder(path.parent)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE))
    secure_state_files(path)
    db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA secure_delete=ON")  # pruned rows are overwritten, not left in free pages
    for statement in schema:
        db.execute(statement)
    secure_state_files(path)
    return db


def forget_deleted(db: sqlite3.Connection) -> None:
    """After a prune: copy the WAL into the database and truncate it, so the old pages
    (with the deleted rows) leave the disk too. Best effort: skipped while busy."""
    try:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except sqlite3.OperationalError as exc:
        log.debug("checkpoint after pruning skipped: %s", exc)


def retention_seconds(days: float | None) -> float | None:
    """None keeps rows forever (tests, tools); otherwise days in seconds (>= 1 day)."""
    if days is None:
        return None
    if days < 1:
        raise ValueError("the retention period is at least 1 day")
    return float(days) * 24 * 3600


class Pruner:
    """Runs `prune(cutoff)` now and then again at most once every `every` seconds,
    from whichever call of `maybe()` comes first after that (same process, no thread)."""

    def __init__(
        self,
        prune: Callable[[float], int],
        retention_days: float | None,
        clock: Clock,
        every: float = PRUNE_EVERY,
    ) -> None:
        self._prune = prune
        self._keep = retention_seconds(retention_days)
        self._clock = clock
        self._every = every
        self._last: float | None = None
        self._lock = threading.Lock()

    def run(self) -> int:
        """Prune now; the number of rows removed."""
        with self._lock:
            self._last = self._clock()
            if self._keep is None:
                return 0
            removed = self._prune(self._last - self._keep)
        if removed:
            log.info("pruned %d state rows older than the retention period", removed)
        return removed

    def maybe(self) -> int:
        """Prune if the last prune was more than a day ago (by the clock)."""
        last = self._last
        if last is not None and self._clock() - last < self._every:
            return 0
        return self.run()


class RetainedStore:
    """A table set in the bot's state file whose rows are deleted after the retention
    period: the connection, its lock, and pruning at start-up and then at most daily.
    Subclasses say which rows have expired (`_expired`); all are deleted in one
    transaction and the deleted pages wiped from the file."""

    def __init__(
        self,
        path: Path,
        schema: Sequence[str],
        *,
        retention_days: float | None = DEFAULT_RETENTION_DAYS,
        clock: Clock,
    ) -> None:
        self._clock = clock
        self._db = open_state_db(path, *schema)
        self._lock = threading.Lock()
        self._pruner = Pruner(self._prune_older_than, retention_days, clock)
        self._pruner.run()

    def prune(self) -> int:
        """Delete what is older than the retention period now; rows removed."""
        return self._pruner.run()

    def _expired(self, cutoff: float) -> list[tuple[str, tuple[object, ...]]]:
        """The DELETE statements (with parameters) for rows older than cutoff."""
        raise NotImplementedError

    def _prune_older_than(self, cutoff: float) -> int:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                removed = sum(
                    max(self._db.execute(sql, params).rowcount, 0)
                    for sql, params in self._expired(cutoff)
                )
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            if removed:
                forget_deleted(self._db)
        return removed
