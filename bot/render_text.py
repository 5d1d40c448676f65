"""Plain-text rendering of answers and sources (console and CLI)."""

from __future__ import annotations

import textwrap

from retrieval.models import Answer, DocumentInfo, IndexStats


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
