"""The buttons under an answer: Show quotes (ephemeral) and 👍/👎 feedback."""

from __future__ import annotations

from typing import Any

from tests.bot.discord.fake_discord import (
    ADMIN,
    ALICE,
    ALICE_ID,
    CHANNEL_ID,
    EPHEMERAL,
    FakeDiscord,
)


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


QUESTION = "When did Kenyan police arrive in Haiti?"
NUMBERS = "The first contingent numbered 400 officers, with more promised by the Kenyan government."


def buttons_of(message: dict[str, Any]) -> list[list[tuple[str, str]]]:
    """(label or emoji, custom_id) of each button, row by row."""
    return [
        [(b.get("label") or b["emoji"]["name"], b["custom_id"]) for b in row["components"]]
        for row in message["components"]
    ]


def test_follow_up_buttons_ask_the_suggested_question_in_the_channel(
    conversations: Any, bot_run: Any
) -> None:
    async def body(fake: FakeDiscord) -> None:
        inter = await fake.slash("ask", question=QUESTION)
        (follow,) = await fake.followups_of(inter)
        shown = fake.shown(follow.response["id"])
        actions, suggested = buttons_of(shown)
        answer_id = actions[0][1].split(":")[-1]
        assert suggested == [
            ("Tell me about Training", f"qa:follow:{answer_id}:0"),
            ("Tell me about Numbers", f"qa:follow:{answer_id}:1"),
        ]
        click = await fake.click(shown, f"qa:follow:{answer_id}:1", user=ADMIN)
        assert (await fake.callback_of(click)).body == {"type": 5}  # public, like the answer
        (answer,) = await fake.followups_of(click)
        (embed,) = answer.body["embeds"]
        assert (embed["title"], embed["description"]) == ("Tell me about Numbers", NUMBERS + " [1]")
        assert not answer.body.get("flags")
        assert answer.body["allowed_mentions"] == {"parse": []}

    bot_run(conversations, body)


def test_private_answer_is_ephemeral_and_share_posts_it_publicly(
    conversations: Any, bot_run: Any
) -> None:
    async def body(fake: FakeDiscord) -> None:
        inter = await fake.slash("ask", question=QUESTION, private=True)
        assert (await fake.callback_of(inter)).body == {"type": 5, "data": {"flags": EPHEMERAL}}
        (follow,) = await fake.followups_of(inter)
        assert follow.body["flags"] == EPHEMERAL
        private = fake.shown(follow.response["id"])
        actions, suggested = buttons_of(private)
        answer_id = actions[0][1].split(":")[-1]
        assert actions[-1] == ("Share", f"qa:share:{answer_id}")
        assert fake.history(str(CHANNEL_ID), {}) == []  # nobody else sees it

        share = await fake.click(private, f"qa:share:{answer_id}")
        callback = await fake.callback_of(share)
        assert callback.body["type"] == 7  # the private copy: Share becomes a disabled Shared
        (shared_button,) = [
            b
            for b in callback.body["data"]["components"][0]["components"]
            if b["custom_id"] == f"qa:share:{answer_id}"
        ]
        assert (shared_button["label"], shared_button["disabled"]) == ("Shared", True)
        (posted,) = await fake.followups_of(share)  # a new message, for everyone
        assert posted.body["content"] == f"Shared by <@{ALICE_ID}>"
        assert posted.body["allowed_mentions"] == {"parse": []}  # names the sharer, pings nobody
        assert not posted.body.get("flags")
        assert posted.body["embeds"] == follow.body["embeds"]
        (public,) = fake.history(str(CHANNEL_ID), {})
        assert public["content"] == f"Shared by <@{ALICE_ID}>"
        shared_actions, shared_suggested = buttons_of(public)
        assert [label for label, _ in shared_actions] == ["Show quotes", "👍", "👎"]
        assert shared_suggested == suggested

        # A follow-up under the private answer stays private.
        click = await fake.click(private, suggested[1][1])
        assert (await fake.callback_of(click)).body == {"type": 5, "data": {"flags": EPHEMERAL}}
        (answer,) = await fake.followups_of(click)
        assert answer.body["flags"] == EPHEMERAL
        assert answer.body["embeds"][0]["description"] == NUMBERS + " [1]"

    bot_run(conversations, body)


def test_private_summary_can_be_shared(conversations: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        inter = await fake.slash("summary", topic="mission.md", private=True)
        (follow,) = await fake.followups_of(inter)
        assert follow.body["flags"] == EPHEMERAL
        private = fake.shown(follow.response["id"])
        ((quotes, share),) = buttons_of(private)
        summary_id = quotes[1].split(":")[-1]
        assert share == ("Share", f"qa:share:summary:{summary_id}")
        click = await fake.click(private, share[1], user=ADMIN)
        (posted,) = await fake.followups_of(click)
        assert posted.body["content"] == f"Shared by <@{ADMIN['id']}>"
        assert posted.body["embeds"][0]["title"] == "Summary: mission.md"
        assert posted.body["embeds"] == follow.body["embeds"]
        assert not posted.body.get("flags")
        assert buttons_of(fake.shown(private["id"])) == [
            [("Show quotes", quotes[1]), ("Shared", share[1])]
        ]

    bot_run(conversations, body)


def test_share_and_follow_up_of_an_unknown_answer_say_so(service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        shown, _ = await ask(fake, "When did Kenyan police arrive in Haiti?")
        stale = {
            "type": 1,
            "components": [
                {"type": 2, "style": 1, "label": "Share", "custom_id": "qa:share:99999"},
                {"type": 2, "style": 2, "label": "Tell me", "custom_id": "qa:follow:99999:0"},
            ],
        }
        old = shown | {"components": [stale]}
        for custom_id in ("qa:share:99999", "qa:follow:99999:0"):
            click = await fake.click(old, custom_id)
            data = (await fake.callback_of(click)).body["data"]
            assert data["content"].startswith("That answer is no longer available")
            assert data["flags"] == EPHEMERAL
        assert fake.history(str(CHANNEL_ID), {}) == [shown]

    bot_run(service, body)
