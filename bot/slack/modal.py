"""The "Ask about this message" modal: a preview of the message and an optional question."""

from __future__ import annotations

from typing import Any

from bot.slack.blocks import escape, shorten
from bot.slack.models import MessageShortcut

ASK_ABOUT_MESSAGE = "ask_about_message"  # the message shortcut's callback_id (manifest)
ASK_VIEW = "ask_about_message_view"
QUESTION_BLOCK = "question"
QUESTION_INPUT = "question_input"
PREVIEW_CHARS = 300
MAX_INPUT_CHARS = 3000  # Slack's limit for a plain-text input


def ask_about_view(shortcut: MessageShortcut, max_question_chars: int) -> dict[str, Any]:
    """The modal for `views.open`; private_metadata names the message (channel, ts,
    thread), so the submission can read it and answer in its thread."""
    text = " ".join(shortcut.text.split())
    preview = "> " + shorten(escape(text), PREVIEW_CHARS) if text else "_(no text)_"
    return {
        "type": "modal",
        "callback_id": ASK_VIEW,
        "title": {"type": "plain_text", "text": "Ask about a message"},
        "submit": {"type": "plain_text", "text": "Ask"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": shortcut.message.dump(),
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": preview}},
            {
                "type": "input",
                "block_id": QUESTION_BLOCK,
                "optional": True,
                "label": {"type": "plain_text", "text": "Your question about it"},
                "hint": {
                    "type": "plain_text",
                    "text": "Leave it empty to ask the message itself.",
                },
                "element": {
                    "type": "plain_text_input",
                    "action_id": QUESTION_INPUT,
                    "multiline": True,
                    "max_length": min(max_question_chars, MAX_INPUT_CHARS),
                },
            },
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "I answer in the message's thread, where everyone in it "
                        "can see the answer.",
                    }
                ],
            },
        ],
    }
