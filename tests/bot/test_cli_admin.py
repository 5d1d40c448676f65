"""`python -m bot gaps` and `python -m bot add URL` through a real subprocess: the JSON
shapes the README documents, and exit 2 with one line for a refusal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.feedback import FeedbackStore
from bot.gaps import GapLog
from retrieval.models import Answer
from tests.bot.test_webpages import PORT_PAGE
from tests.fakes.embedder import HashEmbedder
from tests.fakes.web_server import Route, WebServer

pytestmark = pytest.mark.slow  # each test runs `python -m bot` in a subprocess

HAITI = """---
title: "Haiti mission"
date: 2024-06-25
---

# Haiti mission

## Arrival
Kenya's first contingent of about 400 police officers arrived in Port-au-Prince on 25 June 2024.
"""


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "haiti.md").write_text(HAITI)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "SLACK_", "DISCORD_"))}
    env.update(BOT_DATA_DIR=str(tmp_path / "data"), BOT_CORPUS_DIR=str(corpus))
    return env


def bot(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env=env, capture_output=True, text=True, timeout=120
    )


def seed(env: dict[str, str]) -> None:
    """What chat users left in the state file: two wordings of one declined question, an
    older one, and a 👎 on an answer."""
    state = Path(env["BOT_DATA_DIR"]) / "bot_state.sqlite3"
    now = time.time()
    clock = [now - 3600]
    log = GapLog(state, embed=HashEmbedder().embed, clock=lambda: clock[0])
    for user, text in [
        ("U1", "When did the Kenyan police leave Haiti?"),
        ("U2", "when did the kenyan police leave haiti"),
    ]:
        log.record("slack", user, text, Answer(text, "I couldn't find…", abstained=True))
    clock[0] = now - 10 * 24 * 3600
    log.record("slack", "U3", "Old question?", Answer("Old question?", "…", abstained=True))
    feedback = FeedbackStore(state)
    answer_id = feedback.remember("discord", "D1", Answer("Who paid for the mission?", "…"))
    feedback.vote(answer_id, "D1", -1)


def test_gaps_json_reports_grouped_questions(cli_env: dict[str, str]) -> None:
    seed(cli_env)
    out = bot(cli_env, "gaps", "--json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert set(report) == {"days", "since", "until", "questions", "groups"}
    assert report["days"] == 7 and report["questions"] == 3
    assert [(g["question"], g["count"], g["outcomes"]) for g in report["groups"]] == [
        ("When did the Kenyan police leave Haiti?", 2, {"declined": 2}),
        ("Who paid for the mission?", 1, {"downvoted": 1}),
    ]
    assert report["groups"][0]["people"] == 2

    older = json.loads(bot(cli_env, "gaps", "--json", "--days", "30").stdout)
    assert older["questions"] == 4 and older["groups"][-1]["question"] == "Old question?"

    text = bot(cli_env, "gaps")
    assert text.returncode == 0
    assert "  1. When did the Kenyan police leave Haiti?  ×2 (2 declined, 2 people)" in text.stdout


def test_gaps_with_nothing_to_report_says_so(cli_env: dict[str, str]) -> None:
    out = bot(cli_env, "gaps", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["groups"] == []
    text = bot(cli_env, "gaps", "--days", "3")
    assert text.stdout.startswith("No unanswered questions in the last 3 days")
    bad = bot(cli_env, "gaps", "--days", "0")
    assert bad.returncode == 2 and "--days: must be between 1 and 36500" in bad.stderr


def test_add_json_fetches_stores_and_indexes_the_page(cli_env: dict[str, str]) -> None:
    env = {**cli_env, "BOT_FETCH_ALLOW_LOOPBACK": "true"}
    with WebServer({"/port": Route(PORT_PAGE.encode())}) as web:
        out = bot(env, "add", "--json", web.url("/port"))
    assert out.returncode == 0, out.stderr
    added = json.loads(out.stdout)
    assert set(added) == {
        "url",
        "title",
        "file",
        "source",
        "chunks",
        "question",
        "replaced",
        "index",
    }
    assert added["title"] == "Mombasa port gets a new container terminal"
    assert added["url"] == web.url("/port") and added["chunks"] >= 1 and not added["replaced"]
    stored = Path(cli_env["BOT_CORPUS_DIR"]) / "web" / added["file"]
    assert stored.read_text().startswith("---\ntitle: Mombasa port gets a new container terminal\n")
    assert added["index"]["added"] == 2  # the page, and the corpus's first indexing

    answer = json.loads(
        bot(cli_env, "ask", "--json", "Who lent the money for the Mombasa terminal?").stdout
    )
    assert "JICA" in answer["answer"]
    assert answer["citations"][0]["url"] == web.url("/port")
    sample = json.loads(bot(cli_env, "ask", "--json", added["question"]).stdout)
    assert not sample["abstained"] and sample["citations"][0]["source"] == added["source"]
    entries = json.loads(bot(cli_env, "audit", "--json").stdout)
    assert entries[-1]["action"] == "add-url" and entries[-1]["platform"] == "cli"


@pytest.mark.parametrize(
    ("url", "line"),
    [
        (None, "error: 127.0.0.1 is a loopback address; only public web pages can be added."),
        ("ftp://example.org/file", "error: Only http:// and https:// pages can be added"),
        ("http://10.0.0.1/", "error: 10.0.0.1 is a private address"),
    ],
)
def test_add_refusals_exit_2_with_one_line(
    cli_env: dict[str, str], url: str | None, line: str
) -> None:
    with WebServer({"/port": Route(PORT_PAGE.encode())}) as web:
        out = bot(cli_env, "add", "--json", url or web.url("/port"))
    assert web.requests == []
    assert out.returncode == 2 and out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(line)
    assert not (Path(cli_env["BOT_CORPUS_DIR"]) / "web").exists()


@pytest.mark.parametrize(
    ("variable", "value"),
    [("BOT_SLACK_ADMIN_CHANNEL", "#admins"), ("BOT_DISCORD_ADMIN_CHANNEL", "admins")],
)
def test_a_bad_admin_channel_stops_with_one_line_naming_it(
    cli_env: dict[str, str], variable: str, value: str
) -> None:
    out = bot({**cli_env, variable: value}, "gaps")
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: invalid setting {variable}: must be")
