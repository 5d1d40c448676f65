"""Rendering answers for Discord: exact text, and Discord's limits whatever the input."""

from __future__ import annotations

import asyncio
from typing import Any

import discord
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.discord.commands import summary_choices
from bot.discord.progress import ProgressReporter
from bot.discord.render import (
    Reply,
    answer_reply,
    clip,
    quotes_reply,
    sources_reply,
    stats_text,
    summary_reply,
    thread_name,
)
from retrieval.models import Answer, Citation, DocumentInfo, IndexStats, SkippedDocument


def citation(i: int, **kw: Any) -> Citation:
    base = dict(
        index=i,
        title=f"Doc {i}",
        source=f"docs/{i}.md",
        section="Arrival",
        url=f"https://example.org/{i}",
        quote=f"Quote {i}.",
        date="2024-06-25",
    )
    return Citation(**(base | kw))  # type: ignore[arg-type]


def check_limits(reply: Reply) -> None:
    """Discord's documented limits for one message."""
    assert reply.content is None or 0 < len(reply.content) <= 2000
    assert reply.content or reply.embeds
    assert len(reply.embeds) <= 10
    assert sum(len(e) for e in reply.embeds) <= 6000
    for embed in reply.embeds:
        d = embed.to_dict()
        assert len(d.get("title", "")) <= 256
        assert len(d.get("description") or "") <= 4096
        assert len(d.get("fields", [])) <= 25
        for f in d.get("fields", []):
            assert 0 < len(f["name"]) <= 256 and 0 < len(f["value"]) <= 1024
        assert len(d.get("footer", {}).get("text", "")) <= 2048
        assert d.get("title") or d.get("description") or d.get("fields")


def test_answer_embed_text_fields_and_links() -> None:
    answer = Answer(
        question="When?",
        answer="They arrived on 25 June 2024. [1] Planning began earlier. [2]",
        citations=[
            citation(1),
            citation(2, url="", section="", date="", page=3, source="a/b.pdf"),
        ],
        note="the language model timed out; this is the extractive answer",
    )
    (embed,) = answer_reply(answer).embeds
    assert embed.title == "When?"
    assert embed.description == (
        "They arrived on 25 June 2024. [1] Planning began earlier. [2]\n\n"
        "*Note: the language model timed out; this is the extractive answer*"
    )
    assert [(f.name, f.value) for f in embed.fields] == [
        ("[1] Doc 1", "[Arrival · 2024-06-25](https://example.org/1)"),
        ("[2] Doc 2", "`a/b.pdf` · page 3"),
    ]
    assert embed.footer.text is None


def test_abstention_says_the_documents_do_not_cover_it() -> None:
    answer = Answer(
        question="Who won the 1998 World Cup?", answer="I couldn't find…", abstained=True
    )
    (embed,) = answer_reply(answer).embeds
    assert embed.fields == []
    assert embed.footer.text == (
        "The indexed documents don't cover this. `/sources` lists what they do cover."
    )
    assert embed.colour == discord.Colour.light_grey()


def test_long_answer_is_cut_with_a_pointer_and_extra_sources_are_counted() -> None:
    answer = Answer(
        question="q" * 400,
        answer=("word " * 2000).strip(),
        citations=[citation(i, title="T" * 300, quote="x" * 2000) for i in range(1, 41)],
    )
    reply = answer_reply(answer)
    check_limits(reply)
    (embed,) = reply.embeds
    assert embed.description.endswith(
        "…\n\nShortened to fit Discord; `/sources` lists every document."
    )
    assert embed.fields[-1].name == "More"
    assert embed.fields[-1].value.startswith("…and ") and "`/sources`" in embed.fields[-1].value


def test_link_text_and_urls_cannot_break_the_markdown() -> None:
    c = citation(1, section="Part [2]", url="https://example.org/a b)c")
    (embed,) = answer_reply(Answer(question="q", answer="a [1]", citations=[c])).embeds
    assert embed.fields[0].value == "[Part (2) · 2024-06-25](https://example.org/a%20b%29c)"


def test_summary_sources_stats_and_names() -> None:
    (embed,) = summary_reply(
        Answer(question="", answer="All of it. [1]", citations=[citation(1)])
    ).embeds
    assert embed.title == "Summary"
    assert sources_reply([]).content == "No documents are indexed yet. An admin can run `/reindex`."
    many = [DocumentInfo(f"d/{i}.md", f"Title {i}", chunks=3, indexed_at="now") for i in range(500)]
    reply = sources_reply(many)
    check_limits(reply)
    assert reply.embeds[0].title == "500 indexed documents"
    assert reply.embeds[0].description.splitlines()[-1].startswith("…and ")
    stats = IndexStats(added=1, chunks=4, seconds=0.5, skipped=[SkippedDocument("x.pdf", "empty")])
    assert stats_text(stats, uploaded="x.md") == (
        "✅ Added `x.md` to the corpus.\nIndexed in 0.5s: 1 added, 0 updated, 0 deleted, "
        "0 unchanged; 4 chunks in the index\n  skipped x.pdf: empty"
    )
    assert thread_name("  ") == "Question" and len(thread_name("x " * 200)) <= 100
    assert clip("one two three", 9) == "one two…"


def test_summary_choices_fit_discord() -> None:
    sources = [
        DocumentInfo(
            f"docs/{i}.md", "T" * 150, chunks=1, indexed_at="now", topics=("haiti", "police")
        )
        for i in range(40)
    ]
    choices = summary_choices(sources, "")
    assert len(choices) == 25
    assert all(len(c.name) <= 100 and len(c.value) <= 100 for c in choices)
    assert [c.value for c in summary_choices(sources, "POL")] == ["police"]


def test_progress_is_shown_throttled_and_only_when_changed() -> None:
    shown: list[str] = []

    async def edit(text: str) -> None:
        shown.append(text)

    async def main() -> None:
        async with ProgressReporter(edit, interval=0.05) as progress:
            progress("read", 1, 3)
            await asyncio.sleep(0.12)
            progress("embed", 10, 20)
            await asyncio.sleep(0.12)

    asyncio.run(main())
    assert shown == [
        "⏳ Re-indexing: reading files, 1 of 3 done…",
        "⏳ Re-indexing: embedding chunks, 10 of 20 done…",
    ]


text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300)
citations = st.builds(
    Citation,
    index=st.integers(1, 99),
    title=text,
    source=text,
    section=text,
    url=st.one_of(text, text.map(lambda t: "https://example.org/" + t)),
    quote=st.text(max_size=3000),
    page=st.one_of(st.none(), st.integers(1, 5000)),
    date=st.text(max_size=30),
)
answers = st.builds(
    Answer,
    question=st.text(max_size=2500),
    answer=st.text(max_size=20_000),
    citations=st.lists(citations, max_size=40),
    abstained=st.booleans(),
    note=st.text(max_size=500),
)


@settings(max_examples=150, deadline=None)
@given(answers)
def test_any_answer_fits_discord_limits(answer: Answer) -> None:
    for reply in (answer_reply(answer), summary_reply(answer), quotes_reply(answer)):
        check_limits(reply)


def test_blank_question_and_answer_still_give_a_valid_embed() -> None:
    # Found by the property test: a question of only whitespace left an empty embed.
    blank = Answer(question="\r", answer="")
    assert answer_reply(blank).embeds[0].title == "Answer"
    assert quotes_reply(blank).embeds[0].title == "Quotes"
    check_limits(answer_reply(blank))
