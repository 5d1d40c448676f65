"""The weekly digest in the Slack admin channel (BOT_SLACK_ADMIN_CHANNEL): started beside
the app in HTTP and Socket Mode, posted once, nothing for an empty week, tried again
when Slack refuses the post, stopped with the app.

The digest checks every 50 ms here instead of hourly, so a test sees many checks."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any

from bot.digest import DigestSchedule
from bot.service import ChatRequest
from bot.slack.digest import TASK_NAME
from tests.bot.slack.conftest import RunningBot, new_service, slack_settings
from tests.bot.slack.helpers import assert_safe

CHANNEL = "C0ADMINS01"
KEY = f"slack:{CHANNEL}"
PERU = "What is the capital of Peru?"
HOSTILE = "Who won the <!channel> @here football cup in 2030?"
EVERY = 0.05


def unanswered(service: Any) -> None:
    for user, question in (("U1", PERU), ("U2", PERU), ("U3", HOSTILE)):
        assert service.ask(ChatRequest("slack", user, question)).answer.abstained


def schedule(tmp_path: Path) -> DigestSchedule:
    """The digest schedule as another process sharing the state file sees it."""
    return DigestSchedule(tmp_path / "data" / "bot_state.sqlite3")


def wait_until(condition: Any, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


def digest_tasks(bot: RunningBot) -> list[asyncio.Task[Any]]:
    return [t for t in asyncio.all_tasks(bot.loop) if t.get_name() == TASK_NAME]


def test_the_digest_is_posted_to_the_admin_channel_once(api, serve, tmp_path) -> None:
    service = new_service(tmp_path)
    unanswered(service)
    bot = serve(service, slack_admin_channel=CHANNEL, digest_every=EVERY)

    [post] = api.wait_posts(1)
    assert post["channel"] == CHANNEL
    assert post["text"] == (
        "Weekly digest: questions I could not answer, last 7 days: 3 questions in 2 groups"
    )
    blocks = post["blocks"]
    assert blocks[0]["text"]["text"].startswith(
        "*Weekly digest: questions I could not answer, last 7 days* ("
    )
    assert blocks[1]["text"]["text"].startswith(f"*1. {PERU}*  ×2\n2 declined · 2 people")
    assert blocks[2]["text"]["text"].startswith(
        "*2. Who won the &lt;!channel&gt; @\u2060here football cup in 2030?*  ×1"
    )
    assert blocks[3]["elements"][0]["text"] == (
        "Posted once a week. `/kenya gaps [days]` shows it any time. Add a web page that "
        "answers one with `/kenya add &lt;url&gt;` (admins)."
    )
    assert_safe(post)

    time.sleep(20 * EVERY)  # twenty more checks: the week is done
    assert len(api.posts()) == 1
    assert schedule(tmp_path).last_posted(KEY) is not None

    bot.stop()  # the digest stops with the app
    assert digest_tasks(bot) == []


def test_an_empty_week_posts_nothing_in_socket_mode(api, socket_mode, tmp_path) -> None:
    service = new_service(tmp_path)
    settings = slack_settings(tmp_path, api, socket_mode=True, slack_admin_channel=CHANNEL)
    bot = RunningBot(service, settings, port=0, digest_every=EVERY)
    try:
        assert socket_mode.connected.wait(10)
        wait_until(lambda: schedule(tmp_path).last_posted(KEY) is not None)  # checked
        unanswered(service)  # too late for this week
        time.sleep(10 * EVERY)
        assert api.calls_to("/api/chat.postMessage") == []
        assert len(digest_tasks(bot)) == 1
    finally:
        bot.stop()
    assert digest_tasks(bot) == []


def test_a_refused_post_is_tried_again_at_the_next_check(api, serve, tmp_path) -> None:
    service = new_service(tmp_path)
    unanswered(service)
    api.errors["chat.postMessage"] = "not_in_channel"  # the bot was not invited yet
    serve(service, slack_admin_channel=CHANNEL, digest_every=EVERY)

    refused = api.wait_for("/api/chat.postMessage", 2)  # the claim was given back
    assert {c["body"]["channel"] for c in refused} == {CHANNEL}
    assert api.posts() == []
    api.errors.pop("chat.postMessage")  # invited

    [post] = api.wait_posts(1)
    assert post["text"].startswith("Weekly digest: questions I could not answer")
    time.sleep(10 * EVERY)
    assert len(api.posts()) == 1


def test_no_admin_channel_no_digest(api, serve, tmp_path) -> None:
    service = new_service(tmp_path)
    unanswered(service)
    bot = serve(service, digest_every=EVERY)
    time.sleep(10 * EVERY)
    assert api.calls_to("/api/chat.postMessage") == [] and digest_tasks(bot) == []


def test_a_check_that_fails_does_not_end_the_digest(api, serve, tmp_path) -> None:
    service = new_service(tmp_path)
    unanswered(service)
    claim, failures = service.claim_digest, [2]

    def locked_then_fine(key: str, now: float) -> Any:
        if failures[0]:
            failures[0] -= 1
            raise sqlite3.OperationalError("database is locked")
        return claim(key, now)

    service.claim_digest = locked_then_fine
    serve(service, slack_admin_channel=CHANNEL, digest_every=EVERY)
    [post] = api.wait_posts(1)
    assert post["channel"] == CHANNEL and failures == [0]
