"""The weekly digest of unanswered questions in the Slack admin channel
(BOT_SLACK_ADMIN_CHANNEL): `bot.digest.run_digest` as a task beside the Slack app.

The schedule (claimed in the state file, so restarts and replicas post a week once)
lives in `bot.digest`; this module posts the report and keeps the task running.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from slack_sdk.web.async_client import AsyncWebClient

from bot.digest import CHECK_EVERY, run_digest
from bot.slack.admin_blocks import render_gaps

if TYPE_CHECKING:
    from bot.gap_report import GapsReport
    from bot.service import ChatService

log = logging.getLogger(__name__)

TASK_NAME = "slack-digest"


def digest_key(channel: str) -> str:
    """The channel's key in the digest schedule."""
    return f"slack:{channel}"


class SlackDigest:
    """Posts a report to one channel with chat.postMessage."""

    def __init__(self, client: AsyncWebClient, channel: str) -> None:
        self._client = client
        self.channel = channel

    async def post(self, report: GapsReport) -> None:
        """Raises SlackApiError when Slack refuses (not_in_channel, channel_not_found…):
        the digest's claim is then given back and the next check tries again."""
        message = render_gaps(report, digest=True)
        await self._client.chat_postMessage(channel=self.channel, **message.post_args())


@contextlib.asynccontextmanager
async def digest_beside(
    service: ChatService,
    client: AsyncWebClient,
    channel: str | None,
    *,
    check_every: float = CHECK_EVERY,
) -> AsyncIterator[None]:
    """Run the digest of `channel` while the body runs (nothing when channel is None);
    the task is cancelled and awaited on the way out."""
    if channel is None:
        yield
        return
    digest = SlackDigest(client, channel)
    task = asyncio.create_task(
        run_digest(service, digest.post, digest_key(channel), check_every=check_every),
        name=TASK_NAME,
    )
    log.info("Slack: weekly digest of unanswered questions goes to %s", channel)
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
