"""Slash commands and the message command: each defers at once, then answers with a
followup; user-installed, they work where the bot is not a member."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from bot.discord.render import APOLOGY, NO_MESSAGE_TEXT
from bot.service import ChatService
from tests.bot.discord.fake_discord import (
    ADMIN_ID,
    APP_ID,
    EPHEMERAL,
    GROUP_DM,
    GROUP_DM_ID,
    USER_INSTALL_THREAD,
    FakeDiscord,
)

QUESTION = "When did Kenyan police arrive in Haiti?"
NO_PINGS = {"parse": []}
HAITI_FIELD = {
    "name": "[1] Kenya and the US: The Haiti Mission",
    "value": "[Arrival · 2024-06-25](https://example.org/haiti)",
    "inline": False,
}


class SlowService:
    """The real service, with an `ask` that takes `delay` seconds (an LLM on a bad day)."""

    def __init__(self, service: ChatService, delay: float) -> None:
        self._service, self._delay = service, delay

    def __getattr__(self, name: str) -> Any:
        return getattr(self._service, name)

    def ask(self, *args: Any, **kwargs: Any) -> Any:
        time.sleep(self._delay)
        return self._service.ask(*args, **kwargs)


class BrokenService(SlowService):
    def ask(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("index file vanished")


def test_ask_defers_then_follows_up_with_the_cited_answer(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        inter = await fake.slash("ask", question=QUESTION)
        callback = await fake.callback_of(inter)
        assert callback.body == {"type": 5}  # "thinking", public
        (follow,) = await fake.followups_of(inter)
        (embed,) = follow.body["embeds"]
        assert embed["title"] == QUESTION
        assert (
            embed["description"] == "Kenyan police officers arrived in Haiti on 25 June 2024. [1]"
        )
        assert embed["fields"] == [HAITI_FIELD]
        (row,) = follow.body["components"]
        answer_id = row["components"][0]["custom_id"].split(":")[-1]
        assert [b["custom_id"] for b in row["components"]] == [
            f"qa:quotes:{answer_id}",
            f"qa:vote:up:{answer_id}",
            f"qa:vote:down:{answer_id}",
        ]
        assert service.stored_answer(int(answer_id)).question == QUESTION
        assert follow.body["allowed_mentions"] == NO_PINGS

    bot_run(service, body)


def test_summary_with_topic_and_autocomplete(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        typed = await fake.autocomplete("summary", "topic", "hait")
        callback = await fake.callback_of(typed)
        assert callback.body["type"] == 8
        assert callback.body["data"]["choices"] == [
            {"name": "Kenya and the US: The Haiti Mission", "value": "haiti.md"},
            {"name": "Topic: haiti", "value": "haiti"},
        ]
        everything = await fake.autocomplete("summary", "topic", "")
        choices = (await fake.callback_of(everything)).body["data"]["choices"]
        assert [c["value"] for c in choices] == ["haiti.md", "trade.md", "haiti", "police", "trade"]

        inter = await fake.slash("summary", topic="haiti.md")
        assert (await fake.callback_of(inter)).body == {"type": 5}
        (follow,) = await fake.followups_of(inter)
        (embed,) = follow.body["embeds"]
        assert embed["title"] == "Summary: haiti.md"
        assert (
            embed["description"] == "Kenyan police officers arrived in Haiti on 25 June 2024. [1]"
        )
        assert embed["fields"] == [HAITI_FIELD]

        whole = await fake.slash("summary")
        (follow,) = await fake.followups_of(whole)
        (embed,) = follow.body["embeds"]
        assert embed["title"] == "Summary"
        assert embed["description"].count("[1]") == 1 and "[2]" in embed["description"]
        assert [f["name"] for f in embed["fields"]] == [
            "[1] Kenya and the US: The Haiti Mission",
            "[2] Trade and Investment",
        ]

    bot_run(service, body)


def test_sources_and_help(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        inter = await fake.slash("sources")
        assert (await fake.callback_of(inter)).body == {"type": 5}
        (follow,) = await fake.followups_of(inter)
        (embed,) = follow.body["embeds"]
        assert embed["title"] == "2 indexed documents"
        assert embed["description"] == (
            "**1.** [Kenya and the US: The Haiti Mission](https://example.org/haiti)"
            " (2024-06-25, 1 chunk)\n"
            "**2.** [Trade and Investment](https://example.org/trade) (2024-05-23, 1 chunk)"
        )

        helped = await fake.slash("help")
        callback = await fake.callback_of(helped)
        assert callback.body == {"type": 5, "data": {"flags": EPHEMERAL}}
        (follow,) = await fake.followups_of(helped)
        (embed,) = follow.body["embeds"]
        assert embed["title"] == "How to use me"
        for command in ("/ask", "/summary", "/sources", "/reindex", "/gaps", "/add", "Show quotes"):
            assert command in embed["description"]
        # Users are told what happens to the questions the bot could not answer.
        assert (
            "Questions I could not answer (declined, answered only in part, or voted 👎) are "
            "kept for 90 days with your user ID, and the bot's admins review them"
        ) in embed["description"]

    bot_run(service, body)


def test_help_gives_the_retention_period_from_the_settings(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        (follow,) = await fake.followups_of(await fake.slash("help"))
        assert "are kept for 30 days with your user ID" in follow.body["embeds"][0]["description"]

    bot_run(service, body, retention_days=30)


def test_question_errors_are_answered_only_to_the_asker(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        inter = await fake.slash("ask", question="x" * 2500)
        callback = await fake.callback_of(inter)
        assert callback.body["type"] == 4  # at once, no "thinking" in the channel
        data = callback.body["data"]
        assert data["content"].startswith("That question is 2,500 characters long")
        assert data["flags"] == EPHEMERAL and not data.get("embeds")

    bot_run(service, body)


def test_rate_limited_user_is_told_to_wait(fresh_service: Any, bot_run: Any) -> None:
    from bot.limits import RateLimiter

    fresh_service.limiter = RateLimiter(1)

    async def body(fake: FakeDiscord) -> None:
        first = await fake.slash("ask", question=QUESTION)
        await fake.followups_of(first)
        second = await fake.slash("ask", question=QUESTION)
        data = (await fake.callback_of(second)).body["data"]
        assert data["content"].startswith("You're asking faster than I can keep up")
        assert data["flags"] == EPHEMERAL

    bot_run(fresh_service, body)


def test_everyone_in_a_question_pings_nobody(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        inter = await fake.slash("ask", question="@everyone when did police arrive in Haiti?")
        (follow,) = await fake.followups_of(inter)
        assert follow.body["embeds"][0]["title"] == "@everyone when did police arrive in Haiti?"
        assert follow.body["allowed_mentions"] == NO_PINGS

    bot_run(service, body)


@pytest.mark.slow  # waits for a 5 s answer
def test_slow_core_still_defers_at_once_and_loop_stays_free(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        slow = await fake.slash("ask", question=QUESTION)
        callback = await fake.callback_of(slow)
        assert callback.at - fake.interaction_at[slow["id"]] < 1.0
        # While the service works on a thread, the event loop serves other users.
        helped = await fake.slash("help")
        (help_follow,) = await fake.followups_of(helped, n=1)
        assert help_follow.at - fake.interaction_at[helped["id"]] < 1.0
        (follow,) = await fake.followups_of(slow)
        assert follow.at - fake.interaction_at[slow["id"]] >= 5.0
        assert follow.body["embeds"][0]["fields"] == [HAITI_FIELD]

    bot_run(SlowService(service, 5.0), body)


def test_a_429_with_retry_after_is_retried(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        fake.rate_limit_next("POST", f"^/webhooks/{APP_ID}/", retry_after=0.3)
        inter = await fake.slash("ask", question=QUESTION)
        limited, ok = await fake.followups_of(inter, n=2)
        assert (limited.status, ok.status) == (429, 200)
        assert ok.at - limited.at >= 0.3
        assert ok.body["embeds"][0]["fields"] == [HAITI_FIELD]

    bot_run(service, body)


def test_handler_error_is_logged_and_apologised_for(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        inter = await fake.slash("ask", question=QUESTION)
        (follow,) = await fake.followups_of(inter)
        assert follow.body["content"] == APOLOGY
        assert follow.body["flags"] == EPHEMERAL
        await asyncio.sleep(0.05)

    errors = bot_run(BrokenService(service, 0), body, allow_errors=True)
    (line,) = errors.lines()
    assert line.startswith("bot.discord.client: command failed: ask by user 4000 in guild 2000")
    assert "index file vanished" in line


def test_unknown_command_gets_an_ephemeral_note(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        inter = await fake.slash("nope")
        callback = await fake.callback_of(inter)
        assert callback.body["type"] == 4 and callback.body["data"]["flags"] == EPHEMERAL
        assert "not available any more" in callback.body["data"]["content"]

    bot_run(service, body)


def test_ask_about_this_message_answers_with_its_text(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        target = await fake.say(f"<@{ADMIN_ID}> when did Kenyan police arrive in Haiti?")
        inter = await fake.message_command("Ask about this message", target)
        assert (await fake.callback_of(inter)).body == {"type": 5}  # public "thinking"
        (follow,) = await fake.followups_of(inter)
        (embed,) = follow.body["embeds"]
        assert embed["title"] == "when did Kenyan police arrive in Haiti?"  # mention removed
        assert (
            embed["description"] == "Kenyan police officers arrived in Haiti on 25 June 2024. [1]"
        )
        assert embed["fields"] == [HAITI_FIELD]
        assert follow.body["allowed_mentions"] == NO_PINGS
        assert fake.threads == []

        empty = await fake.say(f"<@{ADMIN_ID}>")
        refused = await fake.message_command("Ask about this message", empty)
        data = (await fake.callback_of(refused)).body["data"]
        assert (data["content"], data["flags"]) == (NO_MESSAGE_TEXT, EPHEMERAL)

    bot_run(service, body)


def test_user_install_where_the_bot_is_not_a_member_answers_in_the_interaction(
    conversations: Any, bot_run: Any
) -> None:
    """A user-installed app in a server the bot is not in, and in a group DM: everything
    goes through the interaction; the bot neither reads nor posts in those channels."""

    async def body(fake: FakeDiscord) -> None:
        inter = await fake.slash("ask", question=QUESTION, place=USER_INSTALL_THREAD)
        assert (await fake.callback_of(inter)).body == {"type": 5}
        (follow,) = await fake.followups_of(inter)
        assert "25 June 2024" in follow.body["embeds"][0]["description"]
        shown = fake.shown(follow.response["id"])
        suggestion = shown["components"][1]["components"][0]
        click = await fake.click(shown, suggestion["custom_id"], place=USER_INSTALL_THREAD)
        (answer,) = await fake.followups_of(click)
        assert answer.body["embeds"][0]["title"] == suggestion["label"]

        target = fake.posted("When did Kenyan police arrive in Haiti?", channel=GROUP_DM_ID)
        menu = await fake.message_command("Ask about this message", target, place=GROUP_DM)
        (follow,) = await fake.followups_of(menu)
        assert "25 June 2024" in follow.body["embeds"][0]["description"]

        assert fake.matching("GET", "^/channels/") == []  # no history read where it can't
        assert fake.matching("POST", "^/channels/") == []  # no thread, no channel message
        assert fake.threads == []

    bot_run(conversations, body)
