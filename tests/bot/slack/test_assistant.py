"""Slack's assistant (agent) view: prompts from the documents' topics when a conversation
starts, then the conversation titled after its first question and answered in place."""

from __future__ import annotations

from tests.bot.slack.fake_slack import assistant_started, message
from tests.bot.slack.helpers import assert_safe, say, send_event


def test_a_new_conversation_gets_prompts_from_the_indexed_topics(api, serve, chat_core) -> None:
    bot = serve(chat_core)
    root = api.stamp()
    api.seed("D111", "", ts=root, bot=True, subtype="assistant_app_thread")
    send_event(bot, assistant_started("D111", root), "As1")
    [call] = api.wait_for("/api/assistant.threads.setSuggestedPrompts")
    body = call["body"]
    assert (body["channel_id"], body["thread_ts"], body["title"]) == ("D111", root, "Try asking")
    assert body["prompts"] == [
        {"title": "Haiti mission", "message": "Tell me about Haiti mission"},
        {"title": "Railway", "message": "Tell me about railway"},
    ]
    # From the corpus's front-matter topics, not a list in the code.
    topics = {t.lower() for d in chat_core.engine.sources() for t in d.topics}
    assert {p["title"].lower() for p in body["prompts"]} <= topics
    # Looking at another channel changes nothing (and is acknowledged, not a 404).
    changed = {**assistant_started("D111", root), "type": "assistant_thread_context_changed"}
    send_event(bot, changed, "As0")
    assert len(api.calls_to("/api/assistant.threads.setSuggestedPrompts")) == 1


def test_a_question_in_the_assistant_view_is_titled_and_answered_in_place(
    api, serve, chat_core
) -> None:
    bot = serve(chat_core)
    root = api.stamp()
    api.seed("D111", "", ts=root, bot=True, subtype="assistant_app_thread")
    first = {**message("When did the railway open?", ts=api.stamp()), "thread_ts": root}
    say(api, bot, first, "Aq1")
    [answer] = api.wait_posts(1)
    assert answer["channel"] == "D111" and answer["thread_ts"] == root
    assert "31 May 2017" in answer["text"]
    [title] = api.wait_for("/api/assistant.threads.setTitle")
    assert (title["body"]["thread_ts"], title["body"]["title"]) == (
        root,
        "When did the railway open?",
    )
    [status] = api.calls_to("/api/assistant.threads.setStatus")
    assert status["body"]["thread_ts"] == root
    assert_safe(answer)

    second = {**message("How much did it cost?", ts=api.stamp()), "thread_ts": root}
    say(api, bot, second, "Aq2")
    posts = api.wait_posts(2)
    assert posts[1]["thread_ts"] == root and "3.2 billion dollars" in posts[1]["text"]
    assert len(api.calls_to("/api/assistant.threads.setTitle")) == 1  # named once
