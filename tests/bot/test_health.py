"""/healthz and /metrics over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bot.health import serve_health
from bot.service import ChatRequest
from tests.conftest import admin, make_service
from tests.fakes.chroma_server import free_port

HAITI = "# Haiti\n\n## Arrival\nKenyan police officers arrived in Haiti on 25 June 2024.\n"


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def metric(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if not line.startswith(name):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]))
        if line.split("{")[0].split(" ")[0] == name and found == labels:
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name}{labels} not in metrics")


@pytest.fixture
def service(tmp_path: Path):  # type: ignore[no-untyped-def]
    return make_service(tmp_path, {"haiti.md": HAITI}, indexed_by=None, rate_limit_per_minute=2)


def run_with_server(service, check) -> None:  # type: ignore[no-untyped-def]
    port = free_port()

    async def main() -> None:
        server = asyncio.create_task(serve_health(service, "127.0.0.1", port))
        await asyncio.sleep(0.3)
        try:
            await asyncio.to_thread(check, f"http://127.0.0.1:{port}")
        finally:
            server.cancel()

    asyncio.run(main())


def test_health_reports_missing_index_and_platform_state(service) -> None:  # type: ignore[no-untyped-def]
    service.platforms.expect("slack")

    def check(base: str) -> None:
        status, body = fetch(base + "/healthz")
        assert status == 503
        assert json.loads(body)["problems"] == ["no index loaded", "slack: starting"]
        service.reindex(admin("cli", "admin"))
        service.platforms.up("slack")
        status, body = fetch(base + "/healthz")
        assert (status, json.loads(body)["status"]) == (200, "ok")
        service.platforms.down("slack", "websocket closed")
        status, body = fetch(base + "/healthz")
        assert status == 503 and "slack: websocket closed" in body

    run_with_server(service, check)


def test_metrics_count_questions_feedback_and_index(service) -> None:  # type: ignore[no-untyped-def]
    service.reindex(admin("cli", "admin"))
    first = service.ask(ChatRequest("slack", "U1", "When did police arrive in Haiti?"))
    service.ask(ChatRequest("slack", "U1", "When did the police get to Haiti?"))
    with pytest.raises(Exception, match="wait"):
        service.ask(ChatRequest("slack", "U1", "third question in a minute"))
    service.ask(ChatRequest("discord", "U2", "When did police arrive in Haiti?"))
    service.vote(first.answer_id, "U1", 1)
    service.vote(first.answer_id, "U3", -1)

    def check(base: str) -> None:
        status, text = fetch(base + "/metrics")
        assert status == 200
        assert metric(text, "bot_questions_total", platform="slack", outcome="answered") == 2
        assert metric(text, "bot_questions_total", platform="slack", outcome="rejected") == 1
        assert metric(text, "bot_questions_total", platform="discord", outcome="answered") == 1
        assert metric(text, "bot_answer_seconds_count", platform="slack") == 2
        assert metric(text, "bot_feedback_total", vote="up") == 1
        assert metric(text, "bot_feedback_total", vote="down") == 1
        assert metric(text, "bot_index_documents") == 1
        assert metric(text, "bot_index_chunks") == 1
        generation = service.index_status().generation
        assert metric(text, "bot_index_generation_info", generation=generation) == 1
        assert metric(text, "bot_reindexes_total", result="ok") == 1
        assert metric(text, "bot_last_reindex_success") == 1

    run_with_server(service, check)
