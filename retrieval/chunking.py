"""Split loaded documents into retrieval chunks sized in model tokens.

Sections come from the document's headings (or PDF pages); inside a section
LangChain's recursive splitter packs paragraphs, then sentences, into chunks
of about `chunk_tokens` tokens with a small overlap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from langchain_text_splitters import RecursiveCharacterTextSplitter

from retrieval.loaders import LoadedDocument
from retrieval.text import sentence_spans

# Paragraphs, lines, sentence ends, clauses, words: coarsest first.
_SEPARATORS = ["\n\n", "\n", r"(?<=[.!?]) ", r"(?<=[;:]) ", r"(?<=,) ", " "]


@dataclass(frozen=True)
class ChunkDraft:
    """A chunk before embedding: its text, where it sits, and its sentences."""

    number: int
    text: str
    section: str
    page: int | None
    sentences: tuple[tuple[int, int], ...]
    url: str = ""  # the section's own source link ("" : the document's)


def make_splitter(
    count_tokens: Callable[[str], int], chunk_tokens: int, overlap: int
) -> RecursiveCharacterTextSplitter:
    return RecursiveCharacterTextSplitter(
        separators=_SEPARATORS,
        is_separator_regex=True,
        keep_separator=True,
        chunk_size=chunk_tokens,
        chunk_overlap=overlap,
        length_function=count_tokens,
        strip_whitespace=True,
    )


def chunk_document(
    doc: LoadedDocument, splitter: RecursiveCharacterTextSplitter
) -> list[ChunkDraft]:
    """Chunks in document order; numbering is stable for unchanged documents."""
    drafts: list[ChunkDraft] = []
    for section in doc.sections:
        for piece in splitter.split_text(section.text):
            text = piece.strip()
            if not text:
                continue
            drafts.append(
                ChunkDraft(
                    number=len(drafts),
                    text=text,
                    section=section.heading,
                    page=section.page,
                    sentences=tuple(sentence_spans(text)),
                    url=section.url,
                )
            )
    return drafts
