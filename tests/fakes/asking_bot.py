"""A serving bot in its own process, for the multi-process generation tests.

    python tests/fakes/asking_bot.py QUESTION [HEALTH_PORT]

Builds the service the way `python -m bot serve` does (settings from the BOT_*
variables, the real model), serves /healthz and /metrics when a port is given, then
asks QUESTION about every 50 ms and prints one JSON line per question:
{"generation", "warning", "answer"} or, when the question failed, {"error"}.
"""

from __future__ import annotations

import asyncio
import json
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def main() -> None:
    from bot.health import serve_health
    from bot.service import ChatRequest
    from bot.wiring import build_service
    from config import load_settings

    question = sys.argv[1]
    service = build_service(load_settings())
    if len(sys.argv) > 2:
        health = serve_health(service, "127.0.0.1", int(sys.argv[2]))
        threading.Thread(target=asyncio.run, args=(health,), daemon=True).start()
    while True:
        try:
            answer = service.ask(ChatRequest("cli", "asker", question, role="admin")).answer
            status = service.index_status()
            line = {
                "generation": status.generation,
                "warning": status.warning,
                "answer": answer.answer,
            }
        except Exception as exc:  # what a front end turns into "Sorry, something went wrong"
            line = {"error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(line), flush=True)
        time.sleep(0.05)


if __name__ == "__main__":
    main()
