"""Visible progress: Slack's status line while the bot works, or a placeholder message the
answer replaces when Slack refuses the status. Real bolt app, real service, fake Slack."""

from __future__ import annotations

import time

from tests.bot.slack.fake_slack import BOT_ID, BOT_USER, mention, message
from tests.bot.slack.helpers import assert_safe, order, say

HAITI_Q = "When did Kenyan police arrive in Haiti?"
STATUS = "is looking through the documents…"


def test_the_status_shows_under_the_thread_before_the_answer(api, serve, chat_core) -> None:
    bot = serve(chat_core)
    started = time.monotonic()
    say(api, bot, mention(HAITI_Q, ts="100.1"), "St1")
    [status] = api.wait_for("/api/assistant.threads.setStatus")
    assert time.monotonic() - started < 1.0
    assert status["body"] == {
        "channel_id": "C111",
        "thread_ts": "100.1",
        "status": STATUS,
        "team_id": "T111",
    }
    [post] = api.wait_posts(1)
    assert post["thread_ts"] == "100.1" and "25 June 2024" in post["text"]
    # Status first, then the answer; a reply in the thread clears it (Slack does that).
    time.sleep(0.2)
    assert order(api, "/api/assistant.threads.setStatus", "/api/chat.postMessage") == [
        "assistant.threads.setStatus",
        "chat.postMessage",
    ]


def test_a_top_level_dm_shows_the_status_under_the_question_then_clears_it(
    api, serve, chat_core
) -> None:
    bot = serve(chat_core)
    say(api, bot, message("When did the railway open?", ts="200.1"), "St2")
    [post] = api.wait_posts(1)
    assert "thread_ts" not in post and "31 May 2017" in post["text"]
    statuses = api.wait_for("/api/assistant.threads.setStatus", 2)
    assert [(c["body"]["thread_ts"], c["body"]["status"]) for c in statuses] == [
        ("200.1", STATUS),
        ("200.1", ""),  # the answer is not in that thread, so Slack would not clear it
    ]
    assert order(api, "/api/assistant.threads.setStatus", "/api/chat.postMessage") == [
        "assistant.threads.setStatus",
        "chat.postMessage",
        "assistant.threads.setStatus",
    ]


def test_without_the_status_a_placeholder_is_replaced_by_the_answer(api, serve, chat_core) -> None:
    api.errors["assistant.threads.setStatus"] = "missing_scope"
    bot = serve(chat_core)
    say(api, bot, mention(HAITI_Q, ts="300.1"), "St3")
    [update] = api.wait_for("/api/chat.update")
    [placeholder] = api.posts()  # the only message posted: the answer went into it
    assert placeholder["thread_ts"] == "300.1"
    assert placeholder["text"] == "Looking through the documents…"
    body = update["body"]
    assert body["channel"] == "C111" and body["ts"] == "1700000001.000000"
    assert body["text"].startswith("Kenyan police officers arrived in Haiti on 25 June 2024")
    assert body["blocks"][0]["text"]["text"] == body["text"]
    assert any(b.get("block_id") == "answer_actions" for b in body["blocks"])
    assert_safe(body)
    # What people now see in the thread: their question, then the answer.
    thread = api.thread("C111", "300.1")
    assert [(m["user"], m.get("bot_id"), m["text"][:22]) for m in thread] == [
        ("UMEMBER", None, f"<@{BOT_USER}> {HAITI_Q}"[:22]),
        (BOT_USER, BOT_ID, "Kenyan police officers"[:22]),
    ]
