"""The Slack adapter (slack-bolt AsyncApp): mentions, DMs, threads, `/kenya`, admin re-index."""

from bot.slack.serve import serve_slack

__all__ = ["serve_slack"]
