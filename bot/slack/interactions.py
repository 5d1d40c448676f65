"""Buttons under answers and the "Ask about this message" shortcut.

Each listener calls `ack()` on its first line (the modal's submission after a fast
check, so that a refused question shows in the modal), then does the slow work.
Answers a click asks for go where the clicked answer is: a public answer's follow-up
in its thread, a private (ephemeral) answer's follow-up privately again.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.service import ChatRequest, ChatService, QuestionError
from bot.slack.answering import FAILED, PLATFORM, Answering, HistorySource, fixed
from bot.slack.blocks import (
    FEEDBACK_UP,
    MAX_CONTEXT_CHARS,
    notice,
    plain,
    render_answer,
    render_quotes,
    shorten,
)
from bot.slack.history import BotIdentity, SlackHistory, identity
from bot.slack.modal import QUESTION_BLOCK, QUESTION_INPUT, ask_about_view
from bot.slack.models import (
    AskSubmission,
    ButtonPress,
    FollowupPress,
    MessageRef,
    MessageShortcut,
)
from bot.slack.reply import Reply
from retrieval.models import Turn

log = logging.getLogger(__name__)

GONE = "That answer is no longer stored."
CANNOT_READ = (
    "I can't read that message, so I can't answer about it. If it is in a channel I'm "
    "not in, invite me to the channel and try again."
)


class Interactions:
    """Show quotes, 👍/👎, Share in channel, suggested follow-ups, and the shortcut."""

    def __init__(self, service: ChatService, history: SlackHistory) -> None:
        self.service = service
        self.history = history
        self.answering = Answering(service)

    # Answer buttons ----------------------------------------------------------
    async def on_show_quotes(
        self, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond
    ) -> None:
        """Reveal the exact quoted passages, to the person who asked to see them."""
        await ack()
        press = ButtonPress.parse(body)
        answer = None
        if press.answer_id is not None:
            answer = await asyncio.to_thread(self.service.stored_answer, press.answer_id)
        message = render_quotes(answer) if answer else notice(GONE)
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

    async def on_share(self, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        """Share in channel: the private answer posted publicly, "Shared by" the clicker;
        the private copy is removed."""
        await ack()
        press = ButtonPress.parse(body)
        answer = None
        if press.answer_id is not None:
            answer = await asyncio.to_thread(self.service.stored_answer, press.answer_id)
        if press.answer_id is None or answer is None:
            await respond(
                response_type="ephemeral", replace_original=False, **notice(GONE).post_args()
            )
            return
        followups = await asyncio.to_thread(self.service.followups, press.answer_id)
        message = render_answer(answer, press.answer_id, followups=followups, shared_by=press.user)
        await respond(response_type="in_channel", replace_original=False, **message.post_args())
        await respond(delete_original=True)

    async def on_followup(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        """A suggested follow-up, asked for the clicker where the clicked answer is."""
        await ack()
        press = FollowupPress.parse(body)
        question = None
        if press is not None:
            question = await asyncio.to_thread(
                self.service.followup_question, press.answer_id, press.index
            )
        if press is None or question is None:
            gone = notice("That suggestion is no longer available.")
            await respond(response_type="ephemeral", replace_original=False, **gone.post_args())
            return
        if press.private:
            await self._private_followup(press.user, press.answer_id, question, respond)
            return
        me = identity(context)
        if press.thread_ts is None and press.channel.startswith("D"):
            # Under a top-level DM answer: the conversation is the DM itself.
            key = f"slack:{press.channel}"
            reply = Reply(
                client, press.channel, thread_ts=None, status_ts=press.message_ts, fallback=respond
            )
            history = self._recent_dm(client, press.channel, me)
        else:
            thread = press.thread_ts or press.message_ts
            key = f"slack:{press.channel}:{thread}"
            self.service.start_conversation(key)
            reply = Reply(client, press.channel, thread_ts=thread, fallback=respond)
            history = self._thread(client, press.channel, thread, me)
        request = ChatRequest(PLATFORM, press.user, question, key)
        await self.answering.answer(reply, request, history, asked_by=press.user)

    async def _private_followup(
        self, user: str, answer_id: int, question: str, respond: AsyncRespond
    ) -> None:
        """Under an ephemeral answer there is no thread to read: the clicked answer is
        the conversation so far, and the follow-up's answer is private too."""
        previous = await asyncio.to_thread(self.service.stored_answer, answer_id)
        turns = (Turn(previous.question, previous.answer),) if previous else ()
        request = ChatRequest(PLATFORM, user, question, history=turns)
        try:
            result = await asyncio.to_thread(self.service.ask, request)
            message = render_answer(
                result.answer, result.answer_id, followups=result.followups, private=True
            )
        except QuestionError as exc:
            message = plain(str(exc))
        except Exception:
            log.exception("answering a follow-up failed")
            message = notice(FAILED)
        await respond(response_type="ephemeral", replace_original=False, **message.post_args())

    def _thread(
        self, client: AsyncWebClient, channel: str, thread_ts: str, me: BotIdentity
    ) -> HistorySource:
        async def read() -> tuple[Turn, ...]:
            return (await self.history.thread(client, channel, thread_ts, me)).turns

        return read

    def _recent_dm(self, client: AsyncWebClient, channel: str, me: BotIdentity) -> HistorySource:
        async def read() -> tuple[Turn, ...]:
            now = f"{time.time():.6f}"
            return (await self.history.recent_dm(client, channel, me, before=now)).turns

        return read

    # Ask about this message --------------------------------------------------
    async def on_shortcut(
        self, ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        """The message shortcut: a modal with the message's preview and a question box."""
        await ack()
        shortcut = MessageShortcut.parse(body)
        if shortcut is None or not shortcut.trigger_id:
            return
        view = ask_about_view(shortcut, self.service.max_question_chars)
        try:
            await client.views_open(trigger_id=shortcut.trigger_id, view=view)
        except SlackApiError as exc:
            log.warning("opening the ask-about-message modal failed: %s", exc.response.get("error"))

    async def on_submission(
        self,
        ack: AsyncAck,
        body: dict[str, Any],
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        """The modal, submitted: answer in the message's thread. A typed question is
        asked with the message as its context; without one the message is the question."""
        submission = AskSubmission.parse(body, QUESTION_BLOCK, QUESTION_INPUT)
        ref = submission.message
        if ref is None:
            await ack()
            return
        if submission.question:
            try:  # refused questions are shown in the modal, which stays open
                self.service.check(ChatRequest(PLATFORM, submission.user, submission.question))
            except QuestionError as exc:
                errors = {QUESTION_BLOCK: shorten(str(exc), 150)}
                await ack(response_action="errors", errors=errors)
                return
        await ack()
        text = await self.history.message_text(client, ref.channel, ref.ts, ref.thread_ts)
        if text is None:
            await self._tell(client, submission.user, ref, CANNOT_READ)
            return
        if submission.question:
            request = ChatRequest(PLATFORM, submission.user, submission.question, ref.conversation)
            turns: tuple[Turn, ...] = (Turn(text),)
        else:
            request = ChatRequest(PLATFORM, submission.user, text, ref.conversation)
            turns = ()
            try:
                self.service.check(request)
            except QuestionError as exc:
                await self._tell(client, submission.user, ref, str(exc))
                return
        self.service.start_conversation(ref.conversation)

        async def to_dm(**message: Any) -> None:  # the bot may not post in the channel
            message.pop("response_type", None)
            message.pop("replace_original", None)
            try:
                await client.chat_postMessage(channel=submission.user, **message)
            except SlackApiError as exc:
                log.warning("sending the answer by DM failed: %s", exc.response.get("error"))

        reply = Reply(client, ref.channel, thread_ts=ref.reply_thread, fallback=to_dm)
        await self.answering.answer(
            reply, request, fixed(turns), checked=True, asked_by=submission.user
        )

    async def _tell(self, client: AsyncWebClient, user: str, ref: MessageRef, text: str) -> None:
        """A private word to `user`: ephemeral in the message's thread, else in a DM."""
        message = plain(shorten(text, MAX_CONTEXT_CHARS)).post_args()
        try:
            await client.chat_postEphemeral(
                channel=ref.channel, user=user, thread_ts=ref.thread_ts, **message
            )
            return
        except SlackApiError as exc:
            log.info("ephemeral reply refused (%s); sending a DM", exc.response.get("error"))
        try:
            await client.chat_postMessage(channel=user, **message)
        except SlackApiError as exc:
            log.warning("telling a user privately failed: %s", exc.response.get("error"))
