"""The console chat: the same answers and citations as the platforms, in a terminal."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from typing import IO

from bot.render_text import render_answer, render_sources
from bot.service import ChatRequest, ChatService, QuestionError

HELP = """Ask a question in plain words; follow-ups keep the conversation's context.
  /summary [topic]   cited summary of a topic or document (no topic: the whole corpus)
  /sources           the indexed documents
  /new               start a new conversation (forget earlier turns)
  /help              this help
  /quit              leave (or Ctrl-D)"""

PLATFORM = "console"


class ConsoleChat:
    """A REPL over the ChatService, one more front end with the platforms' follow-up
    rules; reads lines from `read` and writes to `out`."""

    def __init__(
        self, service: ChatService, out: IO[str], read: Callable[[str], str] = input
    ) -> None:
        self.service = service
        self.out = out
        self.read = read
        self.user = getpass.getuser()
        self.conversation = f"{PLATFORM}:{self.user}"
        service.start_conversation(self.conversation)

    def _request(self, text: str = "") -> ChatRequest:
        # Whoever runs the console runs the bot: the local user is an admin.
        return ChatRequest(PLATFORM, self.user, text, self.conversation, role="admin")

    def handle(self, line: str) -> bool:
        """Process one input line; False when the user wants to leave."""
        line = line.strip()
        if not line:
            return True
        command, _, rest = line.partition(" ")
        if line.startswith("/"):
            command = command.lower()
            if command in ("/quit", "/exit", "/q"):
                return False
            if command == "/help":
                self._print(HELP)
            elif command == "/sources":
                self._print(render_sources(self.service.sources(self._request())))
            elif command == "/summary":
                try:
                    summary = self.service.summarize(self._request(rest))
                except QuestionError as exc:
                    self._print(str(exc))
                    return True
                self._print(render_answer(summary, quotes=False))
            elif command in ("/new", "/reset"):
                self.service.new_conversation(self.conversation)
                self.service.start_conversation(self.conversation)
                self._print("Started a new conversation.")
            else:
                self._print(f"Unknown command {command}. Type /help for the commands.")
            return True
        try:
            result = self.service.ask(self._request(line))
        except QuestionError as exc:
            self._print(str(exc))
            return True
        self._print(render_answer(result.answer))
        return True

    def run(self) -> None:
        try:
            import readline  # noqa: F401  (line editing and history where available)
        except ImportError:
            pass
        docs = self.service.index_status().documents
        self._print(
            f"Ask about the {docs} indexed documents. Type /help for commands, /quit to leave."
        )
        while True:
            try:
                line = self.read("\nyou> ")
            except (EOFError, KeyboardInterrupt):
                self._print("")
                return
            if not self.handle(line):
                return

    def _print(self, text: str) -> None:
        print(text, file=self.out, flush=True)
