"""The console chat: the same answers and citations as the platforms, in a terminal."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from bot.render_text import render_answer, render_sources
from bot.service import QAService, QuestionError
from retrieval.models import Turn

HELP = """Ask a question in plain words; follow-ups keep the conversation's context.
  /summary [topic]   cited summary of a topic or document (no topic: the whole corpus)
  /sources           the indexed documents
  /new               start a new conversation (forget earlier turns)
  /help              this help
  /quit              leave (or Ctrl-D)"""

MAX_TURNS = 6


class ConsoleChat:
    """A REPL over QAService; reads lines from `read` and writes to `out`."""

    def __init__(
        self, service: QAService, out: IO[str], read: Callable[[str], str] = input
    ) -> None:
        self.service = service
        self.out = out
        self.read = read
        self.history: list[Turn] = []

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
                self._print(render_sources(self.service.sources()))
            elif command == "/summary":
                self._print(render_answer(self.service.summarize(rest or None), quotes=False))
            elif command in ("/new", "/reset"):
                self.history.clear()
                self._print("Started a new conversation.")
            else:
                self._print(f"Unknown command {command}. Type /help for the commands.")
            return True
        try:
            answer = self.service.ask(line, self.history)
        except QuestionError as exc:
            self._print(str(exc))
            return True
        self._print(render_answer(answer))
        if not answer.abstained:
            self.history = [*self.history, Turn(line, answer.answer)][-MAX_TURNS:]
        return True

    def run(self) -> None:
        try:
            import readline  # noqa: F401  (line editing and history where available)
        except ImportError:
            pass
        docs = len(self.service.sources())
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
