"""Block Kit for the admin loop: the gaps report and an added page stay within Slack's
limits and escape what users, documents and web pages wrote."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.gap_report import GapGroup, GapsReport, SeenDocument
from bot.slack.admin_blocks import MAX_GROUPS, render_added_page, render_gaps
from bot.webpages import AddedPage
from retrieval.models import IndexStats
from tests.bot.slack.test_blocks import HOSTILE, check_payload

NOW = 1_790_000_000.0
DAY = 86400.0


def group(question: str, count: int = 1, **kw: object) -> GapGroup:
    fields: dict[str, object] = {
        "question": question,
        "count": count,
        "outcomes": {"declined": count},
        "wordings": (question,),
        "documents": (),
        "missing": (),
        "people": 1,
        "last_asked": NOW,
    }
    fields.update(kw)
    return GapGroup(**fields)  # type: ignore[arg-type]


def report(groups: list[GapGroup], days: int = 7) -> GapsReport:
    return GapsReport(days, NOW - days * DAY, NOW, tuple(groups))


text = st.lists(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)
    | st.sampled_from(["<!channel>", "@here", "&", "<@U123>", "\n"]),
    min_size=1,
    max_size=12,
).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    questions=st.lists(text, min_size=1, max_size=70),
    extra=st.lists(text, max_size=8),
    digest=st.booleans(),
)
def test_any_report_fits_slack_and_stays_inert(
    questions: list[str], extra: list[str], digest: bool
) -> None:
    groups = [
        group(
            q,
            count=len(questions) - i,
            wordings=(q, *extra),
            missing=tuple(extra),
            documents=tuple(SeenDocument(t, f"web/{i}.md") for t in extra),
            outcomes={"declined": 2, "partial": 1, "downvoted": 3},
            people=i,
        )
        for i, q in enumerate(questions)
    ]
    message = render_gaps(report(groups), digest=digest)
    check_payload(message.blocks, message.text)
    shown = [b for b in message.blocks if b["type"] == "section"][1:]
    assert len(shown) == min(len(groups), MAX_GROUPS)


def test_groups_past_the_limit_are_counted_not_dropped_silently() -> None:
    groups = [group(f"Question number {i}?", count=100 - i) for i in range(MAX_GROUPS + 5)]
    message = render_gaps(report(groups))
    check_payload(message.blocks, message.text)
    assert message.blocks[-2]["elements"][0]["text"].startswith(
        f"…and 5 more groups, asked {sum(g.count for g in groups[MAX_GROUPS:])} times"
    )
    assert message.blocks[MAX_GROUPS]["text"]["text"].startswith(
        f"*{MAX_GROUPS}. Question number {MAX_GROUPS - 1}?*"
    )


def test_a_group_names_its_wordings_outcomes_gaps_and_documents() -> None:
    g = group(
        "How much is the US visa fee for Kenyans?",
        count=3,
        outcomes={"partial": 2, "downvoted": 1},
        wordings=("How much is the US visa fee for Kenyans?", "us visa cost <b>kenya</b>"),
        missing=("The documents don't give an amount.",),
        documents=(SeenDocument("Trade & <Investment>", "docs/trade.md"), SeenDocument("", "x.md")),
        people=2,
    )
    [section] = [b for b in render_gaps(report([g])).blocks if b["type"] == "section"][1:]
    assert section["text"]["text"] == (
        "*1. How much is the US visa fee for Kenyans?*  ×3\n"
        "2 partly answered, 1 👎 · 2 people · last asked 2026-09-21\n"
        "_Also asked as:_ us visa cost &lt;b&gt;kenya&lt;/b&gt;\n"
        "_Not covered:_ The documents don't give an amount.\n"
        "_Looked at:_ Trade &amp; &lt;Investment&gt;; x.md"
    )


def added(title: str, url: str, question: str, *, replaced: bool = False) -> AddedPage:
    stats = IndexStats(1, 0, 0, 2, 9, 0.5)
    path = Path("/corpus/web/coastnews-example-port-1f0c2a9b3e.md")
    return AddedPage(url, title, path, "web/port.md", 2, question, replaced, stats)


def test_an_added_page_is_linked_escaped_and_says_what_to_try() -> None:
    message = render_added_page(
        added(f"Port {HOSTILE}", "https://coast.example/a?x=1&y=2", "Who lent <the> money?")
    )
    check_payload(message.blocks, message.text)
    assert message.blocks[0]["text"]["text"].split("\n") == [
        "Added <https://coast.example/a?x=1&amp;y=2|Port &lt;!channel&gt; &lt;!here¦here&gt; "
        "&lt;@U123&gt; &lt;#C1&gt; @\u2060everyone &amp; &lt;https://evil.example¦x&gt; &gt; "
        "&lt;> as `coastnews-example-port-1f0c2a9b3e.md` (2 chunks indexed).",
        "Try: Who lent &lt;the&gt; money?",
    ]


def test_a_replaced_page_without_a_sample_question_says_so() -> None:
    message = render_added_page(added("Port", "ftp://x", "", replaced=True), "/ask")
    assert message.blocks[0]["text"]["text"].split("\n") == [
        "Updated Port as `coastnews-example-port-1f0c2a9b3e.md` (2 chunks indexed).",
        "It replaced the earlier version of this page.",
        "I found no sample question it answers yet; `/ask sources` lists it.",
    ]
