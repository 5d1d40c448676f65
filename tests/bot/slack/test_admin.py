"""Admin-only work: re-index from the slash command, and documents uploaded in a DM."""

from __future__ import annotations

import json
import time
from typing import Any

from bot.service import ChatRequest
from tests.bot.slack.conftest import new_service
from tests.bot.slack.fake_slack import (
    ADMIN,
    BOT_TOKEN,
    FORM,
    MEMBER,
    OWNER,
    command_payload,
    event_payload,
    form,
    message,
    post_signed,
)
from tests.bot.slack.helpers import assert_safe, hold_reindex

NEW_DOC = "# Lake Turkana Wind Power\n\nThe Lake Turkana wind farm opened in July 2019.\n"


def reindex(api: Any, bot: Any, user: str, hook: str, channel: str = "C111") -> None:
    body = form(command_payload(api, "reindex", user=user, hook=hook, channel=channel))
    status, text, seconds = post_signed(bot.url, body, FORM)
    assert (status, text) == (200, "") and seconds < 1.0


def test_reindex_is_for_admins_and_owners_only(api, serve, tmp_path) -> None:
    service = new_service(tmp_path)
    (tmp_path / "corpus" / "turkana.md").write_text(NEW_DOC)
    bot = serve(service)

    reindex(api, bot, MEMBER, "member")
    refusal = api.wait_for("/hooks/member")[0]["body"]
    assert refusal["response_type"] == "ephemeral"
    assert refusal["text"].startswith("Only admins can re-index")
    time.sleep(0.3)
    assert api.posts() == [] and len(service.engine.sources()) == 2  # nothing indexed
    assert api.calls_to("/api/users.info")[0]["body"]["user"] == MEMBER

    reindex(api, bot, ADMIN, "admin")  # listed in BOT_SLACK_ADMINS
    posts = api.wait_posts(4)
    started, read, embedded, finished = posts
    assert started == {
        "channel": "C111",
        "text": "Re-index started: 3 documents in the corpus.",
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": "Re-index started: 3 documents in the corpus."},
            }
        ],
        "unfurl_links": False,
        "unfurl_media": False,
        "team_id": "T111",
    }
    root = api.calls_to("/api/chat.postMessage")[0]
    assert read["text"] == "3 of 3 documents read." and read["thread_ts"]
    assert embedded["text"] == "1 of 1 new or changed chunks embedded."
    assert {read["thread_ts"], embedded["thread_ts"], finished["thread_ts"]} == {
        "1700000001.000000"
    }
    assert finished["text"].startswith("Re-index finished in ")
    assert "1 added, 0 updated, 0 deleted, 2 unchanged" in finished["text"]
    assert len(service.engine.sources()) == 3 and root["auth"] == f"Bearer {BOT_TOKEN}"
    assert all(c["body"]["user"] != ADMIN for c in api.calls_to("/api/users.info"))

    reindex(api, bot, OWNER, "owner")  # a workspace owner, found with users.info
    posts = api.wait_posts(7)
    assert "0 added, 0 updated, 0 deleted, 3 unchanged" in posts[-1]["text"]
    assert api.calls_to("/hooks/owner") == []


def test_a_second_reindex_is_refused_while_one_runs(api, serve, tmp_path) -> None:
    service = new_service(tmp_path)
    gate, entered = hold_reindex(service)
    bot = serve(service)
    reindex(api, bot, ADMIN, "first")
    assert entered.wait(5)
    reindex(api, bot, ADMIN, "second")
    refusal = api.wait_for("/hooks/second")[0]["body"]
    assert refusal["text"] == (
        "Not started: a re-index is already running; try again when it finishes."
    )
    assert refusal["response_type"] == "ephemeral"
    gate.set()
    posts = api.wait_posts(3)  # started, read, finished
    assert posts[-1]["text"].startswith("Re-index finished")
    assert api.calls_to("/hooks/first") == []


def test_reindex_progress_falls_back_to_the_user_when_the_bot_is_not_in_the_channel(
    api, serve, tmp_path
) -> None:
    bot = serve(new_service(tmp_path))
    reindex(api, bot, ADMIN, "lonely", channel="CNOTIN")
    hooks = api.wait_for("/hooks/lonely", 3)
    texts = [h["body"]["text"] for h in hooks]
    assert texts[0] == "Re-index started: 2 documents in the corpus."
    assert texts[-1].startswith("Re-index finished")
    assert all(h["body"]["response_type"] == "ephemeral" for h in hooks)


# Uploads --------------------------------------------------------------------------------
def file_share(api: Any, user: str, name: str, size: int, ts: str) -> str:
    event = message(
        "",
        ts=ts,
        user=user,
        subtype="file_share",
        files=[
            {
                "id": "F1",
                "name": name,
                "size": size,
                "url_private": api.file_url(name),
                "url_private_download": api.file_url(name),
            }
        ],
    )
    return json.dumps(event_payload(event, f"Ev-{ts}"))


def test_admin_upload_is_downloaded_with_the_bot_token_and_indexed(api, serve, tmp_path) -> None:
    service = new_service(tmp_path)
    api.files["turkana.md"] = NEW_DOC.encode()
    bot = serve(service)
    assert (
        post_signed(bot.url, file_share(api, ADMIN, "turkana.md", len(NEW_DOC), "800.1"))[0] == 200
    )
    posts = api.wait_posts(4)
    assert all(p["channel"] == "D111" and p["thread_ts"] == "800.1" for p in posts)
    assert posts[0]["text"] == "Re-index started: 3 documents in the corpus."
    assert (
        posts[-1]["text"].startswith("Added `")
        and "-turkana.md` to the corpus." in posts[-1]["text"]
    )
    assert "1 added" in posts[-1]["text"]
    [download] = api.calls_to("/files/turkana.md")
    assert download["auth"] == f"Bearer {BOT_TOKEN}"
    uploaded = list((tmp_path / "corpus" / "uploads").iterdir())
    assert len(uploaded) == 1 and uploaded[0].read_text() == NEW_DOC
    assert (
        "July 2019"
        in service.ask(
            ChatRequest("slack", "U1", "When did the Lake Turkana wind farm open?")
        ).answer.answer
    )


def test_uploads_refused_for_members_oversize_and_wrong_types_before_download(
    api, serve, tmp_path
) -> None:
    service = new_service(tmp_path)
    api.files["a.md"] = b"# A\n\ntext\n"
    bot = serve(service)
    post_signed(bot.url, file_share(api, MEMBER, "a.md", 10, "900.1"))
    post_signed(bot.url, file_share(api, ADMIN, "huge.pdf", 50_000_000, "900.2"))
    post_signed(bot.url, file_share(api, ADMIN, "tool.exe", 10, "900.3"))
    posts = {p["thread_ts"]: p["text"] for p in api.wait_posts(3)}
    assert posts["900.1"] == "Only admins can add documents. Ask one to upload it for you."
    assert posts["900.2"] == "huge.pdf: That file is 50.0 MB; the limit is 20 MB."
    assert posts["900.3"].startswith("tool.exe: I can only add ")
    time.sleep(0.3)
    assert [c for c in api.calls if c["path"].startswith("/files/")] == []
    assert not (tmp_path / "corpus" / "uploads").exists()
    for p in api.posts():
        assert_safe(p)


def test_a_failed_reindex_is_reported_in_the_thread(api, serve, tmp_path) -> None:
    service = new_service(tmp_path)
    bot = serve(service)
    for doc in (tmp_path / "corpus").iterdir():
        doc.unlink()
    (tmp_path / "corpus").rmdir()
    reindex(api, bot, ADMIN, "gone")
    [post] = api.wait_posts(1)
    assert post["channel"] == "C111"
    assert post["text"].startswith("Re-index failed: corpus folder not found: ")
    assert len(service.engine.sources()) == 2  # the old index still answers


def test_the_bot_token_goes_only_to_slack_file_hosts() -> None:
    from bot.slack.files import trusted_file_url

    api_url = "https://slack.com/api/"
    assert trusted_file_url("https://files.slack.com/files-pri/T1-F1/a.md", api_url)
    assert trusted_file_url("https://files.slack-gov.com/x", "https://slack-gov.com/api/")
    assert trusted_file_url("http://127.0.0.1:9/files/a.md", "http://127.0.0.1:9/api/")
    assert not trusted_file_url("https://evil.example/files.slack.com/a.md", api_url)
    assert not trusted_file_url("https://files.slack.com.evil.example/a.md", api_url)
    assert not trusted_file_url("http://files.slack.com/a.md", api_url)  # token only over TLS
    assert not trusted_file_url("file:///etc/passwd", api_url)
