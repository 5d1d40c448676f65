"""The admin loop on Discord: the unanswered-questions report (`/gaps`, the weekly digest)
and a web page added with `/add`, within the limits `bot.discord.render` documents.

Questions are what users typed: their Markdown is escaped, so a question cannot format
or link anything in the admins' view. A report too long for one message is split into
pages (one embed each); past the last page a field says how many groups were left out
and where to see them all.
"""

from __future__ import annotations

import time

import discord

from bot.discord.render import (
    ABSTAIN_COLOUR,
    ANSWER_COLOUR,
    DESCRIPTION_MAX,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    MESSAGE_EMBEDS_MAX,
    TITLE_MAX,
    Reply,
    clip,
)
from bot.gap_report import GapGroup, GapsReport
from bot.render_text import render_gaps
from bot.webpages import AddedPage

OUTCOME_LABELS = {"declined": "declined", "partial": "partly answered", "downvoted": "👎"}
WORDING_MAX = 200  # one question in a field value
MORE_GROUPS = "…and {n} more groups: {where}"
ALL_GROUPS = "`python -m bot gaps --days {days}` lists every one."
IN_GAPS = "`/gaps` lists them."
ADD_HINT = "Add documents that answer them: `/add url:` a web page, or `/reindex file:`."
# Room kept on every page for the "More" field (its name and the longest value).
_MORE_RESERVE = len("More") + len(MORE_GROUPS) + len(ALL_GROUPS) + 20


def _day(seconds: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(seconds))


def _user_text(text: str, limit: int) -> str:
    """What a user typed, on one line, Markdown escaped, at most `limit` characters."""
    return clip(discord.utils.escape_markdown(" ".join(text.split())), limit)


def _outcomes(group: GapGroup) -> str:
    return " · ".join(f"{n} {OUTCOME_LABELS.get(o, o)}" for o, n in group.outcomes.items())


def group_field(number: int, group: GapGroup) -> tuple[str, str]:
    """(name, value) of one group: the sample wording and count; how it ended, who asked,
    other wordings, what was missing and the documents looked at."""
    head, tail = f"{number}. ", f" ×{group.count}"
    name = head + _user_text(group.question, FIELD_NAME_MAX - len(head) - len(tail)) + tail
    facts = [_outcomes(group)]
    if group.people:
        facts.append(f"{group.people} {'person' if group.people == 1 else 'people'}")
    facts.append(f"last asked {_day(group.last_asked)}")
    lines = [" · ".join(f for f in facts if f)]
    others = [f"“{_user_text(w, WORDING_MAX)}”" for w in group.wordings[1:]]
    if others:
        lines.append("Also asked as: " + "; ".join(others))
    for missing in group.missing:
        lines.append(f"Not covered: {_user_text(missing, WORDING_MAX)}")
    if group.documents:
        titles = [clip(d.title or d.source.rsplit("/", 1)[-1], 120) for d in group.documents]
        lines.append("Looked at: " + "; ".join(titles))
    return name, clip("\n".join(lines), FIELD_VALUE_MAX)


def gaps_replies(
    report: GapsReport, *, title: str | None = None, max_pages: int = 5, intro: str = ""
) -> list[Reply]:
    """The report as at most `max_pages` messages of one embed, groups most frequent
    first; an empty report is one embed saying so. `intro` opens the first page."""
    heading = clip(title or f"Unanswered questions, last {report.days} days", TITLE_MAX)
    if report.empty:
        empty = discord.Embed(title=heading, description=render_gaps(report), colour=ANSWER_COLOUR)
        return [Reply(embeds=[empty])]
    summary = (
        f"{report.questions} question{'s' if report.questions != 1 else ''} in "
        f"{len(report.groups)} group{'s' if len(report.groups) != 1 else ''}, "
        f"{_day(report.since)} to {_day(report.until)}, most asked first."
    )
    first = discord.Embed(
        title=heading,
        description=clip(f"{intro}\n{summary}" if intro else summary, DESCRIPTION_MAX),
        colour=ABSTAIN_COLOUR,
    )
    pages = [first]
    fields = [group_field(i, g) for i, g in enumerate(report.groups, 1)]
    where = IN_GAPS if max_pages == 1 else ALL_GROUPS.format(days=report.days)
    for i, (name, value) in enumerate(fields):
        page = pages[-1]
        last = i == len(fields) - 1
        room = MESSAGE_EMBEDS_MAX - len(page) - (0 if last else _MORE_RESERVE)
        slots = FIELDS_MAX - len(page.fields) - (0 if last else 1)
        if len(name) + len(value) > room or slots < 1:
            if len(pages) == max_pages:
                more = MORE_GROUPS.format(n=len(fields) - i, where=where)
                page.add_field(name="More", value=more, inline=False)
                break
            page = discord.Embed(title=clip(f"{heading} (continued)", TITLE_MAX))
            page.colour = ABSTAIN_COLOUR
            pages.append(page)
        page.add_field(name=name, value=value, inline=False)
    return [Reply(embeds=[page]) for page in pages]


def digest_replies(report: GapsReport) -> list[Reply]:
    """The weekly digest: one message (the rest of a long week is in `/gaps`)."""
    return gaps_replies(
        report,
        title=f"Weekly digest: unanswered questions, last {report.days} days",
        max_pages=1,
        intro=ADD_HINT,
    )


def added_page_reply(added: AddedPage) -> Reply:
    """What `/add` did: the page (its title links to it), the stored file, its chunks,
    a question to try, and whether an earlier version was replaced."""
    verb = "Updated" if added.replaced else "Added"
    embed = discord.Embed(
        title=clip(" ".join(added.title.split()) or added.file_name, TITLE_MAX),
        url=added.url if added.url.startswith(("http://", "https://")) else None,
        colour=ANSWER_COLOUR,
    )
    chunks = f"{added.chunks} chunk{'s' if added.chunks != 1 else ''}"
    stored = f"`{clip(added.file_name, 200)}` ({chunks})"
    if added.replaced:
        embed.description = f"Replaced the earlier version of this page: {stored}."
    else:
        embed.description = f"Stored and indexed as {stored}."
    if added.question:
        question = clip(" ".join(added.question.replace("`", "'").split()), 900)
        embed.add_field(name="Try it", value=f"`/ask question: {question}`", inline=False)
    else:
        embed.add_field(
            name="Try it",
            value="No question was found yet that I answer from this page; ask about it.",
            inline=False,
        )
    return Reply(content=f"✅ {verb} a web page.", embeds=[embed])
