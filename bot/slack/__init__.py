"""The Slack adapter (slack-bolt AsyncApp): mentions, DMs, threads, `/kenya`, admin re-index,
sharing private answers, suggested follow-ups, "Ask about this message", the assistant view."""

from bot.slack.serve import serve_slack

__all__ = ["serve_slack"]
