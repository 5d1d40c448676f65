"""/gaps and /add: server admins only, answered only to the admin; /gaps shows what users
asked that the documents did not answer, /add puts a real web page (served on
127.0.0.1) into the documents, answerable at once."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import discord
import pytest

from bot.discord.admin import ADD_REFUSAL, GAPS_REFUSAL
from bot.service import ChatRequest
from bot.webpages import page_file_name
from tests.bot.discord.conftest import new_service
from tests.bot.discord.fake_discord import (
    ADMIN,
    ADMIN_PERMS,
    ALICE,
    APP_ID,
    EPHEMERAL,
    ROLE_ADMIN_ID,
    FakeDiscord,
)
from tests.bot.discord.test_admin import GatedService
from tests.bot.test_webpages import PORT_PAGE
from tests.fakes.web_server import Route, WebServer

PERU = "What is the capital of Peru?"
HAITI_QUESTION = "When did Kenyan police arrive in Haiti?"
LENDER = "Who lent the money for the Mombasa container terminal?"
PORT_TITLE = "Mombasa port gets a new container terminal"
AS_ADMIN: dict[str, Any] = {"user": ADMIN, "permissions": ADMIN_PERMS}


@pytest.fixture
def web() -> Iterator[WebServer]:
    with WebServer({"/news/port": Route(PORT_PAGE.encode())}) as server:
        yield server


@pytest.fixture
def web_service(tmp_path: Path) -> Any:
    """A service of its own that may fetch pages from 127.0.0.1 (the test web server)."""
    return new_service(tmp_path / "web", fetch_allow_loopback=True)


def _user_request(text: str) -> ChatRequest:
    return ChatRequest("discord", str(ALICE["id"]), text)


async def shown_edits(fake: FakeDiscord, inter: dict[str, Any]) -> tuple[Any, Any]:
    """The first and the last edit of the deferred response, once it shows an outcome
    (✅ or ❌) rather than progress."""
    pattern = f"^/webhooks/{APP_ID}/{inter['token']}/messages/@original$"
    for _ in range(500):
        edits = fake.matching("PATCH", pattern)
        if edits and (edits[-1].body.get("content") or "")[:1] in ("✅", "❌"):
            return edits[0].body, edits[-1].body
        await asyncio.sleep(0.02)
    raise AssertionError("no outcome was shown")


def test_gaps_and_add_are_server_admin_commands(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        (sync,) = await fake.wait_calls("PUT", f"^/applications/{APP_ID}/commands$")
        by_name = {c["name"]: c for c in sync.body}
        manage_server = discord.Permissions(manage_guild=True).value
        for name in ("gaps", "add"):
            command = by_name[name]
            # Servers that installed the bot (0), in servers only (0), hidden from members
            # without Manage Server until allowed under Server Settings → Integrations.
            assert (command["integration_types"], command["contexts"]) == ([0], [0]), name
            assert int(command["default_member_permissions"]) == manage_server, name
        (days,) = by_name["gaps"]["options"]
        assert (days["name"], days["type"], days["required"]) == ("days", 4, False)
        assert (days["min_value"], days["max_value"]) == (1, 90)
        (url,) = by_name["add"]["options"]
        assert (url["name"], url["type"], url["required"]) == ("url", 3, True)

    bot_run(service, body)


def test_non_admins_are_refused_privately_and_nothing_runs(
    web_service: Any, web: WebServer, bot_run: Any
) -> None:
    web_service.ask(_user_request(PERU))  # there is something to hide

    async def body(fake: FakeDiscord) -> None:
        gaps = await fake.slash("gaps", user=ALICE)
        data = (await fake.callback_of(gaps)).body["data"]
        assert (data["content"], data["flags"]) == (GAPS_REFUSAL, EPHEMERAL)
        assert "Manage Server" in data["content"]
        added = await fake.slash("add", user=ALICE, url=web.url("/news/port"))
        data = (await fake.callback_of(added)).body["data"]
        assert (data["content"], data["flags"]) == (ADD_REFUSAL, EPHEMERAL)
        assert fake.matching("POST", "^/webhooks/") == []
        assert fake.matching("PATCH", "^/webhooks/") == []

    bot_run(web_service, body)
    assert web.requests == []  # nothing fetched
    assert not (Path(web_service.engine.corpus_dir) / "web").exists()


def test_gaps_with_nothing_unanswered_says_so(fresh_service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        inter = await fake.slash("gaps", **AS_ADMIN)
        assert (await fake.callback_of(inter)).body == {"type": 5, "data": {"flags": EPHEMERAL}}
        (follow,) = await fake.followups_of(inter)
        assert follow.body["flags"] == EPHEMERAL
        (embed,) = follow.body["embeds"]
        assert embed["title"] == "Unanswered questions, last 7 days"
        assert embed["description"] == (
            "No unanswered questions in the last 7 days: nothing was declined, partly "
            "answered or voted 👎."
        )
        assert "fields" not in embed or embed["fields"] == []

    bot_run(fresh_service, body)


def test_gaps_shows_declined_and_downvoted_questions_to_the_admin_only(
    fresh_service: Any, bot_run: Any
) -> None:
    async def body(fake: FakeDiscord) -> None:
        # Alice asks what the documents do not cover, twice in other words...
        for wording in (PERU, "what is the capital of peru"):
            asked = await fake.slash("ask", question=wording)
            (declined,) = await fake.followups_of(asked)
            assert "don't cover" in declined.body["embeds"][0]["footer"]["text"]
        # ...and votes 👎 on an answer that did not help her.
        asked = await fake.slash("ask", question=HAITI_QUESTION)
        (answer,) = await fake.followups_of(asked)
        shown = fake.shown(answer.response["id"])
        down = next(
            b["custom_id"]
            for b in shown["components"][0]["components"]
            if b["custom_id"].startswith("qa:vote:down:")
        )
        await fake.followups_of(await fake.click(shown, down))

        inter = await fake.slash("gaps", user=ALICE, roles=(ROLE_ADMIN_ID,), days=30)
        assert (await fake.callback_of(inter)).body["data"] == {"flags": EPHEMERAL}
        (follow,) = await fake.followups_of(inter)
        assert follow.body["flags"] == EPHEMERAL  # users' questions: for the admin only
        (embed,) = follow.body["embeds"]
        assert embed["title"] == "Unanswered questions, last 30 days"
        assert embed["description"].startswith("3 questions in 2 groups, ")
        peru, haiti = embed["fields"]
        assert peru["name"] == "1. what is the capital of peru ×2"  # the latest wording
        assert peru["value"].startswith("2 declined · 1 person · last asked ")
        assert haiti["name"] == f"2. {HAITI_QUESTION} ×1"
        assert haiti["value"].startswith("1 👎 · 1 person · last asked ")
        assert haiti["value"].endswith("\nLooked at: Kenya and the US: The Haiti Mission")
        assert follow.body["allowed_mentions"] == {"parse": []}

    bot_run(fresh_service, body, discord_admin_roles=str(ROLE_ADMIN_ID))


def test_admin_adds_a_web_page_and_it_is_answered_from(
    web_service: Any, web: WebServer, bot_run: Any
) -> None:
    url = web.url("/news/port")
    file_name = page_file_name(url)

    async def body(fake: FakeDiscord) -> None:
        inter = await fake.slash("add", url=url, **AS_ADMIN)
        assert (await fake.callback_of(inter)).body == {"type": 5, "data": {"flags": EPHEMERAL}}
        started, done = await shown_edits(fake, inter)
        assert started["content"] == f"⏳ Fetching <{url}>…"
        assert done["content"] == "✅ Added a web page."
        (embed,) = done["embeds"]
        assert (embed["title"], embed["url"]) == (PORT_TITLE, url)
        chunks = web_service.engine.sources()
        (page,) = [d for d in chunks if d.source.endswith(file_name)]
        plural = "s" if page.chunks != 1 else ""
        assert embed["description"] == (
            f"Stored and indexed as `{file_name}` ({page.chunks} chunk{plural})."
        )
        (try_it,) = embed["fields"]
        assert try_it["name"] == "Try it"
        sample = try_it["value"].removeprefix("`/ask question: ").removesuffix("`")
        assert sample and sample != try_it["value"]

        # Everyone can now ask about it, and the suggested question is answered from it.
        asked = await fake.slash("ask", question=LENDER)
        (answer,) = await fake.followups_of(asked)
        (answered,) = answer.body["embeds"]
        assert "JICA lent most of the money" in answered["description"]
        assert answered["fields"][0]["name"] == f"[1] {PORT_TITLE}"
        assert f"]({url})" in answered["fields"][0]["value"]
        tried = await fake.slash("ask", question=sample)
        (tried_answer,) = await fake.followups_of(tried)
        assert PORT_TITLE in [f["name"][4:] for f in tried_answer.body["embeds"][0]["fields"]]

        # The same address again replaces the document instead of adding a copy.
        web.routes["/news/port"] = Route(PORT_PAGE.replace("JICA", "The World Bank").encode())
        again = await fake.slash("add", url=url, **AS_ADMIN)
        _, last = await shown_edits(fake, again)
        assert last["content"] == "✅ Updated a web page."
        assert last["embeds"][0]["description"].startswith(
            f"Replaced the earlier version of this page: `{file_name}` ("
        )

    bot_run(web_service, body)
    (stored,) = (Path(web_service.engine.corpus_dir) / "web").iterdir()
    assert stored.name == file_name and "The World Bank" in stored.read_text()
    entry = web_service.audit.entries()[-1]
    assert (entry.platform, entry.actor, entry.action) == ("discord", str(ADMIN["id"]), "add-url")


def test_a_private_address_is_refused_in_one_line_before_connecting(
    web_service: Any, bot_run: Any
) -> None:
    async def body(fake: FakeDiscord) -> None:
        inter = await fake.slash("add", url="http://10.0.0.1/", **AS_ADMIN)
        started, refused = await shown_edits(fake, inter)
        assert started["content"] == "⏳ Fetching <http://10.0.0.1/>…"
        # A connection attempt would have hit the tests' network guard instead.
        assert refused["content"] == (
            "❌ 10.0.0.1 is a private address; only public web pages can be added."
        )
        assert not refused.get("embeds")

    bot_run(web_service, body)
    assert not (Path(web_service.engine.corpus_dir) / "web").exists()
    entry = web_service.audit.entries()[-1]
    assert entry.action == "add-url" and entry.result.startswith("refused: 10.0.0.1 is a private")


def test_add_while_a_reindex_runs_is_refused_in_one_line(
    web_service: Any, web: WebServer, bot_run: Any
) -> None:
    gated = GatedService(web_service)

    async def body(fake: FakeDiscord) -> None:
        running = await fake.slash("reindex", **AS_ADMIN)
        await asyncio.to_thread(gated.entered.wait, 5)
        inter = await fake.slash("add", url=web.url("/news/port"), **AS_ADMIN)
        _, refused = await shown_edits(fake, inter)
        assert refused["content"] == "❌ a re-index is already running; try again when it finishes"
        gated.release.set()
        await shown_edits(fake, running)

    bot_run(gated, body)
    assert web.requests == []
