"""Signed requests to the real AsyncApp (served by `serve_slack`) and the posts it makes."""

from __future__ import annotations

import json
import time
from typing import Any

from tests.bot.slack.fake_slack import (
    BOT_ID,
    BOT_TOKEN,
    BOT_USER,
    FORM,
    command_payload,
    form,
    mention,
    message,
    post_signed,
)
from tests.bot.slack.helpers import all_texts, assert_safe, send_event

HAITI_Q = "When did Kenyan police arrive in Haiti?"


def test_url_verification(api, serve, shared_core) -> None:
    bot = serve(shared_core)
    body = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "t"})
    status, text, _ = post_signed(bot.url, body)
    assert status == 200 and json.loads(text) == {"challenge": "c-123"}


def test_mention_is_answered_in_a_thread_with_escaped_blocks(api, serve, shared_core) -> None:
    bot = serve(shared_core)
    send_event(bot, mention(f"{HAITI_Q} <!here> <@U777> & <b>", ts="100.000001"), "Ev1")
    [post] = api.wait_posts(1)
    answer_id = post["blocks"][-1]["elements"][0]["value"]
    answer = (
        "Kenyan police officers arrived in Haiti on 25 June 2024 &amp; were greeted by "
        "&lt;!channel&gt; and &lt;@U999&gt; at the &lt;gate&gt;. [1]"
    )
    assert post == {
        "channel": "C111",
        "thread_ts": "100.000001",
        "text": answer,
        "unfurl_links": False,
        "unfurl_media": False,
        "team_id": "T111",
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": answer}},
            {
                "type": "context",
                "elements": [
                    {"type": "mrkdwn", "text": "*Sources*"},
                    {
                        "type": "mrkdwn",
                        "text": "[1] <https://press.un.org/2023/sc15432.doc.htm?a=1&amp;b=2"
                        "|Haiti &amp; the &lt;Mission&gt;> · Arrival · 2024-07-19",
                    },
                ],
            },
            {
                "type": "actions",
                "block_id": "answer_actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": label, "emoji": True},
                        "action_id": action,
                        "value": answer_id,
                    }
                    for label, action in [
                        ("Show quotes", "show_quotes"),
                        ("👍", "feedback_up"),
                        ("👎", "feedback_down"),
                    ]
                ],
            },
        ],
    }
    assert_safe(post)
    # The question reached the service without the bot mention; its own mentions are text.
    stored = shared_core.stored_answer(int(answer_id))
    assert stored.question == f"{HAITI_Q} <!here> & <b>"
    web_api = [c for c in api.calls if c["path"].startswith("/api/")]
    assert web_api and all(c["auth"] == f"Bearer {BOT_TOKEN}" for c in web_api)


def test_dm_is_answered_in_the_dm(api, serve, shared_core) -> None:
    bot = serve(shared_core)
    send_event(bot, message("When did the railway open?", ts="200.1"), "EvDM")
    [post] = api.wait_posts(1)
    assert post["channel"] == "D111" and "thread_ts" not in post
    assert "31 May 2017" in post["text"] and post["unfurl_links"] is False
    assert "@\u2060here" in post["text"]  # the document's @here is broken, not a broadcast
    assert_safe(post)


def test_thread_follow_up_without_mention_uses_the_history(api, serve, shared_core) -> None:
    bot = serve(shared_core)
    send_event(bot, mention(HAITI_Q, ts="300.1"), "EvT1")
    api.wait_posts(1)
    follow = message("And how much did the United States pledge?", ts="300.2", channel="C111")
    send_event(bot, {**follow, "thread_ts": "300.1"}, "EvT2")
    posts = api.wait_posts(2)
    assert posts[1]["thread_ts"] == "300.1" and "300 million" in posts[1]["text"]
    history = shared_core.conversations.history("slack:C111:300.1")
    assert [t.question for t in history] == [HAITI_Q, "And how much did the United States pledge?"]

    # Not answered: a thread the bot is not part of, a top-level channel message, and the
    # message copy of a mention in the thread (the app_mention event answers that one).
    send_event(bot, {**message("hello?", ts="400.2", channel="C111"), "thread_ts": "400.1"}, "E3")
    send_event(bot, message("hello all", ts="400.3", channel="C111"), "E4")
    again = f"<@{BOT_USER}> When did the railway open?"
    send_event(bot, {**message(again, ts="300.3", channel="C111"), "thread_ts": "300.1"}, "E5")
    send_event(
        bot, {**mention("When did the railway open?", ts="300.3"), "thread_ts": "300.1"}, "E6"
    )
    posts = api.wait_posts(3)
    time.sleep(0.4)
    assert len(api.posts()) == 3 and posts[2]["thread_ts"] == "300.1"
    history = shared_core.conversations.history("slack:C111:300.1")
    assert history[-1].question == "When did the railway open?" and len(history) == 3


def test_bots_self_edits_and_noise_are_ignored(api, serve, shared_core) -> None:
    bot = serve(shared_core)
    send_event(bot, message("answer", ts="1.1", user=BOT_USER, bot_id=BOT_ID), "N1")  # itself
    send_event(bot, message("I am a bot", ts="1.2", user="UOTHER", bot_id="BOTHER"), "N2")
    send_event(bot, message("hi", ts="1.3", subtype="bot_message"), "N3")
    edited = message("", ts="1.4", subtype="message_changed", message={"text": "edit"})
    send_event(bot, edited, "N4")
    send_event(bot, message("", ts="1.5", subtype="channel_join"), "N5")
    send_event(bot, {**message("hi", ts="1.6"), "user": None}, "N6")
    time.sleep(0.5)
    assert api.posts() == []


def test_question_errors_are_replied_in_the_thread(api, serve, shared_core) -> None:
    bot = serve(shared_core)
    send_event(bot, mention("", ts="500.1"), "Q1")
    send_event(bot, mention("why " * 600, ts="500.2"), "Q2")
    posts = sorted(api.wait_posts(2), key=lambda p: p["thread_ts"])
    assert posts[0]["text"].startswith("Ask a question, for example")
    assert "the limit is 2,000" in posts[1]["text"] and posts[1]["thread_ts"] == "500.2"
    # The thread is a conversation even though its first question was refused.
    send_event(bot, {**message(HAITI_Q, ts="500.3", channel="C111"), "thread_ts": "500.1"}, "Q3")
    assert api.wait_posts(3)[2]["thread_ts"] == "500.1"


def test_rate_limit_says_slow_down(api, serve, tmp_path) -> None:
    from tests.bot.slack.conftest import new_service

    bot = serve(new_service(tmp_path, rate_limit_per_minute=1))
    send_event(bot, mention(HAITI_Q, ts="600.1"), "R1")
    api.wait_posts(1)
    send_event(bot, mention(HAITI_Q, ts="600.2"), "R2")
    posts = api.wait_posts(2)
    assert posts[1]["thread_ts"] == "600.2" and "Please wait" in posts[1]["text"]


# Slash command -------------------------------------------------------------------------
def slash(api: Any, bot: Any, text: str, **kw: Any) -> tuple[int, str, float]:
    return post_signed(bot.url, form(command_payload(api, text, **kw)), FORM)


def test_slash_ask_acks_then_answers_privately(api, serve, shared_core) -> None:
    bot = serve(shared_core)
    status, body, _ = slash(api, bot, f"ask {HAITI_Q}")
    assert (status, body) == (200, "")
    hook = api.wait_for("/hooks/cmd")[0]["body"]
    assert hook["response_type"] == "ephemeral" and hook["unfurl_links"] is False
    assert "25 June 2024" in hook["text"]
    buttons = [e["action_id"] for e in hook["blocks"][-1]["elements"]]
    assert buttons == ["show_quotes", "feedback_up", "feedback_down", "share_answer"]
    assert_safe(hook)


def test_slash_summary_and_sources(api, serve, shared_core) -> None:
    bot = serve(shared_core)
    slash(api, bot, "summary", hook="sum")
    slash(api, bot, "sources", hook="src")
    summary = api.wait_for("/hooks/sum")[0]["body"]
    assert summary["response_type"] == "ephemeral"
    assert "Sources" in all_texts(summary["blocks"])
    # Stored (service.keep), so it can be shared and its quotes shown later.
    [actions] = [b for b in summary["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in actions["elements"]][-1] == "share_answer"
    stored = shared_core.stored_answer(int(actions["elements"][-1]["value"]))
    assert stored is not None and stored.answer.startswith("Haiti & the <Mission>: Kenyan")
    sources = api.wait_for("/hooks/src")[0]["body"]
    assert sources["response_type"] == "ephemeral"
    assert sources["blocks"][0]["text"]["text"] == "*2 indexed documents*"
    listing = sources["blocks"][1]["text"]["text"]
    assert "1. <https://press.un.org/2023/sc15432.doc.htm?a=1&amp;b=2|Haiti &amp; the " in listing
    assert "2. The Standard Gauge Railway (2017-05-31, 1 chunks)" in listing
    assert_safe(summary)
    assert_safe(sources)


def test_slash_help_unknown_and_empty_give_usage(api, serve, shared_core) -> None:
    bot = serve(shared_core)
    for text in ("help", "", "   ", "frobnicate <!channel>"):
        status, body, _ = slash(api, bot, text)
        assert status == 200
        ack = json.loads(body)
        usage = ack["blocks"][0]["text"]["text"]
        assert "`/kenya ask &lt;question&gt;`" in usage and "`/kenya reindex`" in usage
        if text.startswith("frob"):
            assert usage.startswith("I don't know `frobnicate`.")
        assert_safe(ack)
    time.sleep(0.2)
    assert api.calls_to("/hooks/cmd") == [] and shared_core  # nothing else was sent


# Buttons -------------------------------------------------------------------------------
def test_show_quotes_and_feedback_buttons(api, serve, shared_core) -> None:
    from tests.bot.slack.fake_slack import button_payload, interactive_form

    bot = serve(shared_core)
    send_event(bot, mention(HAITI_Q, ts="700.1"), "B1")
    [post] = api.wait_posts(1)
    answer_id = post["blocks"][-1]["elements"][0]["value"]

    click = button_payload(api, "show_quotes", answer_id, hook="quotes")
    assert post_signed(bot.url, interactive_form(click), FORM)[0] == 200
    quotes = api.wait_for("/hooks/quotes")[0]["body"]
    assert quotes["response_type"] == "ephemeral" and quotes["replace_original"] is False
    assert quotes["blocks"][1]["text"]["text"] == (
        "[1] <https://press.un.org/2023/sc15432.doc.htm?a=1&amp;b=2|Haiti &amp; the &lt;Mission"
        "&gt;> · Arrival · 2024-07-19\n> Kenyan police officers arrived in Haiti on 25 June 2024"
        " &amp; were greeted by &lt;!channel&gt; and &lt;@U999&gt; at the &lt;gate&gt;."
    )
    assert_safe(quotes)

    for action, user, hook in [
        ("feedback_up", "UVOTER", "v1"),
        ("feedback_down", "UVOTER", "v2"),
        ("feedback_up", "UOTHER", "v3"),
    ]:
        click = button_payload(api, action, answer_id, user=user, hook=hook)
        assert post_signed(bot.url, interactive_form(click), FORM)[0] == 200
        reply = api.wait_for(f"/hooks/{hook}")[0]["body"]
        assert reply["text"].startswith("Thanks, your") and reply["response_type"] == "ephemeral"
    records = [r for r in shared_core.feedback.records() if r.id == int(answer_id)]
    assert sorted((r.user, r.vote, r.question) for r in records) == [
        ("UOTHER", 1, HAITI_Q),
        ("UVOTER", -1, HAITI_Q),
    ]
    assert "25 June 2024" in records[0].answer

    click = button_payload(api, "feedback_up", "999999", hook="gone")
    post_signed(bot.url, interactive_form(click), FORM)
    assert "no longer stored" in api.wait_for("/hooks/gone")[0]["body"]["text"]
