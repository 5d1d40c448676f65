"""/reindex: admins only (Manage Server or a listed role), progress, concurrency, uploads."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from bot.discord.admin import REFUSAL
from tests.bot.discord.fake_discord import (
    ADMIN,
    ADMIN_PERMS,
    ALICE,
    EPHEMERAL,
    ROLE_ADMIN_ID,
    FakeDiscord,
)

NEW_DOC = "# Embassy\n\n## Opening\nThe new embassy annex opened in Nairobi in March 2025.\n"


def corpus_of(service: Any) -> Path:
    return Path(service.engine.corpus_dir)


def indexed(service: Any) -> list[str]:
    return sorted(Path(s.source).name for s in service.engine.sources())


def test_non_admin_is_refused_ephemerally_and_nothing_runs(
    fresh_service: Any, bot_run: Any
) -> None:
    (corpus_of(fresh_service) / "embassy.md").write_text(NEW_DOC)

    async def body(fake: FakeDiscord) -> None:
        inter = await fake.slash("reindex", user=ALICE)
        callback = await fake.callback_of(inter)
        assert callback.body["type"] == 4  # answered at once, no "thinking"
        data = callback.body["data"]
        assert (data["content"], data["flags"]) == (REFUSAL, EPHEMERAL)
        assert data["allowed_mentions"] == {"parse": []}
        upload = fake.attachment("evil.md", b"# Evil\n\nText.\n")
        refused = await fake.slash("reindex", user=ALICE, attachment=upload)
        assert (await fake.callback_of(refused)).body["data"]["content"] == REFUSAL
        assert fake.cdn_gets == []
        assert fake.matching("PATCH", "^/webhooks/") == []

    bot_run(fresh_service, body)
    assert indexed(fresh_service) == ["haiti.md", "trade.md"]
    assert not (corpus_of(fresh_service) / "uploads").exists()


def test_manage_server_admin_reindexes_with_progress_edits(
    fresh_service: Any, bot_run: Any
) -> None:
    (corpus_of(fresh_service) / "embassy.md").write_text(NEW_DOC)

    async def body(fake: FakeDiscord) -> None:
        inter = await fake.slash("reindex", user=ADMIN, permissions=ADMIN_PERMS)
        assert (await fake.callback_of(inter)).body == {"type": 5, "data": {"flags": EPHEMERAL}}
        started, finished = await fake.edits_of(inter, 2)
        assert started.body["content"] == "⏳ Re-index started…"
        assert finished.body["content"].startswith("✅ Indexed in ")
        assert "1 added, 0 updated, 0 deleted, 2 unchanged" in finished.body["content"]

    bot_run(fresh_service, body)
    assert indexed(fresh_service) == ["embassy.md", "haiti.md", "trade.md"]


def test_admin_role_from_settings_may_reindex(fresh_service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        inter = await fake.slash("reindex", user=ALICE, roles=(ROLE_ADMIN_ID,))
        _, finished = await fake.edits_of(inter, 2)
        assert "0 added, 0 updated, 0 deleted, 2 unchanged" in finished.body["content"]

    bot_run(fresh_service, body, discord_admin_roles=str(ROLE_ADMIN_ID))


class GatedService:
    """The real service whose re-index waits (holding the service's lock) until released."""

    def __init__(self, service: Any) -> None:
        self._service = service
        self.entered = threading.Event()
        self.release = threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._service, name)

    def reindex(self, request: Any, progress: Any = None) -> Any:
        def gated(stage: str, done: int, total: int) -> None:
            self.entered.set()
            assert self.release.wait(10)
            if progress:
                progress(stage, done, total)

        return self._service.reindex(request, gated)


def test_concurrent_reindex_is_refused(fresh_service: Any, bot_run: Any) -> None:
    gated = GatedService(fresh_service)

    async def body(fake: FakeDiscord) -> None:
        import asyncio

        first = await fake.slash("reindex", user=ADMIN, permissions=ADMIN_PERMS)
        await asyncio.to_thread(gated.entered.wait, 5)
        second = await fake.slash("reindex", user=ADMIN, permissions=ADMIN_PERMS)
        _, refused = await fake.edits_of(second, 2)
        assert refused.body["content"] == (
            "❌ a re-index is already running; try again when it finishes"
        )
        upload = fake.attachment("later.md", NEW_DOC.encode())
        third = await fake.slash("reindex", user=ADMIN, permissions=ADMIN_PERMS, attachment=upload)
        _, refused_upload = await fake.edits_of(third, 2)
        assert refused_upload.body["content"].startswith("❌ a re-index is already running")
        gated.release.set()
        _, done = await fake.edits_of(first, 2)
        assert done.body["content"].startswith("✅ Indexed in ")

    bot_run(gated, body)


def test_admin_upload_is_downloaded_stored_and_indexed(fresh_service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        upload = fake.attachment("Embassy notes.md", NEW_DOC.encode())
        inter = await fake.slash("reindex", user=ADMIN, permissions=ADMIN_PERMS, attachment=upload)
        _, finished = await fake.edits_of(inter, 2)
        assert finished.body["content"].startswith("✅ Added `Embassy notes.md` to the corpus.\n")
        assert "1 added" in finished.body["content"]
        assert fake.cdn_gets == [upload["url"]]

        asked = await fake.slash("ask", question="When did the embassy annex open?")
        (follow,) = await fake.followups_of(asked)
        assert "March 2025" in follow.body["embeds"][0]["description"]

    bot_run(fresh_service, body)
    (stored,) = (corpus_of(fresh_service) / "uploads").iterdir()
    assert stored.name.endswith("-embassy-notes.md") and stored.read_text() == NEW_DOC


def test_upload_size_and_type_are_checked_before_download(fresh_service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        big = fake.attachment("big.md", b"# Big\n\nSmall really.\n", size=50_000_000)
        inter = await fake.slash("reindex", user=ADMIN, permissions=ADMIN_PERMS, attachment=big)
        (refused,) = await fake.edits_of(inter)
        assert refused.body["content"] == "❌ That file is 50.0 MB; the limit is 20 MB."
        exe = fake.attachment("tool.exe", b"MZ")
        inter = await fake.slash("reindex", user=ADMIN, permissions=ADMIN_PERMS, attachment=exe)
        (refused,) = await fake.edits_of(inter)
        assert refused.body["content"].startswith("❌ I can only add .md, .txt, .html, .pdf")
        assert fake.cdn_gets == []

    bot_run(fresh_service, body)
    assert not (corpus_of(fresh_service) / "uploads").exists()


def test_failed_download_is_reported(fresh_service: Any, bot_run: Any) -> None:
    async def body(fake: FakeDiscord) -> None:
        gone = fake.attachment("gone.md", NEW_DOC.encode())
        del fake.files[gone["url"]]  # expired CDN link
        inter = await fake.slash("reindex", user=ADMIN, permissions=ADMIN_PERMS, attachment=gone)
        _, failed = await fake.edits_of(inter, 2)
        assert (
            failed.body["content"]
            == "❌ Could not download the file from Discord (404); try again."
        )

    bot_run(fresh_service, body)
    assert not (corpus_of(fresh_service) / "uploads").exists()
