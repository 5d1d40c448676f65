"""The Bolt AsyncApp: Web API client (rate-limit retries), request verification, listeners
(messages, the slash command, buttons, the message shortcut, the assistant view)."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.service import ChatService
from bot.slack.admin import AdminCheck
from bot.slack.assistant import AssistantView
from bot.slack.blocks import FEEDBACK_DOWN, FEEDBACK_UP, FOLLOWUP_ACTIONS, SHARE, SHOW_QUOTES
from bot.slack.history import SlackHistory
from bot.slack.interactions import Interactions
from bot.slack.listeners import SlackListeners
from bot.slack.modal import ASK_ABOUT_MESSAGE, ASK_VIEW


@dataclass(frozen=True)
class SlackConfig:
    """What the adapter needs to know (built from the settings by `bot.wiring`).
    The secrets are plain strings here: this object is never logged."""

    bot_token: str
    signing_secret: str = ""
    app_token: str = ""  # set: Socket Mode; empty: HTTP mode (needs signing_secret)
    api_url: str = "https://slack.com/api/"
    admins: frozenset[str] = frozenset()
    admin_channel: str | None = None  # the weekly digest goes here; None: no digest
    digest_check_every: float = 3600.0  # seconds between "is the digest due?" checks
    retention_days: int = 90  # how long unanswered questions are kept (the help says)


def quiet_payload_logs(*, verbatim: bool) -> logging.Logger:
    """At DEBUG (`-v`) Bolt and the Slack SDK log whole payloads (questions) and request
    bodies (answers, which may repeat them); their loggers stay at INFO unless
    BOT_LOG_QUESTIONS is on (`verbatim`). Returns the app's logger: Bolt copies its
    level to every logger it makes (without one, it copies the root logger's)."""
    level = logging.NOTSET if verbatim else logging.INFO
    for name in ("slack_bolt", "slack_sdk"):
        logging.getLogger(name).setLevel(level)
    app_logger = logging.getLogger("slack_bolt.AsyncApp")
    app_logger.setLevel(level)
    return app_logger


def build_client(config: SlackConfig) -> AsyncWebClient:
    """A Web API client on the configured API URL that waits out 429s (Retry-After)."""
    return AsyncWebClient(
        token=config.bot_token,
        base_url=config.api_url,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=5),
        ],
    )


def build_app(service: ChatService, client: AsyncWebClient, config: SlackConfig) -> AsyncApp:
    """The bot's AsyncApp; signed-request verification is on (Socket Mode skips it)."""
    logger = quiet_payload_logs(verbatim=service.log_questions)
    app = AsyncApp(
        client=client, signing_secret=config.signing_secret, name="kenya-qa-bot", logger=logger
    )
    history = SlackHistory()
    assistant = AssistantView(service)
    listeners = SlackListeners(
        service,
        AdminCheck(client, config.admins),
        bot_token=config.bot_token,
        api_url=config.api_url,
        history=history,
        assistant=assistant,
        retention_days=config.retention_days,
    )
    interactions = Interactions(service, history)
    app.event("app_mention")(listeners.on_mention)
    app.event("message")(listeners.on_message)
    app.event("assistant_thread_started")(assistant.on_thread_started)
    app.event("assistant_thread_context_changed")(assistant.on_context_changed)
    # Any command name the manifest gives routes here; messages use the name Slack sends.
    app.command(re.compile(r"^/"))(listeners.on_command)
    app.action(SHOW_QUOTES)(interactions.on_show_quotes)
    app.action(re.compile(f"^({FEEDBACK_UP}|{FEEDBACK_DOWN})$"))(interactions.on_feedback)
    app.action(SHARE)(interactions.on_share)
    app.action(FOLLOWUP_ACTIONS)(interactions.on_followup)
    app.shortcut(ASK_ABOUT_MESSAGE)(interactions.on_shortcut)
    app.view(ASK_VIEW)(interactions.on_submission)
    return app
