"""The admin loop's sub-commands: `/kenya gaps [days]` (the questions the documents did
not answer) and `/kenya add <url>` (a web page into the corpus).

Both answer only the person who typed them (ephemeral), so question text is shown to
admins alone. The role comes from `AdminCheck`; the service enforces it (a refused
`add` is audited there) and the adapter words the refusal.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable
from concurrent.futures import Future

from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.service import (
    ChatRequest,
    ChatService,
    FetchError,
    NotAllowed,
    ReindexInProgress,
    Role,
)
from bot.slack.admin import AdminCheck
from bot.slack.admin_blocks import (
    DEFAULT_DAYS,
    MAX_DAYS,
    add_usage,
    gaps_usage,
    render_added_page,
    render_gaps,
)
from bot.slack.answering import PLATFORM
from bot.slack.blocks import Message, escape, notice, plain, shorten
from bot.slack.models import SlashCommand, command_url

log = logging.getLogger(__name__)

ADMINS = "users in BOT_SLACK_ADMINS, workspace admins and owners"
_DAYS = re.compile(r"^(\d{1,6})\s*(?:d|days?)?$", re.IGNORECASE)


def parse_days(argument: str) -> int | None:
    """The report's window from what was typed ("", "30", "30d", "30 days"); None when
    it is not a whole number from 1 to MAX_DAYS."""
    if not argument.strip():
        return DEFAULT_DAYS
    match = _DAYS.match(argument.strip())
    if match is None:
        return None
    days = int(match.group(1))
    return days if 1 <= days <= MAX_DAYS else None


class AddProgress:
    """Tells the admin, once, that the page was fetched and is being indexed (the
    indexer's first progress call); safe to call from the worker thread."""

    def __init__(self, respond: AsyncRespond, loop: asyncio.AbstractEventLoop) -> None:
        self._respond = respond
        self._loop = loop
        self._sent: Future[None] | None = None

    def callback(self) -> Callable[[str, int, int], None]:
        def progress(stage: str, done: int, total: int) -> None:
            if self._sent is None:
                message = notice("Page fetched; indexing it…")
                self._sent = asyncio.run_coroutine_threadsafe(
                    _ephemeral(self._respond, message), self._loop
                )

        return progress

    async def flush(self) -> None:
        """Wait for the notice, so that the result arrives after it."""
        if self._sent is not None:
            try:
                await asyncio.wrap_future(self._sent)
            except Exception:
                log.exception("the add progress notice failed")


async def _ephemeral(respond: AsyncRespond, message: Message) -> None:
    await respond(response_type="ephemeral", **message.post_args())


class AdminLoopCommands:
    """`gaps` and `add`, called by the slash-command listener after it acknowledged."""

    def __init__(self, service: ChatService, admins: AdminCheck) -> None:
        self.service = service
        self.admins = admins

    async def _request(self, user: str) -> ChatRequest:
        role: Role = "admin" if await self.admins.is_admin(user) else "user"
        return ChatRequest(PLATFORM, user, role=role)

    async def gaps(self, cmd: SlashCommand, respond: AsyncRespond) -> None:
        """The grouped report of the last N days, or usage for a bad N."""
        days = parse_days(cmd.argument)
        if days is None:
            await _ephemeral(respond, gaps_usage(cmd.command, cmd.argument))
            return
        request = await self._request(cmd.user)
        try:
            report = await asyncio.to_thread(self.service.gaps, request, days)
        except NotAllowed:
            refusal = f"Only admins can see the questions I could not answer ({ADMINS})."
            await _ephemeral(respond, notice(refusal))
            return
        except ValueError:
            await _ephemeral(respond, gaps_usage(cmd.command, cmd.argument))
            return
        await _ephemeral(respond, render_gaps(report, cmd.command))

    async def add(self, cmd: SlashCommand, respond: AsyncRespond) -> None:
        """Fetch, store and index a web page; one line when it is refused."""
        url = command_url(cmd.argument)
        if not url:
            await _ephemeral(respond, add_usage(cmd.command))
            return
        request = await self._request(cmd.user)
        progress = AddProgress(respond, asyncio.get_running_loop())
        if request.role == "admin":
            shown = escape(shorten(url, 300)).replace("`", "'")
            await _ephemeral(respond, notice(f"Fetching `{shown}`…"))
        try:
            added = await asyncio.to_thread(self.service.add_url, request, url, progress.callback())
        except NotAllowed:
            refusal = f"Only admins can add web pages ({ADMINS}). Nothing was added."
            await _ephemeral(respond, notice(refusal))
            return
        except (FetchError, ReindexInProgress) as exc:
            await progress.flush()
            reason = " ".join(str(exc).split()).rstrip(".")
            await _ephemeral(respond, plain(f"Not added: {reason}."))
            return
        await progress.flush()
        await _ephemeral(respond, render_added_page(added, cmd.command))
