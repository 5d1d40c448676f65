"""The weekly digest on Discord: with BOT_DISCORD_ADMIN_CHANNEL set, the report of
unanswered questions is posted there once (checked every 50 ms here), never when the
week is empty; a failed post is tried again; one runner per bot, stopped with it."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from bot.service import ChatRequest
from tests.bot.discord.conftest import serving
from tests.bot.discord.fake_discord import ADMIN, ADMIN_CHANNEL_ID, ALICE, FakeDiscord

PERU = "What is the capital of Peru?"
KEY = f"discord:{ADMIN_CHANNEL_ID}"
POSTS = f"^/channels/{ADMIN_CHANNEL_ID}/messages$"
CHECK_EVERY = 0.05
DIGEST: dict[str, Any] = {
    "discord_admin_channel": str(ADMIN_CHANNEL_ID),
    "tuning": {"digest_check_every": CHECK_EVERY},
}
TASK = "discord-weekly-digest"


def unanswered(service: Any) -> None:
    for person in (ALICE, ADMIN):
        service.ask(ChatRequest("discord", person["id"], PERU))


async def checked(service: Any) -> None:
    """Wait until the runner has claimed this week's digest (its first check ran)."""
    for _ in range(250):
        if await asyncio.to_thread(service.digests.last_posted, KEY) is not None:
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the digest was never checked")


def test_the_digest_is_posted_to_the_admin_channel_once(fresh_service: Any, bot_run: Any) -> None:
    unanswered(fresh_service)

    async def body(fake: FakeDiscord) -> None:
        (post,) = await fake.wait_calls("POST", POSTS)
        await asyncio.sleep(20 * CHECK_EVERY)  # twenty more checks: nothing more
        assert len(fake.matching("POST", POSTS)) == 1
        assert post.status == 200
        assert post.body["allowed_mentions"] == {"parse": []}
        (embed,) = post.body["embeds"]
        assert embed["title"] == "Weekly digest: unanswered questions, last 7 days"
        assert embed["description"].startswith(
            "Add documents that answer them: `/add url:` a web page, or `/reindex file:`.\n"
            "2 questions in 1 group, "
        )
        (group,) = embed["fields"]
        assert group["name"] == f"1. {PERU} ×2"
        assert group["value"].startswith("2 declined · 2 people · last asked ")
        # Nothing went to the channel people ask in.
        assert fake.matching("POST", "^/channels/3000/messages$") == []

    bot_run(fresh_service, body, **DIGEST)


def test_an_empty_week_posts_nothing(fresh_service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        await checked(fresh_service)
        await asyncio.sleep(10 * CHECK_EVERY)
        assert fake.matching("POST", POSTS) == []

    bot_run(fresh_service, body, **DIGEST)


def test_no_admin_channel_no_digest(fresh_service: Any, bot_run: Any) -> None:
    unanswered(fresh_service)

    async def body(fake: FakeDiscord) -> None:
        await asyncio.sleep(10 * CHECK_EVERY)
        assert [t for t in asyncio.all_tasks() if t.get_name() == TASK] == []
        assert fake.matching("POST", "^/channels/") == []

    bot_run(fresh_service, body, tuning={"digest_check_every": CHECK_EVERY})
    assert fresh_service.digests.last_posted(KEY) is None


def test_a_refused_post_gives_the_week_back_and_is_tried_again(
    fresh_service: Any, bot_run: Any
) -> None:
    unanswered(fresh_service)

    fake = FakeDiscord()  # refuses the first post, whenever the runner makes it
    fake.fail_next("POST", POSTS, 403, {"message": "Missing Access", "code": 50001})

    async def body(fake: FakeDiscord) -> None:
        refused, posted = await fake.wait_calls("POST", POSTS, 2)
        assert (refused.status, posted.status) == (403, 200)
        assert posted.body["embeds"][0]["fields"][0]["name"] == f"1. {PERU} ×2"

    errors = bot_run(fresh_service, body, fake=fake, allow_errors=True, **DIGEST)
    (line,) = errors.lines()
    assert line.startswith(f"bot.digest: digest for {KEY} could not be posted; trying again")
    assert "Missing Access" in line


class Readies(logging.Handler):
    """Counts the bot's "connected" log lines: one per on_ready."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("connected to Discord as"):
            self.count += 1


def test_one_runner_across_a_reconnect_and_none_after_close(
    fresh_service: Any, tmp_path: Path
) -> None:
    readies = Readies()
    client_log = logging.getLogger("bot.discord.client")
    client_log.addHandler(readies)
    level = client_log.level
    client_log.setLevel(logging.INFO)

    async def main() -> None:
        fake = await FakeDiscord().start()
        try:
            async with serving(fresh_service, fake, tmp=tmp_path, **DIGEST):
                await checked(fresh_service)
                # A new session (READY again, as after a reconnect that could not resume).
                await fake.dispatch("READY", fake._ready())
                await fake.dispatch("GUILD_CREATE", fake._guild())
                for _ in range(250):
                    if readies.count == 2:
                        break
                    await asyncio.sleep(0.02)
                assert readies.count == 2
                assert len([t for t in asyncio.all_tasks() if t.get_name() == TASK]) == 1
            await asyncio.sleep(0)
            assert [t for t in asyncio.all_tasks() if t.get_name() == TASK] == []
        finally:
            await fake.stop()

    try:
        asyncio.run(main())
    finally:
        client_log.removeHandler(readies)
        client_log.setLevel(level)
