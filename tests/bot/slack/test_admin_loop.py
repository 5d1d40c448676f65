"""The admin loop in Slack: `/kenya gaps [days]` (the questions the documents did not
answer, for admins only) and `/kenya add <url>` (a web page into the corpus), through
the real bolt app, the real service and a page served on 127.0.0.1."""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest

from bot.service import ChatRequest
from bot.webpages import page_file_name
from tests.bot.slack.conftest import new_service
from tests.bot.slack.fake_slack import (
    ADMIN,
    FORM,
    MEMBER,
    button_payload,
    command_payload,
    form,
    interactive_form,
    mention,
    post_signed,
)
from tests.bot.slack.helpers import assert_safe, hold_reindex, send_event
from tests.bot.test_webpages import PORT_PAGE
from tests.fakes.web_server import Route, WebServer

PERU = "What is the capital of Peru?"
HOSTILE = "Who won the <!channel> @here football cup in 2030?"
HAITI_Q = "When did Kenyan police arrive in Haiti?"
LENDER = "Who lent the money for the Mombasa container terminal?"
PORT_TITLE = "Mombasa port gets a new container terminal"
ADMINS = "(users in BOT_SLACK_ADMINS, workspace admins and owners)"


def command(api: Any, bot: Any, text: str, *, user: str, hook: str) -> None:
    """`/kenya <text>` typed by `user`: acknowledged at once, with nothing in the ack."""
    body = form(command_payload(api, text, user=user, hook=hook))
    status, ack, seconds = post_signed(bot.url, body, FORM)
    assert (status, ack) == (200, "") and seconds < 1.0


def replies(api: Any, hook: str, n: int = 1) -> list[dict[str, Any]]:
    """The messages sent to the command's response_url; all of them only for its user."""
    bodies = [c["body"] for c in api.wait_for(f"/hooks/{hook}", n)]
    assert all(b["response_type"] == "ephemeral" for b in bodies), bodies
    return bodies


def sections(message: dict[str, Any]) -> list[str]:
    return [b["text"]["text"] for b in message["blocks"] if b["type"] == "section"]


# /kenya gaps ---------------------------------------------------------------------------
def test_gaps_shows_admins_the_grouped_questions_and_nobody_else(api, serve, tmp_path) -> None:
    service = new_service(tmp_path)
    bot = serve(service)
    for user in ("U1", "U2"):  # declined twice
        assert service.ask(ChatRequest("slack", user, PERU)).answer.abstained
    assert service.ask(ChatRequest("slack", "U3", HOSTILE)).answer.abstained
    # An answer someone found wanting: asked in a channel, voted 👎 with the button.
    send_event(bot, mention(HAITI_Q, ts="300.1", user="U4"), "EvGap1")
    [answer] = api.wait_posts(1)
    answer_id = answer["blocks"][-1]["elements"][0]["value"]
    click = button_payload(api, "feedback_down", answer_id, user="U4", hook="vote")
    assert post_signed(bot.url, interactive_form(click), FORM)[0] == 200
    api.wait_for("/hooks/vote")

    command(api, bot, "gaps", user=MEMBER, hook="member")
    [refusal] = replies(api, "member")
    assert refusal["text"] == f"Only admins can see the questions I could not answer {ADMINS}."
    assert not re.search(r"Peru|Haiti|football|\d", json.dumps(refusal))  # nothing told

    command(api, bot, "gaps", user=ADMIN, hook="admin")
    [report] = replies(api, "admin")
    head, *groups = sections(report)
    assert re.fullmatch(
        r"\*Unanswered questions, last 7 days\* \(\d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\): "
        r"4 questions in 3 groups, most asked first\.",
        head,
    )
    peru, haiti, hostile = (g.split("\n") for g in groups)
    assert peru[0] == f"*1. {PERU}*  ×2"
    assert peru[1].startswith("2 declined · 2 people · last asked 20")
    assert peru[2] == "_Looked at:_ nothing relevant was found"
    assert haiti[0] == f"*2. {HAITI_Q}*  ×1" and haiti[1].startswith("1 👎 · 1 person")
    assert haiti[2] == "_Looked at:_ Haiti &amp; the &lt;Mission&gt;"
    assert hostile[0] == ("*3. Who won the &lt;!channel&gt; @\u2060here football cup in 2030?*  ×1")
    footer = report["blocks"][-1]["elements"][0]["text"]
    assert footer == "Add a web page that answers one with `/kenya add &lt;url&gt;` (admins)."
    assert report["text"] == "Unanswered questions, last 7 days: 4 questions in 3 groups"
    assert_safe(report)


def test_gaps_when_nothing_is_unanswered_and_for_a_bad_number_of_days(api, serve, tmp_path) -> None:
    bot = serve(new_service(tmp_path))
    for i, (typed, window) in enumerate(
        [("gaps", "7 days"), ("gaps 1", "day"), ("gaps 30 days", "30 days")]
    ):
        command(api, bot, typed, user=ADMIN, hook=f"empty{i}")
        [reply] = replies(api, f"empty{i}")
        assert reply["text"] == (
            f"No unanswered questions in the last {window}. Nothing was declined, partly "
            "answered or voted 👎."
        )

    for i, days in enumerate(["0", "-3", "91", "abc", "7.5"]):
        command(api, bot, f"gaps {days}", user=ADMIN, hook=f"bad{i}")
        [usage] = replies(api, f"bad{i}")
        assert usage["text"].startswith(
            f"`{days}` is not a number of days. Usage: `/kenya gaps [days]`: the questions "
            "I could not answer in the last *days* days"
        )
        assert "a whole number from 1 to 90 (default 7)" in usage["text"]


# /kenya add ----------------------------------------------------------------------------
@pytest.fixture
def web() -> Iterator[WebServer]:
    with WebServer({"/news/port": Route(PORT_PAGE.encode())}) as server:
        yield server


def test_an_admin_adds_a_page_and_the_bot_answers_from_it(api, serve, tmp_path, web) -> None:
    service = new_service(tmp_path, fetch_allow_loopback=True)
    bot = serve(service)
    url = web.url("/news/port")

    command(api, bot, f"add <{url}>", user=ADMIN, hook="add")  # as Slack sends a link
    fetching, indexing, result = replies(api, "add", 3)
    assert fetching["text"] == f"Fetching `{url}`…"
    assert indexing["text"] == "Page fetched; indexing it…"
    added, sample = sections(result)[0].split("\n")
    chunks = re.fullmatch(
        rf"Added <{re.escape(url)}\|{PORT_TITLE}> as `{page_file_name(url)}` "
        r"\((\d+) chunks? indexed\)\.",
        added,
    )
    assert chunks and int(chunks.group(1)) >= 1
    assert sample.startswith("Try: ") and len(sample) > 10
    assert result["text"] == f"Added “{PORT_TITLE}” ({chunks.group(1)} chunks)"
    assert_safe(result)

    entry = service.audit.entries()[-1]
    assert (entry.platform, entry.actor, entry.action) == ("slack", ADMIN, "add-url")
    assert entry.detail == f"{url} -> {page_file_name(url)}"

    # Everyone can now ask about it, and the suggested question is answered from it.
    send_event(bot, mention(LENDER, ts="400.1"), "EvAdd1")
    send_event(bot, mention(html.unescape(sample.removeprefix("Try: ")), ts="400.2"), "EvAdd2")
    posts = {p["thread_ts"]: p for p in api.wait_posts(2)}
    assert "JICA lent most of the money" in posts["400.1"]["text"]
    for post in posts.values():
        assert f"<{url}|{PORT_TITLE}>" in json.dumps(post["blocks"], ensure_ascii=False)


def test_adding_a_page_is_refused_with_one_line(api, serve, tmp_path, web) -> None:
    service = new_service(tmp_path, fetch_allow_loopback=True)
    bot = serve(service)
    url = web.url("/news/port")

    command(api, bot, f"add {url}", user=MEMBER, hook="member")
    [refusal] = replies(api, "member")
    assert refusal["text"] == f"Only admins can add web pages {ADMINS}. Nothing was added."
    entry = service.audit.entries()[-1]
    assert (entry.actor, entry.action, entry.result) == (
        MEMBER,
        "add-url",
        "refused: Only admins can add web pages.",
    )

    command(api, bot, "add http://10.0.0.1/admin", user=ADMIN, hook="private")
    fetching, refused = replies(api, "private", 2)
    assert fetching["text"] == "Fetching `http://10.0.0.1/admin`…"
    assert refused["text"] == (
        "Not added: 10.0.0.1 is a private address; only public web pages can be added."
    )

    command(api, bot, "add", user=ADMIN, hook="usage")
    [usage] = replies(api, "usage")
    assert usage["text"].startswith("Usage: `/kenya add &lt;url&gt;`: fetch a public web page")

    time.sleep(0.3)
    assert [len(api.calls_to(f"/hooks/{h}")) for h in ("member", "private", "usage")] == [1, 2, 1]
    assert web.requests == []  # nothing was fetched
    assert len(service.engine.sources()) == 2


def test_adding_a_page_while_a_reindex_runs_is_refused(api, serve, tmp_path, web) -> None:
    service = new_service(tmp_path, fetch_allow_loopback=True)
    gate, entered = hold_reindex(service)
    bot = serve(service)
    command(api, bot, "reindex", user=ADMIN, hook="reindex")
    assert entered.wait(5)
    command(api, bot, f"add {web.url('/news/port')}", user=ADMIN, hook="add")
    _, busy = replies(api, "add", 2)
    gate.set()
    assert busy["text"] == ("Not added: a re-index is already running; try again when it finishes.")
    assert web.requests == []


# Help ----------------------------------------------------------------------------------
def test_help_lists_the_admin_commands_and_how_long_questions_are_kept(
    api, serve, shared_core
) -> None:
    bot = serve(shared_core, retention_days=30)
    status, body, _ = post_signed(bot.url, form(command_payload(api, "help")), FORM)
    assert status == 200
    text = json.loads(body)["blocks"][0]["text"]["text"]
    assert "• `/kenya gaps [days]`: the questions I could not answer lately (admins)" in text
    assert "• `/kenya add &lt;url&gt;`: add a public web page to the documents (admins)" in text
    assert text.endswith(
        "Questions I could not answer (declined, partly answered or voted 👎) are kept for "
        "30 days, so that admins can review them and add what is missing."
    )


def test_what_slack_sends_after_add_and_gaps_is_read_as_typed() -> None:
    from bot.slack.admin_commands import parse_days
    from bot.slack.models import command_url

    assert command_url("<https://a.example/x?a=1&amp;b=2>") == "https://a.example/x?a=1&b=2"
    assert command_url("<https://a.example/x|a.example/x>") == "https://a.example/x"
    assert command_url(" https://a.example/x?a=1&amp;b=2 ") == "https://a.example/x?a=1&b=2"
    assert command_url("") == ""
    assert [parse_days(t) for t in ("", "1", "30d", "30 days", "90", "91", "0", "x")] == [
        7,
        1,
        30,
        30,
        90,
        None,
        None,
        None,
    ]
