"""The one way a question becomes a posted answer, whichever listener it came from.

Check (length, rate limit) -> show progress -> read the conversation from Slack ->
one service call in a worker thread -> render -> post (or replace the placeholder).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable

from bot.service import ChatRequest, ChatService, QuestionError
from bot.slack.blocks import notice, plain, render_answer
from bot.slack.reply import Reply
from retrieval.models import Turn

log = logging.getLogger(__name__)

PLATFORM = "slack"
DEFAULT_COMMAND = "/kenya"
FAILED = "Sorry, something went wrong on my side. Please try again in a minute."

# Reads the earlier turns (from Slack) once progress is showing.
HistorySource = Callable[[], Awaitable[tuple[Turn, ...]]]


def fixed(turns: tuple[Turn, ...] = ()) -> HistorySource:
    """A history known already (read before deciding to answer, or given by the user)."""

    async def source() -> tuple[Turn, ...]:
        return turns

    return source


class Answering:
    """Questions from mentions, DMs, threads, follow-up buttons and the shortcut."""

    def __init__(self, service: ChatService, command: str = DEFAULT_COMMAND) -> None:
        self.service = service
        self.command = command

    async def answer(
        self,
        reply: Reply,
        request: ChatRequest,
        history: HistorySource | None = None,
        *,
        checked: bool = False,
        asked_by: str | None = None,
    ) -> None:
        """Answer `request` at `reply`. A refused question (empty, too long, rate
        limited) is said at once, without the "looking" status; `checked`: the caller
        ran `service.check()` already. `asked_by` attributes the question in the post."""
        if not checked:
            try:
                self.service.check(request)
            except QuestionError as exc:
                await reply.finish(plain(str(exc)))
                return
        await reply.start()
        try:
            turns = await history() if history is not None else ()
            result = await asyncio.to_thread(
                self.service.ask, dataclasses.replace(request, history=turns), checked=True
            )
            message = render_answer(
                result.answer,
                result.answer_id,
                self.command,
                followups=result.followups,
                asked_by=asked_by,
            )
        except QuestionError as exc:
            message = plain(str(exc))
        except Exception:
            log.exception("answering a Slack message failed")
            message = notice(FAILED)
        await reply.finish(message)
