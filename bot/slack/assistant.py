"""Slack's assistant (agent) view: starter prompts for a new conversation, its title.

Messages in the view arrive as DM thread messages and are answered by the DM
listener like any other DM thread (status, thread history from Slack). Bolt's
`AsyncAssistant` middleware is not used: it claims every DM thread message, which
would take DM threads and file uploads away from the listeners that handle them.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.service import ChatService
from bot.slack.blocks import button_label, shorten
from bot.slack.models import AssistantThread, ChatMessage

log = logging.getLogger(__name__)

PROMPTS_TITLE = "Try asking"
MAX_TITLE_CHARS = 60


class AssistantView:
    """Listeners for the assistant view's own events, and its conversation titles."""

    def __init__(self, service: ChatService) -> None:
        self.service = service

    async def on_thread_started(self, body: dict[str, Any], client: AsyncWebClient) -> None:
        """A new conversation: offer prompts from the indexed documents' topics."""
        thread = AssistantThread.parse(body)
        if thread is None:
            return
        try:
            prompts = await asyncio.to_thread(self.service.starter_prompts)
        except Exception:
            log.exception("making starter prompts failed")
            return
        if not prompts:
            return
        try:
            await client.assistant_threads_setSuggestedPrompts(
                channel_id=thread.channel,
                thread_ts=thread.thread_ts,
                title=PROMPTS_TITLE,
                prompts=[
                    {"title": button_label(title), "message": button_label(question)}
                    for title, question in prompts
                ],
            )
        except SlackApiError as exc:
            log.warning("setting suggested prompts failed: %s", exc.response.get("error"))

    async def on_context_changed(self, body: dict[str, Any]) -> None:
        """The user moved to another channel with the view open; answers come from the
        documents, not the channel, so nothing changes (handled so Bolt does not warn)."""

    async def set_title(
        self, client: AsyncWebClient, channel: str, thread_ts: str, msg: ChatMessage
    ) -> None:
        """Name the conversation after its first question (in a plain DM thread Slack may
        refuse: that is fine)."""
        title = shorten(button_label(msg.question), MAX_TITLE_CHARS)
        try:
            await client.assistant_threads_setTitle(
                channel_id=channel, thread_ts=thread_ts, title=title
            )
        except SlackApiError as exc:
            log.debug("setting the thread title failed: %s", exc.response.get("error"))
