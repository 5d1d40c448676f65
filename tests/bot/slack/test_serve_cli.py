"""End to end: `python -m bot serve slack` (real model, real Chroma) against the fake Slack."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bot.slack.conftest import write_corpus
from tests.bot.slack.fake_slack import (
    BOT_TOKEN,
    SIGNING_SECRET,
    event_payload,
    free_port,
    mention,
    post_signed,
)

ROOT = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.slow  # each test runs `python -m bot` in a subprocess


def test_python_m_bot_serve_slack_answers_a_mention(api, tmp_path: Path) -> None:
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "SLACK_"))},
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": api.base_url,
        "BOT_DATA_DIR": str(tmp_path / "data"),
        "BOT_CORPUS_DIR": str(write_corpus(tmp_path / "corpus")),
        "PYTHONPATH": str(ROOT),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "slack", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, proc.communicate()[0]
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline, "serve slack did not start"
            time.sleep(0.1)
        url = f"http://127.0.0.1:{port}/slack/events"
        question = mention("When did Kenyan police arrive in Haiti?", ts="77.1")
        assert post_signed(url, json.dumps(event_payload(question, "EvE2E")))[0] == 200
        [post] = api.wait_posts(1, timeout=30)
        assert post["thread_ts"] == "77.1" and "25 June 2024" in post["text"]
        assert post["blocks"][1]["elements"][1]["text"].startswith("[1] <https://press.un.org/")
        assert post_signed(url, "{}", secret="wrong")[0] == 401
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            output = proc.communicate(timeout=15)[0]
        except subprocess.TimeoutExpired:
            proc.kill()
            output = proc.communicate()[0]
    assert BOT_TOKEN not in output and SIGNING_SECRET not in output  # secrets never logged
