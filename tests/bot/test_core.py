"""The chat core both adapters share: limits, conversations, feedback, uploads."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core import RateLimited
from bot.feedback import FeedbackStore
from bot.limits import RateLimiter
from bot.service import QuestionError
from bot.uploads import UploadError, store_upload
from tests.conftest import make_core

HAITI = "# Haiti\n\n## Arrival\nKenyan police officers arrived in Haiti on 25 June 2024.\n"


@pytest.fixture
def core(tmp_path: Path):  # type: ignore[no-untyped-def]
    return make_core(
        tmp_path, {"haiti.md": HAITI}, indexed_by=("test", "admin"), rate_limit_per_minute=2
    )


def test_rate_limit_per_user_and_window() -> None:
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert limiter.check("a") == 0 and limiter.check("a") == 0
    assert limiter.check("a") == pytest.approx(60.0)
    assert limiter.check("b") == 0  # other users are not affected
    now[0] = 61.0
    assert limiter.check("a") == 0


def test_ask_limits_and_conversation(core) -> None:  # type: ignore[no-untyped-def]
    first = core.ask("slack", "U1", "When did police arrive in Haiti?", conversation="C1:1")
    assert "25 June 2024" in first.answer.answer and first.answer_id > 0
    assert [t.question for t in core.conversations.history("C1:1")] == [
        "When did police arrive in Haiti?"
    ]
    core.ask("slack", "U1", "and who sent them?", conversation="C1:1")
    with pytest.raises(RateLimited, match="wait"):
        core.ask("slack", "U1", "one more?")
    core.ask("discord", "U1", "same id, other platform?")  # limits are per platform user
    with pytest.raises(QuestionError):
        core.ask("slack", "U2", "  ")


def test_feedback_is_stored_with_question_answer_and_user(core, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = core.ask("discord", "U9", "When did police arrive in Haiti?")
    assert core.vote(result.answer_id, "U9", 1) and core.vote(result.answer_id, "U9", -1)
    assert not core.vote(10_000, "U9", 1)
    records = core.feedback.records()
    assert [(r.platform, r.user, r.question, r.vote) for r in records] == [
        ("discord", "U9", "When did police arrive in Haiti?", -1)
    ]
    assert core.feedback.counts() == {"up": 0, "down": 1}
    stored = core.stored_answer(result.answer_id)
    assert stored.citations[0].quote == result.answer.citations[0].quote
    # The store survives a restart.
    again = FeedbackStore(tmp_path / "data" / "bot_state.sqlite3")
    assert again.counts() == {"up": 0, "down": 1}


@pytest.mark.parametrize(
    "name", ["../../evil.md", "/etc/passwd.md", "a\x00b.md", "CON.md", "..\\..\\x.md"]
)
def test_upload_names_never_escape_the_uploads_folder(tmp_path: Path, name: str) -> None:
    corpus = tmp_path / "corpus"
    stored = store_upload(corpus, name, b"# Notes\n\nSome text here.\n", 1000)
    assert stored.path.parent == (corpus / "uploads").resolve()
    assert stored.path.suffix == ".md" and stored.path.read_bytes().startswith(b"# Notes")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [stored.path]


def test_upload_refusals(tmp_path: Path) -> None:
    with pytest.raises(UploadError, match="only add"):
        store_upload(tmp_path, "virus.exe", b"MZ", 1000)
    with pytest.raises(UploadError, match="limit is"):
        store_upload(tmp_path, "big.txt", b"x" * 2_000_001, 2_000_000)
    with pytest.raises(UploadError, match="empty"):
        store_upload(tmp_path, "empty.txt", b"", 1000)
    assert not any(tmp_path.rglob("*.*"))


def test_upload_is_indexed_and_answerable(core) -> None:  # type: ignore[no-untyped-def]
    stored, stats = core.add_upload(
        "slack", "U1", "railway.md", b"# Railway\n\nThe railway opened on 31 May 2017.\n"
    )
    assert stats.added == 1 and stored.path.name.endswith("-railway.md")
    answer = core.ask("slack", "U2", "When did the railway open?").answer
    assert "31 May 2017" in answer.answer


def test_reindex_and_uploads_are_audited(core) -> None:  # type: ignore[no-untyped-def]
    core.add_upload("discord", "U7", "notes.md", b"# Notes\n\nThe railway opened in 2017.\n")
    with pytest.raises(UploadError):
        core.add_upload("discord", "U8", "../evil.exe", b"MZ")
    entries = core.audit.entries()
    assert [(e.platform, e.actor, e.action) for e in entries] == [
        ("test", "admin", "reindex"),
        ("discord", "U7", "upload"),
        ("discord", "U8", "upload"),
    ]
    assert "notes.md -> " in entries[1].detail and entries[1].result.startswith("1 added")
    assert entries[2].result.startswith("refused: I can only add")


def test_questions_are_logged_as_hashes_unless_asked(core, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level("INFO", logger="bot.core")
    core.ask("slack", "U1", "When did police arrive in Haiti?")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "When did police arrive" not in logged and "sha256:" in logged
    core.log_questions = True
    core.ask("slack", "U2", "When did police arrive in Haiti?")
    assert "When did police arrive" in caplog.records[-1].getMessage()
