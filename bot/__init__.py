"""The bot: the core service, the console, the chat adapters and the CLI."""
