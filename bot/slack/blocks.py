"""Block Kit rendering of the core's answers, sources and index stats.

Everything that comes from documents or users goes through `escape()`: `&`, `<`, `>`
are escaped (so `<!channel>` or `<@U123>` in a document stays text), and `@channel`,
`@here`, `@everyone` are broken with a word joiner. The one mention the bot writes is
the user who pressed a button or asked ("Shared by <@U123>"). Slack's limits are
enforced here: at most 50 blocks, 3,000 characters per section, 10 context elements,
25 buttons, 75 characters of button text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from retrieval.models import Answer, Citation, DocumentInfo, IndexStats

MAX_BLOCKS = 50
MAX_SECTION_CHARS = 3000
MAX_CONTEXT_ELEMENTS = 10
MAX_CONTEXT_CHARS = 2000
MAX_ANSWER_SECTIONS = 4  # 12,000 characters: longer answers are cut with a pointer
MAX_FALLBACK_CHARS = 3000
MAX_LINE_CHARS = 300
MAX_FOLLOWUP_BUTTONS = 3

MAX_BUTTON_CHARS = 75

SHOW_QUOTES = "show_quotes"
FEEDBACK_UP = "feedback_up"
FEEDBACK_DOWN = "feedback_down"
SHARE = "share_answer"
FOLLOWUP = "ask_followup_{index}"  # value "answer_id:index"
FOLLOWUP_ACTIONS = re.compile(r"^ask_followup_\d$")

_BROADCAST = re.compile(r"@(channel|here|everyone)\b", re.IGNORECASE)
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_SAFE_URL = re.compile(r"^https?://[^\s<>|]+$")
_WORD_JOINER = "\u2060"


def escape(text: str) -> str:
    """Untrusted text made inert for mrkdwn: no links, mentions or broadcasts."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub(lambda m: "@" + _WORD_JOINER + m.group(1), text)


def user_mention(user: str) -> str:
    """`<@U123>` for a well-formed user ID (the person who clicked or asked: the only
    mention the bot ever writes), else "Someone"."""
    return f"<@{user}>" if _USER_ID.match(user) else "Someone"


def button_label(text: str) -> str:
    """Untrusted text as a button's plain-text label: one line, no angle brackets,
    broadcasts broken, at most 75 characters."""
    text = " ".join(text.split()).replace("<", "‹").replace(">", "›")
    text = _BROADCAST.sub(lambda m: "@" + _WORD_JOINER + m.group(1), text)
    return shorten(text, MAX_BUTTON_CHARS) or "…"


def link(url: str, label: str) -> str:
    """`<url|label>` for http(s) URLs; just the escaped label for anything else."""
    label = escape(label).replace("|", "¦")
    if not _SAFE_URL.match(url):
        return label
    # %40 keeps the address and keeps `@here` in a URL from ever reading as a broadcast.
    return f"<{url.replace('&', '&amp;').replace('@', '%40')}|{label}>"


def shorten(text: str, limit: int, ellipsis: str = "…") -> str:
    """At most `limit` characters, cut at a word boundary where one is near."""
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", limit // 2, limit - len(ellipsis))
    if cut == -1:
        cut = limit - len(ellipsis)
    return _unsplit_entity(text, cut).rstrip() + ellipsis


def _unsplit_entity(text: str, cut: int) -> str:
    """text[:cut], moved back so that an `&amp;`-style entity is never cut in half."""
    amp = text.rfind("&", max(0, cut - 5), cut)
    if amp != -1 and ";" not in text[amp:cut]:
        cut = amp
    return text[:cut]


def split_mrkdwn(text: str, limit: int = MAX_SECTION_CHARS) -> list[str]:
    """Escaped text in pieces of at most `limit` characters, split at line or word breaks."""
    pieces: list[str] = []
    while len(text) > limit:
        cut = max(text.rfind("\n", limit // 2, limit), text.rfind(" ", limit // 2, limit))
        head = _unsplit_entity(text, cut if cut > 0 else limit)
        pieces.append(head.rstrip())
        text = text[len(head) :].lstrip()
    if text.strip():
        pieces.append(text)
    return pieces


def section(mrkdwn: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn[:MAX_SECTION_CHARS]}}


def context(*texts: str) -> dict[str, Any]:
    return {
        "type": "context",
        "elements": [
            {"type": "mrkdwn", "text": t[:MAX_CONTEXT_CHARS]} for t in texts[:MAX_CONTEXT_ELEMENTS]
        ],
    }


def _button(text: str, action_id: str, value: str) -> dict[str, Any]:
    return {
        "type": "button",
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "action_id": action_id,
        "value": value,
    }


@dataclass
class Message:
    """What a post carries: blocks, and the plain `text` Slack uses for notifications."""

    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)

    def post_args(self) -> dict[str, Any]:
        """Keyword arguments for chat.postMessage and respond()."""
        return {
            "text": self.text,
            "blocks": self.blocks[:MAX_BLOCKS],
            "unfurl_links": False,
            "unfurl_media": False,
        }

    def update_args(self) -> dict[str, Any]:
        """Keyword arguments for chat.update (which takes no unfurl options)."""
        return {"text": self.text, "blocks": self.blocks[:MAX_BLOCKS]}


def notice(mrkdwn: str) -> Message:
    """A one-section message of the bot's own (trusted) mrkdwn."""
    return Message(text=shorten(mrkdwn, MAX_FALLBACK_CHARS), blocks=[section(mrkdwn)])


def plain(text: str) -> Message:
    """A one-section message of untrusted text (a core error message, say)."""
    return notice(shorten(escape(text), MAX_SECTION_CHARS))


def pack_lines(lines: list[str], limit: int) -> list[str]:
    """Lines joined into as few texts of at most `limit` characters as fit (never split)."""
    packed: list[str] = []
    for line in lines:
        if packed and len(packed[-1]) + 1 + len(line) <= limit:
            packed[-1] += "\n" + line
        else:
            packed.append(line[:limit])
    return packed


def _source_line(c: Citation) -> str:
    """`[n] <url|title> · section · date`; the link is never cut (URLs over 1,000: no link)."""
    title = shorten(c.title or PurePath(c.source).name or "source", 120)
    head = f"[{c.index}] {link(c.url if len(c.url) <= 1000 else '', title)}"
    tail = []
    if c.section:
        tail.append(escape(shorten(c.section, 80)))
    if c.page:
        tail.append(f"p. {c.page}")
    if c.date:
        tail.append(escape(shorten(c.date, 30)))
    return " · ".join([head, *tail])


def sources_context(citations: list[Citation], command: str) -> dict[str, Any]:
    """The compact numbered "Sources" block: lines packed into at most 10 context elements."""
    more = f"+{{n}} more: `{command} sources` lists every document"
    packed = pack_lines([_source_line(c) for c in citations], MAX_CONTEXT_CHARS)
    room = MAX_CONTEXT_ELEMENTS - 1  # the first element is the "Sources" label
    if len(packed) > room:
        kept = packed[: room - 1]
        shown = sum(p.count("\n") + 1 for p in kept)
        packed = [*kept, more.format(n=len(citations) - shown)]
    return context("*Sources*", *packed)


def render_answer(
    answer: Answer,
    answer_id: int | None,
    command: str = "/kenya",
    *,
    followups: Sequence[str] = (),
    private: bool = False,
    asked_by: str | None = None,
    shared_by: str | None = None,
) -> Message:
    """The answer with [n] markers, its sources, Show quotes / 👍 / 👎 buttons and up to
    three suggested follow-ups (buttons asking them).

    `answer_id` None leaves the buttons out: they need a stored answer. `private` (an
    ephemeral answer) adds *Share in channel*. `asked_by` opens with "<@user> asked: …"
    (a question someone asked for the thread: a follow-up button, the message shortcut);
    `shared_by` adds "Shared by <@user>". Those user IDs are the only mentions written.
    """
    blocks: list[dict[str, Any]] = []
    if asked_by is not None:
        question = shorten(escape(" ".join(answer.question.split())), 300)
        blocks.append(context(f"{user_mention(asked_by)} asked: {question}"))
    if answer.abstained:
        text = (
            "I couldn't find this in the documents I have, so I won't guess. "
            f"`{command} sources` lists what I can answer from."
        )
        blocks.append(section(text))
    else:
        pieces = split_mrkdwn(escape(answer.answer.strip()) or "(empty answer)")
        text = shorten(pieces[0], MAX_FALLBACK_CHARS)
        blocks.extend(section(p) for p in pieces[:MAX_ANSWER_SECTIONS])
        if len(pieces) > MAX_ANSWER_SECTIONS:
            blocks.append(
                context(
                    "The answer is longer than Slack shows; "
                    f"`{command} sources` lists the documents."
                )
            )
    if answer.note:
        blocks.append(context(shorten(escape(answer.note), MAX_CONTEXT_CHARS)))
    if answer.citations and not answer.abstained:
        blocks.append(sources_context(answer.citations, command))
    if shared_by is not None:
        blocks.append(context(f"Shared by {user_mention(shared_by)}"))
    if answer_id is not None:
        buttons = []
        if answer.citations and not answer.abstained:
            buttons.append(_button("Show quotes", SHOW_QUOTES, str(answer_id)))
        buttons.append(_button("👍", FEEDBACK_UP, str(answer_id)))
        buttons.append(_button("👎", FEEDBACK_DOWN, str(answer_id)))
        if private:
            buttons.append(_button("Share in channel", SHARE, str(answer_id)))
        blocks.append({"type": "actions", "block_id": "answer_actions", "elements": buttons})
        suggested = [
            _button(button_label(q), FOLLOWUP.format(index=i), f"{answer_id}:{i}")
            for i, q in enumerate(followups[:MAX_FOLLOWUP_BUTTONS])
            if q.strip()
        ]
        if suggested:
            blocks.append(context("*Ask next*"))
            blocks.append({"type": "actions", "block_id": "followups", "elements": suggested})
    return Message(text=text, blocks=blocks)


def render_quotes(answer: Answer) -> Message:
    """Each citation with the exact passage it quotes (one section per citation)."""
    blocks = [section(f"*Quoted passages for:* {escape(shorten(answer.question, 500))}")]
    for c in answer.citations[: MAX_BLOCKS - 2]:
        head = _source_line(c)
        quote = "\n".join("> " + line for line in escape(c.quote).splitlines() if line.strip())
        blocks.append(section(shorten(f"{head}\n{quote}", MAX_SECTION_CHARS)))
    if len(answer.citations) > MAX_BLOCKS - 2:
        blocks.append(context(f"+{len(answer.citations) - (MAX_BLOCKS - 2)} more passages"))
    if len(blocks) == 1:
        blocks.append(section("This answer has no quoted passages."))
    return Message(text="Quoted passages", blocks=blocks)


def render_sources(sources: list[DocumentInfo], command: str = "/kenya") -> Message:
    """The indexed documents, numbered, with links and dates."""
    if not sources:
        return notice(f"No documents are indexed yet. An admin can run `{command} reindex`.")
    lines = []
    for i, s in enumerate(sources, 1):
        title = shorten(s.title or PurePath(s.source).name, 150)
        extra = ", ".join(x for x in (escape(shorten(s.date, 30)), f"{s.chunks} chunks") if x)
        lines.append(f"{i}. {link(s.url if len(s.url) <= 1000 else '', title)} ({extra})")
    blocks = [section(f"*{len(sources)} indexed documents*")]
    body = pack_lines(lines, MAX_SECTION_CHARS)
    blocks.extend(section(p) for p in body[: MAX_BLOCKS - 2])
    if len(body) > MAX_BLOCKS - 2:
        blocks.append(context(f"The list is longer than Slack shows ({len(sources)} documents)."))
    return Message(text=f"{len(sources)} indexed documents", blocks=blocks)


def render_stats(stats: IndexStats) -> str:
    """One mrkdwn paragraph with the IndexStats figures (and the first skipped files)."""
    text = (
        f"Re-index finished in {stats.seconds:.1f} s: {stats.added} added, "
        f"{stats.updated} updated, {stats.deleted} deleted, {stats.unchanged} unchanged; "
        f"{stats.chunks} chunks in the index."
    )
    if stats.rebuilt:
        text += " (Full rebuild: the model or chunking settings changed.)"
    for s in stats.skipped[:10]:
        text += f"\n• skipped `{escape(shorten(s.path, 200))}`: {escape(shorten(s.reason, 200))}"
    if len(stats.skipped) > 10:
        text += f"\n• …and {len(stats.skipped) - 10} more skipped"
    return text


def usage(command: str, *, unknown: str | None = None, kept_days: int = 90) -> Message:
    """How to use the slash command; `unknown` is a sub-command we did not recognise;
    `kept_days` is how long unanswered questions are kept (BOT_RETENTION_DAYS)."""
    prefix = f"I don't know `{escape(shorten(unknown, 40))}`. " if unknown else ""
    return notice(
        f"{prefix}*{command}* answers from the indexed documents, with sources:\n"
        f"• `{command} ask &lt;question&gt;`: a cited answer, for you to share if you like\n"
        f"• `{command} summary [topic]`: a cited summary (no topic: every document)\n"
        f"• `{command} sources`: the indexed documents\n"
        f"• `{command} gaps [days]`: the questions I could not answer lately (admins)\n"
        f"• `{command} add &lt;url&gt;`: add a public web page to the documents (admins)\n"
        f"• `{command} reindex`: sync the index with the corpus (admins)\n"
        f"• `{command} help`: this message\n"
        "Answers to `ask` and `summary` are private: only you see them until you press "
        "*Share in channel*.\n"
        "You can also mention me in a channel, DM me, or reply in a thread I answered in; "
        "I read the thread for context. On any message, *More actions → Ask about this "
        "message* asks me about it in its thread. "
        "Admins can DM me a .md, .txt, .html or .pdf file to add it.\n"
        "Questions I could not answer (declined, partly answered or voted 👎) are kept for "
        f"{kept_days} days, so that admins can review them and add what is missing."
    )
