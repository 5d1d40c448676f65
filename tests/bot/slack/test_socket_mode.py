"""The same listeners over a (fake) Socket Mode websocket: no public URL needed."""

from __future__ import annotations

import urllib.parse

from tests.bot.slack.conftest import RunningBot, slack_settings
from tests.bot.slack.fake_slack import (
    APP_TOKEN,
    command_payload,
    event_payload,
    form,
    mention,
)

HAITI_Q = "When did Kenyan police arrive in Haiti?"


def test_socket_mode_event_and_slash_command(api, socket_mode, shared_core, tmp_path) -> None:
    settings = slack_settings(tmp_path, api, socket_mode=True)
    bot = RunningBot(shared_core, settings, port=0)
    try:
        assert socket_mode.connected.wait(10)
        opened = api.calls_to("/api/apps.connections.open")
        assert opened[0]["auth"] == f"Bearer {APP_TOKEN}"

        socket_mode.send(
            {
                "envelope_id": "env-1",
                "type": "events_api",
                "accepts_response_payload": False,
                "payload": event_payload(mention(HAITI_Q, ts="10.1"), "EvSock1"),
            }
        )
        assert socket_mode.wait_ack("env-1") == {"envelope_id": "env-1"}
        [post] = api.wait_posts(1)
        assert post["thread_ts"] == "10.1" and "25 June 2024" in post["text"]

        command = dict(urllib.parse.parse_qsl(form(command_payload(api, f"ask {HAITI_Q}"))))
        socket_mode.send(
            {
                "envelope_id": "env-2",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": command,
            }
        )
        assert socket_mode.wait_ack("env-2") == {"envelope_id": "env-2"}
        hook = api.wait_for("/hooks/cmd")[0]["body"]
        assert hook["response_type"] == "ephemeral" and "25 June 2024" in hook["text"]

        help_command = {**command, "text": "help"}
        socket_mode.send(
            {
                "envelope_id": "env-3",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": help_command,
            }
        )
        ack = socket_mode.wait_ack("env-3")
        assert "`/kenya sources`" in ack["payload"]["blocks"][0]["text"]["text"]
    finally:
        bot.stop()
