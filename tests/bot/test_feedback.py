"""FeedbackStore: answers kept for the 👍/👎 buttons, one vote per user, kept across restarts."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from bot.audit import AuditLog
from bot.feedback import FeedbackStore
from retrieval.models import Answer, Citation

QUESTION = "When did Kenyan police arrive in Haiti?"
CITATION = Citation(
    index=1,
    title="The Haiti mission",
    source="haiti.md",
    section="Arrival",
    url="https://example.org/haiti",
    quote="Kenyan police officers arrived in Haiti on 25 June 2024.",
    page=3,
    date="2024-07-19",
)
ANSWER = Answer(
    question=QUESTION,
    answer="Kenyan police officers arrived in Haiti on 25 June 2024. [1]",
    citations=[CITATION],
    timings_ms={"retrieve": 3.0},
)


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot_state.sqlite3"


@pytest.fixture
def store(path: Path) -> FeedbackStore:
    return FeedbackStore(path)


def test_a_remembered_answer_comes_back_with_its_question_and_citations(
    store: FeedbackStore,
) -> None:
    answer_id = store.remember("slack", "U1", ANSWER)

    stored = store.answer(answer_id)

    assert stored is not None
    assert (stored.question, stored.answer, stored.abstained, stored.mode) == (
        QUESTION,
        ANSWER.answer,
        False,
        "extractive",
    )
    assert stored.citations == [CITATION]


def test_each_remembered_answer_gets_its_own_id(store: FeedbackStore) -> None:
    ids = [store.remember("slack", "U1", ANSWER) for _ in range(3)]

    assert len(set(ids)) == 3 and all(i > 0 for i in ids)
    assert store.answer(max(ids) + 1) is None


def test_a_users_second_vote_replaces_the_first(store: FeedbackStore) -> None:
    answer_id = store.remember("discord", "U9", ANSWER)

    assert store.vote(answer_id, "U9", 1)
    assert store.vote(answer_id, "U9", -1)

    assert store.counts() == {"up": 0, "down": 1}
    assert [(r.user, r.vote) for r in store.records()] == [("U9", -1)]


def test_each_user_has_one_vote_per_answer(store: FeedbackStore) -> None:
    first = store.remember("slack", "U1", ANSWER)
    second = store.remember("slack", "U1", ANSWER)

    store.vote(first, "U1", 1)
    store.vote(first, "U2", 1)
    store.vote(first, "U3", -1)
    store.vote(second, "U1", -1)

    assert store.counts() == {"up": 2, "down": 2}


def test_votes_on_unknown_answers_are_not_recorded(store: FeedbackStore) -> None:
    assert store.vote(12345, "U1", 1) is False
    assert store.records() == [] and store.counts() == {"up": 0, "down": 0}


@pytest.mark.parametrize("vote", [0, 2, -2])
def test_a_vote_is_up_or_down(store: FeedbackStore, vote: int) -> None:
    answer_id = store.remember("slack", "U1", ANSWER)

    with pytest.raises(ValueError, match=r"\+1 or -1"):
        store.vote(answer_id, "U1", vote)
    assert store.counts() == {"up": 0, "down": 0}


def test_records_list_votes_oldest_first_with_question_answer_and_user(
    store: FeedbackStore,
) -> None:
    other = Answer(question="Who funded the mission?", answer="The United States did. [1]")
    first = store.remember("slack", "U1", ANSWER)
    second = store.remember("discord", "U2", other)

    store.vote(second, "U2", -1)
    store.vote(first, "U1", 1)

    records = store.records()
    assert [(r.id, r.platform, r.user, r.question, r.answer, r.vote) for r in records] == [
        (second, "discord", "U2", "Who funded the mission?", "The United States did. [1]", -1),
        (first, "slack", "U1", QUESTION, ANSWER.answer, 1),
    ]
    assert records[0].created_at <= records[1].created_at


def test_feedback_survives_a_restart(store: FeedbackStore, path: Path) -> None:
    answer_id = store.remember("discord", "U9", ANSWER)
    store.vote(answer_id, "U9", -1)
    del store

    again = FeedbackStore(path)

    assert again.counts() == {"up": 0, "down": 1}
    assert [(r.id, r.user, r.question) for r in again.records()] == [(answer_id, "U9", QUESTION)]
    stored = again.answer(answer_id)
    assert stored is not None and stored.citations == [CITATION]
    assert again.remember("slack", "U1", ANSWER) > answer_id  # ids are never reused
    assert again.vote(answer_id, "U10", 1)  # buttons on old answers still work


def test_feedback_and_the_audit_log_share_one_state_file(store: FeedbackStore, path: Path) -> None:
    audit = AuditLog(path)
    answer_id = store.remember("slack", "U1", ANSWER)

    audit.record("slack", "U1", "reindex", "corpus", "ok")
    store.vote(answer_id, "U1", 1)

    assert store.counts() == {"up": 1, "down": 0}
    assert [e.action for e in audit.entries()] == ["reindex"]


def test_concurrent_answers_and_votes_are_all_kept(store: FeedbackStore) -> None:
    errors: list[BaseException] = []

    def user(n: int) -> None:
        try:
            for _ in range(20):
                answer_id = store.remember("slack", f"U{n}", ANSWER)
                assert store.vote(answer_id, f"U{n}", 1 if n % 2 else -1)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=user, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert errors == []
    assert store.counts() == {"up": 80, "down": 80}
    assert len({r.id for r in store.records()}) == 160
