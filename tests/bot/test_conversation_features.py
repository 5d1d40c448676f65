"""What the core offers every chat platform beyond the answer: follow-up questions the
documents answer, prompts for a new conversation, and a conversation rebuilt from the
platform's own thread (so it survives restarts). Real model, real Chroma, real corpus."""

from __future__ import annotations

from bot.conversations import PlatformMessage, turns_from_messages
from bot.service import ChatRequest
from retrieval.models import Answer, Citation, Turn
from retrieval.suggestions import heading_question


def test_a_thread_becomes_turns_pairing_each_question_with_the_bot_reply() -> None:
    messages = [
        PlatformMessage("Did Kenya send police to Haiti?"),  # someone else's discussion
        PlatformMessage("I think they went in 2024"),
        PlatformMessage("when did the officers arrive"),
        PlatformMessage("They arrived on 25 June 2024 [1].", from_bot=True),
        PlatformMessage("   "),
        PlatformMessage("Placeholder with no question before it", from_bot=True),
        PlatformMessage("and who paid for it?"),
    ]
    turns = turns_from_messages(messages)
    assert turns == (
        Turn("Did Kenya send police to Haiti?"),
        Turn("I think they went in 2024"),
        Turn("when did the officers arrive", "They arrived on 25 June 2024 [1]."),
        Turn("and who paid for it?"),
    )
    assert len(turns_from_messages([PlatformMessage(f"q{i}") for i in range(20)])) == 6


def test_a_follow_up_uses_the_thread_history_the_platform_gave(corpus_chat) -> None:  # type: ignore[no-untyped-def]
    thread = turns_from_messages(
        [
            PlatformMessage("who leads the haiti mission?"),
            PlatformMessage("Kenya leads the Multinational Security Support mission [1].", True),
        ]
    )
    alone = corpus_chat.ask(ChatRequest("slack", "U1", "how many officers did they send?"))
    followed = corpus_chat.ask(
        ChatRequest("slack", "U1", "how many officers did they send?", history=thread)
    )
    assert "haiti" in followed.answer.standalone_question.lower()
    assert "haiti" not in alone.answer.standalone_question.lower()
    assert not followed.answer.abstained


def test_he_in_a_thread_is_the_person_the_bot_last_named(corpus_chat) -> None:  # type: ignore[no-untyped-def]
    """The bot's own reply, as the platform shows it (quote, marker, sources line),
    answers who; "he" in the next message is that person, not the question's subject."""
    thread = turns_from_messages(
        [
            PlatformMessage("who ran the us embassy in nairobi after meg whitman quit?"),
            PlatformMessage(
                "Marc Dillard, a career diplomat who had been deputy chief of mission in"
                " Nairobi since August 2022, led the US Embassy as chargé d'affaires from"
                " November 2024. [1]\nSources: [1] US diplomats and visits to Kenya",
                True,
            ),
        ]
    )
    result = corpus_chat.ask(
        ChatRequest("discord", "U1", "and when did he leave kenya?", history=thread)
    )
    assert "Marc Dillard" in result.answer.standalone_question
    assert "July 2025" in result.answer.answer


def test_answers_on_chat_platforms_come_with_follow_ups_the_documents_answer(corpus_chat) -> None:  # type: ignore[no-untyped-def]
    result = corpus_chat.ask(
        ChatRequest("discord", "U1", "when was kenya made a major non-nato ally")
    )
    assert not result.answer.abstained
    assert 1 <= len(result.followups) <= 3
    assert len(set(result.followups)) == len(result.followups)
    for question in result.followups:
        assert len(question) <= 75
        reply = corpus_chat.ask(ChatRequest("discord", "U1", question))
        assert not reply.answer.abstained, question
        # It adds something: not the sections the first answer already cited.
        assert {c.section for c in reply.answer.citations} - {
            c.section for c in result.answer.citations
        }, question
    # A button click finds the question again from the stored answer (after restarts).
    assert corpus_chat.followup_question(result.answer_id, 0) == result.followups[0]
    assert corpus_chat.followup_question(result.answer_id, 7) is None
    assert corpus_chat.followup_question(10**9, 0) is None


def test_declined_and_local_answers_offer_no_follow_ups(corpus_chat) -> None:  # type: ignore[no-untyped-def]
    declined = corpus_chat.ask(ChatRequest("slack", "U1", "what is the best pizza topping?"))
    assert declined.answer.abstained and declined.followups == ()
    local = corpus_chat.ask(ChatRequest("console", "me", "who leads the haiti mission?"))
    assert local.followups == () and local.answer_id == 0


def test_starter_prompts_come_from_the_indexed_topics_and_are_answerable(corpus_chat) -> None:  # type: ignore[no-untyped-def]
    prompts = corpus_chat.starter_prompts()
    assert 2 <= len(prompts) <= 4
    topics = {
        t.replace("-", " ").lower()
        for d in corpus_chat.sources(ChatRequest("cli", "me"))
        for t in d.topics
    }
    for title, question in prompts:
        assert title.lower() in topics, title
        assert not corpus_chat.ask(ChatRequest("slack", "U1", question)).answer.abstained
    assert len({t.lower() for t, _ in prompts}) == len(prompts)
    assert corpus_chat.starter_prompts() == prompts  # cached for the index generation


def test_a_kept_summary_comes_back_whole_for_sharing(corpus_chat) -> None:  # type: ignore[no-untyped-def]
    request = ChatRequest("slack", "U1", "haiti")
    summary = corpus_chat.summarize(request)
    answer_id = corpus_chat.keep(request, summary)
    assert answer_id > 0
    assert corpus_chat.stored_answer(answer_id) == Answer.from_dict(summary.to_dict())
    assert corpus_chat.keep(ChatRequest("cli", "me"), summary) == 0


def test_stored_answers_keep_their_note_and_gaps() -> None:
    answer = Answer(
        "what happened in 2031?",
        "The documents don't say what happened in 2031 [1].",
        [Citation(1, "T", "t.md", "S", "https://example.org", "Q.", date="2026-01-01")],
        note="As of January 2026",
        gaps=("what happened in 2031",),
        standalone_question="what happened in 2031 in haiti?",
    )
    assert Answer.from_dict(answer.to_dict()) == Answer(
        answer.question,
        answer.answer,
        answer.citations,
        note=answer.note,
        gaps=answer.gaps,
        standalone_question=answer.standalone_question,
    )


def test_headings_read_as_requests() -> None:
    assert heading_question("Why Kenya was chosen") == "Tell me about why Kenya was chosen"
    assert heading_question("The state dinner of 23 May 2024") == (
        "Tell me about the state dinner of 23 May 2024"
    )
    assert heading_question("Troop numbers (2025)") == "Tell me about Troop numbers"
    assert heading_question("  ") == ""
