"""End to end: `python -m bot serve discord` against the fake Discord, as a user runs it."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import pytest

from tests.bot.discord.conftest import write_corpus
from tests.bot.discord.fake_discord import TOKEN, FakeDiscord

pytestmark = pytest.mark.slow  # each test runs `python -m bot` in a subprocess


def serve_env(fake: FakeDiscord, tmp: Path, token: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "DISCORD_"))}
    return env | {
        "DISCORD_TOKEN": token,
        "DISCORD_API_URL": fake.api_url,
        "DISCORD_GATEWAY_URL": fake.gateway_url,
        "BOT_DATA_DIR": str(tmp / "data"),
        "BOT_CORPUS_DIR": str(write_corpus(tmp / "corpus")),
    }


async def start_serve(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "serve",
        "discord",
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


def test_python_m_bot_serve_discord_answers_a_slash_command(tmp_path: Path) -> None:
    async def main() -> tuple[int, str]:
        fake = await FakeDiscord().start()
        proc = await start_serve(serve_env(fake, tmp_path, TOKEN), tmp_path)
        try:
            await asyncio.wait_for(fake.ready.wait(), 60)
            inter = await fake.slash("ask", question="When did Kenyan police arrive in Haiti?")
            assert (await fake.callback_of(inter)).body == {"type": 5}
            (follow,) = await fake.followups_of(inter)
            (embed,) = follow.body["embeds"]
            assert "25 June 2024" in embed["description"]
            assert embed["fields"][0]["name"] == "[1] Kenya and the US: The Haiti Mission"
            assert fake.unhandled == []
        finally:
            if proc.returncode is None:
                proc.send_signal(signal.SIGINT)
            _, err = await asyncio.wait_for(proc.communicate(), 30)
            await fake.stop()
        return proc.returncode or 0, err.decode()

    code, stderr = asyncio.run(main())
    assert code == 0, stderr
    assert "Traceback" not in stderr and " ERROR " not in stderr, stderr
    assert "synced 8 commands globally" in stderr


def test_bad_token_exits_with_one_clear_line(tmp_path: Path) -> None:
    async def main() -> tuple[int | None, str]:
        fake = await FakeDiscord().start()
        try:
            proc = await start_serve(serve_env(fake, tmp_path, "not-the-token"), tmp_path)
            _, err = await asyncio.wait_for(proc.communicate(), 60)
        finally:
            await fake.stop()
        return proc.returncode, err.decode()

    code, stderr = asyncio.run(main())
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert code == 1 and errors == [
        "error: DiscordStartError: DISCORD_TOKEN was rejected by Discord (401 Unauthorized): "
        "copy the bot token again from the Developer Portal (Bot → Reset Token)"
    ], stderr
    assert stderr.count("DISCORD_TOKEN was rejected") == 1, stderr  # printed once, not logged too
    assert "not-the-token" not in stderr
    assert "Traceback" not in stderr, stderr
