"""The buttons under an answer: Show quotes (ephemeral) and 👍/👎 feedback."""

from __future__ import annotations

from typing import Any

from tests.bot.discord.fake_discord import ADMIN, ALICE, ALICE_ID, EPHEMERAL, FakeDiscord


async def ask(fake: FakeDiscord, question: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The answer message as shown in Discord, and its buttons by label/emoji."""
    inter = await fake.slash("ask", question=question)
    (follow,) = await fake.followups_of(inter)
    shown = fake.shown(follow.response["id"])
    buttons = {
        b.get("label") or b["emoji"]["name"]: b["custom_id"]
        for row in shown["components"]
        for b in row["components"]
    }
    return shown, buttons


def test_show_quotes_is_ephemeral_with_the_exact_passages(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        shown, buttons = await ask(fake, "When did Kenyan police arrive in Haiti?")
        click = await fake.click(shown, buttons["Show quotes"])
        callback = await fake.callback_of(click)
        assert callback.body == {"type": 5, "data": {"flags": EPHEMERAL}}
        (quotes,) = await fake.followups_of(click)
        assert quotes.body["flags"] == EPHEMERAL
        (embed,) = quotes.body["embeds"]
        assert embed["title"] == "Quotes: When did Kenyan police arrive in Haiti?"
        assert embed["fields"] == [
            {
                "name": "[1] Kenya and the US: The Haiti Mission",
                "value": "> Kenyan police officers arrived in Haiti on 25 June 2024.\n"
                "[Arrival · 2024-06-25](https://example.org/haiti)",
                "inline": False,
            }
        ]

    bot_run(service, body)


def test_here_in_a_document_pings_nobody(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        shown, buttons = await ask(fake, "What does the partnership cover?")
        click = await fake.click(shown, buttons["Show quotes"])
        (quotes,) = await fake.followups_of(click)
        values = " ".join(f["value"] for f in quotes.body["embeds"][0]["fields"])
        assert "@here" in values
        assert quotes.body["allowed_mentions"] == {"parse": []}

    bot_run(service, body)


def test_votes_are_stored_and_can_change(fresh_service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        shown, buttons = await ask(fake, "When did Kenyan police arrive in Haiti?")
        assert set(buttons) == {"Show quotes", "👍", "👎"}
        up = await fake.click(shown, buttons["👍"])
        (thanks,) = await fake.followups_of(up)
        assert (thanks.body["content"], thanks.body["flags"]) == (
            "Thanks, your 👍 is recorded.",
            EPHEMERAL,
        )
        down = await fake.click(shown, buttons["👎"], user=ADMIN)
        await fake.followups_of(down)
        again = await fake.click(shown, buttons["👎"], user=ALICE)
        await fake.followups_of(again)
        records = fresh_service.feedback.records()
        assert sorted((r.user, r.vote, r.platform) for r in records) == [
            (str(ALICE_ID), -1, "discord"),
            (ADMIN["id"], -1, "discord"),
        ]
        assert {r.question for r in records} == {"When did Kenyan police arrive in Haiti?"}

    bot_run(fresh_service, body)


def test_buttons_of_an_unknown_answer_say_so(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        shown, _ = await ask(fake, "When did Kenyan police arrive in Haiti?")
        stale = {
            "type": 1,
            "components": [
                {"type": 2, "style": 2, "label": "Show quotes", "custom_id": "qa:quotes:99999"},
                {"type": 2, "style": 2, "emoji": {"name": "👍"}, "custom_id": "qa:vote:up:99999"},
            ],
        }
        old = shown | {"components": [stale]}
        for custom_id in ("qa:quotes:99999", "qa:vote:up:99999"):
            click = await fake.click(old, custom_id)
            (reply,) = await fake.followups_of(click)
            assert reply.body["content"].startswith("That answer is no longer available")

    bot_run(service, body)
