"""The command line: index, ask, summary, sources, chat, serve, audit, gaps, add, eval,
bench."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.cli_admin import add_admin_parsers
from config import Settings, SettingsError, load_settings

if TYPE_CHECKING:
    from bot.service import ChatRequest, ChatService
    from retrieval.models import Turn

log = logging.getLogger("bot")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m bot", description="Answer questions from a document corpus, with citations."
    )
    p.add_argument("--log-format", choices=["text", "json"], help="log line format (default: text)")
    p.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    s = sub.add_parser("index", help="sync the index with the corpus folder")
    s.add_argument("--corpus", type=Path, help="corpus folder (default: BOT_CORPUS_DIR)")
    s.add_argument("--json", action="store_true", help="print the stats as one JSON object")

    s = sub.add_parser(
        "ask",
        help="answer a question (or one per stdin line)",
        description=(
            "Answer one question, or one per stdin line. A stdin line may also be a JSON "
            'object for a conversation: {"question": "...", "history": [{"question": '
            '"...", "answer": "..."}]} (earlier turns oldest first); follow-ups such as '
            '"and when did they arrive?" are then read in the context of the history.'
        ),
    )
    s.add_argument("question", nargs="*", help="the question; none: read one per line from stdin")
    s.add_argument("--json", action="store_true", help="JSON output (JSON Lines for stdin)")

    s = sub.add_parser("summary", help="cited summary of a topic or document (none: the corpus)")
    s.add_argument("topic", nargs="*")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("sources", help="list the indexed documents")
    s.add_argument("--json", action="store_true")

    sub.add_parser("chat", help="interactive console chat")

    s = sub.add_parser(
        "serve", help="run the chat adapters (none named: configured ones, else the console)"
    )
    s.add_argument("platforms", nargs="*", choices=["slack", "discord", []], metavar="PLATFORM")
    s.add_argument("--host", default="127.0.0.1", help="Slack HTTP mode bind address")
    s.add_argument("--port", type=int, default=3000, help="Slack HTTP mode port")

    s = sub.add_parser("audit", help="who re-indexed or uploaded what, when, and the result")
    s.add_argument("--json", action="store_true")
    s.add_argument("--limit", type=int, default=50, help="newest N entries (default 50)")

    add_admin_parsers(sub)  # gaps, add

    s = sub.add_parser(
        "eval", help="answer quality on the project's and the external question sets"
    )
    s.add_argument(
        "--questions", type=Path, help="folder of the sets (default: BOT_EVAL_DIR, tests/eval)"
    )
    s.add_argument("--json", action="store_true")
    s.add_argument("--output", type=Path, help="also write the report as JSON here")

    s = sub.add_parser("bench", help="measure indexing and answer speed")
    s.add_argument("--output", type=Path, default=Path("bench-results/bench.json"))
    s.add_argument("--questions", type=int, default=200)
    s.add_argument(
        "--scale", default="10000,50000", help="synthetic corpus sizes in chunks ('' to skip)"
    )
    s.add_argument("--no-baseline", action="store_true")
    return p


def _progress(enabled: bool) -> tuple[Callable[[str, int, int], None] | None, Callable[[], None]]:
    """A tqdm progress callback when stderr is a terminal, else nothing."""
    if not enabled or not sys.stderr.isatty():
        return None, lambda: None
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def update(stage: str, done: int, total: int) -> None:
        bar = bars.get(stage)
        if bar is None:
            label = {"read": "reading", "embed": "embedding"}.get(stage, stage)
            bar = bars[stage] = tqdm(
                total=total, desc=label, unit=" docs" if stage == "read" else " chunks"
            )
        bar.total = total
        bar.n = done
        bar.refresh()

    def close() -> None:
        for bar in bars.values():
            bar.close()

    return update, close


def _print_json(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def _service(settings: Settings) -> ChatService:
    from bot.wiring import build_service

    return build_service(settings)


def _local(text: str = "", history: tuple[Turn, ...] = ()) -> ChatRequest:
    """A request from whoever runs the command line: an admin, never rate limited."""
    import getpass

    from bot.service import ChatRequest

    return ChatRequest("cli", getpass.getuser(), text, role="admin", history=history)


def cmd_index(settings: Settings, args: argparse.Namespace) -> int:
    from bot.render_text import render_stats
    from bot.service import ReindexInProgress

    if args.corpus:
        settings = settings.model_copy(update={"corpus_dir": args.corpus})
    service = _service(settings)
    update, close = _progress(not args.json)
    try:
        stats = service.reindex(_local(), update)
    except (FileNotFoundError, ReindexInProgress) as exc:
        close()
        print(f"error: {exc}", file=sys.stderr)
        return 2
    close()
    if args.json:
        _print_json(stats.to_dict())
    else:
        print(render_stats(stats))
    return 0


def cmd_audit(settings: Settings, args: argparse.Namespace) -> int:
    from bot.wiring import open_audit_log

    entries = open_audit_log(settings).entries(args.limit)
    if args.json:
        _print_json([e.to_dict() for e in entries])
        return 0
    if not entries:
        print("No re-index or upload has been recorded yet.")
    for e in entries:
        print(f"{e.at}  {e.platform:<7} {e.actor:<16} {e.action:<7} {e.detail}  => {e.result}")
    return 0


def _ensure_index(service: ChatService, *, quiet: bool) -> None:
    if service.index_status().indexed:
        return
    if not quiet:
        print(f"The index is empty: indexing {service.engine.corpus_dir} first…", file=sys.stderr)
    update, close = _progress(not quiet)
    stats = service.ensure_index(update)
    close()
    if stats is not None and not quiet:
        from bot.render_text import render_stats

        print(render_stats(stats), file=sys.stderr)


def parse_ask_line(line: str) -> tuple[str, tuple[Turn, ...]]:
    """A stdin line of `ask`: a plain question, or a JSON object
    `{"question": "...", "history": [{"question": "...", "answer": "..."}]}`.
    Raises ValueError (one line) for a malformed object."""
    from retrieval.models import Turn

    stripped = line.strip()
    if not stripped.startswith("{"):
        return stripped, ()
    try:
        obj = json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON: {exc.msg}") from None
    if not isinstance(obj, dict) or not isinstance(obj.get("question"), str):
        raise ValueError('a JSON line needs a "question" string')
    turns = obj.get("history") or []
    if not isinstance(turns, list) or not all(
        isinstance(t, dict) and isinstance(t.get("question"), str) for t in turns
    ):
        raise ValueError('"history" must be a list of {"question", "answer"} objects')
    history = tuple(Turn(t["question"], str(t.get("answer") or "")) for t in turns)
    return obj["question"], history


def cmd_ask(settings: Settings, args: argparse.Namespace) -> int:
    service = _service(settings)  # first: the model loads while the heavy imports run
    from bot.render_text import render_answer
    from bot.service import QuestionError

    _ensure_index(service, quiet=args.json)
    if args.question:
        lines = [" ".join(args.question)]
    else:
        lines = [line for line in sys.stdin.read().splitlines() if line.strip()]
    single = bool(args.question)
    status = 0
    for line in lines:
        question = line
        try:
            question, history = parse_ask_line(line) if not single else (line, ())
            answer = service.ask(_local(question, history)).answer
        except (QuestionError, ValueError) as exc:
            if args.json:
                _print_json({"question": question, "error": str(exc)})
            else:
                print(f"error: {exc}", file=sys.stderr)
            status = 1
            continue
        if args.json:
            _print_json(answer.to_dict())
        elif single:
            print(render_answer(answer))
        else:
            print(answer.answer.replace("\n", " "))
    return status


def cmd_summary(settings: Settings, args: argparse.Namespace) -> int:
    from bot.render_text import render_answer
    from bot.service import QuestionError

    service = _service(settings)
    _ensure_index(service, quiet=args.json)
    try:
        answer = service.summarize(_local(" ".join(args.topic)))
    except QuestionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        _print_json(answer.to_summary_dict())
    else:
        print(render_answer(answer, quotes=False))
    return 0


def cmd_sources(settings: Settings, args: argparse.Namespace) -> int:
    from bot.render_text import render_sources

    sources = _service(settings).sources(_local())
    if args.json:
        _print_json([s.to_dict() for s in sources])
    else:
        print(render_sources(sources))
    return 0


def cmd_chat(settings: Settings, args: argparse.Namespace) -> int:
    from bot.console import ConsoleChat

    service = _service(settings)
    _ensure_index(service, quiet=False)
    ConsoleChat(service, sys.stdout).run()
    return 0


def cmd_serve(settings: Settings, args: argparse.Namespace) -> int:
    platforms = list(dict.fromkeys(args.platforms)) or settings.platforms_configured()
    if not platforms:
        log.info("no platform token set: starting the console chat")
        return cmd_chat(settings, args)
    missing = settings.missing_for(platforms)
    if missing:
        print(f"error: {missing}", file=sys.stderr)
        return 2
    from bot.wiring import serve

    service = _service(settings)
    _ensure_index(service, quiet=False)
    return serve(service, settings, platforms, host=args.host, port=args.port)


def cmd_gaps(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli_admin import run_gaps

    return run_gaps(_service(settings), _local(), args)


def cmd_add(settings: Settings, args: argparse.Namespace) -> int:
    from bot.cli_admin import run_add

    service = _service(settings)
    update, close = _progress(not args.json)
    try:
        return run_add(service, _local(), args, update)
    finally:
        close()


def cmd_eval(settings: Settings, args: argparse.Namespace) -> int:
    from bot.evaluation import run_eval_command

    return run_eval_command(settings, args)


def cmd_bench(settings: Settings, args: argparse.Namespace) -> int:
    """The benchmark is a developer tool beside the package (benchmarks/ in a checkout),
    not part of it: an installed package has no bench."""
    try:
        import benchmarks
    except ModuleNotFoundError as exc:
        if exc.name != "benchmarks":
            raise  # something the bench itself needs is missing
        checkout = Path(__file__).resolve().parent.parent
        if not (checkout / "benchmarks" / "__init__.py").is_file():
            print(
                "error: bench runs from a checkout of the repository (benchmarks/ not found)",
                file=sys.stderr,
            )
            return 2
        sys.path.insert(0, str(checkout))  # a checkout, run from another folder
        import benchmarks

    return benchmarks.run_bench_command(settings, args)


COMMANDS = {
    "index": cmd_index,
    "ask": cmd_ask,
    "summary": cmd_summary,
    "sources": cmd_sources,
    "chat": cmd_chat,
    "serve": cmd_serve,
    "audit": cmd_audit,
    "gaps": cmd_gaps,
    "add": cmd_add,
    "eval": cmd_eval,
    "bench": cmd_bench,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not args.command:
        _parser().print_help()
        return 2
    try:
        settings = load_settings()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from bot.logs import setup_logging

    level = (
        logging.DEBUG
        if args.verbose
        else (logging.INFO if args.command == "serve" else logging.WARNING)
    )
    setup_logging(level, args.log_format or settings.log_format)
    try:
        return COMMANDS[args.command](settings, args)
    except KeyboardInterrupt:
        return 130
    except SettingsError as exc:  # found when the setting is used (e.g. a busy port)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # one clear line for users; details with -v
        from retrieval.embedding.minilm import ModelFilesError

        if isinstance(exc, ModelFilesError):
            print(f"error: {exc}", file=sys.stderr)
            return 2
        log.debug("command failed", exc_info=True)
        print(f"error: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return 1
