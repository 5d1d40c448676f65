"""Mentions are answered in a thread, follow-ups there need no mention, DMs are answered."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.bot.discord.fake_discord import (
    BOT_ID,
    BOT_USER,
    CHANNEL_ID,
    OTHER_BOT,
    FakeDiscord,
)

NO_PINGS = {"parse": [], "replied_user": False}


def test_mention_thread_and_follow_up_with_history(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        question = await fake.say(
            f"<@{BOT_ID}> When did Kenyan police arrive in Haiti?", mention_bot=True
        )
        (created,) = await fake.wait_calls("POST", f"^/channels/{CHANNEL_ID}/messages/.+/threads$")
        assert created.path.split("/")[4] == question["id"]
        assert created.body["name"] == "When did Kenyan police arrive in Haiti?"
        (thread,) = fake.threads
        await fake.wait_calls("POST", f"^/channels/{thread}/typing$")
        (answer,) = await fake.wait_calls("POST", f"^/channels/{thread}/messages$")
        (embed,) = answer.body["embeds"]
        assert (
            embed["description"] == "Kenyan police officers arrived in Haiti on 25 June 2024. [1]"
        )
        assert embed["fields"][0]["name"] == "[1] Kenya and the US: The Haiti Mission"
        assert "message_reference" not in answer.body  # the thread starts from the question
        assert answer.body["allowed_mentions"]["parse"] == []

        # A follow-up in the thread, without a mention: answered with the earlier turn.
        follow_up = await fake.say("and who sent them?", channel=thread)
        _, again = await fake.wait_calls("POST", f"^/channels/{thread}/messages$", 2)
        assert str(again.body["message_reference"]["message_id"]) == follow_up["id"]
        assert again.body["embeds"][0]["title"] == "and who sent them?"
        history = service.conversations.history(f"discord:{thread}")
        assert [t.question for t in history] == [
            "When did Kenyan police arrive in Haiti?",
            "and who sent them?",
        ]
        # Plain channel chatter (no mention, not in the bot's thread) is left alone.
        await fake.say("lunch anyone?")
        await asyncio.sleep(0.2)
        assert len(fake.matching("POST", f"^/channels/{CHANNEL_ID}/messages$")) == 0

    bot_run(service, body)


def test_dm_is_answered_directly(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        dm = await fake.dm("What did Kenya and the US launch in 2022?")
        (answer,) = await fake.wait_calls("POST", f"^/channels/{dm['channel_id']}/messages$")
        (embed,) = answer.body["embeds"]
        assert "Strategic Trade and Investment Partnership" in embed["description"]
        assert embed["fields"][0]["name"] == "[1] Trade and Investment"
        assert fake.threads == []

    bot_run(service, body)


def test_bots_and_the_bot_itself_are_ignored(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        await fake.say(f"<@{BOT_ID}> When did police arrive?", author=OTHER_BOT, mention_bot=True)
        await fake.say(f"<@{BOT_ID}> When did police arrive?", author=BOT_USER, mention_bot=True)
        await fake.dm("When did police arrive?", author=OTHER_BOT)
        await asyncio.sleep(0.3)
        assert [c for c in fake.calls if c.method == "POST"] == []

    bot_run(service, body)


def test_everyone_mention_alone_does_not_wake_the_bot(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        await fake.say("@everyone When did police arrive in Haiti?", everyone=True)
        await asyncio.sleep(0.3)
        assert [c for c in fake.calls if c.method == "POST"] == []
        # With the bot mentioned too, it answers, and the answer pings nobody.
        await fake.say(
            f"@everyone <@{BOT_ID}> When did police arrive in Haiti?",
            mention_bot=True,
            everyone=True,
        )
        (thread,) = await fake.wait_calls("POST", "/threads$")
        (answer,) = await fake.wait_calls("POST", f"^/channels/{fake.threads[0]}/messages$")
        assert answer.body["allowed_mentions"] == {"parse": []}
        assert thread.body["name"] == "@everyone When did police arrive in Haiti?"

    bot_run(service, body)


def test_no_thread_permission_replies_in_place(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        fake.deny_threads = True
        question = await fake.say(f"<@{BOT_ID}> When did police arrive in Haiti?", mention_bot=True)
        (answer,) = await fake.wait_calls("POST", f"^/channels/{CHANNEL_ID}/messages$")
        assert str(answer.body["message_reference"]["message_id"]) == question["id"]
        assert answer.body["allowed_mentions"]["parse"] == []
        assert answer.body["embeds"][0]["fields"][0]["name"].startswith("[1]")

    bot_run(service, body)


def test_empty_mention_gets_the_how_to_without_opening_a_thread(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        for _ in range(3):
            await fake.say(f"<@{BOT_ID}>", mention_bot=True)
        answers = await fake.wait_calls("POST", f"^/channels/{CHANNEL_ID}/messages$", n=3)
        assert all(a.body["content"].startswith("Ask a question, for example") for a in answers)
        assert fake.matching("POST", "/threads$") == []  # refused questions open no thread

    bot_run(service, body)


def test_follow_up_without_content_is_ignored(service: Any, bot_run: Any) -> None:
    """Without the Message Content intent, un-mentioned messages arrive empty."""

    async def body(fake: FakeDiscord) -> None:
        await fake.say(f"<@{BOT_ID}> When did police arrive in Haiti?", mention_bot=True)
        (thread,) = [c.response["id"] for c in await fake.wait_calls("POST", "/threads$")]
        await fake.wait_calls("POST", f"^/channels/{thread}/messages$")
        await fake.say("", channel=thread)
        await asyncio.sleep(0.3)
        assert len(fake.matching("POST", f"^/channels/{thread}/messages$")) == 1

    bot_run(service, body)
