"""One answer on its way: visible progress at once, then the final (checked) answer.

Slack shows "<bot> is looking through the documents…" under a thread while the bot
works (`assistant.threads.setStatus`). Where that is refused (an older workspace
plan, a missing scope), a placeholder message says the same and the answer replaces
it (`chat.update`), so the asker never wonders whether the bot heard them. Nothing
is streamed: what appears is the whole answer, after the core's checks.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.blocks import Message, notice

log = logging.getLogger(__name__)

STATUS = "is looking through the documents…"
PLACEHOLDER = "Looking through the documents…"

# respond() of the button or command that led here: where the answer goes when the bot
# may not post in the channel (not invited).
Fallback = Callable[..., Awaitable[Any]]


class Reply:
    """An answer going to `channel` (in `thread_ts`, or top-level when None).

    `status_ts` is the thread the status shows under: the answer's thread, or for a
    top-level DM answer the question's own ts (cleared after posting, since Slack only
    clears a status when the bot replies in that thread).
    """

    def __init__(
        self,
        client: AsyncWebClient,
        channel: str,
        *,
        thread_ts: str | None,
        status_ts: str | None = None,
        fallback: Fallback | None = None,
    ) -> None:
        self._client = client
        self.channel = channel
        self.thread_ts = thread_ts
        self._status_ts = status_ts or thread_ts
        self._fallback = fallback
        self._status = False
        self._placeholder: str | None = None

    async def start(self) -> None:
        """Show that the bot is working: the status line, else a placeholder message."""
        if self._status_ts:
            try:
                await self._client.assistant_threads_setStatus(
                    channel_id=self.channel, thread_ts=self._status_ts, status=STATUS
                )
                self._status = True
                return
            except SlackApiError as exc:
                log.info("Slack refused the status (%s); posting a placeholder", _error(exc))
        try:
            response = await self._client.chat_postMessage(
                channel=self.channel, thread_ts=self.thread_ts, **notice(PLACEHOLDER).post_args()
            )
            self._placeholder = response.get("ts")
        except SlackApiError as exc:
            log.warning("posting a placeholder failed: %s", _error(exc))

    async def finish(self, message: Message) -> None:
        """Post the answer (or put it in the placeholder's place); clear a status Slack
        will not clear itself."""
        posted = await self._update(message) or await self._post(message)
        if self._status and (self.thread_ts is None or not posted):
            await self._clear_status()

    async def _update(self, message: Message) -> bool:
        if self._placeholder is None:
            return False
        try:
            await self._client.chat_update(
                channel=self.channel, ts=self._placeholder, **message.update_args()
            )
            return True
        except SlackApiError as exc:  # deleted meanwhile: post it instead
            log.warning("replacing the placeholder failed: %s", _error(exc))
            return False

    async def _post(self, message: Message) -> bool:
        try:
            await self._client.chat_postMessage(
                channel=self.channel, thread_ts=self.thread_ts, **message.post_args()
            )
            return True
        except SlackApiError as exc:
            log.warning("posting an answer failed: %s", _error(exc))
        if self._fallback is not None:
            await self._fallback(
                response_type="ephemeral", replace_original=False, **message.post_args()
            )
        return False

    async def _clear_status(self) -> None:
        try:
            await self._client.assistant_threads_setStatus(
                channel_id=self.channel, thread_ts=str(self._status_ts), status=""
            )
        except SlackApiError as exc:
            log.info("clearing the status failed: %s", _error(exc))


def _error(exc: SlackApiError) -> str:
    return str(exc.response.get("error") if exc.response is not None else exc)
