"""Re-index progress shown as edits of the deferred response, throttled."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from types import TracebackType

import discord

from bot.discord.render import progress_text

log = logging.getLogger(__name__)


class ProgressReporter:
    """A `Progress` callback for the core plus a task that shows it.

    The core calls it on its worker thread; it only records the latest state (one
    attribute assignment). Inside `async with`, the event loop edits the message at
    most once per `interval` seconds, and only when the text changed.
    """

    def __init__(self, edit: Callable[[str], Awaitable[object]], interval: float = 2.0) -> None:
        self._edit = edit
        self._interval = interval
        self._latest: str | None = None
        self._shown: str | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def __call__(self, stage: str, done: int, total: int) -> None:
        self._latest = progress_text(stage, done, total)

    async def __aenter__(self) -> ProgressReporter:
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        if self._task is not None:
            await self._task

    async def _run(self) -> None:
        while not self._stop.is_set():
            try:
                await asyncio.wait_for(self._stop.wait(), self._interval)
                return
            except TimeoutError:
                pass
            latest = self._latest
            if latest is None or latest == self._shown:
                continue
            try:
                await self._edit(latest)
                self._shown = latest
            except discord.HTTPException as exc:
                log.warning("could not show re-index progress: %s", exc)
