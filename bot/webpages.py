"""A fetched web page turned into a corpus document: its article text and title, stored
as Markdown with front matter (title, url, dates, sources) under `<corpus>/web/`.

The file name comes from the URL the admin gave (host, path and a hash of the whole
address), so adding the same URL again replaces that document instead of adding a copy.
The article is found by trafilatura (main-text extraction that drops navigation,
comments and boilerplate, and reads the publication date from the page's metadata);
text a reader never sees (`hidden`, `aria-hidden`, inline `display:none`…) is removed
first, as the HTML loader does, because hidden text is a way to plant instructions.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import yaml

from bot.uploads import StoredUpload
from bot.webfetch import FetchedPage, FetchError, PageFetcher
from retrieval.models import Answer, IndexStats
from retrieval.suggestions import heading_question

if TYPE_CHECKING:
    from retrieval.engine import AnswerEngine

WEB_DIR = "web"
MIN_WORDS = 20  # less than this is a cookie wall or an index page, not an article


@dataclass(frozen=True)
class Article:
    title: str
    markdown: str  # the body, with `#`/`##` headings
    published: str  # YYYY-MM-DD from the page's metadata, "" when it gives none


@dataclass(frozen=True)
class StoredPage:
    path: Path
    replaced: bool  # an earlier version of this URL's document was overwritten
    previous: bytes | None = None  # that version, restored if the new one is not indexed


@dataclass(frozen=True)
class AddedPage:
    """What `ChatService.add_url` did, for every front end to render."""

    url: str  # where the page was found (after redirects)
    title: str
    path: Path  # the stored document
    source: str  # its name in the index, as citations show it
    chunks: int  # chunks indexed for it
    question: str  # a question the bot now answers from it; "" if none was found
    replaced: bool  # it replaced the earlier version of the same URL
    stats: IndexStats  # the whole re-index run

    @property
    def file_name(self) -> str:
        return self.path.name

    def to_dict(self) -> dict[str, Any]:
        """The `add --json` shape (README, "Admin loop")."""
        return {
            "url": self.url,
            "title": self.title,
            "file": self.path.name,
            "source": self.source,
            "chunks": self.chunks,
            "question": self.question,
            "replaced": self.replaced,
            "index": self.stats.to_dict(),
        }


def normalise_url(url: str) -> str:
    """The address as a key: scheme and host lower case, default port and fragment
    dropped ("HTTPS://Example.org:443/a#top" -> "https://example.org/a")."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}.get(scheme)
    netloc = host if parts.port in (None, default) else f"{host}:{parts.port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))


def page_file_name(url: str) -> str:
    """A stable, safe file name for the document of url: `<host>-<path>-<hash>.md`."""
    key = normalise_url(url)
    parts = urlsplit(key)
    readable = f"{parts.hostname or 'page'} {parts.path}".lower()
    slug = re.sub(r"[^a-z0-9]+", "-", readable).strip("-")[:60].rstrip("-") or "page"
    digest = hashlib.sha256(key.encode()).hexdigest()[:10]
    return f"{slug}-{digest}.md"


# Reading the page -------------------------------------------------------------------
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.I)


def page_text(page: FetchedPage) -> str:
    """The body decoded: the header's charset, else the page's <meta charset>, else
    UTF-8, else a detected encoding."""
    candidates = [page.charset]
    meta = _META_CHARSET.search(page.body[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "ignore"))
    for charset in filter(None, candidates):
        try:
            return page.body.decode(charset, errors="replace")
        except LookupError:
            continue
    try:
        return page.body.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(page.body).best()
        return str(best) if best is not None else page.body.decode("latin-1")


def _visible_html(text: str) -> str:
    """The page's HTML without the elements a reader never sees."""
    import lxml.html
    from lxml.etree import ParserError

    from retrieval.html_text import hides_content

    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses str with an XML declaration
    try:
        root = lxml.html.document_fromstring(text)
    except (ParserError, ValueError):
        return text
    hidden = [
        el
        for el in root.iter()
        if isinstance(el.tag, str) and hides_content(el.tag.lower(), list(el.attrib.items()))
    ]
    for el in hidden:
        el.drop_tree()
    return str(lxml.html.tostring(root, encoding="unicode"))


def extract_article(page: FetchedPage) -> Article:
    """Title, Markdown body and publication date of the page's main text.
    Raises FetchError when no article text is found."""
    text = page_text(page)
    if page.content_type == "text/plain":
        body = text.strip()
        first = next((line.strip() for line in body.splitlines() if line.strip()), "")
        title = first if 0 < len(first) <= 120 else _title_from_url(page.url)
        article = Article(title, body, "")
    else:
        article = _html_article(_visible_html(text), page.url)
    if len(article.markdown.split()) < MIN_WORDS:
        raise FetchError(
            "No article text was found on that page (it may need JavaScript or a login)."
        )
    return article


def _html_article(html: str, url: str) -> Article:
    import trafilatura

    meta = trafilatura.bare_extraction(html, url=url, include_comments=False, with_metadata=True)
    body = trafilatura.extract(
        html, url=url, include_comments=False, output_format="markdown", include_formatting=True
    )
    title = " ".join(str(getattr(meta, "title", "") or "").split())[:200]
    published = str(getattr(meta, "date", "") or "")
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", published):
        published = ""
    return Article(title or _title_from_url(url), (body or "").strip(), published)


def _title_from_url(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname or ''}{parts.path if parts.path != '/' else ''}"[:200]


# Storing it -------------------------------------------------------------------------
def page_document(article: Article, page: FetchedPage) -> str:
    """The Markdown document: front matter (title, url, date/as_of = the publication
    date or else the fetch date, updated/fetched = the fetch date, sources = the page),
    then the article under its title."""
    fetched = time.strftime("%Y-%m-%d", time.gmtime(page.fetched_at))
    as_of = article.published or fetched
    site = urlsplit(page.url).hostname or ""
    meta = {
        "title": article.title,
        "url": page.url,
        "date": as_of,
        "as_of": as_of,
        "updated": fetched,
        "fetched": fetched,
        "sources": [{"title": f"{article.title} ({site}, fetched {fetched})", "url": page.url}],
    }
    if normalise_url(page.requested_url) != normalise_url(page.url):
        meta["requested_url"] = page.requested_url
    front = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=10_000)
    body = article.markdown
    if not body.lstrip().startswith("# "):
        body = f"# {article.title}\n\n{body}"
    return f"---\n{front}---\n\n{body.rstrip()}\n"


def store_page(corpus_dir: Path, url: str, document: str) -> StoredPage:
    """Write the document for url under corpus_dir/web (replacing an earlier version at
    once, so an index run never reads half a file)."""
    folder = (corpus_dir / WEB_DIR).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / page_file_name(url)
    previous = target.read_bytes() if target.exists() else None
    fd, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(document)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return StoredPage(target, previous is not None, previous)


# Adding it ----------------------------------------------------------------------------
@dataclass(frozen=True)
class SavedPage:
    """A page fetched and stored in the corpus, before it is indexed."""

    page: FetchedPage
    article: Article
    stored: StoredPage

    @property
    def path(self) -> Path:
        return self.stored.path

    def as_upload(self) -> StoredUpload:
        """The document as the re-index's upload check sees it (taken back out if the
        indexer skips it: the earlier version of a re-added page returns)."""
        return StoredUpload(
            self.path, self.page.url, self.path.stat().st_size, self.stored.previous
        )

    def added(self, engine: AnswerEngine, stats: IndexStats) -> AddedPage:
        """What adding it did, once indexed: its chunks and a question it now answers."""
        source = engine.indexer.source_name(self.path)
        chunks = next((d.chunks for d in engine.sources() if d.source == source), 0)
        headings = [h for h in dict.fromkeys(engine.sections(source)) if h]
        return AddedPage(
            url=self.page.url,
            title=self.article.title,
            path=self.path,
            source=source,
            chunks=chunks,
            question=sample_question(engine.ask, headings, source, self.article.title),
            replaced=self.stored.replaced,
            stats=stats,
        )


def save_page(fetcher: PageFetcher, corpus_dir: Path, url: str) -> SavedPage:
    """Fetch url, extract its article and store it under corpus_dir/web. Raises FetchError."""
    page = fetcher.fetch(url)
    article = extract_article(page)
    return SavedPage(page, article, store_page(corpus_dir, url, page_document(article, page)))


def sample_question(
    ask: Callable[[str], Answer],
    headings: Sequence[str],
    source: str,
    title: str,
    attempts: int = 4,
) -> str:
    """A question answered from `source`: from its section headings first, then its
    title, each asked and kept only if the answer cites that document; "" if none is."""
    for heading in [*headings[: attempts - 1], title]:
        question = heading_question(heading)
        if heading is title and len(title.split()) >= 4:
            # A headline reads as a sentence: asked about as a title, in quotes.
            question = f"Tell me about “{title.strip().rstrip('.')}”"
        if question:
            answer = ask(question)
            if not answer.abstained and any(c.source == source for c in answer.citations):
                return question
    return ""
