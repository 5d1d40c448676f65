"""Answers, quotes, sources and re-index reports as Discord messages, within Discord's limits.

The core returns structure (`Answer` with `Citation`s); this module decides how it
looks on Discord and guarantees every payload is accepted: content ≤ 2,000
characters, embed title ≤ 256, description ≤ 4,096, ≤ 25 fields (name ≤ 256,
value ≤ 1,024, never empty), footer ≤ 2,048, and ≤ 6,000 characters per message.
Whatever does not fit is cut at a word boundary with a pointer to `/sources`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

import discord

from bot.render_text import render_stats
from retrieval.models import Answer, Citation, DocumentInfo, IndexStats

CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
MESSAGE_EMBEDS_MAX = 6000  # all embeds of one message together

ANSWER_COLOUR = discord.Colour.blurple()
ABSTAIN_COLOUR = discord.Colour.light_grey()
QUOTE_MAX = 900  # one quote field; leaves room for its source line
MORE_SOURCES = "…and {n} more: see `/sources` for every document."
SHORTENED = "Shortened to fit Discord; `/sources` lists every document."
NOT_COVERED = "The indexed documents don't cover this. `/sources` lists what they do cover."
APOLOGY = "Sorry, something went wrong on my side. It has been logged; please try again."
NO_LONGER_AVAILABLE = "That answer is no longer available; ask again to get a fresh one."

NO_MESSAGE_TEXT = "That message has no text to ask about."

HELP = """\
**Ask** with `/ask question:` or mention me in a channel: I answer in a thread, \
and follow-ups in that thread need no mention. In a DM just write your question.
**Ask about this message**: open a message's menu → *Apps* → *Ask about this message*.
**private: True** on `/ask` or `/summary`: only you see the answer; **Share** posts it \
to the channel.
**/summary** `topic:` a cited summary of a topic or document (no topic: every document).
**/sources** the documents I answer from.
Every answer cites its sources as [n]; **Show quotes** reveals the exact passages, \
👍/👎 tell the maintainers whether it helped, and the buttons below suggest follow-up \
questions the documents answer.
Questions I could not answer (declined, answered only in part, or voted 👎) are kept \
for {retention_days} days with your user ID, and the bot's admins review them to add \
what is missing.
**Admins**: **/reindex** syncs the index with the corpus (attach a `.md`, `.txt`, \
`.html` or `.pdf` file to add it first); **/add** `url:` adds a public web page; \
**/gaps** `days:` lists the questions the documents did not answer.
Add me to your account (user install) to use `/ask`, `/summary`, `/sources` and \
*Ask about this message* in any server, DM or group DM."""


@dataclass
class Reply:
    """One message to send: content and/or embeds (a view is added by the caller)."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)


def clip(text: str, limit: int, marker: str = "…") -> str:
    """text cut to at most `limit` characters, at a word boundary when one is near."""
    if len(text) <= limit:
        return text
    if limit <= len(marker):
        return text[:limit]
    cut = text[: limit - len(marker)]
    space = cut.rfind(" ")
    if space >= len(cut) * 0.8:
        cut = cut[:space]
    return cut.rstrip() + marker


def content(text: str) -> Reply:
    """A plain-text message (errors, refusals, progress)."""
    return Reply(content=clip(text, CONTENT_MAX) or "…")


def _link(text: str, url: str) -> str:
    """A masked link when the URL is a usable web link, else the text alone."""
    if not url.startswith(("http://", "https://")) or len(url) > 512:
        return text
    label = text.replace("[", "(").replace("]", ")") or "link"
    safe = quote(url, safe=":/?#@!$&'*+,;=%~-._")
    return f"[{label}]({safe})"


def _where(c: Citation) -> str:
    parts = []
    if c.section:
        parts.append(c.section)
    if c.page:
        parts.append(f"page {c.page}")
    if c.date:
        parts.append(c.date)
    return " · ".join(parts)


def _source_name(c: Citation) -> str:
    return f"[{c.index}] {c.title or c.source.rsplit('/', 1)[-1] or 'source'}"


def _source_value(c: Citation) -> str:
    where = _where(c)
    if c.url.startswith(("http://", "https://")):
        return _link(clip(where or "link", 200), c.url)
    return clip(" · ".join(p for p in (f"`{clip(c.source, 300)}`", where) if p), FIELD_VALUE_MAX)


def _fill_fields(
    embed: discord.Embed, fields: Sequence[tuple[str, str]], budget: int, more: str
) -> None:
    """Add as many (name, value) fields as the field count and character budget allow.

    When some are left out, a last field says how many (`more` with `{n}`); room for
    it is kept free at every step, so it always fits.
    """
    reserve = len("More") + len(more) + 12
    for i, (name, value) in enumerate(fields):
        name = clip(name, FIELD_NAME_MAX) or "—"
        value = clip(value, FIELD_VALUE_MAX) or "—"
        cost = len(name) + len(value)
        slots = FIELDS_MAX - len(embed.fields)
        if i == len(fields) - 1:
            fits = slots >= 1 and cost <= budget
        else:
            fits = slots >= 2 and cost + reserve <= budget
        if not fits:
            embed.add_field(name="More", value=more.format(n=len(fields) - i), inline=False)
            return
        embed.add_field(name=name, value=value, inline=False)
        budget -= cost


def _answer_body(answer: Answer) -> str:
    text = answer.answer.strip()
    if answer.note:
        text += f"\n\n*Note: {answer.note.strip()}*"
    return text


def answer_embed(answer: Answer, *, title: str | None = None) -> discord.Embed:
    """The answer text with [n] markers, then one field per numbered source."""
    heading = clip(" ".join((title or answer.question).split()) or "Answer", TITLE_MAX)
    body = _answer_body(answer)
    footer = NOT_COVERED if answer.abstained else ""
    if len(body) > DESCRIPTION_MAX:
        body = clip(body, DESCRIPTION_MAX - len(SHORTENED) - 2) + "\n\n" + SHORTENED
    embed = discord.Embed(
        title=heading,
        description=body or None,
        colour=ABSTAIN_COLOUR if answer.abstained else ANSWER_COLOUR,
    )
    if footer:
        embed.set_footer(text=footer)
    budget = MESSAGE_EMBEDS_MAX - len(embed)
    fields = [(_source_name(c), _source_value(c)) for c in answer.citations]
    _fill_fields(embed, fields, budget, MORE_SOURCES)
    return embed


def answer_reply(answer: Answer) -> Reply:
    return Reply(embeds=[answer_embed(answer)])


def summary_reply(answer: Answer) -> Reply:
    topic = answer.question.strip()
    return Reply(embeds=[answer_embed(answer, title=f"Summary: {topic}" if topic else "Summary")])


def _quote_value(c: Citation) -> str:
    quoted = "\n".join(
        "> " + discord.utils.escape_markdown(line) for line in clip(c.quote, QUOTE_MAX).splitlines()
    )
    source = _source_value(c)
    return f"{quoted or '> …'}\n{source}"


def shared_reply(answer: Answer, user_id: int, *, summary: bool = False) -> Reply:
    """A private answer posted publicly, saying who shared it (the mention pings nobody:
    the client sends no allowed mentions)."""
    reply = summary_reply(answer) if summary else answer_reply(answer)
    reply.content = f"Shared by <@{user_id}>"
    return reply


def quotes_reply(answer: Answer) -> Reply:
    """The exact passages behind each [n] (sent ephemerally by the Show quotes button)."""
    question = " ".join(answer.question.split())
    embed = discord.Embed(
        title=clip(f"Quotes: {question}" if question else "Quotes", TITLE_MAX),
        colour=ANSWER_COLOUR,
    )
    if not answer.citations:
        embed.description = "This answer has no quoted sources."
    budget = MESSAGE_EMBEDS_MAX - len(embed)
    fields = [(_source_name(c), _quote_value(c)) for c in answer.citations]
    _fill_fields(embed, fields, budget, "…and {n} more quotes: see `/sources`.")
    return Reply(embeds=[embed])


def sources_reply(sources: Sequence[DocumentInfo]) -> Reply:
    """Numbered documents with links, dates and chunk counts."""
    if not sources:
        return content("No documents are indexed yet. An admin can run `/reindex`.")
    lines: list[str] = []
    used = 0
    for i, s in enumerate(sources, 1):
        title = clip(s.title or s.source.rsplit("/", 1)[-1], 200)
        chunks = f"{s.chunks} chunk{'s' if s.chunks != 1 else ''}"
        facts = ", ".join(p for p in (s.date, chunks) if p)
        line = f"**{i}.** {_link(title, s.url)} ({facts})"
        more = f"…and {len(sources) - i + 1} more."
        if used + len(line) + 1 + len(more) > DESCRIPTION_MAX:
            lines.append(more)
            break
        lines.append(line)
        used += len(line) + 1
    plural = "s" if len(sources) != 1 else ""
    embed = discord.Embed(
        title=f"{len(sources)} indexed document{plural}",
        description="\n".join(lines),
        colour=ANSWER_COLOUR,
    )
    return Reply(embeds=[embed])


def help_reply(retention_days: int) -> Reply:
    """How to use the bot; says how long unanswered questions are kept."""
    text = HELP.format(retention_days=retention_days)
    return Reply(embeds=[discord.Embed(title="How to use me", description=text)])


PROGRESS_STAGES = {"read": "reading files", "embed": "embedding chunks"}


def progress_text(stage: str, done: int, total: int) -> str:
    what = PROGRESS_STAGES.get(stage, stage)
    return f"⏳ Re-indexing: {what}, {done:,} of {total:,} done…"


def stats_text(stats: IndexStats, *, uploaded: str | None = None) -> str:
    head = f"✅ Added `{uploaded}` to the corpus.\n" if uploaded else "✅ "
    return clip(head + render_stats(stats), CONTENT_MAX)


def thread_name(question: str) -> str:
    """A thread title from the question (Discord allows 1–100 characters)."""
    return clip(" ".join(question.split()), 100) or "Question"
