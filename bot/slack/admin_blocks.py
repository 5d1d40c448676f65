"""Block Kit for the admin loop: the unanswered-questions report (`/kenya gaps` and the
weekly digest) and a web page added with `/kenya add`.

Question wordings and document titles come from users and documents, page titles from
the web: everything goes through `escape()`. Slack's limits hold: at most 50 blocks
(`MAX_GROUPS` groups shown, the rest counted) and 3,000 characters a section.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from bot.slack.blocks import (
    MAX_FALLBACK_CHARS,
    MAX_SECTION_CHARS,
    Message,
    context,
    escape,
    link,
    notice,
    section,
    shorten,
)

if TYPE_CHECKING:
    from bot.gap_report import GapGroup, GapsReport
    from bot.webpages import AddedPage

DEFAULT_DAYS = 7
# The report's window is capped: questions are kept for BOT_RETENTION_DAYS (90 days by
# default), so a longer window shows nothing more, and grouping a year of questions
# would keep an admin waiting.
MAX_DAYS = 90
MAX_GROUPS = 20  # one section each; with the header and footer well under 50 blocks
MAX_OTHER_WORDINGS = 3
MAX_MISSING = 3
OUTCOME_LABELS = {"declined": "declined", "partial": "partly answered", "downvoted": "👎"}


def _day(seconds: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(seconds))


def _days(n: int) -> str:
    return "day" if n == 1 else f"{n} days"


def outcomes_line(outcomes: dict[str, int]) -> str:
    """The outcome counts as words: "3 declined, 1 partly answered, 2 👎"."""
    return ", ".join(f"{n} {OUTCOME_LABELS.get(o, o)}" for o, n in outcomes.items())


def _group_section(number: int, group: GapGroup) -> dict[str, object]:
    question = escape(shorten(" ".join(group.question.split()), 300))
    facts = [outcomes_line(group.outcomes)]
    if group.people:
        facts.append(f"{group.people} {'person' if group.people == 1 else 'people'}")
    facts.append(f"last asked {_day(group.last_asked)}")
    lines = [f"*{number}. {question}*  ×{group.count}", " · ".join(facts)]
    others = [escape(shorten(w, 150)) for w in group.wordings[1 : 1 + MAX_OTHER_WORDINGS]]
    if others:
        lines.append("_Also asked as:_ " + "; ".join(others))
    for missing in group.missing[:MAX_MISSING]:
        lines.append("_Not covered:_ " + escape(shorten(missing, 200)))
    if group.documents:
        titles = [escape(shorten(d.title or d.source, 100)) for d in group.documents]
        lines.append("_Looked at:_ " + "; ".join(titles))
    else:
        lines.append("_Looked at:_ nothing relevant was found")
    return section(shorten("\n".join(lines), MAX_SECTION_CHARS))


def render_gaps(report: GapsReport, command: str = "/kenya", *, digest: bool = False) -> Message:
    """The report: a header, numbered groups (most asked first), a footer saying what to
    do next. `digest`: worded for the weekly post in the admin channel."""
    window = _days(report.days)
    if report.empty:
        return notice(
            f"No unanswered questions in the last {window}. Nothing was declined, "
            "partly answered or voted 👎."
        )
    groups = len(report.groups)
    summary = (
        f"{report.questions} {'question' if report.questions == 1 else 'questions'} "
        f"in {groups} {'group' if groups == 1 else 'groups'}"
    )
    title = "Weekly digest: questions I could not answer" if digest else "Unanswered questions"
    blocks = [
        section(
            f"*{title}, last {window}* ({_day(report.since)} to {_day(report.until)}): "
            f"{summary}, most asked first."
        )
    ]
    blocks.extend(_group_section(i, g) for i, g in enumerate(report.groups[:MAX_GROUPS], 1))
    if groups > MAX_GROUPS:
        rest = report.groups[MAX_GROUPS:]
        blocks.append(
            context(
                f"…and {len(rest)} more groups, asked {sum(g.count for g in rest)} times "
                f"(each less often than those above). `{command} gaps 1` shows just the last day."
            )
        )
    hint = f"Add a web page that answers one with `{command} add &lt;url&gt;` (admins)."
    if digest:
        hint = f"Posted once a week. `{command} gaps [days]` shows it any time. " + hint
    blocks.append(context(hint))
    text = f"{title}, last {window}: {summary}"
    return Message(text=shorten(text, MAX_FALLBACK_CHARS), blocks=blocks)


def render_added_page(added: AddedPage, command: str = "/kenya") -> Message:
    """What `/kenya add` did: the page (linked), its file, its chunks, a question to try."""
    title = shorten(" ".join(added.title.split()) or added.file_name, 200)
    page = link(added.url if len(added.url) <= 1000 else "", title)
    verb = "Updated" if added.replaced else "Added"
    lines = [
        f"{verb} {page} as `{escape(added.file_name)}` "
        f"({added.chunks} {'chunk' if added.chunks == 1 else 'chunks'} indexed)."
    ]
    if added.replaced:
        lines.append("It replaced the earlier version of this page.")
    if added.question:
        lines.append(f"Try: {escape(shorten(' '.join(added.question.split()), 300))}")
    else:
        lines.append(f"I found no sample question it answers yet; `{command} sources` lists it.")
    text = f"{verb} “{escape(title)}” ({added.chunks} chunks)"
    return Message(text=shorten(text, MAX_FALLBACK_CHARS), blocks=[section("\n".join(lines))])


def gaps_usage(command: str, given: str = "") -> Message:
    """How to ask for the report; `given` is the days value that was not understood."""
    bad = f"`{escape(shorten(given, 40))}` is not a number of days. " if given else ""
    return notice(
        f"{bad}Usage: `{command} gaps [days]`: the questions I could not answer in the last "
        f"*days* days, grouped, most asked first (admins). *days* is a whole number from 1 "
        f"to {MAX_DAYS} (default {DEFAULT_DAYS}): questions are kept only for the retention "
        f"period ({MAX_DAYS} days unless `BOT_RETENTION_DAYS` says otherwise)."
    )


def add_usage(command: str) -> Message:
    return notice(
        f"Usage: `{command} add &lt;url&gt;`: fetch a public web page (http or https), keep "
        "its article as a document and index it (admins). Adding the same address again "
        "updates that document."
    )
