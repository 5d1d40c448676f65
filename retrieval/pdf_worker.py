"""Parse a PDF in a child process with time and memory limits.

Malformed or hostile PDFs (decompression bombs, endless object loops) can make
a parser use unbounded memory or time; here the worst they can do is end their
own short-lived process. The parent reads the pages as JSON from its stdout.

Run as `python -m retrieval.pdf_worker` with the PDF on stdin.
"""

from __future__ import annotations

import io
import json
import resource
import subprocess
import sys

PDF_TIMEOUT_SECONDS = 60.0
PDF_MEMORY_BYTES = 1_000_000_000


class PdfFailed(Exception):
    """str() is the reason shown to users."""


def parse_pdf(raw: bytes, *, timeout: float | None = None, memory: int | None = None) -> dict:
    """{"title": str, "pages": [str, ...]} of a PDF. Raises PdfFailed with a reason."""
    timeout = PDF_TIMEOUT_SECONDS if timeout is None else timeout
    memory = PDF_MEMORY_BYTES if memory is None else memory
    try:
        done = subprocess.run(
            # The child caps its own memory (no preexec_fn: the bot's parent has threads).
            [sys.executable, "-m", "retrieval.pdf_worker", str(memory)],
            input=raw,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise PdfFailed(f"PDF took longer than {timeout:g} s to read (limit)") from None
    if done.returncode != 0:
        reason = done.stderr.decode(errors="replace").strip().splitlines()
        last = reason[-1] if reason else f"exit code {done.returncode}"
        if "MemoryError" in last or done.returncode < 0:
            raise PdfFailed("PDF needed more memory than allowed to read (limit)")
        if done.returncode == 5:
            raise PdfFailed(last)
        raise PdfFailed(f"unreadable PDF: {last}"[:200])
    return json.loads(done.stdout)


def _main() -> int:
    if len(sys.argv) > 1:
        limit = int(sys.argv[1])
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from pypdf import PdfReader

    raw = sys.stdin.buffer.read()
    reader = PdfReader(io.BytesIO(raw))
    if reader.is_encrypted:
        print("encrypted PDF", file=sys.stderr)
        return 3
    title = str(reader.metadata.title) if reader.metadata and reader.metadata.title else ""
    pages = [page.extract_text() or "" for page in reader.pages]
    json.dump({"title": title, "pages": pages}, sys.stdout)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(_main())
    except MemoryError:
        print("MemoryError", file=sys.stderr)
        sys.exit(4)
    except Exception as exc:  # one line for the parent: class and message
        if type(exc).__name__ == "LimitReachedError":  # pypdf's decompression-bomb guard
            print("PDF expands beyond the allowed size (decompression limit)", file=sys.stderr)
            sys.exit(5)
        print(f"{type(exc).__name__}: {exc}"[:300].replace("\n", " "), file=sys.stderr)
        sys.exit(2)
