"""Downloading a file shared with the bot (url_private needs the bot token)."""

from __future__ import annotations

from urllib.parse import urlparse

import aiohttp

from bot.uploads import UploadError

SLACK_FILE_HOSTS = ("slack.com", "slack-gov.com", "slack-edge.com")


def trusted_file_url(url: str, api_url: str) -> bool:
    """Only Slack's own hosts (or the configured API host) ever see the bot token."""
    parsed = urlparse(url)
    if parsed.scheme not in ("https", "http") or not parsed.hostname:
        return False
    host = parsed.hostname.lower()
    if host == (urlparse(api_url).hostname or "").lower():
        return True
    return parsed.scheme == "https" and any(
        host == h or host.endswith("." + h) for h in SLACK_FILE_HOSTS
    )


async def download(url: str, token: str, max_bytes: int, *, api_url: str) -> bytes:
    """The file's bytes. Raises UploadError for an untrusted URL, an HTTP error, or a file
    that turns out bigger than `max_bytes` (reading stops there)."""
    if not trusted_file_url(url, api_url):
        raise UploadError("I can't download that file (it is not on a Slack file host).")
    timeout = aiohttp.ClientTimeout(total=120)
    headers = {"Authorization": f"Bearer {token}"}
    async with (
        aiohttp.ClientSession(timeout=timeout) as session,
        session.get(url, headers=headers) as response,
    ):
        if response.status != 200:
            raise UploadError(f"Slack refused the download (HTTP {response.status}).")
        data = bytearray()
        async for chunk in response.content.iter_chunked(65536):
            data.extend(chunk)
            if len(data) > max_bytes:
                raise UploadError(f"That file is over the {max_bytes / 1e6:.0f} MB limit.")
        return bytes(data)
