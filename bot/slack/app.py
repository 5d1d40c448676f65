"""The Bolt AsyncApp: Web API client (rate-limit retries), request verification, listeners."""

from __future__ import annotations

import re

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.core import BotCore
from bot.slack.admin import AdminCheck
from bot.slack.blocks import FEEDBACK_DOWN, FEEDBACK_UP, SHOW_QUOTES
from bot.slack.listeners import SlackListeners
from config import Settings


def build_client(settings: Settings) -> AsyncWebClient:
    """A Web API client on SLACK_API_URL that waits out 429s (Retry-After) instead of failing."""
    if settings.slack_bot_token is None:
        raise ValueError("SLACK_BOT_TOKEN is not set")
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=5),
        ],
    )


def build_app(core: BotCore, settings: Settings) -> AsyncApp:
    """The bot's AsyncApp; signed-request verification is on (Socket Mode skips it)."""
    client = build_client(settings)
    secret = settings.slack_signing_secret
    app = AsyncApp(
        client=client,
        signing_secret=secret.get_secret_value() if secret else "",
        name="kenya-qa-bot",
    )
    listeners = SlackListeners(
        core,
        AdminCheck(client, settings.slack_admins),
        bot_token=client.token or "",
        api_url=settings.slack_api_url,
    )
    app.event("app_mention")(listeners.on_mention)
    app.event("message")(listeners.on_message)
    # Any command name the manifest gives routes here; messages use the name Slack sends.
    app.command(re.compile(r"^/"))(listeners.on_command)
    app.action(SHOW_QUOTES)(listeners.on_show_quotes)
    app.action(re.compile(f"^({FEEDBACK_UP}|{FEEDBACK_DOWN})$"))(listeners.on_feedback)
    return app
