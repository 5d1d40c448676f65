"""AuditLog: who re-indexed or uploaded what, when and how it ended, oldest first."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from bot.audit import AuditEntry, AuditLog


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "bot_state.sqlite3"


@pytest.fixture
def log(path: Path) -> AuditLog:
    return AuditLog(path)


def test_a_new_log_has_no_entries(log: AuditLog) -> None:
    assert log.entries() == []


def test_entries_come_back_oldest_first_with_every_field(log: AuditLog) -> None:
    log.record("slack", "U1", "reindex", "docs_corpus", "2 added, 0 updated")
    log.record("discord", "U7", "upload", "notes.md -> uploads/notes.md", "1 added")
    log.record("cli", "ops", "reindex", "docs_corpus", "failed: corpus folder not found")

    entries = log.entries()

    assert [(e.platform, e.actor, e.action, e.detail, e.result) for e in entries] == [
        ("slack", "U1", "reindex", "docs_corpus", "2 added, 0 updated"),
        ("discord", "U7", "upload", "notes.md -> uploads/notes.md", "1 added"),
        ("cli", "ops", "reindex", "docs_corpus", "failed: corpus folder not found"),
    ]


def test_a_limit_keeps_the_newest_entries_still_oldest_first(log: AuditLog) -> None:
    for n in range(5):
        log.record("slack", f"U{n}", "reindex", "corpus", "ok")

    assert [e.actor for e in log.entries(limit=2)] == ["U3", "U4"]
    assert [e.actor for e in log.entries(limit=10)] == ["U0", "U1", "U2", "U3", "U4"]


def test_entries_are_stamped_in_utc(log: AuditLog) -> None:
    before = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 1))

    log.record("slack", "U1", "reindex", "corpus", "ok")

    (entry,) = log.entries()
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry.at)
    after = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 1))
    assert before <= entry.at <= after


def test_to_dict_is_the_audit_json_shape(log: AuditLog) -> None:
    log.record("discord", "U7", "upload", "notes.md", "refused: unsupported file type")

    (entry,) = log.entries()

    assert entry.to_dict() == {
        "at": entry.at,
        "platform": "discord",
        "actor": "U7",
        "action": "upload",
        "detail": "notes.md",
        "result": "refused: unsupported file type",
    }
    assert AuditEntry(**entry.to_dict()) == entry


def test_the_log_survives_a_restart_and_keeps_appending(log: AuditLog, path: Path) -> None:
    log.record("slack", "U1", "reindex", "corpus", "ok")
    del log

    again = AuditLog(path)
    again.record("slack", "U2", "upload", "notes.md", "1 added")

    assert [(e.actor, e.action) for e in again.entries()] == [
        ("U1", "reindex"),
        ("U2", "upload"),
    ]
