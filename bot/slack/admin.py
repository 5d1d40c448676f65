"""Who may re-index, upload, add web pages and see the unanswered questions:
BOT_SLACK_ADMINS, or workspace admins and owners."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)


class AdminCheck:
    """Listed IDs are admins; anyone else is asked about with `users.info` (cached briefly)."""

    def __init__(
        self, client: AsyncWebClient, admins: Iterable[str], *, cache_seconds: float = 300.0
    ) -> None:
        self._client = client
        self._admins = frozenset(admins)
        self._cache_seconds = cache_seconds
        self._cache: dict[str, tuple[float, bool]] = {}

    async def is_admin(self, user: str) -> bool:
        """True for listed users and workspace admins/owners; False when Slack can't say."""
        if user in self._admins:
            return True
        cached = self._cache.get(user)
        if cached and time.monotonic() - cached[0] < self._cache_seconds:
            return cached[1]
        try:
            response = await self._client.users_info(user=user)
        except SlackApiError as exc:
            log.warning("users.info failed for %s: %s", user, exc.response.get("error"))
            return False
        info = response.get("user") or {}
        allowed = bool(
            info.get("is_admin") or info.get("is_owner") or info.get("is_primary_owner")
        ) and not info.get("is_bot")
        self._cache[user] = (time.monotonic(), allowed)
        return allowed
