"""Read documents (.md with front matter, .txt, .html, .pdf) into titled sections.

Every loader returns a `LoadedDocument` or raises `DocumentError` with a reason
a user can act on; the indexer turns that into a skipped entry, never a crash.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from retrieval.text import clean_text, normalise_space

SUPPORTED_SUFFIXES = (".md", ".markdown", ".txt", ".html", ".htm", ".pdf")
LOADER_VERSION = "1"


class DocumentError(Exception):
    """The document cannot be indexed; str() is the reason shown to users."""


@dataclass(frozen=True)
class Section:
    heading: str
    text: str
    page: int | None = None


@dataclass
class LoadedDocument:
    source: str
    title: str
    sections: list[Section]
    content_hash: str
    url: str = ""
    date: str = ""
    topics: tuple[str, ...] = ()
    had_invisible_chars: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


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


def _front_matter(text: str) -> tuple[dict[str, Any], str]:
    m = _FRONT_MATTER.match(text)
    if not m:
        return {}, text
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
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
            sections.append(Section(heading or "Introduction", text))
    return h1, sections


class _HTMLText(HTMLParser):
    SKIP = frozenset(
        {"script", "style", "nav", "header", "footer", "aside", "noscript", "form", "svg"}
    )
    BLOCK = frozenset(
        {"p", "div", "li", "br", "tr", "section", "article", "main", "blockquote", "pre"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.sections: list[tuple[str, list[str]]] = [("", [])]
        self._skip = 0
        self._heading: list[str] | None = None
        self._in_title = False
        self._main_depth = 0
        self.saw_main = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self._skip += 1
        elif tag in ("main", "article"):
            if not self.saw_main:
                self.sections = [("", [])]
            self.saw_main = True
            self._main_depth += 1
        elif tag == "title":
            self._in_title = True
        elif re.fullmatch(r"h[1-6]", tag) and self._visible():
            self._heading = []
        elif tag in self.BLOCK:
            self.sections[-1][1].append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in ("main", "article"):
            self._main_depth -= 1
        elif tag == "title":
            self._in_title = False
        elif re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            heading = " ".join("".join(self._heading).split())
            self._heading = None
            if tag == "h1" and not self.title:
                self.title = heading
            self.sections.append((heading, []))
        elif tag in self.BLOCK:
            self.sections[-1][1].append("\n\n")

    def _visible(self) -> bool:
        return not self._skip and not (self.saw_main and self._main_depth == 0)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = self.title or data.strip()
            return
        if self._skip or (self.saw_main and self._main_depth == 0):
            return
        if self._heading is not None:
            self._heading.append(data)
        else:
            self.sections[-1][1].append(data)


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
            parser = _HTMLText()
            parser.feed(text)
            title = parser.title
            sections = [
                Section(h or "Introduction", normalise_space("".join(parts)))
                for h, parts in parser.sections
            ]
        else:
            title, sections = "", [Section("Text", normalise_space(text))]
    sections = [s for s in sections if s.text]
    if not sections:
        raise DocumentError("no text found")
    sources = meta.get("sources") or []
    first_url = ""
    if isinstance(sources, list):
        for s in sources:
            if isinstance(s, dict) and s.get("url"):
                first_url = str(s["url"])
                break
    topics = meta.get("topics") or ()
    if isinstance(topics, str):
        topics = [t.strip() for t in topics.split(",")]
    return LoadedDocument(
        source=source,
        title=str(meta.get("title") or title or _title_from_path(path)).strip(),
        sections=sections,
        content_hash=content_hash,
        url=str(meta.get("url") or first_url),
        date=str(meta.get("date") or ""),
        topics=tuple(str(t) for t in topics if str(t).strip()),
        had_invisible_chars=invisible,
        extra={"sources": sources},
    )
