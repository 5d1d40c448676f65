"""Block Kit rendering: escaping, links, and Slack's payload limits under Hypothesis."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.slack.blocks import (
    escape,
    link,
    render_answer,
    render_quotes,
    render_sources,
    render_stats,
    split_mrkdwn,
)
from retrieval.models import Answer, Citation, DocumentInfo, IndexStats, SkippedDocument
from tests.bot.slack.helpers import assert_safe

HOSTILE = "<!channel> <!here|here> <@U123> <#C1> @everyone & <https://evil.example|x> > <"


def check_payload(blocks: list[dict[str, Any]], text: str, clicker: str | None = None) -> None:
    """Slack's documented limits for a message, and our own safety rules."""
    assert 1 <= len(blocks) <= 50
    assert 0 < len(text) <= 3000
    action_ids: list[str] = []
    for block in blocks:
        kind = block["type"]
        if kind == "section":
            assert 0 < len(block["text"]["text"]) <= 3000
        elif kind == "context":
            assert 1 <= len(block["elements"]) <= 10
            assert all(0 < len(e["text"]) <= 3000 for e in block["elements"])
        elif kind == "actions":
            assert 1 <= len(block["elements"]) <= 25
            for e in block["elements"]:
                assert len(e["text"]["text"]) <= 75 and len(e["value"]) <= 2000
                action_ids.append(e["action_id"])
        else:
            raise AssertionError(f"unexpected block {kind}")
    assert len(action_ids) == len(set(action_ids))
    assert len(json.dumps(blocks, ensure_ascii=False)) < 40_000  # total text stays sensible
    assert_safe({"blocks": blocks, "text": text}, clicker=clicker)


def test_escape_neutralises_markup_and_broadcasts() -> None:
    assert escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"
    assert escape(HOSTILE) == (
        "&lt;!channel&gt; &lt;!here|here&gt; &lt;@U123&gt; &lt;#C1&gt; @\u2060everyone &amp; "
        "&lt;https://evil.example|x&gt; &gt; &lt;"
    )
    assert escape("mail @Here now") == "mail @\u2060Here now"


def test_links_only_for_plain_http_urls() -> None:
    assert link("https://a.example/x?a=1&b=2", "A & <B>|C") == (
        "<https://a.example/x?a=1&amp;b=2|A &amp; &lt;B&gt;¦C>"
    )
    assert link("javascript:alert(1)", "T") == "T"
    assert link("https://a.example/x|<!channel>", "T") == "T"
    assert link("", "T <x>") == "T &lt;x&gt;"


def test_split_never_cuts_an_entity_and_keeps_every_character() -> None:
    text = escape("&" * 5000)
    pieces = split_mrkdwn(text, 3000)
    assert all(len(p) <= 3000 and p.count("&") == p.count("&amp;") for p in pieces)
    assert "".join(pieces) == text


def test_abstention_says_so_and_points_at_sources() -> None:
    answer = Answer("What is the capital of Mars?", "I couldn't find…", abstained=True)
    message = render_answer(answer, 5, "/kenya")
    assert message.blocks[0]["text"]["text"] == (
        "I couldn't find this in the documents I have, so I won't guess. "
        "`/kenya sources` lists what I can answer from."
    )
    assert [e["action_id"] for e in message.blocks[-1]["elements"]] == [
        "feedback_up",
        "feedback_down",
    ]


def test_long_answer_is_cut_with_a_pointer_and_note_shown() -> None:
    answer = Answer("q", "word " * 5000, [], note="The LLM timed out; extractive answer.")
    message = render_answer(answer, 1)
    sections = [b for b in message.blocks if b["type"] == "section"]
    assert len(sections) == 4
    contexts = [b["elements"][0]["text"] for b in message.blocks if b["type"] == "context"]
    assert contexts == [
        "The answer is longer than Slack shows; `/kenya sources` lists the documents.",
        "The LLM timed out; extractive answer.",
    ]


def test_sources_and_stats_render_escaped() -> None:
    sources = [DocumentInfo(f"d{i}.md", f"Doc {i} <x>", chunks=2, date="2024") for i in range(400)]
    message = render_sources(sources)
    check_payload(message.blocks, message.text)
    assert message.blocks[1]["text"]["text"].startswith("1. Doc 0 &lt;x&gt; (2024, 2 chunks)")
    stats = IndexStats(added=1, chunks=3, skipped=[SkippedDocument("<bad>.md", "empty & odd")])
    assert render_stats(stats).endswith("\n• skipped `&lt;bad&gt;.md`: empty &amp; odd")


texts = st.lists(
    st.sampled_from([*"ab &<>|@!*_`\n", "<!channel>", "<@U1>", "@here", "é", "👍", "word "]),
    max_size=120,
).map("".join)
citations = st.builds(
    Citation,
    index=st.integers(1, 99),
    title=texts,
    source=texts,
    section=texts,
    url=st.one_of(
        st.just(""),
        st.just("https://example.org/a?b=1&c=2"),
        texts.map(lambda t: "https://x.example/" + t),
        st.integers(0, 3000).map(lambda n: "https://x.example/" + "a" * n),
    ),
    quote=st.text(max_size=4000),
    page=st.one_of(st.none(), st.integers(1, 999)),
    date=st.text(max_size=40),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    body=st.one_of(texts, st.text(max_size=20_000), st.integers(0, 20_000).map(lambda n: "&" * n)),
    cites=st.lists(citations, max_size=40),
    abstained=st.booleans(),
    note=texts,
    answer_id=st.one_of(st.none(), st.integers(1, 10**12)),
    followups=st.lists(st.one_of(texts, st.text(max_size=300)), max_size=5),
    private=st.booleans(),
    user=st.one_of(st.none(), st.just("UCLICK"), texts),
    shared=st.booleans(),
)
def test_any_answer_renders_a_valid_payload(
    body: str,
    cites: list[Citation],
    abstained: bool,
    note: str,
    answer_id: int | None,
    followups: list[str],
    private: bool,
    user: str | None,
    shared: bool,
) -> None:
    answer = Answer(HOSTILE + body[:50], body, cites, abstained=abstained, note=note)
    message = render_answer(
        answer,
        answer_id,
        followups=followups,
        private=private,
        asked_by=None if shared else user,
        shared_by=user if shared else None,
    )
    check_payload(message.post_args()["blocks"], message.text, clicker="UCLICK")
    quotes = render_quotes(answer)
    check_payload(quotes.blocks, quotes.text)


def test_buttons_and_attribution_carry_no_markup() -> None:
    answer = Answer("Who <@U1> @here?", "It was them [1].", [Citation(1, "T", "t.md", "", "", "q")])
    message = render_answer(
        answer, 9, followups=[HOSTILE, "x" * 200, "  "], private=True, asked_by="<!channel>"
    )
    assert message.blocks[0]["elements"][0]["text"] == (
        "Someone asked: Who &lt;@U1&gt; @\u2060here?"  # not a mention, not a broadcast
    )
    labels = [e["text"]["text"] for e in message.blocks[-1]["elements"]]
    assert labels[0] == "‹!channel› ‹!here|here› ‹@U123› ‹#C1› @\u2060everyone…"
    assert len(labels) == 2 and len(labels[1]) == 75 and labels[1].endswith("…")
    assert [e["value"] for e in message.blocks[-1]["elements"]] == ["9:0", "9:1"]
    actions = [e["action_id"] for e in message.blocks[-3]["elements"]]
    assert actions == ["show_quotes", "feedback_up", "feedback_down", "share_answer"]
    check_payload(message.blocks, message.text)


def test_usage_tells_about_private_answers_sharing_and_the_shortcut() -> None:
    from bot.slack.blocks import usage

    text = usage("/kenya").blocks[0]["text"]["text"]
    assert "only you see them until you press *Share in channel*" in text
    assert "*More actions → Ask about this message*" in text


def test_the_manifest_subscribes_to_what_the_adapter_handles() -> None:
    from pathlib import Path

    import yaml

    from bot.slack.modal import ASK_ABOUT_MESSAGE
    from bot.slack.serve import EVENTS_PATH

    root = Path(__file__).resolve().parents[3]
    manifest = yaml.safe_load((root / "config" / "slack-manifest.yml").read_text())
    settings_ = manifest["settings"]
    assert set(settings_["event_subscriptions"]["bot_events"]) == {
        "app_mention",
        "message.im",
        "message.channels",
        "message.groups",
        "assistant_thread_started",
        "assistant_thread_context_changed",
    }
    assert settings_["interactivity"]["is_enabled"] is True
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/kenya"
    [shortcut] = manifest["features"]["shortcuts"]
    assert (shortcut["type"], shortcut["callback_id"]) == ("message", ASK_ABOUT_MESSAGE)
    assert shortcut["name"] == "Ask about this message"
    assert manifest["features"]["assistant_view"]["assistant_description"]
    urls = [
        command["url"],
        settings_["event_subscriptions"]["request_url"],
        settings_["interactivity"]["request_url"],
    ]
    assert all(u.endswith(EVENTS_PATH) for u in urls)
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {
        "chat:write",
        "commands",
        "files:read",
        "users:read",
        "im:history",
        "channels:history",
        "groups:history",
        "assistant:write",
    } <= scopes
