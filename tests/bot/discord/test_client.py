"""Start-up: login, gateway identify, command sync, endpoints, bad tokens, intents."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
import pytest

from bot.discord import DiscordStartError
from bot.discord.endpoints import discord_endpoints, rest_base
from bot.wiring import run_discord
from tests.bot.discord.fake_discord import APP_ID, GUILD_ID, TOKEN, FakeDiscord
from tests.conftest import make_settings

COMMANDS = ["ask", "summary", "sources", "help", "reindex", "gaps", "add", "Ask about this message"]
EVERYWHERE = ["ask", "summary", "sources", "help", "Ask about this message"]


def test_login_identify_and_global_command_sync(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        (sync,) = await fake.wait_calls("PUT", f"^/applications/{APP_ID}/commands$")
        by_name = {c["name"]: c for c in sync.body}
        assert list(by_name) == COMMANDS
        question = by_name["ask"]["options"][0]
        assert (question["name"], question["type"], question["required"]) == ("question", 3, True)
        summary_topic = by_name["summary"]["options"][0]
        assert (summary_topic["required"], summary_topic["autocomplete"]) == (False, True)
        private = by_name["ask"]["options"][1]
        assert (private["name"], private["type"], private["required"]) == ("private", 5, False)
        assert [o["name"] for o in by_name["summary"]["options"]] == ["topic", "private"]
        # Installable to a server or a user; usable in servers (0), the bot's DM (1) and
        # private channels (2): group DMs and DMs between people.
        for name in EVERYWHERE:
            assert (by_name[name]["integration_types"], by_name[name]["contexts"]) == (
                [0, 1],
                [0, 1, 2],
            ), name
        menu = by_name["Ask about this message"]
        assert (menu["type"], menu.get("options", [])) == (3, [])  # a message context menu
        reindex = by_name["reindex"]
        assert (reindex["integration_types"], reindex["contexts"]) == ([0], [0])
        perms = discord.Permissions(manage_guild=True).value
        assert int(reindex["default_member_permissions"]) == perms
        assert reindex["options"][0]["type"] == 11  # attachment, optional
        assert reindex["options"][0]["required"] is False
        (identify,) = fake.identifies
        assert identify["token"] == TOKEN
        intents = discord.Intents(identify["intents"])
        assert intents.guilds and intents.guild_messages and intents.dm_messages
        assert intents.message_content and not intents.members and not intents.presences
        for _ in range(100):  # on_ready follows the guilds' arrival
            if service.platforms.snapshot().get("discord") == (True, "connected"):
                break
            await asyncio.sleep(0.02)
        assert service.platforms.snapshot()["discord"] == (True, "connected")

    bot_run(service, body)


def test_guild_ids_sync_commands_to_each_server(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        calls = await fake.wait_calls("PUT", f"^/applications/{APP_ID}/guilds/", 2)
        assert [c.path.split("/")[4] for c in calls] == [str(GUILD_ID), "999"]
        assert [c["name"] for c in calls[0].body] == COMMANDS
        assert calls[1].status == 403  # not a member there: logged as a warning, start goes on
        assert fake.matching("PUT", f"^/applications/{APP_ID}/commands$") == []

    bot_run(service, body, discord_guild_ids=f"{GUILD_ID},999")


def test_bad_token_fails_with_one_clear_line(service: Any, tmp_path: Any) -> None:
    async def main() -> None:
        fake = await FakeDiscord().start()
        settings = make_settings(
            tmp_path / "d",
            tmp_path / "c",
            discord_token="wrong",
            discord_api_url=fake.api_url,
            discord_gateway_url=fake.gateway_url,
        )
        try:
            with pytest.raises(DiscordStartError) as err:
                await asyncio.wait_for(run_discord(service, settings), 10)
        finally:
            await fake.stop()
        message = str(err.value)
        assert "\n" not in message and "DISCORD_TOKEN was rejected" in message
        assert "wrong" not in message  # the token itself is never shown

    asyncio.run(main())


def test_unreachable_server_fails_with_one_clear_line(service: Any, tmp_path: Any) -> None:
    settings = make_settings(
        tmp_path / "d",
        tmp_path / "c",
        discord_token=TOKEN,
        discord_api_url="http://127.0.0.1:9",
        discord_gateway_url="ws://127.0.0.1:9/",
    )
    with pytest.raises(DiscordStartError, match=r"^cannot reach Discord at http://127.0.0.1:9"):
        asyncio.run(run_discord(service, settings))


def test_missing_message_content_intent_reconnects_without_it(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        assert len(fake.identifies) == 2
        first, second = (discord.Intents(i["intents"]) for i in fake.identifies)
        assert first.message_content and not second.message_content

    bot_run(service, body, fake=FakeDiscord(allow_message_content=False))


def test_the_package_does_not_shadow_the_discord_library() -> None:
    import bot.discord.client as client

    assert client.discord is discord and client.discord.__name__ == "discord"
    assert "site-packages" in (discord.__file__ or "")
    assert hasattr(client.discord, "Client")


def test_endpoints_are_restored_and_accept_a_versioned_url() -> None:
    before = discord.http.Route.BASE
    with discord_endpoints("http://127.0.0.1:5/api/v10", "ws://127.0.0.1:5/gw"):
        assert discord.http.Route.BASE == "http://127.0.0.1:5/api/v10"
        assert str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY) == "ws://127.0.0.1:5/gw"
    assert before == discord.http.Route.BASE
    assert rest_base("https://chat.example.org/") == "https://chat.example.org/api/v10"
