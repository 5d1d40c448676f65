"""Read documents (.md with front matter, .txt, .html, .pdf) into titled sections.

Every loader returns a `LoadedDocument` or raises `DocumentError` with a reason
a user can act on; the indexer turns that into a skipped entry, never a crash.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from retrieval.html_text import HTMLText
from retrieval.text import clean_text, normalise_space

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
LOADER_VERSION = "3"  # 3: hidden HTML text is dropped
MAX_FRONT_MATTER_CHARS = 64_000  # a long source list is fine; aliases are refused


class DocumentError(Exception):
    """The document cannot be indexed; str() is the reason shown to users."""


@dataclass(frozen=True)
class Section:
    """A titled part of a document. `heading` is "" where the file gives none;
    `url` is the link of the section's own source ("" : the document's)."""

    heading: str
    text: str
    page: int | None = None
    url: str = ""


@dataclass
class LoadedDocument:
    source: str
    title: str
    sections: list[Section]
    content_hash: str
    url: str = ""
    date: str = ""
    as_of: str = ""
    topics: tuple[str, ...] = ()
    had_invisible_chars: bool = False
    warnings: list[str] = field(default_factory=list)


def _title_from_path(path: Path) -> str:
    stem = re.sub(r"^\d+[-_ ]*", "", path.stem)
    return stem.replace("-", " ").replace("_", " ").strip().capitalize() or path.name


def _decode(raw: bytes, path: Path) -> str:
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16 has NULs in every ASCII character
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise DocumentError("not valid UTF-16 text") from None
    if b"\x00" in raw[:8192]:
        raise DocumentError("binary file (contains NUL bytes), not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DocumentError("not valid UTF-8 text") from None


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.DOTALL)


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without anchors and aliases: a few hundred bytes of nested aliases
    ("billion laughs") would otherwise expand to gigabytes."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise DocumentError("malformed front matter: YAML aliases (*name) are not allowed")
        return super().compose_node(parent, index)


# Dates stay text: YAML's own date parsing raises on "2025-02-30" instead of letting
# the loader report it as a malformed field.
_NoAliasLoader.yaml_implicit_resolvers = {
    first: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    if len(m.group(1)) > MAX_FRONT_MATTER_CHARS:
        raise DocumentError(f"front matter longer than {MAX_FRONT_MATTER_CHARS:,} characters")
    try:
        meta = yaml.load(m.group(1), Loader=_NoAliasLoader) or {}
    except (yaml.YAMLError, ValueError) as exc:
        raise DocumentError(f"malformed front matter: {str(exc).splitlines()[0]}") from None
    if not isinstance(meta, dict):
        raise DocumentError("malformed front matter: expected key: value pairs")
    return meta, text[m.end() :]


def _markdown_sections(body: str) -> tuple[str, list[Section]]:
    from langchain_text_splitters import MarkdownHeaderTextSplitter

    splitter = MarkdownHeaderTextSplitter(
        [("#", "h1"), ("##", "h2"), ("###", "h3")], strip_headers=True
    )
    h1 = ""
    sections: list[Section] = []
    for part in splitter.split_text(body):
        meta = part.metadata
        h1 = h1 or meta.get("h1", "")
        heading = meta.get("h3") or meta.get("h2") or ""
        if meta.get("h3") and meta.get("h2"):
            heading = f"{meta['h2']} › {meta['h3']}"
        text = normalise_space(part.page_content)
        if text:
            sections.append(Section(heading, text))
    return h1, sections


_SOURCES_LINE = re.compile(r"(?im)^[ \t]*\*{0,2}sources?:\*{0,2}[ \t]*(?P<ids>[^\n]*)$")


def _source_links(meta: dict[str, Any], warnings: list[str]) -> tuple[dict[str, str], str]:
    """(source id -> url, the first url) from front matter `sources`; problems go to
    warnings, never raise."""
    sources = meta.get("sources")
    links: dict[str, str] = {}
    first = ""
    if sources is None:
        return links, first
    if not isinstance(sources, list):
        warnings.append("front matter `sources` is not a list; ignored")
        return links, first
    for i, entry in enumerate(sources, start=1):
        if not isinstance(entry, dict):
            warnings.append(f"front matter source #{i} is not a {{title, url}} mapping; ignored")
            continue
        url = str(entry.get("url") or "").strip()
        if url and not re.match(r"https?://", url):
            warnings.append(f"front matter source #{i} has a url that is not http(s); ignored")
            url = ""
        first = first or url
        sid = str(entry.get("id") or "").strip()
        if sid:
            links[sid] = url
    return links, first


def _attach_sources(
    sections: list[Section], links: dict[str, str], warnings: list[str]
) -> list[Section]:
    """Take each section's `Sources: id, id` line out of its text and link the section
    to the first named source."""
    out = []
    for section in sections:
        url = ""
        if links and not _SOURCES_LINE.search(section.text):
            where = section.heading or "the introduction"
            warnings.append(
                f"section {where!r} names no source; its citations link to the document"
            )
        for m in _SOURCES_LINE.finditer(section.text):
            for sid in (x.strip() for x in m.group("ids").split(",")):
                if not sid:
                    continue
                if sid not in links:
                    where = section.heading or "the introduction"
                    warnings.append(f"section {where!r} names unknown source id {sid!r}")
                    continue
                url = url or links[sid]
        text = normalise_space(_SOURCES_LINE.sub("", section.text))
        out.append(Section(section.heading, text, section.page, url))
    return out


def _date_field(meta: dict[str, Any], key: str, warnings: list[str]) -> str:
    value = meta.get(key)
    if value is None or value == "":
        return ""
    text = str(value).strip()
    if not _is_date(text):
        warnings.append(f"front matter `{key}` is not a date (YYYY-MM-DD): {text[:40]!r}; ignored")
        return ""
    return text


def _is_date(text: str) -> bool:
    """YYYY, YYYY-MM or YYYY-MM-DD naming a real day."""
    import datetime

    if re.fullmatch(r"\d{4}", text):
        return True
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return 1 <= int(text[5:]) <= 12
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _pdf_sections(raw: bytes) -> tuple[str, list[Section], bool]:
    from retrieval.pdf_worker import PdfFailed, parse_pdf

    try:
        parsed = parse_pdf(raw)
    except PdfFailed as exc:
        reason = str(exc)
        if reason.startswith("unreadable PDF: encrypted"):
            reason = "encrypted PDF"
        raise DocumentError(reason) from None
    sections = []
    invisible = False
    for number, page_text in enumerate(parsed["pages"], start=1):
        cleaned, removed = clean_text(page_text)
        invisible = invisible or removed
        text = normalise_space(cleaned)
        if text:
            sections.append(Section(f"Page {number}", text, page=number))
    return str(parsed.get("title") or ""), sections, invisible


def load_document(path: Path, source: str, *, max_bytes: int | None = None) -> LoadedDocument:
    """Load one file. Raises DocumentError (unsupported, empty, too big, unreadable)."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise DocumentError(f"unsupported file type {suffix or '(none)'}")
    size = path.stat().st_size
    if max_bytes is not None and size > max_bytes:
        raise DocumentError(f"too large: {size / 1e6:.1f} MB (limit {max_bytes / 1e6:.1f} MB)")
    raw = path.read_bytes()
    if not raw.strip():
        raise DocumentError("empty file")
    content_hash = hashlib.sha256(LOADER_VERSION.encode() + b"\0" + raw).hexdigest()
    meta: dict[str, Any] = {}
    invisible = False
    if suffix == ".pdf":
        title, sections, invisible = _pdf_sections(raw)
    else:
        text, invisible = clean_text(_decode(raw, path))
        if suffix in (".md", ".markdown"):
            meta, body = _front_matter(text)
            title, sections = _markdown_sections(body)
        elif suffix in (".html", ".htm"):
            parser = HTMLText()
            parser.feed(text)
            title = parser.title
            sections = [Section(h, normalise_space("".join(parts))) for h, parts in parser.sections]
        else:
            title, sections = "", [Section("", normalise_space(text))]
    warnings: list[str] = []
    links, first_url = _source_links(meta, warnings)
    if suffix in (".md", ".markdown"):
        sections = _attach_sources(sections, links, warnings)
    sections = [s for s in sections if s.text]
    if not sections:
        raise DocumentError("no text found")
    topics = meta.get("topics") or ()
    if isinstance(topics, str):
        topics = [t.strip() for t in topics.split(",")]
    elif not isinstance(topics, list | tuple):
        warnings.append("front matter `topics` is not a list; ignored")
        topics = ()
    date = _date_field(meta, "date", warnings)
    return LoadedDocument(
        source=source,
        title=str(meta.get("title") or title or _title_from_path(path)).strip()[:300],
        sections=sections,
        content_hash=content_hash,
        url=str(meta.get("url") or first_url),
        date=date,
        as_of=_date_field(meta, "as_of", warnings) or date,
        topics=tuple(str(t)[:60] for t in topics if str(t).strip())[:20],
        had_invisible_chars=invisible,
        warnings=warnings,
    )
