"""The knowledge-gaps report: declined, partly answered and 👎 questions of the last days,
grouped by what they ask, most frequent first; kept only for the retention period."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.feedback import FeedbackStore
from bot.gap_report import normalise_question
from bot.gaps import GapLog
from bot.render_text import render_gaps
from bot.service import ChatRequest, NotAllowed
from retrieval.models import Answer, Citation
from tests.conftest import admin, make_service
from tests.fakes.embedder import HashEmbedder

DAY = 24 * 3600.0
T0 = 1_800_000_000.0


class FakeClock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def declined(question: str) -> Answer:
    return Answer(question, "I couldn't find an answer to that.", abstained=True)


def partial(question: str, *gaps: str, title: str = "Visas") -> Answer:
    cite = Citation(1, title, f"docs/{title.lower()}.md", "", "", "A quote.")
    return Answer(
        question, "Partly. [1]", [cite], gaps=gaps or ("The documents don't give a fee.",)
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot_state.sqlite3"


def gap_log(state: Path, clock: FakeClock, **kw: object) -> GapLog:
    return GapLog(state, embed=HashEmbedder().embed, clock=clock, **kw)  # type: ignore[arg-type]


def at(clock: FakeClock, seconds_ago: float) -> FakeClock:
    clock.now = T0 - seconds_ago
    return clock


def seed(log: GapLog, clock: FakeClock, feedback: FeedbackStore) -> None:
    """Police-in-Haiti asked five times in four wordings by three people, a visa fee
    twice (once 👎), a future election once, Peru's capital once (👎 only)."""
    rows = [
        (5 * DAY, "slack", "U1", declined("When did Kenyan police arrive in Haiti?")),
        (4 * DAY, "slack", "U2", declined("when did the kenyan police arrive in haiti")),
        (3.5 * DAY, "discord", "D1", declined("When did Kenyan police arrive in Haiti?")),
        (
            3 * DAY,
            "discord",
            "D1",
            declined("When did the Kenyan police officers arrive in Haiti?"),
        ),
        (2 * DAY, "slack", "U1", declined("When did police arrive in Haiti")),
        (2 * DAY, "slack", "U3", partial("What is the US visa fee for Kenyans?")),
        (1 * DAY, "slack", "U4", declined("Who will win the 2030 election?")),
    ]
    for ago, platform, user, answer in rows:
        at(clock, ago)
        log.record(platform, user, answer.question, answer)
    # A 👎 on a partial answer that was kept: the same asking, one more outcome.
    at(clock, 1 * DAY)
    visa = partial("How much is the US visa fee for Kenyans?")
    visa_id = feedback.remember("slack", "U5", visa)
    log.record("slack", "U5", visa.question, visa, visa_id)
    feedback.vote(visa_id, "U5", -1)
    # A 👎 on a full answer: only the feedback store knows it.
    at(clock, 0.5 * DAY)
    peru = Answer("What is the capital of Peru?", "Lima. [1]", [])
    feedback.vote(feedback.remember("discord", "D2", peru), "D2", -1)
    # A 👍 is not a gap.
    feedback.vote(feedback.remember("slack", "U6", peru), "U6", 1)
    clock.now = T0


def test_similar_wordings_are_grouped_and_counted_most_frequent_first(
    state: Path, clock: FakeClock
) -> None:
    log, feedback = gap_log(state, clock), FeedbackStore(state, clock=clock)
    seed(log, clock, feedback)

    report = log.report(7, feedback.votes_since)

    assert [(g.question, g.count) for g in report.groups] == [
        ("When did Kenyan police arrive in Haiti?", 5),  # the wording asked most
        ("How much is the US visa fee for Kenyans?", 2),  # the latest of two
        ("What is the capital of Peru?", 1),  # voted on last, so before the election
        ("Who will win the 2030 election?", 1),
    ]
    police, visa, peru, election = report.groups
    assert set(police.wordings) == {
        "When did Kenyan police arrive in Haiti?",
        "when did the kenyan police arrive in haiti",
        "When did the Kenyan police officers arrive in Haiti?",
        "When did police arrive in Haiti",
    }
    assert police.wordings[0] == "When did Kenyan police arrive in Haiti?"
    assert police.outcomes == {"declined": 5} and police.people == 3
    assert police.documents == () and police.missing == ()
    assert visa.outcomes == {"partial": 2, "downvoted": 1}  # the 👎 did not add a question
    assert [d.title for d in visa.documents] == ["Visas"]
    assert visa.missing == ("The documents don't give a fee.",)
    assert peru.outcomes == {"downvoted": 1} and election.outcomes == {"declined": 1}
    assert report.questions == 9


def test_the_days_window_and_the_json_shape(state: Path, clock: FakeClock) -> None:
    log, feedback = gap_log(state, clock), FeedbackStore(state, clock=clock)
    seed(log, clock, feedback)
    at(clock, 9 * DAY)
    log.record(
        "slack", "U9", "What is the capital of Chile?", declined("What is the capital of Chile?")
    )
    clock.now = T0

    two_days = log.report(2, feedback.votes_since)
    assert [(g.question, g.count) for g in two_days.groups] == [
        ("How much is the US visa fee for Kenyans?", 2),
        ("What is the capital of Peru?", 1),
        ("Who will win the 2030 election?", 1),
        ("When did police arrive in Haiti", 1),  # two days ago: just inside
    ]
    ten_days = log.report(10).to_dict()
    assert ten_days["days"] == 10 and ten_days["questions"] == 9  # no votes given
    assert (
        ten_days["since"] == "2027-01-05T08:00:00Z" and ten_days["until"] == "2027-01-15T08:00:00Z"
    )
    first = ten_days["groups"][0]
    assert set(first) == {
        "question",
        "count",
        "outcomes",
        "wordings",
        "documents",
        "missing",
        "people",
        "last_asked",
    }
    assert first["last_asked"] == "2027-01-13T08:00:00Z"  # two days before
    assert ten_days["groups"][-1]["question"] == "What is the capital of Chile?"


def test_questions_are_deleted_after_the_retention_period(state: Path, clock: FakeClock) -> None:
    log = gap_log(state, clock, retention_days=30)
    log.record("slack", "U1", "Old question?", declined("Old question?"))
    clock.now = T0 + 20 * DAY
    log.record("slack", "U1", "Newer question?", declined("Newer question?"))
    clock.now = T0 + 31 * DAY

    assert gap_log(state, clock, retention_days=30).since(0) == [  # a restart prunes
        q for q in log.since(0) if q.question == "Newer question?"
    ]
    assert [q.question for q in log.since(0)] == ["Newer question?"]
    assert "Old question?" not in state.read_bytes().decode("latin-1")  # not left on disk


def test_an_empty_report_says_so(state: Path, clock: FakeClock) -> None:
    report = gap_log(state, clock).report(7)
    assert report.empty and report.to_dict()["groups"] == [] and report.questions == 0
    assert render_gaps(report).startswith("No unanswered questions in the last 7 days")


def test_the_text_report_numbers_the_groups(state: Path, clock: FakeClock) -> None:
    log, feedback = gap_log(state, clock), FeedbackStore(state, clock=clock)
    seed(log, clock, feedback)
    lines = render_gaps(log.report(7, feedback.votes_since)).splitlines()
    assert lines[0].endswith("9 in 4 groups")
    assert lines[1] == "  1. When did Kenyan police arrive in Haiti?  ×5 (5 declined, 3 people)"
    assert lines[2].startswith("       also: ")
    assert (
        "  2. How much is the US visa fee for Kenyans?  ×2 (2 partial, 1 downvoted, 2 people)"
        in lines
    )
    assert "       looked at: Visas" in lines


def test_normalised_questions() -> None:
    assert normalise_question("  When DID  the police arrive?? ") == "when did the police arrive"
    assert normalise_question("“What’s new?”") == "what's new"


# Through the chat service ---------------------------------------------------------------
HAITI = (
    "# Haiti\n\n## Arrival\nKenyan police officers arrived in Haiti on 25 June 2024.\n\n"
    "## Funding\nThe United States pledged about $300 million for the mission.\n"
)


@pytest.fixture
def service(tmp_path: Path):  # type: ignore[no-untyped-def]
    return make_service(tmp_path, {"haiti.md": HAITI}, rate_limit_per_minute=0)


def test_chat_questions_declined_or_partly_answered_are_reported_to_admins(service) -> None:  # type: ignore[no-untyped-def]
    def ask(platform: str, user: str, text: str):  # type: ignore[no-untyped-def]
        return service.ask(ChatRequest(platform, user, text))

    ask("slack", "U1", "What is the capital of Peru?")
    ask("discord", "D1", "what is the capital of peru")
    ask("slack", "U2", "When did Kenyan police arrive in Haiti in 2030?")
    answered = ask("slack", "U3", "When did police arrive in Haiti?")
    service.vote(answered.answer_id, "U3", -1)
    ask("cli", "me", "What is the capital of Chile?")  # local front ends are not kept
    ask("slack", "U4", "How much did the United States pledge for the mission?")  # answered

    with pytest.raises(NotAllowed, match="Only admins can see the questions"):
        service.gaps(ChatRequest("slack", "U1"))
    report = service.gaps(admin("slack", "UADMIN"), days=7)

    assert [(g.question, g.count, g.outcomes) for g in report.groups] == [
        ("what is the capital of peru", 2, {"declined": 2}),
        ("When did police arrive in Haiti?", 1, {"downvoted": 1}),
        (
            "When did Kenyan police arrive in Haiti in 2030?",
            1,
            {"partial": 1},
        ),
    ]
    peru, downvoted, future = report.groups
    assert peru.documents == () and peru.people == 2
    assert [d.title for d in future.documents] == ["Haiti"]
    assert future.missing == ("The documents don't say what happened in 2030 on this.",)
    assert [d.title for d in downvoted.documents] == ["Haiti"]


def test_a_follow_up_is_kept_as_the_question_it_was_read_as(service) -> None:  # type: ignore[no-untyped-def]
    service.ask(ChatRequest("slack", "U1", "When did Kenyan police arrive in Haiti?", "C1:1"))
    service.ask(ChatRequest("slack", "U1", "and what happened to them in 2030?", "C1:1"))

    (group,) = service.gaps(admin()).groups
    assert group.question.startswith("and what happened to them in 2030?")
    assert "Haiti" in group.question  # the subject it was about, for the admins
    with pytest.raises(ValueError, match="at least 1"):
        service.gaps(admin(), days=0)
