"""Logging set-up: one line per event, text or JSON."""

from __future__ import annotations

import hashlib
import json
import logging
import sys
import time


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info).splitlines()[-1]
        return json.dumps(entry, ensure_ascii=False)


def setup_logging(level: int, fmt: str = "text") -> None:
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(level)  # libraries that set their own logger level stay quiet too
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "chromadb", "bm25s", "urllib3", "httpcore", "openai"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def question_for_log(question: str, verbatim: bool) -> str:
    """The question itself only when BOT_LOG_QUESTIONS is on; otherwise a short hash."""
    if verbatim:
        return repr(question[:300])
    return "sha256:" + hashlib.sha256(question.encode()).hexdigest()[:12]
