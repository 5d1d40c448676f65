"""Run the real adapter (`serve_discord`, started by the composition root) against the
fake Discord, with a small corpus.

A test fails on any REST call the fake does not know and on any error logged by
a handler (ours or discord.py's "Ignoring exception in ..."), unless allowed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from bot.wiring import run_discord
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


async def run_bot(
    service: Any,
    body: Body,
    *,
    tmp: Path,
    fake: FakeDiscord | None = None,
    allow_errors: bool = False,
    **settings: Any,
) -> ErrorLog:
    """Start serve_discord against a fake Discord, run `body`, then stop everything."""
    fake = await (fake or FakeDiscord()).start()
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
    task = asyncio.create_task(run_discord(service, config, guild_ready_timeout=0.05))
    try:
        ready = asyncio.create_task(fake.ready.wait())
        done, _ = await asyncio.wait({task, ready}, timeout=10, return_when="FIRST_COMPLETED")
        if task in done:
            task.result()  # raises what made the bot stop
        assert ready in done, "the bot did not connect to the fake gateway"
        await body(fake)
        assert fake.unhandled == [], f"REST calls the fake does not know: {fake.unhandled}"
        if not allow_errors:
            assert errors.lines() == [], "handler errors were logged"
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(task, 10)
        logging.getLogger().removeHandler(errors)
        await fake.stop()
    return errors


@pytest.fixture
def bot_run(tmp_path: Path) -> Callable[..., ErrorLog]:
    """bot_run(service, body, **settings): run one scenario in a fresh event loop."""

    def run(service: Any, body: Body, **kwargs: Any) -> ErrorLog:
        return asyncio.run(run_bot(service, body, tmp=tmp_path, **kwargs))

    return run
