"""Re-index progress posted as replies in one Slack thread."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.blocks import notice

log = logging.getLogger(__name__)

Fallback = Callable[..., Awaitable[Any]]


class ProgressThread:
    """The first post starts the thread (or replies under `thread_ts`); later ones reply.

    When the bot may not post in the channel (not invited), lines go to `fallback`
    (the slash command's `respond`) instead. `callback()` is safe to call from the
    indexing thread; `flush()` waits for what it scheduled.
    """

    def __init__(
        self,
        client: AsyncWebClient,
        channel: str,
        *,
        thread_ts: str | None = None,
        fallback: Fallback | None = None,
        interval: float = 10.0,
    ) -> None:
        self._client = client
        self._channel = channel
        self._thread_ts = thread_ts
        self._fallback = fallback
        self._interval = interval
        self._lock = asyncio.Lock()
        self._pending: list[Future[None]] = []
        self._started = False
        self._use_fallback = False
        self._last: dict[str, float] = {}

    async def post(self, mrkdwn: str) -> None:
        message = notice(mrkdwn).post_args()
        async with self._lock:
            if self._use_fallback and self._fallback is not None:
                await self._fallback(response_type="ephemeral", **message)
                return
            try:
                response = await self._client.chat_postMessage(
                    channel=self._channel, thread_ts=self._thread_ts, **message
                )
            except SlackApiError as exc:
                log.warning("progress post failed: %s", exc.response.get("error"))
                if self._fallback is None:
                    return
                self._use_fallback = True  # e.g. not_in_channel: the fallback from now on
                await self._fallback(response_type="ephemeral", **message)
                return
            if self._thread_ts is None:
                self._thread_ts = response.get("ts")

    def callback(self, loop: asyncio.AbstractEventLoop) -> Callable[[str, int, int], None]:
        """An indexer Progress callback (stage, done, total) for worker threads."""

        def progress(stage: str, done: int, total: int) -> None:
            lines = []
            if not self._started:
                self._started = True
                lines.append(f"Re-index started: {total} documents in the corpus.")
            now = time.monotonic()
            due = done >= total or now - self._last.get(stage, now) >= self._interval
            self._last.setdefault(stage, now)
            if due:
                self._last[stage] = now
                if stage == "read":
                    lines.append(f"{done} of {total} documents read.")
                elif stage == "embed":
                    lines.append(f"{done} of {total} new or changed chunks embedded.")
            for line in lines:
                self._pending.append(asyncio.run_coroutine_threadsafe(self.post(line), loop))

        return progress

    async def flush(self) -> None:
        for future in self._pending:
            try:
                await asyncio.wrap_future(future)
            except Exception:
                log.exception("progress post failed")
        self._pending.clear()
