"""Question text stays out of the logs at -v (DEBUG) unless BOT_LOG_QUESTIONS is on:
discord.py logs whole gateway payloads and request bodies at DEBUG (issue 11, item 13)."""

from __future__ import annotations

from typing import Any

from tests.bot.conftest import Everything
from tests.bot.discord.fake_discord import BOT_ID, FakeDiscord

MARKER = "quokkas"


async def ask_three_ways(fake: FakeDiscord) -> None:
    await fake.dm(f"When did Kenyan police arrive in Haiti, {MARKER} DM?")
    await fake.wait_calls("POST", r"^/channels/7\d+/messages$")
    await fake.say(f"<@{BOT_ID}> Who sent police to Haiti, {MARKER} mention?", mention_bot=True)
    await fake.wait_calls("POST", r"^/channels/\d+/messages$", 2)
    inter = await fake.slash("ask", question=f"What did Kenya launch in 2022, {MARKER} slash?")
    await fake.followups_of(inter)


def test_question_text_is_not_logged_at_debug(
    service: Any, bot_run: Any, verbose: Everything
) -> None:
    assert not service.log_questions
    bot_run(service, ask_three_ways)
    assert any(line.startswith("discord.") for line in verbose.lines)  # discord.py did log
    leaked = [line[:200] for line in verbose.lines if MARKER in line]
    assert leaked == []


def test_question_text_is_logged_with_bot_log_questions(
    fresh_service: Any, bot_run: Any, verbose: Everything
) -> None:
    fresh_service.log_questions = True
    bot_run(fresh_service, ask_three_ways)
    asked = [line for line in verbose.lines if line.startswith("bot.service: question on")]
    assert len(asked) == 3 and all(MARKER in line for line in asked), asked
