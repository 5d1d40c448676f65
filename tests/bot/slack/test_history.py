"""Conversation context read from Slack itself: threads (also after a restart, and
threads people started) and recent DMs. Real bolt app, real service, fake Slack whose
message store holds what people and the bot wrote."""

from __future__ import annotations

import time
from decimal import Decimal

from tests.bot.slack.conftest import new_chat_service
from tests.bot.slack.fake_slack import mention, message
from tests.bot.slack.helpers import assert_safe, say

WIND_Q = "How many turbines does the wind farm have?"
WIND_OPENED = "The Lake Turkana wind farm opened in July 2019."


def in_thread(event: dict, thread_ts: str) -> dict:
    return {**event, "thread_ts": thread_ts}


def test_without_its_context_the_follow_up_would_be_about_the_railway(chat_core) -> None:
    """The control for the tests below: "When did it open?" alone is not about the wind
    farm, so an answer about the wind farm shows that the thread was read."""
    from bot.service import ChatRequest

    alone = chat_core.ask(ChatRequest("slack", "UCONTROL", "When did it open?"))
    assert alone.answer.answer.startswith("The Standard Gauge Railway")


def test_a_thread_follow_up_after_a_restart_reads_the_thread_from_slack(
    api, serve, tmp_path
) -> None:
    first = serve(new_chat_service(tmp_path))
    root = api.stamp()
    say(api, first, mention(WIND_Q, ts=root), "Rs1")
    [answer] = api.wait_posts(1)
    assert answer["thread_ts"] == root and "365 turbines" in answer["text"]
    first.stop()

    # A new process: nothing remembered, the same index and the same Slack.
    second = serve(new_chat_service(tmp_path, reopen=True))
    follow = api.stamp()
    say(
        api, second, in_thread(message("When did it open?", ts=follow, channel="C111"), root), "Rs2"
    )
    posts = api.wait_posts(2)
    assert posts[1]["thread_ts"] == root
    assert posts[1]["text"].startswith(WIND_OPENED) and "Railway" not in posts[1]["text"]
    assert_safe(posts[1])
    [read] = api.calls_to("/api/conversations.replies")
    assert read["body"]["channel"] == "C111" and read["body"]["ts"] == root
    assert read["body"]["latest"] == follow and read["body"]["inclusive"] == "0"


def test_a_mention_in_a_thread_people_started_uses_what_they_said(api, serve, chat_core) -> None:
    bot = serve(chat_core)
    root, reply = api.stamp(), api.stamp()
    api.seed("C222", "Has anyone been to the Lake Turkana wind farm?", ts=root, user="UALICE")
    api.seed("C222", "Not yet <!here>, it looks huge", ts=reply, user="UBOB", thread_ts=root)
    asked = api.stamp()
    say(api, bot, in_thread(mention("when did it open?", ts=asked, channel="C222"), root), "Hm1")
    [post] = api.wait_posts(1)
    assert post["channel"] == "C222" and post["thread_ts"] == root
    assert post["text"].startswith(WIND_OPENED) and "Railway" not in post["text"]
    [read] = api.calls_to("/api/conversations.replies")
    assert (read["body"]["ts"], read["body"]["latest"]) == (root, asked)


def test_people_talking_in_their_own_thread_are_left_alone(api, serve, chat_core) -> None:
    bot = serve(chat_core)
    root = api.stamp()
    api.seed("C333", "Lunch plans?", ts=root, user="UALICE")
    for n, text in enumerate(["Pizza?", "When did it open, the new place?", "Noon works"]):
        event = in_thread(message(text, ts=api.stamp(), channel="C333"), root)
        say(api, bot, {**event, "user": "UBOB"}, f"Hq{n}")
    time.sleep(0.5)
    assert api.posts() == []
    # Slack was asked once; the answer "not in it" is remembered for a minute.
    assert len(api.calls_to("/api/conversations.replies")) == 1


def test_a_dm_follow_up_uses_the_recent_messages_of_the_dm(api, serve, chat_core) -> None:
    bot = serve(chat_core)
    say(api, bot, message(WIND_Q, ts=api.stamp()), "Dm1")
    api.wait_posts(1)
    follow = api.stamp()
    say(api, bot, message("When did it open?", ts=follow), "Dm2")
    posts = api.wait_posts(2)
    assert "thread_ts" not in posts[1]
    assert posts[1]["text"].startswith(WIND_OPENED) and "Railway" not in posts[1]["text"]
    read = api.calls_to("/api/conversations.history")[-1]["body"]
    assert read["channel"] == "D111" and read["latest"] == follow and read["limit"] == "10"
    assert Decimal(follow) - Decimal(read["oldest"]) == 1800  # the last half hour only


def test_an_answer_to_a_clicked_follow_up_brings_back_its_question() -> None:
    from bot.slack.blocks import render_answer
    from bot.slack.history import BotIdentity, _platform_messages
    from retrieval.models import Answer, Turn

    me = BotIdentity("UBOT", "BBOT")
    clicked = render_answer(
        Answer("Tell me about the wind farm & <grid>", "It opened in 2019 [1]."),
        7,
        asked_by="UMEMBER",
    ).post_args()
    thread = [
        {"ts": "1.0", "user": "UMEMBER", "text": "<@UBOT> when did the railway open?"},
        {"ts": "2.0", "user": "UBOT", "bot_id": "BBOT", "text": "In 2017 [1]."},
        {"ts": "3.0", "user": "UBOT", "bot_id": "BBOT", **clicked},
    ]
    assert _platform_messages(thread, me).turns == (
        Turn("when did the railway open?", "In 2017 [1]."),
        Turn("Tell me about the wind farm & <grid>", "It opened in 2019 [1]."),
    )
