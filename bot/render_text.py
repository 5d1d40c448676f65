"""Plain-text rendering of answers and sources (console and CLI)."""

from __future__ import annotations

import textwrap
import time
from typing import TYPE_CHECKING

from retrieval.models import Answer, DocumentInfo, IndexStats

if TYPE_CHECKING:
    from bot.gap_report import GapsReport
    from bot.webpages import AddedPage


def _source_line(c_title: str, section: str, date: str, page: int | None) -> str:
    where = f" — {section}" if section else ""
    if page:
        where += f", page {page}"
    return f"{c_title}{where}" + (f" ({date})" if date else "")


def render_answer(answer: Answer, *, width: int = 88, quotes: bool = True) -> str:
    """The answer, then numbered sources with their links and exact quotes."""
    lines = [textwrap.fill(p, width) if len(p) > width else p for p in answer.answer.split("\n")]
    if answer.note:
        lines += ["", f"Note: {answer.note}"]
    if answer.citations:
        lines += ["", "Sources:"]
        for c in answer.citations:
            lines.append(f"  [{c.index}] {_source_line(c.title, c.section, c.date, c.page)}")
            lines.append(f"      {c.url or c.source}")
            if quotes:
                quote = textwrap.fill(
                    f"“{c.quote}”", width - 6, initial_indent="      ", subsequent_indent="       "
                )
                lines.append(quote)
    return "\n".join(lines)


def render_sources(sources: list[DocumentInfo]) -> str:
    if not sources:
        return "No documents are indexed yet. Run `python -m bot index`."
    lines = [f"{len(sources)} documents:"]
    for i, s in enumerate(sources, 1):
        lines.append(f"  {i:>2}. {s.title} ({s.chunks} chunks{', ' + s.date if s.date else ''})")
        lines.append(f"      {s.source}" + (f"  {s.url}" if s.url else ""))
    return "\n".join(lines)


def render_stats(stats: IndexStats) -> str:
    lines = [
        f"Indexed in {stats.seconds:.1f}s: {stats.added} added, {stats.updated} updated, "
        f"{stats.deleted} deleted, {stats.unchanged} unchanged; {stats.chunks} chunks in the index"
        + (" (full rebuild: model or chunking settings changed)" if stats.rebuilt else "")
    ]
    for s in stats.skipped:
        lines.append(f"  skipped {s.path}: {s.reason}")
    for s in stats.flagged:
        lines.append(f"  note {s.path}: {s.reason}")
    return "\n".join(lines)


def _day(seconds: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(seconds))


def render_gaps(report: GapsReport) -> str:
    """The knowledge-gaps report: numbered groups, most frequent first."""
    if report.empty:
        return (
            f"No unanswered questions in the last {report.days} days: nothing was declined, "
            "partly answered or voted 👎."
        )
    lines = [
        f"Questions the documents did not answer, last {report.days} days "
        f"({_day(report.since)} to {_day(report.until)}): "
        f"{report.questions} in {len(report.groups)} groups"
    ]
    for i, g in enumerate(report.groups, 1):
        how = ", ".join(f"{n} {o}" for o, n in g.outcomes.items())
        people = f", {g.people} {'person' if g.people == 1 else 'people'}" if g.people else ""
        lines.append(f"{i:>3}. {g.question}  ×{g.count} ({how}{people})")
        for other in g.wordings[1:]:
            lines.append(f"       also: {other}")
        for missing in g.missing:
            lines.append(f"       not covered: {missing}")
        if g.documents:
            lines.append("       looked at: " + "; ".join(d.title or d.source for d in g.documents))
    return "\n".join(lines)


def render_added_page(added: AddedPage) -> str:
    """What `add URL` did: the document, its chunks and a question it now answers."""
    verb = "Updated" if added.replaced else "Added"
    lines = [
        f"{verb} “{added.title}” as {added.source} ({added.chunks} chunks).",
        f"  from {added.url}",
    ]
    if added.question:
        lines.append(f"  Try: {added.question}")
    else:
        lines.append("  No sample question found that the bot answers from it yet.")
    return "\n".join(lines)
