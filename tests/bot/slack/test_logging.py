"""Question text stays out of the logs at -v (DEBUG) unless BOT_LOG_QUESTIONS is on:
Bolt and the Slack SDK log request and Socket Mode payloads at DEBUG."""

from __future__ import annotations

import json
import urllib.parse

from tests.bot.conftest import Everything
from tests.bot.slack.conftest import RunningBot, slack_settings
from tests.bot.slack.fake_slack import (
    FORM,
    command_payload,
    event_payload,
    form,
    mention,
    post_signed,
)

MARKER = "quokkas"


def test_http_mode_does_not_log_question_text_at_debug(
    api, serve, shared_core, verbose: Everything
) -> None:
    bot = serve(shared_core)
    event = event_payload(mention(f"When did police arrive in Haiti, {MARKER}?", ts="5.1"), "EvL")
    assert post_signed(bot.url, json.dumps(event))[0] == 200
    api.wait_posts(1)
    command = form(command_payload(api, f"ask Who went to Haiti, {MARKER}?"))
    assert post_signed(bot.url, command, FORM)[0] == 200
    api.wait_for("/hooks/cmd")
    assert verbose.lines  # logging was on
    assert [line[:200] for line in verbose.lines if MARKER in line] == []


def test_socket_mode_does_not_log_question_text_at_debug(
    api, socket_mode, shared_core, tmp_path, verbose: Everything
) -> None:
    bot = RunningBot(shared_core, slack_settings(tmp_path, api, socket_mode=True), port=0)
    try:
        assert socket_mode.connected.wait(10)
        event = event_payload(mention(f"When did police arrive, {MARKER}?", ts="6.1"), "EvS")
        socket_mode.send({"envelope_id": "e1", "type": "events_api", "payload": event})
        socket_mode.wait_ack("e1")
        api.wait_posts(1)
        command = dict(urllib.parse.parse_qsl(form(command_payload(api, f"ask {MARKER}?"))))
        socket_mode.send({"envelope_id": "e2", "type": "slash_commands", "payload": command})
        socket_mode.wait_ack("e2")
        api.wait_for("/hooks/cmd")
    finally:
        bot.stop()
    assert [line[:200] for line in verbose.lines if MARKER in line] == []


def test_http_mode_logs_question_text_with_bot_log_questions(
    api, serve, tmp_path, verbose: Everything
) -> None:
    from tests.bot.slack.conftest import new_service

    service = new_service(tmp_path / "svc", log_questions=True)
    bot = serve(service)
    event = event_payload(mention(f"When did police arrive in Haiti, {MARKER}?", ts="7.1"), "EvQ")
    assert post_signed(bot.url, json.dumps(event))[0] == 200
    api.wait_posts(1)
    asked = [line for line in verbose.lines if line.startswith("bot.service: question on")]
    assert len(asked) == 1 and MARKER in asked[0], asked
