"""Run the real adapter (`serve_discord`, started by the composition root) against the
fake Discord, with a small corpus.

A test fails on any REST call the fake does not know and on any error logged by
a handler (ours or discord.py's "Ignoring exception in ..."), unless allowed.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.discord import serve_discord
from bot.wiring import discord_config, run_discord
from tests.bot.discord.fake_discord import TOKEN, FakeDiscord
from tests.conftest import make_service, make_settings, write_documents

HAITI = """---
title: "Kenya and the US: The Haiti Mission"
date: 2024-06-25
url: "https://example.org/haiti"
topics: [haiti, police]
---
# The Haiti Mission

## Arrival
Kenyan police officers arrived in Haiti on 25 June 2024.
"""

TRADE = """---
title: "Trade and Investment"
date: 2024-05-23
url: "https://example.org/trade"
topics: [trade]
---
# Trade and Investment

## Agreements
Kenya and the United States launched the Strategic Trade and Investment Partnership in 2022.
@here the partnership covers agriculture, digital trade and customs.
"""


# For conversations: sections to suggest as follow-ups, and a question ("Who paid for
# them?") that the earlier turn decides: the police mission (United States) or, read
# alone, the customs office (European Union).
MISSION = """---
title: "The Haiti Mission"
date: 2024-06-25
url: "https://example.org/mission"
topics: [haiti, police]
---
# The Haiti Mission

## Arrival
Kenyan police officers arrived in Haiti on 25 June 2024.

## Training
Training for the officers took place in Nairobi before the flight.

## Numbers
The first contingent numbered 400 officers, with more promised by the Kenyan government.

## Funding
The United States paid for the Kenyan police mission in Haiti, pledging 300 million dollars.
"""

CUSTOMS = """---
title: "Trade and Investment"
date: 2024-05-23
url: "https://example.org/trade"
topics: [trade]
---
# Trade and Investment

## Agreements
Kenya and the United States launched the Strategic Trade and Investment Partnership in 2022.

## Funding
The European Union paid for the new customs office in Mombasa.
"""
CONVERSATION_DOCS = {"mission.md": MISSION, "trade.md": CUSTOMS}


def write_corpus(folder: Path) -> Path:
    return write_documents(folder, {"haiti.md": HAITI, "trade.md": TRADE})


def new_service(root: Path, **settings: Any) -> Any:
    settings.setdefault("rate_limit_per_minute", 1000)
    return make_service(root, {"haiti.md": HAITI, "trade.md": TRADE}, **settings)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One indexed service per test module (building one takes ~2 s)."""
    return new_service(tmp_path_factory.mktemp("discord-service"))


@pytest.fixture
def fresh_service(tmp_path: Path) -> Any:
    """A service of its own, for tests that change the corpus."""
    return new_service(tmp_path / "fresh")


def conversation_service(root: Path, *, indexed: bool = False) -> Any:
    """A service over CONVERSATION_DOCS in `root`; `indexed`: the index is there already
    (a restarted bot on the same data)."""
    return make_service(
        root,
        CONVERSATION_DOCS,
        indexed_by=None if indexed else ("test", "setup"),
        rate_limit_per_minute=1000,
    )


@pytest.fixture(scope="module")
def conversations(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One service over CONVERSATION_DOCS per test module."""
    return conversation_service(tmp_path_factory.mktemp("discord-conversations"))


class ErrorLog(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def lines(self) -> list[str]:
        out = []
        for r in self.records:
            exc = f" [{r.exc_info[1]!r}]" if r.exc_info else ""
            out.append(f"{r.name}: {r.getMessage()}{exc}")
        return out


Body = Callable[[FakeDiscord], Awaitable[None]]
GUILD_READY = 0.05  # seconds discord.py waits for more guilds before on_ready
READY_DELAY = 4 * GUILD_READY


async def start_bot(service: Any, settings: Any, tuning: dict[str, Any]) -> None:
    """What `python -m bot serve discord` runs; `tuning` replaces fields of the adapter's
    config that no setting exposes (such as the digest's check interval)."""
    if not tuning:
        await run_discord(service, settings, guild_ready_timeout=GUILD_READY)
        return
    config = dataclasses.replace(discord_config(settings), **tuning)
    await serve_discord(service, config, service.platforms, TOKEN, guild_ready_timeout=GUILD_READY)


@contextlib.asynccontextmanager
async def serving(
    service: Any,
    fake: FakeDiscord,
    *,
    tmp: Path,
    allow_errors: bool = False,
    tuning: dict[str, Any] | None = None,
    **settings: Any,
) -> AsyncIterator[ErrorLog]:
    """serve_discord connected to a started fake Discord until the block ends; a bot
    started again on the same fake is a restarted bot (the fake keeps its messages)."""
    errors = ErrorLog()
    logging.getLogger().addHandler(errors)
    config = make_settings(
        tmp / "serve-data",
        tmp / "unused-corpus",
        discord_token=TOKEN,
        discord_api_url=fake.api_url,
        discord_gateway_url=fake.gateway_url,
        **settings,
    )
    fake.ready.clear()
    connected = asyncio.get_running_loop().time()
    task = asyncio.create_task(start_bot(service, config, tuning or {}))
    try:
        ready = asyncio.create_task(fake.ready.wait())
        done, _ = await asyncio.wait({task, ready}, timeout=10, return_when="FIRST_COMPLETED")
        if task in done:
            task.result()  # raises what made the bot stop
        assert ready in done, "the bot did not connect to the fake gateway"
        connected = asyncio.get_running_loop().time()
        yield errors
        assert fake.unhandled == [], f"REST calls the fake does not know: {fake.unhandled}"
        if not allow_errors:
            assert errors.lines() == [], "handler errors were logged"
    finally:
        if not task.done():
            # discord.py dispatches on_ready `guild_ready_timeout` after the last guild
            # arrives; a client closed before that fails in a stray task later on.
            await asyncio.sleep(
                max(0.0, connected + READY_DELAY - asyncio.get_running_loop().time())
            )
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 10)
        logging.getLogger().removeHandler(errors)


async def run_bot(
    service: Any,
    body: Body,
    *,
    tmp: Path,
    fake: FakeDiscord | None = None,
    allow_errors: bool = False,
    tuning: dict[str, Any] | None = None,
    **settings: Any,
) -> ErrorLog:
    """Start serve_discord against a fake Discord, run `body`, then stop everything."""
    fake = await (fake or FakeDiscord()).start()
    try:
        async with serving(
            service, fake, tmp=tmp, allow_errors=allow_errors, tuning=tuning, **settings
        ) as errors:
            await body(fake)
    finally:
        await fake.stop()
    return errors


@pytest.fixture
def bot_run(tmp_path: Path) -> Callable[..., ErrorLog]:
    """bot_run(service, body, **settings): run one scenario in a fresh event loop."""

    def run(service: Any, body: Body, **kwargs: Any) -> ErrorLog:
        return asyncio.run(run_bot(service, body, tmp=tmp_path, **kwargs))

    return run
