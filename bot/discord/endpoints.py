"""Point discord.py at a Discord-compatible server (DISCORD_API_URL, DISCORD_GATEWAY_URL).

discord.py keeps both addresses as class attributes (`Route.BASE` for REST and
webhooks, `DiscordWebSocket.DEFAULT_GATEWAY` for the gateway), so the override is
process-wide; it is undone when the context exits.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

API_VERSION = "v10"


def rest_base(api_url: str) -> str:
    """`http://host:port` or `http://host:port/api/v10` -> the REST base with the version."""
    url = api_url.rstrip("/")
    return url if re.search(r"/api/v\d+$", url) else f"{url}/api/{API_VERSION}"


@contextmanager
def discord_endpoints(api_url: str | None, gateway_url: str | None) -> Iterator[None]:
    old_base, old_gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    if api_url:
        Route.BASE = rest_base(api_url)
    if gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = old_base, old_gateway
