"""The bot's state is private: the data folder and state files are the bot user's
alone, question text is kept only with the feedback answers and (for the admins' report)
the unanswered questions, and only for the retention period (pruned at start-up and at
most once a day after that)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.audit import AuditLog
from bot.feedback import FeedbackStore
from bot.service import ChatRequest
from config import SettingsError
from retrieval.models import Answer
from tests.conftest import admin, make_service, make_settings

DAY = 86_400.0
HAITI = "# Haiti\n\n## Arrival\nKenyan police officers arrived in Haiti on 25 June 2024.\n"
QUESTION = "When did Kenyan police officers arrive in Haiti, asks user 4711?"


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


class Clock:
    """A settable clock, in days from the epoch."""

    def __init__(self, days: float = 0.0) -> None:
        self.days = days

    def __call__(self) -> float:
        return self.days * DAY


@pytest.fixture
def umask_022() -> Iterator[None]:
    """The usual umask, under which files are created world-readable by default."""
    old = os.umask(0o022)
    yield
    os.umask(old)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot_state.sqlite3"


def answer(text: str = QUESTION) -> Answer:
    return Answer(question=text, answer="They arrived on 25 June 2024. [1]")


# File and folder modes -------------------------------------------------------------
@pytest.mark.usefixtures("umask_022")
def test_the_data_folder_and_state_files_are_private_after_build_service(
    tmp_path: Path,
) -> None:
    service = make_service(tmp_path, {"haiti.md": HAITI})
    result = service.ask(ChatRequest("slack", "U1", QUESTION))
    assert service.vote(result.answer_id, "U1", 1)

    data = tmp_path / "data"
    state = data / "bot_state.sqlite3"
    assert mode(data) == 0o700
    assert mode(state) == 0o600
    side = [p for p in data.iterdir() if p.name.startswith(state.name + "-")]
    assert side, "WAL mode: the -wal and -shm files exist while the service is open"
    assert {p.name: mode(p) for p in side} == {p.name: 0o600 for p in side}


@pytest.mark.usefixtures("umask_022")
def test_state_left_world_readable_by_an_older_version_is_narrowed(
    tmp_path: Path, path: Path
) -> None:
    path.parent.mkdir(mode=0o755)
    os.chmod(path.parent, 0o755)
    FeedbackStore(path, retention_days=None).remember("slack", "U1", answer())
    for p in path.parent.iterdir():
        os.chmod(p, 0o644)

    service = make_service(tmp_path, {"haiti.md": HAITI}, indexed_by=None)

    assert service.feedback.answer(1) is not None  # same file, kept
    assert mode(path.parent) == 0o700
    assert {p.name: mode(p) for p in path.parent.iterdir() if p.is_file()} == {
        p.name: 0o600 for p in path.parent.iterdir() if p.is_file()
    }


# Retention ---------------------------------------------------------------------------
def test_feedback_older_than_the_retention_period_is_pruned_with_its_votes(
    path: Path,
) -> None:
    clock = Clock(0)
    store = FeedbackStore(path, retention_days=90, clock=clock)
    old = store.remember("slack", "U1", answer("an old question"))
    store.vote(old, "U1", 1)
    store.vote(old, "U2", -1)
    clock.days = 1
    kept = store.remember("slack", "U2", answer("a newer question"))
    store.vote(kept, "U2", 1)
    assert store.counts() == {"up": 2, "down": 1}

    clock.days = 90.5  # the first answer is 90.5 days old, the second 89.5
    fresh = store.remember("discord", "U3", answer("today's question"))

    assert store.answer(old) is None
    assert store.vote(old, "U4", 1) is False  # its buttons now say "unknown"
    assert store.answer(kept) is not None and store.answer(fresh) is not None
    assert store.counts() == {"up": 1, "down": 0}
    assert [(r.id, r.question) for r in store.records()] == [(kept, "a newer question")]


def test_pruning_runs_at_most_once_a_day_while_running(path: Path) -> None:
    clock = Clock(0)
    store = FeedbackStore(path, retention_days=90, clock=clock)
    first = store.remember("slack", "U1", answer())
    clock.days = 1
    second = store.remember("slack", "U1", answer())
    clock.days = 90.5
    store.remember("slack", "U1", answer())  # prunes: day 0 is past the period, day 1 not
    assert store.answer(first) is None and store.answer(second) is not None

    clock.days = 91.2  # `second` is past the period now, but the last prune was 0.7 days ago
    store.remember("slack", "U2", answer())
    assert store.answer(second) is not None

    clock.days = 91.6  # a day and more since the last prune: the next write prunes
    store.remember("slack", "U3", answer())
    assert store.answer(second) is None


def test_pruning_runs_at_start_up(path: Path) -> None:
    clock = Clock(0)
    store = FeedbackStore(path, retention_days=30, clock=clock)
    audit = AuditLog(path, retention_days=30, clock=clock)
    store.vote(store.remember("slack", "U1", answer()), "U1", -1)
    audit.record("slack", "U1", "reindex", "corpus", "ok")
    del store, audit

    clock.days = 30.01
    store, audit = (
        FeedbackStore(path, retention_days=30, clock=clock),
        AuditLog(path, retention_days=30, clock=clock),
    )

    assert store.counts() == {"up": 0, "down": 0} and store.records() == []
    assert audit.entries() == []


def test_audit_entries_older_than_the_retention_period_are_pruned(path: Path) -> None:
    clock = Clock(10)
    log = AuditLog(path, retention_days=7, clock=clock)
    log.record("slack", "U1", "reindex", "corpus", "ok")
    clock.days = 15
    log.record("slack", "U2", "upload", "notes.md -> x.md", "1 added")
    clock.days = 17.5  # the first entry is 7.5 days old, the second 2.5

    log.record("discord", "U3", "reindex", "corpus", "ok")

    assert [(e.actor, e.at[:10]) for e in log.entries()] == [
        ("U2", "1970-01-16"),
        ("U3", "1970-01-18"),
    ]


def test_pruned_questions_leave_the_disk(path: Path) -> None:
    """Deleted rows are overwritten (secure_delete) and the WAL truncated after a prune."""
    clock = Clock(0)
    store = FeedbackStore(path, retention_days=90, clock=clock)
    store.remember("slack", "U1", answer())

    def on_disk() -> bytes:
        return b"".join(p.read_bytes() for p in path.parent.iterdir() if p.is_file())

    assert QUESTION.encode() in on_disk()
    clock.days = 91
    assert store.prune() == 1
    assert QUESTION.encode() not in on_disk()


def test_rows_are_kept_forever_only_when_asked(path: Path) -> None:
    clock = Clock(0)
    store = FeedbackStore(path, retention_days=None, clock=clock)
    answer_id = store.remember("slack", "U1", answer())
    clock.days = 10_000
    assert store.prune() == 0 and store.answer(answer_id) is not None
    with pytest.raises(ValueError, match="at least 1 day"):
        FeedbackStore(path, retention_days=0)


def test_the_retention_period_comes_from_the_settings(tmp_path: Path) -> None:
    from bot.wiring import retention_days

    assert retention_days(make_settings(tmp_path / "d")) == 90
    assert retention_days(make_settings(tmp_path / "d", retention_days=14)) == 14
    with pytest.raises(SettingsError, match="BOT_RETENTION_DAYS"):
        make_settings(tmp_path / "d", retention_days=0)


# Where question text is kept -----------------------------------------------------------
def tables_holding(service, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    db = service.feedback._db
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return sorted(
        table
        for table in tables
        if any(text in str(v) for row in db.execute(f"SELECT * FROM {table}") for v in row)
    )


def test_question_text_is_kept_only_with_the_feedback_answers_and_the_unanswered_ones(
    tmp_path: Path,
) -> None:
    service = make_service(tmp_path, {"haiti.md": HAITI}, rate_limit_per_minute=0)
    answered = "When did Kenyan police officers arrive in Haiti?"
    assert not service.ask(ChatRequest("slack", "U1", answered)).answer.gaps
    unanswered = service.ask(ChatRequest("slack", "U1", QUESTION)).answer
    assert unanswered.abstained or unanswered.gaps  # kept for the admins' gaps report
    service.add_upload(admin("slack", "U9"), "notes.md", b"# Notes\n\nThe railway opened.\n")

    assert tables_holding(service, answered) == ["answers"]
    assert tables_holding(service, QUESTION) == ["answers", "gaps"]
    assert all(QUESTION not in str(e.to_dict()) for e in service.audit.entries())


def test_unanswered_questions_are_pruned_after_the_retention_period(path: Path) -> None:
    from bot.gaps import GapLog
    from tests.fakes.embedder import HashEmbedder

    clock = Clock(0)
    log = GapLog(path, embed=HashEmbedder().embed, retention_days=30, clock=clock)
    log.record("slack", "U1", QUESTION, Answer(QUESTION, "…", abstained=True))

    def on_disk() -> bytes:
        return b"".join(p.read_bytes() for p in path.parent.iterdir() if p.is_file())

    assert QUESTION.encode() in on_disk()
    clock.days = 31
    assert log.prune() == 1 and log.since(0) == []
    assert QUESTION.encode() not in on_disk()
