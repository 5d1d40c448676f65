"""The weekly digest of unanswered questions, posted to an admin channel.

When each channel's digest was last posted lives in the bot's state file, and a post is
claimed there before it is made: one UPDATE that succeeds only while the last post is at
least a period old. So a restart, or a second replica sharing the state file, never
posts the same week twice. A week with nothing to report posts nothing but still counts
as done (the next check is a week later, not every hour); a post that fails gives the
claim back, so the next check tries again.

The first check after a channel is configured posts at once (the last seven days), so a
wrong channel shows up on the day it is set, not a week later.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from bot.service import ChatRequest
from bot.statedb import Clock, open_state_db

if TYPE_CHECKING:
    from bot.gap_report import GapsReport
    from bot.service import ChatService

log = logging.getLogger(__name__)

WEEK = 7 * 24 * 3600.0
CHECK_EVERY = 3600.0
# Who asks for the report the digest posts: the schedule, acting for the admins who
# chose the channel (BOT_*_ADMIN_CHANNEL).
DIGEST = ChatRequest("digest", "weekly-digest", role="admin")


@dataclass(frozen=True)
class Claim:
    """The right to post one channel's digest, taken at `at`."""

    channel: str
    at: float
    previous: float | None  # the last post before this claim; None for the first


class DigestSchedule:
    """Per-channel "last posted" times in the state file, claimed atomically."""

    def __init__(self, path: Path, *, period: float = WEEK) -> None:
        self.period = period
        self._db = open_state_db(
            path,
            """CREATE TABLE IF NOT EXISTS digests (
                    channel TEXT PRIMARY KEY, last_posted REAL NOT NULL)""",
        )
        self._lock = threading.Lock()

    def last_posted(self, channel: str) -> float | None:
        with self._lock:
            row = self._db.execute(
                "SELECT last_posted FROM digests WHERE channel = ?", (channel,)
            ).fetchone()
        return float(row[0]) if row else None

    def due(self, channel: str, now: float) -> bool:
        """Whether the channel's digest should be posted at `now`."""
        last = self.last_posted(channel)
        return last is None or last <= now - self.period

    def claim(self, channel: str, now: float) -> Claim | None:
        """Take the channel's digest for `now` if it is due; None when it is not (posted
        less than a period ago, by this process or another)."""
        with self._lock:
            previous = self._db.execute(
                "SELECT last_posted FROM digests WHERE channel = ?", (channel,)
            ).fetchone()
            # One statement: of two processes racing, only one changes the row.
            changed = self._db.execute(
                "INSERT INTO digests (channel, last_posted) VALUES (?, ?)"
                " ON CONFLICT(channel) DO UPDATE SET last_posted = excluded.last_posted"
                " WHERE digests.last_posted <= ?",
                (channel, now, now - self.period),
            ).rowcount
        if changed != 1:
            return None
        return Claim(channel, now, float(previous[0]) if previous else None)

    def release(self, claim: Claim) -> bool:
        """Give a claim back (the post failed): the digest is due again, unless someone
        claimed it since. Whether it was given back."""
        with self._lock:
            if claim.previous is None:
                cur = self._db.execute(
                    "DELETE FROM digests WHERE channel = ? AND last_posted = ?",
                    (claim.channel, claim.at),
                )
            else:
                cur = self._db.execute(
                    "UPDATE digests SET last_posted = ? WHERE channel = ? AND last_posted = ?",
                    (claim.previous, claim.channel, claim.at),
                )
        return cur.rowcount == 1


Post = Callable[["GapsReport"], Awaitable[None]]
Sleep = Callable[[float], Awaitable[None]]


async def post_digest_if_due(service: ChatService, post: Post, channel: str, now: float) -> bool:
    """Post the channel's digest if it is due and the report is not empty; whether a
    post was made. A failing `post` is logged and the claim given back."""
    claim = await asyncio.to_thread(service.claim_digest, channel, now)
    if claim is None:
        return False
    try:
        report = await asyncio.to_thread(service.gaps, DIGEST, 7)
        if report.empty:
            log.info("digest for %s: nothing to report this week", channel)
            return False
        await post(report)
    except asyncio.CancelledError:
        await asyncio.to_thread(service.release_digest, claim)
        raise
    except Exception:
        log.exception("digest for %s could not be posted; trying again later", channel)
        await asyncio.to_thread(service.release_digest, claim)
        return False
    log.info("digest for %s posted: %d questions", channel, report.questions)
    return True


async def run_digest(
    service: ChatService,
    post: Post,
    channel_key: str,
    *,
    check_every: float = CHECK_EVERY,
    clock: Clock = time.time,
    sleep: Sleep = asyncio.sleep,
) -> None:
    """Check every `check_every` seconds whether the digest for `channel_key` (such as
    "slack:C0123ABCD") is due, and post it with `post` when it is. Runs until cancelled;
    adapters start it as a task beside their client."""
    while True:
        try:
            await post_digest_if_due(service, post, channel_key, clock())
        except asyncio.CancelledError:
            raise
        except Exception:  # the state file locked or unreadable: one bad hour, not the end
            log.exception("digest check for %s failed; trying again later", channel_key)
        await sleep(check_every)
