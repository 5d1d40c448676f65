"""Bolt listeners: payload -> typed model -> one service call in a thread -> Block Kit.

Every listener acknowledges first (events are acknowledged by Bolt before the
listener runs; commands and buttons call `ack()` on their first line), then does
the slow work; the service runs in worker threads so the event loop stays free.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.service import (
    ChatRequest,
    ChatService,
    NotAllowed,
    QuestionError,
    ReindexInProgress,
    Role,
    UploadError,
)
from bot.slack.admin import AdminCheck
from bot.slack.blocks import (
    FEEDBACK_UP,
    Message,
    escape,
    notice,
    plain,
    render_answer,
    render_quotes,
    render_sources,
    render_stats,
    usage,
)
from bot.slack.events import SeenEvents
from bot.slack.files import download
from bot.slack.models import ButtonPress, ChatMessage, SlashCommand, parse_message
from bot.slack.progress import ProgressThread

log = logging.getLogger(__name__)

PLATFORM = "slack"
DEFAULT_COMMAND = "/kenya"
SUB_COMMANDS = ("ask", "summary", "sources", "reindex", "help")
FAILED = "Sorry, something went wrong on my side. Please try again in a minute."


class SlackListeners:
    """The adapter's listeners; `register()` attaches them to an AsyncApp."""

    def __init__(
        self, service: ChatService, admins: AdminCheck, *, bot_token: str, api_url: str
    ) -> None:
        self.service = service
        self.admins = admins
        self.seen = SeenEvents()
        self._bot_token = bot_token
        self._api_url = api_url

    async def _role(self, user: str) -> Role:
        return "admin" if await self.admins.is_admin(user) else "user"

    # Events ------------------------------------------------------------------
    async def on_mention(self, body: dict[str, Any], client: AsyncWebClient) -> None:
        """@bot in a channel: answer in a thread under the question (or in its thread)."""
        msg = parse_message(body)
        if msg is None or msg.is_dm or not self.seen.first(msg.event_id):
            return  # a DM mention arrives as message.im too and is answered there
        # The thread is a conversation from now on, even if this question is refused.
        self.service.start_conversation(msg.conversation)
        await self._answer(client, msg, thread_ts=msg.reply_thread)

    async def on_message(
        self, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        """DMs, files shared in DMs, and follow-ups in threads the bot answered in."""
        msg = parse_message(body)
        if msg is None or msg.user == context.bot_user_id:
            return
        if msg.is_dm:
            if not self.seen.first(msg.event_id):
                return
            if msg.files:
                await self._upload(client, msg)
            else:
                await self._answer(client, msg, thread_ts=msg.thread_ts)
            return
        if (
            msg.files
            or not msg.thread_ts
            or msg.mentions(context.bot_user_id)  # answered as an app_mention
            or not self.service.in_conversation(msg.conversation)
            or not self.seen.first(msg.event_id)
        ):
            return
        await self._answer(client, msg, thread_ts=msg.thread_ts)

    async def _answer(
        self, client: AsyncWebClient, msg: ChatMessage, *, thread_ts: str | None
    ) -> None:
        try:
            request = ChatRequest(PLATFORM, msg.user, msg.question, msg.conversation)
            result = await asyncio.to_thread(self.service.ask, request)
            message = render_answer(result.answer, result.answer_id, DEFAULT_COMMAND)
        except QuestionError as exc:  # empty, too long, or rate limited
            message = plain(str(exc))
        except Exception:
            log.exception("answering a Slack message failed")
            message = notice(FAILED)
        await client.chat_postMessage(
            channel=msg.channel, thread_ts=thread_ts, **message.post_args()
        )

    async def _upload(self, client: AsyncWebClient, msg: ChatMessage) -> None:
        async def reply(message: Message) -> None:
            await client.chat_postMessage(
                channel=msg.channel, thread_ts=msg.ts, **message.post_args()
            )

        request = ChatRequest(PLATFORM, msg.user, role=await self._role(msg.user))
        if request.role != "admin":
            await reply(notice("Only admins can add documents. Ask one to upload it for you."))
            return
        loop = asyncio.get_running_loop()
        for shared in msg.files:
            progress = ProgressThread(client, msg.channel, thread_ts=msg.ts)
            try:
                self.service.check_upload(request, shared.name, shared.size)  # before download
                data = await download(
                    shared.url,
                    self._bot_token,
                    self.service.max_upload_bytes,
                    api_url=self._api_url,
                )
                stored, stats = await asyncio.to_thread(
                    self.service.add_upload, request, shared.name, data, progress.callback(loop)
                )
            except (UploadError, ReindexInProgress, NotAllowed) as exc:
                await reply(plain(f"{shared.name}: {exc}"))
                continue
            except Exception:
                log.exception("adding an uploaded file failed")
                await reply(notice(FAILED))
                continue
            await progress.flush()
            await reply(
                notice(f"Added `{escape(stored.path.name)}` to the corpus.\n{render_stats(stats)}")
            )

    # The slash command -------------------------------------------------------
    async def on_command(
        self,
        ack: AsyncAck,
        command: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
    ) -> None:
        """`/kenya ask|summary|sources|reindex|help`; anything else gets the usage."""
        cmd = SlashCommand.parse(command)
        if cmd.sub not in SUB_COMMANDS or cmd.sub == "help":
            unknown = cmd.sub if cmd.sub not in ("", "help") else None
            help_message = usage(cmd.command, unknown=unknown)
            await ack(text=help_message.text, blocks=help_message.blocks)
            return
        await ack()
        try:
            request = ChatRequest(PLATFORM, cmd.user, cmd.argument)
            if cmd.sub == "ask":
                result = await asyncio.to_thread(self.service.ask, request)
                message = render_answer(result.answer, result.answer_id, cmd.command)
                await respond(response_type="in_channel", **message.post_args())
            elif cmd.sub == "summary":
                answer = await asyncio.to_thread(self.service.summarize, request)
                message = render_answer(answer, None, cmd.command)
                await respond(response_type="in_channel", **message.post_args())
            elif cmd.sub == "sources":
                sources = await asyncio.to_thread(self.service.sources, request)
                await respond(
                    response_type="ephemeral",
                    **render_sources(sources, cmd.command).post_args(),
                )
            else:
                await self._reindex(client, respond, cmd)
        except QuestionError as exc:
            await respond(response_type="ephemeral", **plain(str(exc)).post_args())
        except Exception:
            log.exception("the %s %s command failed", cmd.command, cmd.sub)
            await respond(response_type="ephemeral", **notice(FAILED).post_args())

    async def _reindex(
        self, client: AsyncWebClient, respond: AsyncRespond, cmd: SlashCommand
    ) -> None:
        request = ChatRequest(PLATFORM, cmd.user, role=await self._role(cmd.user))
        if request.role != "admin":
            refusal = notice(
                "Only admins can re-index (users in BOT_SLACK_ADMINS, workspace admins and "
                "owners). Nothing was changed."
            )
            await respond(response_type="ephemeral", **refusal.post_args())
            return
        if self.service.reindex_running:
            busy = "Not started: a re-index is already running; try again when it finishes."
            await respond(response_type="ephemeral", **plain(busy).post_args())
            return
        progress = ProgressThread(client, cmd.channel, fallback=respond)
        try:
            stats = await asyncio.to_thread(
                self.service.reindex, request, progress.callback(asyncio.get_running_loop())
            )
        except ReindexInProgress as exc:
            await progress.flush()
            await respond(response_type="ephemeral", **plain(f"Not started: {exc}.").post_args())
            return
        except Exception as exc:
            log.exception("re-index failed")
            await progress.flush()
            await progress.post(f"Re-index failed: {escape(str(exc)[:500])}")
            return
        await progress.flush()
        await progress.post(render_stats(stats))

    # Buttons -----------------------------------------------------------------
    async def on_show_quotes(
        self, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond
    ) -> None:
        """Reveal the exact quoted passages, to the person who asked to see them."""
        await ack()
        press = ButtonPress.parse(body)
        answer = None
        if press.answer_id is not None:
            answer = await asyncio.to_thread(self.service.stored_answer, press.answer_id)
        message = render_quotes(answer) if answer else notice("That answer is no longer stored.")
        await respond(response_type="ephemeral", replace_original=False, **message.post_args())

    async def on_feedback(self, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        """👍/👎: stored with the question, answer and user by the service."""
        await ack()
        press = ButtonPress.parse(body)
        vote = 1 if press.action == FEEDBACK_UP else -1
        stored = press.answer_id is not None and await asyncio.to_thread(
            self.service.vote, press.answer_id, press.user, vote
        )
        text = (
            f"Thanks, your {'👍' if vote > 0 else '👎'} is recorded."
            if stored
            else "That answer is no longer stored, so the vote was not recorded."
        )
        await respond(response_type="ephemeral", replace_original=False, **notice(text).post_args())
