"""Follow-ups keep their context from Discord itself: a thread's or DM's messages are the
conversation, so a restarted bot (new process, same data) still knows what "them" is."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from tests.bot.discord.conftest import conversation_service, serving
from tests.bot.discord.fake_discord import ADMIN, BOT_ID, CHANNEL_ID, FakeDiscord, bot_dm

QUESTION = "When did Kenyan police arrive in Haiti?"
FOLLOW_UP = "Who paid for them?"
POLICE_FUNDING = "The United States paid for the Kenyan police mission in Haiti"
CUSTOMS_FUNDING = "The European Union paid for the new customs office in Mombasa."


def description(call: Any) -> str:
    return str(call.body["embeds"][0]["description"])


def test_thread_and_dm_follow_ups_keep_their_context_after_a_restart(tmp_path: Path) -> None:
    async def main() -> None:
        fake = await FakeDiscord().start()
        try:
            async with serving(conversation_service(tmp_path / "bot"), fake, tmp=tmp_path):
                await fake.say(f"<@{BOT_ID}> {QUESTION}", mention_bot=True)
                (thread,) = [c.response["id"] for c in await fake.wait_calls("POST", "/threads$")]
                (first,) = await fake.wait_calls("POST", f"^/channels/{thread}/messages$")
                dm = await fake.dm(QUESTION)
                in_dm = f"^/channels/{dm['channel_id']}/messages$"
                await fake.wait_calls("POST", in_dm)
                admin_dm = await fake.dm(QUESTION, author=ADMIN)
                await fake.wait_calls("POST", f"^/channels/{admin_dm['channel_id']}/messages$")

            # A new process on the same data: it remembers no conversation of its own.
            restarted = conversation_service(tmp_path / "bot", indexed=True)
            assert not restarted.in_conversation(f"discord:{thread}")
            async with serving(restarted, fake, tmp=tmp_path):
                asked = await fake.say(FOLLOW_UP, channel=thread)  # no mention needed
                _, answer = await fake.wait_calls("POST", f"^/channels/{thread}/messages$", 2)
                assert str(answer.body["message_reference"]["message_id"]) == asked["id"]
                assert description(answer).startswith(POLICE_FUNDING)
                # Read from Discord: the thread (before the follow-up), and the message it
                # was started from, which holds the first question.
                (read,) = fake.matching("GET", f"^/channels/{thread}/messages$")
                assert read.query == {"limit": "20", "before": asked["id"]}
                assert fake.matching("GET", f"^/channels/{CHANNEL_ID}/messages/{thread}$")

                # A suggested follow-up under the first answer still works, in the thread.
                shown = fake.shown(first.response["id"])
                training = shown["components"][1]["components"][0]
                assert training["label"] == "Tell me about Training"
                click = await fake.click(shown, training["custom_id"])
                (follow,) = await fake.followups_of(click)
                assert description(follow).startswith("Training for the officers took place")
                assert fake.history(thread, {})[0]["id"] == follow.response["id"]

                await fake.dm(FOLLOW_UP)
                _, answer = await fake.wait_calls("POST", in_dm, 2)
                assert description(answer).startswith(POLICE_FUNDING)
                # /ask in a DM with the bot reads the DM too.
                slash = await fake.slash("ask", question=FOLLOW_UP, user=ADMIN, place=bot_dm(ADMIN))
                (follow,) = await fake.followups_of(slash)
                assert description(follow).startswith(POLICE_FUNDING)

                # Asked alone, the same words are about the customs office: the context
                # above came from the thread and the DM.
                alone = await fake.slash("ask", question=FOLLOW_UP)
                (follow,) = await fake.followups_of(alone)
                assert description(follow).startswith(CUSTOMS_FUNDING)
        finally:
            await fake.stop()

    asyncio.run(main())


def test_a_command_answered_in_a_thread_is_part_of_its_conversation(
    conversations: Any, bot_run: Any
) -> None:
    """An answer to /ask (or a button) has no question message before it: the thread's
    history takes the question from the answer's title."""

    async def body(fake: FakeDiscord) -> None:
        await fake.say(f"<@{BOT_ID}> What did Kenya and the US launch in 2022?", mention_bot=True)
        (thread,) = [c.response["id"] for c in await fake.wait_calls("POST", "/threads$")]
        await fake.wait_calls("POST", f"^/channels/{thread}/messages$")
        inter = await fake.slash("ask", question=QUESTION, place=fake.place(thread))
        (follow,) = await fake.followups_of(inter)
        assert fake.history(thread, {})[0]["id"] == follow.response["id"]  # in the thread

        await fake.say(FOLLOW_UP, channel=thread)
        _, answer = await fake.wait_calls("POST", f"^/channels/{thread}/messages$", 2)
        assert description(answer).startswith(POLICE_FUNDING)

    bot_run(conversations, body)


def test_a_mention_in_a_thread_people_started_is_answered_there_from_their_discussion(
    conversations: Any, bot_run: Any
) -> None:
    """The bot is called into a discussion it took no part in: the thread's messages, read
    from Discord, say what "them" is; the answer goes to that thread, not a new one."""

    async def body(fake: FakeDiscord) -> None:
        thread = await fake.person_thread("Haiti")
        await fake.say("Have you followed the Kenyan police mission in Haiti?", channel=thread)
        await fake.say("A little, they arrived in June.", channel=thread, author=ADMIN)
        asked = await fake.say(f"<@{BOT_ID}> {FOLLOW_UP}", channel=thread, mention_bot=True)

        (answer,) = await fake.wait_calls("POST", f"^/channels/{thread}/messages$")
        assert str(answer.body["message_reference"]["message_id"]) == asked["id"]
        assert description(answer).startswith(POLICE_FUNDING)
        assert fake.threads == []  # answered in the people's thread, no thread of its own
        assert not fake.matching("POST", "/threads$")
        # Read from Discord: the thread before the mention (the discussion went unanswered).
        (read,) = fake.matching("GET", f"^/channels/{thread}/messages$")
        assert read.query == {"limit": "20", "before": asked["id"]}
        assert len(fake.matching("POST", f"^/channels/{thread}/messages$")) == 1

        # Asked alone, the same words are about the customs office.
        await fake.say(f"<@{BOT_ID}> {FOLLOW_UP}", mention_bot=True)
        (own,) = [c.response["id"] for c in await fake.wait_calls("POST", "/threads$")]
        (alone,) = await fake.wait_calls("POST", f"^/channels/{own}/messages$")
        assert description(alone).startswith(CUSTOMS_FUNDING)

    bot_run(conversations, body)
