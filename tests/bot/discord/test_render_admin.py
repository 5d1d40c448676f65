"""Rendering the gaps report, the digest and an added page for Discord: exact text, user
text escaped, and Discord's limits whatever the report holds."""

from __future__ import annotations

import calendar
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.discord.render_admin import (
    added_page_reply,
    digest_replies,
    gaps_replies,
    group_field,
)
from bot.gap_report import GapGroup, GapsReport, SeenDocument
from bot.webpages import AddedPage
from retrieval.models import IndexStats
from tests.bot.discord.test_render import check_limits

DAY = 24 * 3600
UNTIL = calendar.timegm((2026, 11, 29, 10, 0, 0))


def group(question: str, count: int = 1, **kw: object) -> GapGroup:
    base: dict[str, object] = dict(
        question=question,
        count=count,
        outcomes={"declined": count},
        wordings=(question,),
        documents=(),
        missing=(),
        people=1,
        last_asked=UNTIL - DAY,
    )
    return GapGroup(**(base | kw))  # type: ignore[arg-type]


def report(*groups: GapGroup, days: int = 7) -> GapsReport:
    return GapsReport(days=days, since=UNTIL - days * DAY, until=UNTIL, groups=groups)


def test_a_group_shows_outcomes_people_wordings_gaps_and_documents() -> None:
    g = group(
        "How much is the US visa fee for Kenyans?",
        2,
        outcomes={"partial": 2, "downvoted": 1},
        wordings=("How much is the US visa fee for Kenyans?", "us visa cost *for* kenyans"),
        missing=("The documents don't give an amount for this.",),
        documents=(SeenDocument("Trade and Investment", "docs/05-trade.md"),),
        people=2,
    )
    assert group_field(2, g) == (
        "2. How much is the US visa fee for Kenyans? ×2",
        "2 partly answered · 1 👎 · 2 people · last asked 2026-11-28\n"
        "Also asked as: “us visa cost \\*for\\* kenyans”\n"
        "Not covered: The documents don't give an amount for this.\n"
        "Looked at: Trade and Investment",
    )


def test_what_users_typed_cannot_format_or_link() -> None:
    name, _ = group_field(1, group("see [this](https://evil.example) **now** `x`"))
    assert name == "1. see \\[this](https://evil.example) \\*\\*now\\*\\* \\`x\\` ×1"


def test_a_long_question_keeps_its_count() -> None:
    name, _ = group_field(12, group("why " * 200, 7))
    assert len(name) <= 256 and name.startswith("12. why why") and name.endswith("… ×7")


def test_the_report_header_and_the_empty_report() -> None:
    (reply,) = gaps_replies(report(group("When did police leave Haiti?", 5), days=30))
    (embed,) = reply.embeds
    assert embed.title == "Unanswered questions, last 30 days"
    assert (
        embed.description == "5 questions in 1 group, 2026-10-30 to 2026-11-29, most asked first."
    )
    (empty,) = gaps_replies(report())
    assert empty.embeds[0].description == (
        "No unanswered questions in the last 7 days: nothing was declined, partly answered "
        "or voted 👎."
    )


def test_a_long_report_is_paged_and_the_digest_is_one_message() -> None:
    groups = [group(f"Question number {i} " + "x" * 200, 100 - i) for i in range(90)]
    pages = gaps_replies(report(*groups))
    assert 1 < len(pages) <= 5
    for reply in pages:
        check_limits(reply)
    names = [f.name for reply in pages for f in reply.embeds[0].fields]
    shown = [n for n in names if n != "More"]
    assert (
        shown
        == [f"{i + 1}. Question number {i} {'x' * 200} ×{100 - i}" for i in range(90)][: len(shown)]
    )
    if len(shown) < 90:
        more = pages[-1].embeds[0].fields[-1]
        assert more.name == "More"
        assert more.value == (
            f"…and {90 - len(shown)} more groups: `python -m bot gaps --days 7` lists every one."
        )
    assert pages[1].embeds[0].title == "Unanswered questions, last 7 days (continued)"

    (digest,) = digest_replies(report(*groups))
    check_limits(digest)
    more = digest.embeds[0].fields[-1]
    assert (more.name, more.value.endswith("more groups: `/gaps` lists them.")) == ("More", True)


texts = st.text(min_size=0, max_size=1500)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.builds(
            GapGroup,
            question=st.text(min_size=1, max_size=3000),
            count=st.integers(1, 10**6),
            outcomes=st.dictionaries(
                st.sampled_from(["declined", "partial", "downvoted"]), st.integers(1, 10**6)
            ),
            wordings=st.lists(texts, max_size=6).map(tuple),
            documents=st.lists(st.builds(SeenDocument, title=texts, source=texts), max_size=6).map(
                tuple
            ),
            missing=st.lists(texts, max_size=6).map(tuple),
            people=st.integers(0, 10**6),
            last_asked=st.floats(0, 4e9),
        ),
        max_size=80,
    ),
    st.integers(1, 90),
)
def test_any_report_fits_discord(groups: list[GapGroup], days: int) -> None:
    r = report(*groups, days=days)
    for replies in (gaps_replies(r), digest_replies(r)):
        assert 1 <= len(replies) <= 5
        for reply in replies:
            check_limits(reply)


def added(**kw: object) -> AddedPage:
    base: dict[str, object] = dict(
        url="https://coastnews.example/business/port-upgrade",
        title="Mombasa port gets a new container terminal",
        path=Path("/corpus/web/coastnews-example-business-port-upgrade-1f0c2a9b3e.md"),
        source="web/coastnews-example-business-port-upgrade-1f0c2a9b3e.md",
        chunks=2,
        question="Who lent the money for the terminal?",
        replaced=False,
        stats=IndexStats(),
    )
    return AddedPage(**(base | kw))  # type: ignore[arg-type]


def test_an_added_page_names_its_title_link_file_chunks_and_a_question() -> None:
    reply = added_page_reply(added())
    assert reply.content == "✅ Added a web page."
    (embed,) = reply.embeds
    assert embed.title == "Mombasa port gets a new container terminal"
    assert embed.url == "https://coastnews.example/business/port-upgrade"
    assert embed.description == (
        "Stored and indexed as `coastnews-example-business-port-upgrade-1f0c2a9b3e.md` (2 chunks)."
    )
    assert [(f.name, f.value) for f in embed.fields] == [
        ("Try it", "`/ask question: Who lent the money for the terminal?`")
    ]
    check_limits(reply)

    again = added_page_reply(added(replaced=True, chunks=1, question=""))
    assert again.content == "✅ Updated a web page."
    assert again.embeds[0].description == (
        "Replaced the earlier version of this page: "
        "`coastnews-example-business-port-upgrade-1f0c2a9b3e.md` (1 chunk)."
    )
    assert again.embeds[0].fields[0].value.startswith("No question was found yet")
    check_limits(added_page_reply(added(title="t" * 5000, question="q" * 5000)))
