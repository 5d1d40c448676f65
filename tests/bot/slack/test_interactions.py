"""Private answers and sharing, suggested follow-ups, and "Ask about this message".
Real bolt app, real service, fake Slack (response_url hooks, modals, message store)."""

from __future__ import annotations

import json
from typing import Any

from tests.bot.slack.fake_slack import (
    FORM,
    button_payload,
    command_payload,
    followup_payload,
    form,
    interactive_form,
    mention,
    post_signed,
    shortcut_payload,
    submission_payload,
)
from tests.bot.slack.helpers import all_texts, assert_safe, click, say

HAITI_Q = "When did Kenyan police arrive in Haiti?"
FUNDING = "Tell me about Funding of the Haiti mission"


def buttons(message: dict[str, Any], block_id: str) -> list[dict[str, Any]]:
    [block] = [b for b in message["blocks"] if b.get("block_id") == block_id]
    return list(block["elements"])


def answer_blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The blocks before the buttons."""
    blocks = message["blocks"]
    first_buttons = next(i for i, b in enumerate(blocks) if b["type"] == "actions")
    return list(blocks[:first_buttons])


def ask_privately(api: Any, bot: Any, question: str, hook: str) -> dict[str, Any]:
    assert post_signed(bot.url, form(command_payload(api, f"ask {question}", hook=hook)), FORM)[0]
    return dict(api.wait_for(f"/hooks/{hook}")[0]["body"])


def test_a_private_answer_is_shared_in_the_channel_by_whoever_clicks(api, serve, chat_core) -> None:
    bot = serve(chat_core)
    private = ask_privately(api, bot, HAITI_Q, "ask")
    assert private["response_type"] == "ephemeral" and "25 June 2024" in private["text"]
    share = buttons(private, "answer_actions")[-1]
    assert (share["action_id"], share["text"]["text"]) == ("share_answer", "Share in channel")

    click(api, bot, button_payload(api, "share_answer", share["value"], user="USHARER", hook="sh"))
    public, cleanup = (c["body"] for c in api.wait_for("/hooks/sh", 2))
    assert public["response_type"] == "in_channel" and public["replace_original"] is False
    assert public["text"] == private["text"]  # the same answer, now for everyone
    answer_part = answer_blocks(private)  # the answer and its sources, as they were
    assert answer_blocks(public)[: len(answer_part)] == answer_part
    assert {"type": "mrkdwn", "text": "Shared by <@USHARER>"} in [
        e for b in public["blocks"] if b["type"] == "context" for e in b["elements"]
    ]
    assert "share_answer" not in json.dumps(public)  # nothing left to share
    assert cleanup["delete_original"] is True  # the private copy goes away
    assert_safe(public, clicker="USHARER")
    assert api.posts() == []  # nothing was posted as a new message besides the share
    # The attribution allows exactly the clicker's mention, nobody else's.
    try:
        assert_safe(public, clicker="UOTHER")
    except AssertionError:
        pass
    else:
        raise AssertionError("assert_safe let another user's mention through")


def test_follow_ups_under_a_private_answer_are_answered_privately(api, serve, chat_core) -> None:
    bot = serve(chat_core)
    private = ask_privately(api, bot, HAITI_Q, "ask2")
    suggested = buttons(private, "followups")
    assert suggested[0]["text"]["text"] == FUNDING
    payload = followup_payload(api, suggested[0]["value"], hook="pf", ephemeral=True)
    click(api, bot, payload)
    reply = api.wait_for("/hooks/pf")[0]["body"]
    assert reply["response_type"] == "ephemeral" and reply["replace_original"] is False
    assert "300 million dollars" in reply["text"]
    assert buttons(reply, "answer_actions")[-1]["action_id"] == "share_answer"
    assert api.posts() == []
    assert_safe(reply)


def test_follow_up_buttons_under_a_thread_answer_ask_in_the_thread(api, serve, chat_core) -> None:
    bot = serve(chat_core)
    root = api.stamp()
    say(api, bot, mention(HAITI_Q, ts=root), "Fu1")
    [answer] = api.wait_posts(1)
    suggested = buttons(answer, "followups")
    labels = [b["text"]["text"] for b in suggested]
    assert labels == [FUNDING, "Tell me about Leadership of the Haiti mission"]
    assert all(len(label) <= 75 for label in labels)
    answer_id = buttons(answer, "answer_actions")[0]["value"]
    assert [b["value"] for b in suggested] == [f"{answer_id}:0", f"{answer_id}:1"]
    assert [b["action_id"] for b in suggested] == ["ask_followup_0", "ask_followup_1"]

    answer_ts = api.thread("C111", root)[-1]["ts"]
    payload = followup_payload(
        api, suggested[0]["value"], user="UCLICKER", message_ts=answer_ts, thread_ts=root
    )
    click(api, bot, payload)
    posts = api.wait_posts(2)
    followed = posts[1]
    assert followed["channel"] == "C111" and followed["thread_ts"] == root
    assert followed["blocks"][0]["elements"][0]["text"] == f"<@UCLICKER> asked: {FUNDING}"
    assert "300 million dollars" in all_texts(followed["blocks"])
    assert_safe(followed, clicker="UCLICKER")
    # With the thread as context, and progress shown in that thread first.
    assert api.calls_to("/api/conversations.replies")[-1]["body"]["ts"] == root
    assert api.calls_to("/api/assistant.threads.setStatus")[-1]["body"]["thread_ts"] == root

    stale = followup_payload(api, f"{answer_id}:7", hook="stale", message_ts=answer_ts)
    click(api, bot, stale)
    assert "no longer available" in api.wait_for("/hooks/stale")[0]["body"]["text"]


# Ask about this message ------------------------------------------------------------------
def open_modal(api: Any, bot: Any, payload: dict[str, Any]) -> dict[str, Any]:
    click(api, bot, payload)
    opened = api.wait_for("/api/views.open")[-1]["body"]
    assert opened["trigger_id"] == payload["trigger_id"]
    return dict(opened["view"])


def test_the_shortcut_opens_a_modal_and_answers_in_the_message_thread(
    api, serve, chat_core
) -> None:
    bot = serve(chat_core)
    ts = api.stamp()
    text = "Went to see the wind farm at Lake Turkana <!here> & <@U42>"
    api.seed("C111", text, ts=ts, user="UAUTHOR")
    view = open_modal(api, bot, shortcut_payload(text, ts=ts))
    assert view["callback_id"] == "ask_about_message_view"
    assert json.loads(view["private_metadata"]) == {"channel": "C111", "ts": ts, "thread_ts": None}
    assert view["blocks"][0]["text"]["text"] == (
        "> Went to see the wind farm at Lake Turkana &lt;!here&gt; &amp; &lt;@U42&gt;"
    )
    [question_box] = [b for b in view["blocks"] if b["type"] == "input"]
    assert question_box["optional"] is True and question_box["element"]["max_length"] == 2000
    assert_safe(view)

    click(api, bot, submission_payload(view, "When did it open?"))
    [post] = api.wait_posts(1)
    assert post["channel"] == "C111" and post["thread_ts"] == ts  # the message's thread
    assert post["blocks"][0]["elements"][0]["text"] == "<@UMEMBER> asked: When did it open?"
    # The message was the context: the wind farm, not the railway that also opened.
    assert post["text"].startswith("The Lake Turkana wind farm opened in July 2019")
    assert "Railway" not in post["text"]
    assert_safe(post, clicker="UMEMBER")


def test_the_shortcut_without_a_question_asks_the_message_itself(api, serve, chat_core) -> None:
    bot = serve(chat_core)
    root, ts = api.stamp(), api.stamp()
    api.seed("C111", "Trains!", ts=root, user="UAUTHOR")
    api.seed("C111", "When did the railway open?", ts=ts, user="UAUTHOR", thread_ts=root)
    view = open_modal(
        api, bot, shortcut_payload("When did the railway open?", ts=ts, thread_ts=root)
    )
    click(api, bot, submission_payload(view, None))
    [post] = api.wait_posts(1)
    assert post["thread_ts"] == root and "31 May 2017" in post["text"]
    assert_safe(post, clicker="UMEMBER")


def test_a_refused_question_is_shown_in_the_modal(api, serve, chat_core) -> None:
    bot = serve(chat_core)
    ts = api.stamp()
    api.seed("C111", "Some message", ts=ts, user="UAUTHOR")
    view = open_modal(api, bot, shortcut_payload("Some message", ts=ts))
    status, body, _ = post_signed(
        bot.url, interactive_form(submission_payload(view, "why " * 600)), FORM
    )
    ack = json.loads(body)
    assert status == 200 and ack["response_action"] == "errors"
    assert ack["errors"]["question"].startswith("That question is 2,399 characters long")
    assert api.posts() == []
