"""The one chat service every front end calls: checks, limits, conversations, feedback,
permissions and the audit trail of admin actions."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.feedback import FeedbackStore
from bot.service import ChatRequest, NotAllowed, QuestionError, RateLimited
from bot.uploads import UploadError
from tests.conftest import admin, make_service
from tests.retrieval.fixtures.pdf import text_pdf

HAITI = "# Haiti\n\n## Arrival\nKenyan police officers arrived in Haiti on 25 June 2024.\n"
ARRIVAL = "When did police arrive in Haiti?"


@pytest.fixture
def service(tmp_path: Path):  # type: ignore[no-untyped-def]
    return make_service(
        tmp_path, {"haiti.md": HAITI}, indexed_by=("test", "admin"), rate_limit_per_minute=2
    )


def ask(service, platform: str, user: str, text: str, conversation: str = ""):  # type: ignore[no-untyped-def]
    return service.ask(ChatRequest(platform, user, text, conversation))


def test_ask_limits_and_conversation(service) -> None:  # type: ignore[no-untyped-def]
    first = ask(service, "slack", "U1", ARRIVAL, "C1:1")
    assert "25 June 2024" in first.answer.answer and first.answer_id > 0
    assert [t.question for t in service.conversations.history("C1:1")] == [ARRIVAL]
    ask(service, "slack", "U1", "and who sent them?", "C1:1")
    with pytest.raises(RateLimited, match="wait"):
        ask(service, "slack", "U1", "one more?")
    ask(service, "discord", "U1", "same id, other platform?")  # limits are per platform user
    with pytest.raises(QuestionError):
        ask(service, "slack", "U2", "  ")


def test_question_length_limit(tmp_path: Path) -> None:
    service = make_service(tmp_path, {"haiti.md": HAITI}, max_question_chars=50)
    with pytest.raises(QuestionError, match="Ask a question"):
        ask(service, "slack", "U1", "   ")
    with pytest.raises(QuestionError, match="limit is 50"):
        ask(service, "slack", "U1", "why " * 30)


def test_summaries_and_sources_obey_the_length_and_rate_limits(service) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(QuestionError, match="limit is 2,000"):
        service.summarize(ChatRequest("slack", "U5", "haiti " * 2000))
    service.summarize(ChatRequest("slack", "U6", "haiti"))
    service.sources(ChatRequest("slack", "U6"))
    with pytest.raises(RateLimited):
        service.sources(ChatRequest("slack", "U6"))


def test_local_front_ends_are_not_rate_limited(service) -> None:  # type: ignore[no-untyped-def]
    for _ in range(5):
        assert ask(service, "console", "me", ARRIVAL).answer_id == 0  # and not stored


def test_console_and_platforms_keep_the_same_conversation_rules(service) -> None:  # type: ignore[no-untyped-def]
    for platform in ("console", "slack"):
        key = f"{platform}:thread"
        ask(service, platform, "U3", "What is the capital of Peru?", key)  # abstained
        ask(service, platform, "U3", ARRIVAL, key)
        assert len(service.conversations.history(key)) == 2


def test_given_history_is_used_instead_of_the_stored_one(service) -> None:  # type: ignore[no-untyped-def]
    from retrieval.models import Turn

    request = ChatRequest(
        "cli", "me", "and when did they arrive?", history=(Turn("Kenyan police in Haiti"),)
    )
    answer = service.ask(request).answer
    assert answer.standalone_question != answer.question and "25 June 2024" in answer.answer


def test_admin_actions_need_the_admin_role(service) -> None:  # type: ignore[no-untyped-def]
    user = ChatRequest("slack", "U1")
    with pytest.raises(NotAllowed):
        service.reindex(user)
    with pytest.raises(NotAllowed):
        service.check_upload(user, "notes.md", 10)
    with pytest.raises(NotAllowed):
        service.add_upload(user, "notes.md", b"# Notes\n\nText of the notes.\n")
    assert [e.action for e in service.audit.entries()] == ["reindex"]  # the setup one only


def test_feedback_is_stored_with_question_answer_and_user(service, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = ask(service, "discord", "U9", ARRIVAL)
    assert service.vote(result.answer_id, "U9", 1) and service.vote(result.answer_id, "U9", -1)
    assert not service.vote(10_000, "U9", 1)
    records = service.feedback.records()
    assert [(r.platform, r.user, r.question, r.vote) for r in records] == [
        ("discord", "U9", ARRIVAL, -1)
    ]
    stored = service.stored_answer(result.answer_id)
    assert stored.citations[0].quote == result.answer.citations[0].quote
    # Kept in the data folder's state file (the store itself: tests/bot/test_feedback.py).
    kept = FeedbackStore(tmp_path / "data" / "bot_state.sqlite3").records()
    assert [(r.user, r.vote) for r in kept] == [("U9", -1)]


def test_upload_is_indexed_and_answerable(service) -> None:  # type: ignore[no-untyped-def]
    stored, stats = service.add_upload(
        admin("slack", "U1"), "railway.md", b"# Railway\n\nThe railway opened on 31 May 2017.\n"
    )
    assert stats.added == 1 and stored.path.name.endswith("-railway.md")
    answer = ask(service, "slack", "U2", "When did the railway open?").answer
    assert "31 May 2017" in answer.answer


def test_reindex_and_uploads_are_audited(service) -> None:  # type: ignore[no-untyped-def]
    service.add_upload(
        admin("discord", "U7"), "notes.md", b"# Notes\n\nThe railway opened in 2017.\n"
    )
    with pytest.raises(UploadError):
        service.add_upload(admin("discord", "U8"), "../evil.exe", b"MZ")
    entries = service.audit.entries()
    assert [(e.platform, e.actor, e.action) for e in entries] == [
        ("test", "admin", "reindex"),
        ("discord", "U7", "upload"),
        ("discord", "U8", "upload"),
    ]
    assert "notes.md -> " in entries[1].detail and entries[1].result.startswith("1 added")
    assert entries[2].result.startswith("refused: I can only add")


def test_questions_are_logged_as_hashes_unless_asked(service, caplog) -> None:  # type: ignore[no-untyped-def]
    caplog.set_level("INFO", logger="bot.service")
    ask(service, "slack", "U1", ARRIVAL)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "When did police arrive" not in logged and "sha256:" in logged
    service.log_questions = True
    ask(service, "slack", "U2", ARRIVAL)
    assert "When did police arrive" in caplog.records[-1].getMessage()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("notes.txt", b"text\x00\x01\x02 with NUL bytes", "binary file"),
        ("blank.md", b"   \n\n\t\n", "empty file"),
        ("heading.md", b"---\ntitle: Notes\n---\n", "no text found"),
        ("scan.pdf", text_pdf([""]), "no text found"),  # a PDF of images: no text layer
    ],
)
def test_an_upload_the_indexer_skips_is_refused_and_removed(  # type: ignore[no-untyped-def]
    service, name: str, data: bytes, reason: str
) -> None:
    uploads = Path(service.engine.corpus_dir) / "uploads"
    with pytest.raises(UploadError, match=rf"^{name}: not added — {reason}"):
        service.add_upload(admin("slack", "U1"), name, data)

    assert not uploads.exists() or list(uploads.iterdir()) == []  # not left in the corpus
    last = service.audit.entries()[-1]
    assert (last.actor, last.action) == ("U1", "upload")
    assert last.detail.startswith(f"{name} -> ") and last.result.startswith(f"refused: {reason}")
    # The next re-index has nothing to skip, and what was indexed is still served.
    stats = service.reindex(admin("slack", "U1"))
    assert stats.skipped == [] and stats.unchanged == 1
    assert "25 June 2024" in ask(service, "slack", "U2", ARRIVAL).answer.answer
