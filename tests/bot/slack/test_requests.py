"""Request verification, Slack's retries, the 3-second ack rule, and Web API rate limits."""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

import pytest
from slack_sdk.signature import SignatureVerifier

from tests.bot.slack.fake_slack import (
    FORM,
    SIGNING_SECRET,
    button_payload,
    command_payload,
    event_payload,
    form,
    interactive_form,
    mention,
    message,
    post_signed,
)
from tests.bot.slack.helpers import StubService


def test_unsigned_forged_stale_and_tampered_requests_get_401_and_run_nothing(api, serve) -> None:
    service = StubService()
    bot = serve(service)
    now = int(time.time())
    bodies = [
        (json.dumps(event_payload(mention("hi there", ts="1.1"), "S1")), "application/json"),
        (form(command_payload(api, "ask hi there")), FORM),
        (interactive_form(button_payload(api, "feedback_up", "1")), FORM),
    ]
    for body, ctype in bodies:
        stamp = str(now)
        good_sig = SignatureVerifier(SIGNING_SECRET).generate_signature(timestamp=stamp, body=body)
        cases: list[dict[str, Any]] = [
            {"secret": "not-the-secret"},
            {"signature": "v0=" + "0" * 64},
            {"signature": "garbage"},
            {"ts": now - 6 * 60},  # stale: more than 5 minutes old
            {"ts": now + 6 * 60},  # from the future
            {"signed": False},  # no signature headers at all
            {"headers": {"X-Slack-Signature": ""}},
        ]
        for case in cases:
            status, _, _ = post_signed(bot.url, body, ctype, **case)
            assert status == 401, case
        tampered = body.replace("hi", "rm -rf") if "hi" in body else body + "&x=1"
        assert post_signed(bot.url, tampered, ctype, ts=now, signature=good_sig)[0] == 401
    time.sleep(0.4)
    assert service.asked == [] and api.calls == []  # no handler ran, not even auth.test


def test_a_retried_event_is_answered_once(api, serve) -> None:
    service = StubService(block=True)
    bot = serve(service)
    body = json.dumps(event_payload(mention("once please", ts="2.1"), "EvRetry"))
    assert post_signed(bot.url, body)[0] == 200
    for n in (1, 2):
        retry = {"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"}
        assert post_signed(bot.url, body, headers=retry)[0] == 200
    service.release.set()
    api.wait_posts(1)
    time.sleep(0.4)
    assert len(api.posts()) == 1 and service.asked == ["once please"]


def test_a_slow_core_still_acks_within_a_second(api, serve) -> None:
    service = StubService(block=True)  # ask() takes up to 5 s
    bot = serve(service)
    body = json.dumps(event_payload(mention("slow one", ts="3.1"), "EvSlow"))
    status, _, event_seconds = post_signed(bot.url, body)
    status2, ack, command_seconds = post_signed(
        bot.url, form(command_payload(api, "ask slow two")), FORM
    )
    assert (status, status2, ack) == (200, 200, "")
    assert event_seconds < 1.0 and command_seconds < 1.0
    threading.Timer(0.5, service.release.set).start()
    assert "Answer to slow one" in api.wait_posts(1)[0]["text"]
    assert "Answer to slow two" in api.wait_for("/hooks/cmd")[0]["body"]["text"]


def test_a_429_from_slack_delays_but_does_not_drop_the_answer(api, serve) -> None:
    service = StubService()
    bot = serve(service)
    api.rate_limited["chat.postMessage"] = 1  # Retry-After: 1 on the next call
    started = time.monotonic()
    post_signed(bot.url, json.dumps(event_payload(mention("busy?", ts="4.1"), "Ev429")))
    [post] = api.wait_posts(1)
    calls = api.calls_to("/api/chat.postMessage")
    assert [c["status"] for c in calls] == [429, 200]
    assert post["thread_ts"] == "4.1" and "Answer to busy?" in post["text"]
    assert time.monotonic() - started >= 1.0


# Bodies that do not parse (issue 11, item 7) --------------------------------------------
MALFORMED = [
    ("{not json", "application/json"),
    ("[1,2]", "application/json"),
    ('"just a string"', "application/json"),
    (
        json.dumps({"type": "event_callback", "event": "hello", "event_id": "EvS"}),
        "application/json",
    ),
    (
        json.dumps(
            {"type": "event_callback", "event": {"type": "app_mention"}, "authorizations": 3}
        ),
        "application/json",
    ),
    ("payload=%7Bbroken", FORM),
    ("payload=%5B1%2C2%5D", FORM),  # payload=[1,2]
]


def _records_at_info(caplog: Any) -> list[Any]:
    return [r for r in caplog.records if r.levelno >= logging.INFO]


def test_unsigned_malformed_bodies_get_401_quietly(api, serve, caplog) -> None:
    service = StubService()
    bot = serve(service)
    caplog.set_level(logging.DEBUG)
    caplog.clear()
    for _ in range(4):
        for body, ctype in MALFORMED:
            assert post_signed(bot.url, body, ctype, signed=False)[0] == 401, body
            assert post_signed(bot.url, body, ctype, secret="wrong")[0] == 401, body
    time.sleep(0.2)
    assert all(r.exc_info is None for r in caplog.records), caplog.text
    assert len(_records_at_info(caplog)) <= 1, caplog.text  # at most a first warning
    assert service.asked == [] and api.calls == []


def test_signed_malformed_bodies_get_400_and_one_log_line_each(api, serve, caplog) -> None:
    service = StubService()
    bot = serve(service)
    caplog.set_level(logging.INFO)
    for body, ctype in MALFORMED:
        caplog.clear()
        status, text, _ = post_signed(bot.url, body, ctype)
        time.sleep(0.05)
        records = _records_at_info(caplog)
        assert status == 400, (body, status, text)
        assert len(records) == 1 and records[0].exc_info is None, (body, caplog.text)
        assert "\n" not in records[0].getMessage()
    assert service.asked == [] and api.calls == []
    # The server still answers good requests afterwards.
    good = json.dumps(event_payload(mention("still there?", ts="9.1"), "EvGood"))
    assert post_signed(bot.url, good)[0] == 200
    assert "Answer to still there?" in api.wait_posts(1)[0]["text"]


def test_the_shape_check_accepts_what_slack_sends_and_names_what_is_wrong(api) -> None:
    from bot.slack.http import BadBody, parse_body

    accepted = [
        (json.dumps(event_payload(mention("hi", ts="1.1"), "E1")), "application/json"),
        (
            json.dumps(
                event_payload(message("hi", ts="1.2", files=[{"id": "F1", "size": 3}]), "E2")
            ),
            "application/json",
        ),
        (
            json.dumps({"type": "url_verification", "challenge": "c", "token": "t"}),
            "application/json",
        ),
        (form(command_payload(api, "ask hi")), FORM),
        (interactive_form(button_payload(api, "feedback_up", "1")), FORM),
        (interactive_form({**button_payload(api, "show_quotes", "1"), "enterprise": None}), FORM),
        ("ssl_check=1&token=t", FORM),
    ]
    for body, ctype in accepted:
        assert isinstance(parse_body(body, ctype), dict), body
    refused = {
        "{not json": "the body is not valid JSON",
        "[1,2]": "the body is JSON an array, not an object",
        '{"type": "event_callback", "event": "hi"}': "'event' is a string, not an object",
        '{"type": "event_callback", "event": null}': "'event' is null, not an object",
        '{"type": "event_callback", "event": {"type": "message", "channel": {}}}': (
            "'event.channel' is an object, not an ID"
        ),
        '{"type": "block_actions", "actions": []}': "'actions' is empty",
        "": "the body is empty",
    }
    for body, reason in refused.items():
        with pytest.raises(BadBody) as err:
            parse_body(body, "application/json")
        assert str(err.value) == reason
    with pytest.raises(BadBody, match="'payload' field is not valid JSON"):
        parse_body("payload=%7Bbroken", FORM)
