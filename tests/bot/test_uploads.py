"""Uploaded documents land inside the corpus's uploads folder under safe names."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.uploads import StoredUpload, UploadError, store_upload


@pytest.mark.parametrize(
    "name", ["../../evil.md", "/etc/passwd.md", "a\x00b.md", "CON.md", "..\\..\\x.md"]
)
def test_upload_names_never_escape_the_uploads_folder(tmp_path: Path, name: str) -> None:
    corpus = tmp_path / "corpus"
    stored = store_upload(corpus, name, b"# Notes\n\nSome text here.\n", 1000)
    assert stored.path.parent == (corpus / "uploads").resolve()
    assert stored.path.suffix == ".md" and stored.path.read_bytes().startswith(b"# Notes")
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [stored.path]


def test_upload_refusals(tmp_path: Path) -> None:
    with pytest.raises(UploadError, match="only add"):
        store_upload(tmp_path, "virus.exe", b"MZ", 1000)
    with pytest.raises(UploadError, match="limit is"):
        store_upload(tmp_path, "big.txt", b"x" * 2_000_001, 2_000_000)
    with pytest.raises(UploadError, match="empty"):
        store_upload(tmp_path, "empty.txt", b"", 1000)
    assert not any(tmp_path.rglob("*.*"))


def test_a_discarded_replacement_brings_the_earlier_version_back(tmp_path: Path) -> None:
    from bot.webpages import store_page

    first = store_page(tmp_path, "https://example.org/a", "# First version\n")
    again = store_page(tmp_path, "https://example.org/a#x", "# Second version\n")
    assert again.path == first.path and again.replaced
    StoredUpload(again.path, "https://example.org/a", 1, again.previous).discard()
    assert again.path.read_text() == "# First version\n"  # nothing lost

    new = store_page(tmp_path, "https://example.org/b", "# New\n")
    assert not new.replaced
    StoredUpload(new.path, "https://example.org/b", 1, new.previous).discard()
    assert not new.path.exists()
