"""Fixtures for the Slack adapter: a tiny corpus with hostile text, a real service (hash
embedder, real Chroma), the fake Slack, and `serve_slack` running on loopback."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from bot.wiring import run_slack, slack_config
from tests.bot.slack.fake_slack import (
    ADMIN,
    APP_TOKEN,
    BOT_TOKEN,
    SIGNING_SECRET,
    FakeSlackAPI,
    FakeSocketMode,
    free_port,
)
from tests.conftest import make_service, make_settings, write_documents

HAITI = """---
title: "Haiti & the <Mission>"
date: 2024-07-19
sources:
  - title: "UN press release"
    url: "https://press.un.org/2023/sc15432.doc.htm?a=1&b=2"
---
# Haiti & the <Mission>

## Arrival
{arrival}

## Funding
The United States pledged 300 million dollars for the Haiti mission.
""".format(
    arrival="Kenyan police officers arrived in Haiti on 25 June 2024 & were greeted by "
    "<!channel> and <@U999> at the <gate>."
)

RAILWAY = """---
title: "The Standard Gauge Railway"
date: 2017-05-31
---
# The Standard Gauge Railway

The railway from Mombasa to Nairobi opened on 31 May 2017 @here.
"""


# A corpus for the conversation features: sections the follow-up suggestions come from,
# front-matter topics the starter prompts come from, and two things that "opened" so
# that "When did it open?" needs the conversation to be answered right.
CHAT_DOCUMENTS = {
    "haiti.md": """---
title: "Kenya's police mission to Haiti"
date: 2024-07-19
topics: [Haiti mission, police]
---
# Kenya's police mission to Haiti

## Arrival of the police in Haiti
Kenyan police officers arrived in Haiti on 25 June 2024 & were greeted by <!channel> at the <gate>.

## Funding of the Haiti mission
The United States pledged 300 million dollars to fund the Haiti mission.

## Leadership of the Haiti mission
Kenya leads the Multinational Security Support mission in Haiti.
""",
    "railway.md": """---
title: "The Standard Gauge Railway"
date: 2017-05-31
topics: [railway, infrastructure]
---
# The Standard Gauge Railway

## Opening of the railway
The Standard Gauge Railway from Mombasa to Nairobi opened on 31 May 2017 @here.

## Cost of the railway
The railway cost 3.2 billion dollars, financed by China.
""",
    "wind.md": """---
title: "Lake Turkana Wind Power"
date: 2019-07-19
topics: [wind power, energy]
---
# Lake Turkana Wind Power

## Opening of the wind farm
The Lake Turkana wind farm opened in July 2019.

## Size of the wind farm
The wind farm has 365 turbines and 310 megawatts of capacity.
""",
}


def new_chat_service(tmp: Path, *, reopen: bool = False, **overrides: Any) -> Any:
    """A service over CHAT_DOCUMENTS; `reopen`: a fresh process's service over data an
    earlier one indexed in `tmp` (nothing re-indexed, nothing remembered)."""
    overrides.setdefault("rate_limit_per_minute", 0)
    indexed_by = None if reopen else ("test", "setup")
    return make_service(tmp, CHAT_DOCUMENTS, indexed_by=indexed_by, **overrides)


@pytest.fixture(scope="module")
def chat_core(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return new_chat_service(tmp_path_factory.mktemp("slack-chat-service"))


def write_corpus(folder: Path) -> Path:
    return write_documents(folder, {"haiti.md": HAITI, "railway.md": RAILWAY})


def new_service(tmp: Path, **overrides: Any) -> Any:
    overrides.setdefault("rate_limit_per_minute", 0)
    return make_service(tmp, {"haiti.md": HAITI, "railway.md": RAILWAY}, **overrides)


@pytest.fixture(scope="module")
def shared_core(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """One service per module for tests that only ask (cheap to share, slow-ish to build)."""
    return new_service(tmp_path_factory.mktemp("slack-service"))


@pytest.fixture
def api() -> Iterator[FakeSlackAPI]:
    fake = FakeSlackAPI()
    yield fake
    fake.stop()


def slack_settings(tmp: Path, api: FakeSlackAPI, *, socket_mode: bool = False, **kw: Any) -> Any:
    extra: dict[str, Any] = {"slack_app_token": APP_TOKEN} if socket_mode else {}
    return make_settings(
        tmp / "unused-data",
        tmp / "unused-corpus",
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=api.base_url,
        slack_admins=[ADMIN],
        **extra,
        **kw,
    )


class RunningBot:
    """`run_slack` on its own event loop thread; stopped by cancelling it.

    `digest_every`: seconds between the weekly digest's checks (an hour in production),
    so that a test sees several checks in a fraction of a second."""

    def __init__(
        self, service: Any, settings: Any, port: int, *, digest_every: float | None = None
    ) -> None:
        self.url = f"http://127.0.0.1:{port}/slack/events"
        config = slack_config(settings)
        if digest_every is not None:
            config = dataclasses.replace(config, digest_check_every=digest_every)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.task: Future[None] = asyncio.run_coroutine_threadsafe(
            run_slack(service, config, host="127.0.0.1", port=port), self.loop
        )

    def wait_listening(self, port: int, timeout: float = 10.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.task.done():
                self.task.result()  # raises what went wrong
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.02)
        raise AssertionError("serve_slack did not start listening")

    def stop(self) -> None:
        if not self.thread.is_alive():
            return  # stopped already (a test restarting the bot)
        self.loop.call_soon_threadsafe(self.task.cancel)
        try:
            self.task.result(10)
        except BaseException:  # cancelled, as intended
            pass

        async def drain() -> None:  # let listeners still running finish their posts
            pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            if pending:
                await asyncio.wait(pending, timeout=5)

        asyncio.run_coroutine_threadsafe(drain(), self.loop).result(10)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def start_bot(service: Any, settings: Any, *, digest_every: float | None = None) -> RunningBot:
    port = free_port()
    bot = RunningBot(service, settings, port, digest_every=digest_every)
    bot.wait_listening(port)
    return bot


@pytest.fixture
def serve(api: FakeSlackAPI, tmp_path: Path) -> Iterator[Any]:
    """serve(service, digest_every=None, **settings) -> a RunningBot in HTTP mode
    talking to `api`."""
    bots: list[RunningBot] = []

    def start(service: Any, *, digest_every: float | None = None, **kw: Any) -> RunningBot:
        settings = slack_settings(tmp_path, api, **kw)
        bots.append(start_bot(service, settings, digest_every=digest_every))
        return bots[-1]

    yield start
    for bot in bots:
        bot.stop()


@pytest.fixture
def socket_mode(api: FakeSlackAPI) -> Iterator[FakeSocketMode]:
    sm = FakeSocketMode()
    api.socket_mode_url = sm.url
    yield sm
    sm.stop()
