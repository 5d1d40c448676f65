"""Documents uploaded from chat: checked, then stored under server-generated names.

The user's file name is only used for its extension and a readable slug; the
file always lands inside `<corpus>/uploads/`, whatever the name says
(`../../x.md`, absolute paths, NUL bytes, reserved names).
"""

from __future__ import annotations

import re
import secrets
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from retrieval.loaders import SUPPORTED_SUFFIXES

UPLOAD_DIR = "uploads"


class UploadError(ValueError):
    """The upload is refused; str() says why, for the user."""


@dataclass(frozen=True)
class StoredUpload:
    path: Path
    original_name: str
    size: int
    previous: bytes | None = None  # the version it replaced (a re-added web page)

    def discard(self) -> None:
        """Take the document back out of the corpus: the earlier version returns when it
        replaced one (nothing is lost), else the file is removed."""
        if self.previous is None:
            self.path.unlink(missing_ok=True)
        else:
            self.path.write_bytes(self.previous)


def check_upload(name: str, size: int, max_bytes: int) -> str:
    """The lower-case extension if name and size are acceptable; raises UploadError."""
    suffix = Path(name.replace("\\", "/").split("/")[-1]).suffix.lower()
    allowed = ", ".join(s for s in SUPPORTED_SUFFIXES if s not in (".markdown", ".htm"))
    if suffix not in SUPPORTED_SUFFIXES:
        raise UploadError(
            f"I can only add {allowed} files, not {suffix or 'files without a type'}."
        )
    if size > max_bytes:
        raise UploadError(
            f"That file is {size / 1e6:.1f} MB; the limit is {max_bytes / 1e6:.0f} MB."
        )
    if size == 0:
        raise UploadError("That file is empty.")
    return suffix


def _slug(name: str) -> str:
    stem = Path(name.replace("\\", "/").split("/")[-1]).stem
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^A-Za-z0-9]+", "-", stem).strip("-").lower()[:40]
    return slug or "document"


def store_upload(corpus_dir: Path, name: str, data: bytes, max_bytes: int) -> StoredUpload:
    """Write data under corpus_dir/uploads with a fresh name; raises UploadError."""
    suffix = check_upload(name, len(data), max_bytes)
    folder = (corpus_dir / UPLOAD_DIR).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = folder / f"{stamp}-{secrets.token_hex(4)}-{_slug(name)}{suffix}"
    if target.parent != folder:  # cannot happen with the name built above; kept as a guard
        raise UploadError("refused: bad file name")
    with open(target, "xb") as f:
        f.write(data)
    return StoredUpload(target, name, len(data))
