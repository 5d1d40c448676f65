"""A corpus full of bad documents: each is skipped with its reason, the good ones are found."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from bot.wiring import build_engine
from tests.conftest import make_settings
from tests.fakes.embedder import HashEmbedder
from tests.retrieval.fixtures.pdf import assemble_pdf, text_pdf

GOOD_MD = "# Haiti\n\n## Arrival\nKenyan police officers arrived in Haiti on 25 June 2024.\n"


def bomb_pdf() -> bytes:
    """A well-formed PDF whose one page stream inflates to 400 MB of zeros."""
    payload = zlib.compress(b"\0" * 400_000_000, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(payload), payload),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    return assemble_pdf(objects)


@pytest.mark.slow  # PDFs parsed in a worker subprocess, a decompression bomb among them
def test_bad_documents_are_skipped_and_the_rest_indexed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Should pypdf's own guard ever let the bomb through, the child's memory cap stops it.
    monkeypatch.setattr("retrieval.pdf_worker.PDF_MEMORY_BYTES", 300_000_000)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "good.md").write_text(GOOD_MD)
    (corpus / "good.pdf").write_bytes(
        text_pdf(["The standard gauge railway opened on 31 May 2017."], title="Railway")
    )
    (corpus / "empty.md").write_text("")
    (corpus / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 100)
    (corpus / "latin1.txt").write_bytes("caf\xe9 au lait".encode("latin-1"))
    (corpus / "huge.txt").write_text("word " * 300_000)  # 1.5 MB, over the 1 MB limit below
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage")
    (corpus / "bomb.pdf").write_bytes(bomb_pdf())
    (corpus / "slides.pptx").write_bytes(b"PK\x03\x04")
    (corpus / "bad-front-matter.md").write_text("---\ntitle: [unclosed\n---\n\nText here.\n")

    settings = make_settings(tmp_path / "d", corpus, max_document_mb=1)
    engine = build_engine(settings, embedder=HashEmbedder())
    stats = engine.reindex()

    reasons = {Path(s.path).name: s.reason for s in stats.skipped}
    assert set(reasons) == {
        "empty.md",
        "binary.txt",
        "latin1.txt",
        "huge.txt",
        "broken.pdf",
        "bomb.pdf",
        "slides.pptx",
        "bad-front-matter.md",
    }
    assert reasons["empty.md"] == "empty file"
    assert "binary" in reasons["binary.txt"]
    assert "UTF-8" in reasons["latin1.txt"]
    assert "too large" in reasons["huge.txt"] and "limit 1.0 MB" in reasons["huge.txt"]
    assert "PDF" in reasons["broken.pdf"]
    assert reasons["bomb.pdf"] == "PDF expands beyond the allowed size (decompression limit)"
    assert "unsupported" in reasons["slides.pptx"]
    assert "front matter" in reasons["bad-front-matter.md"]
    assert stats.added == 2

    haiti = engine.ask("When did the police arrive in Haiti?")
    assert haiti.citations and haiti.citations[0].source.endswith("good.md")
    railway = engine.ask("When did the standard gauge railway open?")
    assert railway.citations and railway.citations[0].page == 1


def test_a_pdf_that_takes_too_long_is_stopped() -> None:
    from retrieval.pdf_worker import PdfFailed, parse_pdf

    with pytest.raises(PdfFailed, match=r"longer than 0\.01 s"):
        parse_pdf(text_pdf(["Some text."]), timeout=0.01)
    assert [p.strip() for p in parse_pdf(text_pdf(["Some text."]))["pages"]] == ["Some text."]
