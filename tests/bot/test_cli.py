"""`python -m bot` through a real subprocess: the JSON shapes DESIGN.md promises."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from retrieval.text import comparable

pytestmark = pytest.mark.slow  # each test runs `python -m bot` in a subprocess

HAITI = """---
title: "Haiti mission"
date: 2024-06-25
topics: [haiti, police]
sources:
  - title: "UN resolution 2699"
    url: "https://example.org/haiti"
---

# Haiti mission

## Arrival
Kenya's first contingent of about 400 police officers arrived in Port-au-Prince on 25 June 2024.
The officers were sent to help Haiti's national police fight armed gangs.

## Funding
The United States pledged about $300 million for the mission but sent no troops.
"""

RAILWAY = """---
title: "The railway"
date: 2017-05-31
sources:
  - title: "SGR"
    url: "https://example.org/sgr"
---

# The railway

## Opening
President Uhuru Kenyatta opened the Mombasa to Nairobi standard gauge railway on 31 May 2017.
China's Exim Bank financed most of the railway's construction with loans.
"""


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "haiti.md").write_text(HAITI)
    (corpus / "railway.md").write_text(RAILWAY)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BOT_", "SLACK_", "DISCORD_"))}
    env.update(BOT_DATA_DIR=str(tmp_path / "data"), BOT_CORPUS_DIR=str(corpus))
    return env


def bot(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_index_json_then_noop(cli_env: dict[str, str]) -> None:
    first = bot(cli_env, "index", "--json")
    assert first.returncode == 0, first.stderr
    stats = json.loads(first.stdout)
    assert set(stats) >= {
        "added",
        "updated",
        "deleted",
        "unchanged",
        "chunks",
        "skipped",
        "seconds",
    }
    assert (stats["added"], stats["updated"], stats["deleted"], stats["unchanged"]) == (2, 0, 0, 0)
    assert stats["chunks"] >= 2 and stats["skipped"] == []

    again = json.loads(bot(cli_env, "index", "--json").stdout)
    assert (again["added"], again["unchanged"], again["chunks"]) == (0, 2, stats["chunks"])


def test_ask_json_shape_and_citation(cli_env: dict[str, str]) -> None:
    assert bot(cli_env, "index", "--json").returncode == 0
    out = bot(cli_env, "ask", "--json", "When did the Kenyan police arrive in Haiti?")
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert set(answer) >= {"question", "answer", "abstained", "citations", "mode", "timings_ms"}
    assert answer["abstained"] is False and answer["mode"] == "extractive"
    assert answer["answer"].startswith(
        "Kenya's first contingent of about 400 police officers arrived in Port-au-Prince"
        " on 25 June 2024. [1]"
    )
    first = answer["citations"][0]
    assert set(first) >= {"index", "title", "source", "section", "url", "quote"}
    assert first["index"] == 1 and first["title"] == "Haiti mission"
    assert first["section"] == "Arrival" and first["url"] == "https://example.org/haiti"
    assert first["source"].endswith("haiti.md")
    assert comparable(first["quote"]) in comparable(HAITI)  # whitespace aside, as DESIGN.md says
    assert {"retrieve", "compose"} <= set(answer["timings_ms"])


def test_ask_reads_one_question_per_line(cli_env: dict[str, str]) -> None:
    out = bot(
        cli_env,
        "ask",
        "--json",
        stdin="Who financed the standard gauge railway?\nWhat is the capital of Peru?\n",
    )
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert [a["question"] for a in lines] == [
        "Who financed the standard gauge railway?",
        "What is the capital of Peru?",
    ]
    assert "Exim Bank" in lines[0]["answer"] and not lines[0]["abstained"]
    assert lines[1]["abstained"] is True and lines[1]["citations"] == []


def test_ask_plain_text_shows_sources(cli_env: dict[str, str]) -> None:
    out = bot(cli_env, "ask", "Who financed the railway?")
    assert out.returncode == 0, out.stderr
    assert "Exim Bank" in out.stdout
    assert "Sources:" in out.stdout and "[1] The railway — Opening (2017-05-31)" in out.stdout


def test_summary_and_sources_json(cli_env: dict[str, str]) -> None:
    assert bot(cli_env, "index").returncode == 0
    summary = json.loads(bot(cli_env, "summary", "--json").stdout)
    assert list(summary)[:3] == ["topic", "summary", "citations"]
    assert summary["topic"] == ""
    assert {c["title"] for c in summary["citations"]} == {"Haiti mission", "The railway"}

    sources = json.loads(bot(cli_env, "sources", "--json").stdout)
    assert [s["title"] for s in sources] == ["Haiti mission", "The railway"]
    assert set(sources[0]) == {"title", "path", "url", "chunks", "indexed_at"}
    assert sources[0]["url"] == "https://example.org/haiti" and sources[0]["chunks"] >= 1


def test_bad_setting_stops_with_one_line_naming_it(cli_env: dict[str, str]) -> None:
    out = bot({**cli_env, "BOT_TOP_K": "lots"}, "sources")
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "BOT_TOP_K" in lines[0]


def test_secret_values_are_never_printed(cli_env: dict[str, str]) -> None:
    env = {**cli_env, "OPENAI_API_KEY": "sk-very-secret", "BOT_LLM": "nonsense"}
    out = bot(env, "sources")
    assert out.returncode == 2 and "BOT_LLM" in out.stderr
    assert "sk-very-secret" not in out.stderr + out.stdout


def test_bad_documents_are_skipped_with_reasons(cli_env: dict[str, str]) -> None:
    corpus = Path(cli_env["BOT_CORPUS_DIR"])
    (corpus / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    (corpus / "empty.md").write_text("")
    (corpus / "notes.docx").write_bytes(b"PK\x03\x04binary")
    out = bot(cli_env, "index", "--json")
    assert out.returncode == 0, out.stderr
    stats = json.loads(out.stdout)
    reasons = {Path(s["path"]).name: s["reason"] for s in stats["skipped"]}
    assert set(reasons) == {"broken.pdf", "empty.md", "notes.docx"}
    assert "PDF" in reasons["broken.pdf"] and "empty" in reasons["empty.md"]
    assert "unsupported" in reasons["notes.docx"]
    assert stats["added"] == 2


def test_missing_corpus_is_a_clear_error(cli_env: dict[str, str], tmp_path: Path) -> None:
    out = bot(cli_env, "index", "--corpus", str(tmp_path / "nope"))
    assert out.returncode == 2
    assert "corpus folder not found" in out.stderr


def test_edit_and_delete_are_synced(cli_env: dict[str, str]) -> None:
    corpus = Path(cli_env["BOT_CORPUS_DIR"])
    assert bot(cli_env, "index", "--json").returncode == 0
    (corpus / "haiti.md").write_text(HAITI.replace("25 June 2024", "26 June 2024"))
    (corpus / "railway.md").unlink()

    stats = json.loads(bot(cli_env, "index", "--json").stdout)
    assert (stats["added"], stats["updated"], stats["deleted"], stats["unchanged"]) == (0, 1, 1, 0)

    answer = json.loads(
        bot(cli_env, "ask", "--json", "When did the police arrive in Haiti?").stdout
    )
    assert "26 June 2024" in answer["answer"] and "25 June" not in answer["answer"]
    sources = json.loads(bot(cli_env, "sources", "--json").stdout)
    assert [s["title"] for s in sources] == ["Haiti mission"]
    gone = json.loads(bot(cli_env, "ask", "--json", "Who financed the railway?").stdout)
    assert all(c["title"] != "The railway" for c in gone["citations"])


def test_second_writer_fails_fast_with_the_lock_message(cli_env: dict[str, str]) -> None:
    from retrieval.writelock import writer_lock

    data = Path(cli_env["BOT_DATA_DIR"])
    with writer_lock(data / "index.lock"):
        out = bot(cli_env, "index", "--json")
    assert out.returncode == 2
    assert "being written by pid" in out.stderr and "one writer at a time" in out.stderr
    assert bot(cli_env, "index", "--json").returncode == 0  # free again once released


def test_audit_lists_reindex_runs(cli_env: dict[str, str]) -> None:
    assert bot(cli_env, "index").returncode == 0
    entries = json.loads(bot(cli_env, "audit", "--json").stdout)
    assert len(entries) == 1
    entry = entries[0]
    assert (entry["platform"], entry["action"]) == ("cli", "reindex")
    assert entry["result"].startswith("2 added, 0 updated, 0 deleted, 0 unchanged")
    assert entry["detail"] == cli_env["BOT_CORPUS_DIR"] and entry["actor"]


# `ask --json` conversations on stdin ------------------------------------------------
def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_ask_json_follow_up_with_history_is_read_in_its_context(cli_env: dict[str, str]) -> None:
    first = "When did the Kenyan police arrive in Haiti?"
    earlier = json.loads(bot(cli_env, "ask", "--json", first).stdout)
    follow_up = {
        "question": "and how many officers were there?",
        "history": [{"question": first, "answer": earlier["answer"]}],
    }

    out = bot(cli_env, "ask", "--json", stdin=json.dumps(follow_up) + "\n")

    assert out.returncode == 0, out.stderr
    (answer,) = json_lines(out.stdout)
    assert answer["question"] == follow_up["question"]
    assert "haiti" in answer["standalone_question"].lower()  # the earlier subject carried
    assert set(answer) >= {"question", "answer", "abstained", "citations", "standalone_question"}
    assert all(c["title"] == "Haiti mission" for c in answer["citations"])


def test_ask_json_mixes_plain_and_json_lines(cli_env: dict[str, str]) -> None:
    lines = [
        "Who financed the standard gauge railway?",
        json.dumps({"question": "When did the Kenyan police arrive in Haiti?", "history": []}),
    ]

    out = bot(cli_env, "ask", "--json", stdin="\n".join(lines) + "\n")

    assert out.returncode == 0, out.stderr
    answers = json_lines(out.stdout)
    assert [a["question"] for a in answers] == [
        "Who financed the standard gauge railway?",
        "When did the Kenyan police arrive in Haiti?",
    ]
    assert "Exim Bank" in answers[0]["answer"] and "25 June 2024" in answers[1]["answer"]
    assert "standalone_question" not in answers[1]  # nothing to carry: asked as typed


@pytest.mark.parametrize(
    "bad",
    [
        '{"question": "When did the police arrive?", "history": [',
        '{"history": []}',
        '{"question": "When did they arrive?", "history": "the railway one"}',
        '{"question": "When did they arrive?", "history": [{"answer": "no question"}]}',
    ],
    ids=["not-json", "no-question", "history-not-a-list", "turn-without-question"],
)
def test_ask_json_bad_line_is_an_error_line_and_the_rest_are_answered(
    cli_env: dict[str, str], bad: str
) -> None:
    stdin = "\n".join(
        ["Who financed the standard gauge railway?", bad, "Who financed the railway?"]
    )

    out = bot(cli_env, "ask", "--json", stdin=stdin + "\n")

    assert out.returncode == 1
    first, error, last = json_lines(out.stdout)
    assert set(error) == {"question", "error"} and error["error"]
    assert "Exim Bank" in first["answer"] and "Exim Bank" in last["answer"]
    assert "Traceback" not in out.stderr


def test_ask_help_explains_the_history_lines() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert out.returncode == 0
    assert "history" in out.stdout and '"question"' in out.stdout
