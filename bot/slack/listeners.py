"""Bolt listeners for messages and the slash command: payload -> typed model -> one
service call in a thread -> Block Kit.

Every listener acknowledges first (events are acknowledged by Bolt before the
listener runs; commands call `ack()` on their first line), then does the slow work;
the service runs in worker threads so the event loop stays free. Conversation
history comes from Slack (`SlackHistory`), so threads keep their context after a
restart; buttons and the message shortcut live in `interactions`.
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
from bot.slack.admin_commands import AdminLoopCommands
from bot.slack.answering import FAILED, PLATFORM, Answering, HistorySource, fixed
from bot.slack.assistant import AssistantView
from bot.slack.blocks import (
    Message,
    escape,
    notice,
    plain,
    render_answer,
    render_sources,
    render_stats,
    usage,
)
from bot.slack.events import SeenEvents
from bot.slack.files import download
from bot.slack.history import BotIdentity, History, QuietThreads, SlackHistory, identity
from bot.slack.models import ChatMessage, SlashCommand, parse_message
from bot.slack.progress import ProgressThread
from bot.slack.reply import Reply
from retrieval.models import Turn

log = logging.getLogger(__name__)

SUB_COMMANDS = ("ask", "summary", "sources", "gaps", "add", "reindex", "help")


class SlackListeners:
    """Mentions, DMs, thread follow-ups and `/kenya`; `build_app` attaches them."""

    def __init__(
        self,
        service: ChatService,
        admins: AdminCheck,
        *,
        bot_token: str,
        api_url: str,
        history: SlackHistory,
        assistant: AssistantView,
        retention_days: int = 90,
    ) -> None:
        self.service = service
        self.admins = admins
        self.admin_loop = AdminLoopCommands(service, admins)
        self.retention_days = retention_days
        self.history = history
        self.assistant = assistant
        self.answering = Answering(service)
        self.seen = SeenEvents()
        self.quiet = QuietThreads()
        self._reading: dict[str, asyncio.Future[History]] = {}
        self._bot_token = bot_token
        self._api_url = api_url

    async def _role(self, user: str) -> Role:
        return "admin" if await self.admins.is_admin(user) else "user"

    # Events ------------------------------------------------------------------
    async def on_mention(
        self, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        """@bot in a channel: answer in a thread under the question (or in its thread,
        with what the thread said so far as context)."""
        msg = parse_message(body)
        if msg is None or msg.is_dm or not self.seen.first(msg.event_id):
            return  # a DM mention arrives as message.im too and is answered there
        # The thread is a conversation from now on, even if this question is refused.
        self.service.start_conversation(msg.conversation)
        self.quiet.discard(msg.conversation)
        request = ChatRequest(PLATFORM, msg.user, msg.question, msg.conversation)
        reply = Reply(client, msg.channel, thread_ts=msg.reply_thread)
        history = self._thread_turns(client, msg, identity(context)) if msg.thread_ts else None
        await self.answering.answer(reply, request, history)

    async def on_message(
        self, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        """DMs (and conversations in the assistant view), files shared in DMs, and
        follow-ups in threads the bot takes part in."""
        msg = parse_message(body)
        if msg is None or msg.user == context.bot_user_id:
            return
        me = identity(context)
        if msg.is_dm:
            if not self.seen.first(msg.event_id):
                return
            if msg.files:
                await self._upload(client, msg)
            else:
                await self._answer_dm(client, msg, me)
            return
        if (
            msg.files
            or not msg.thread_ts
            or msg.mentions(context.bot_user_id)  # answered as an app_mention
            or not self.seen.first(msg.event_id)
        ):
            return
        history = None
        if not self.service.in_conversation(msg.conversation):
            # Not in this process's memory (a restart, another replica): Slack knows.
            if msg.conversation in self.quiet:
                return
            thread, own_read = await self._read_once(client, msg, me)
            if not thread.bot_took_part:
                self.quiet.add(msg.conversation)
                return
            self.service.start_conversation(msg.conversation)
            if own_read:  # read up to this very message: it is this answer's history
                history = fixed(thread.turns)
        request = ChatRequest(PLATFORM, msg.user, msg.question, msg.conversation)
        reply = Reply(client, msg.channel, thread_ts=msg.thread_ts)
        await self.answering.answer(reply, request, history or self._thread_turns(client, msg, me))

    async def _read_once(
        self, client: AsyncWebClient, msg: ChatMessage, me: BotIdentity
    ) -> tuple[History, bool]:
        """The thread read from Slack, once for messages arriving together (a busy
        thread); the flag says whether this call made the read."""
        key = msg.conversation
        reading = self._reading.get(key)
        if reading is not None:
            return await reading, False
        reading = asyncio.ensure_future(
            self.history.thread(client, msg.channel, msg.reply_thread, me, before=msg.ts)
        )
        self._reading[key] = reading
        try:
            return await reading, True
        finally:
            if self._reading.get(key) is reading:
                del self._reading[key]

    async def _answer_dm(self, client: AsyncWebClient, msg: ChatMessage, me: BotIdentity) -> None:
        request = ChatRequest(PLATFORM, msg.user, msg.question, msg.conversation)
        if msg.thread_ts:  # a DM thread; every conversation in the assistant view is one
            reply = Reply(client, msg.channel, thread_ts=msg.thread_ts)

            async def thread_history() -> tuple[Turn, ...]:
                thread = await self.history.thread(
                    client, msg.channel, str(msg.thread_ts), me, before=msg.ts
                )
                if not thread.has_question:  # the first question names the conversation
                    await self.assistant.set_title(client, msg.channel, str(msg.thread_ts), msg)
                return thread.turns

            await self.answering.answer(reply, request, thread_history)
            return
        # A top-level DM: the answer is top-level too; the status shows under the question.
        reply = Reply(client, msg.channel, thread_ts=None, status_ts=msg.ts)

        async def recent() -> tuple[Turn, ...]:
            dm = await self.history.recent_dm(client, msg.channel, me, before=msg.ts)
            return dm.turns

        await self.answering.answer(reply, request, recent)

    def _thread_turns(
        self, client: AsyncWebClient, msg: ChatMessage, me: BotIdentity
    ) -> HistorySource:
        """The thread's earlier messages as turns, read when the answer is being made."""

        async def read() -> tuple[Turn, ...]:
            thread = await self.history.thread(
                client, msg.channel, msg.reply_thread, me, before=msg.ts
            )
            return thread.turns

        return read

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
        """`/kenya ask|summary|sources|gaps|add|reindex|help`; anything else gets the usage."""
        cmd = SlashCommand.parse(command)
        if cmd.sub not in SUB_COMMANDS or cmd.sub == "help":
            unknown = cmd.sub if cmd.sub not in ("", "help") else None
            help_message = usage(cmd.command, unknown=unknown, kept_days=self.retention_days)
            await ack(text=help_message.text, blocks=help_message.blocks)
            return
        await ack()
        try:
            request = ChatRequest(PLATFORM, cmd.user, cmd.argument)
            if cmd.sub == "ask":  # private until shared
                result = await asyncio.to_thread(self.service.ask, request)
                message = render_answer(
                    result.answer,
                    result.answer_id,
                    cmd.command,
                    followups=result.followups,
                    private=True,
                )
                await respond(response_type="ephemeral", **message.post_args())
            elif cmd.sub == "summary":
                answer = await asyncio.to_thread(self.service.summarize, request)
                answer_id = await asyncio.to_thread(self.service.keep, request, answer)
                message = render_answer(answer, answer_id or None, cmd.command, private=True)
                await respond(response_type="ephemeral", **message.post_args())
            elif cmd.sub == "sources":
                sources = await asyncio.to_thread(self.service.sources, request)
                await respond(
                    response_type="ephemeral",
                    **render_sources(sources, cmd.command).post_args(),
                )
            elif cmd.sub == "gaps":
                await self.admin_loop.gaps(cmd, respond)
            elif cmd.sub == "add":
                await self.admin_loop.add(cmd, respond)
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
