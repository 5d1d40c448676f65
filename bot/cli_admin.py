"""The admin loop's commands: `gaps` (the questions the documents did not answer) and
`add URL` (a web page into the corpus). `bot.cli` registers them and builds the service."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.service import ChatRequest, ChatService
    from retrieval.indexer import Progress


def add_admin_parsers(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser(
        "gaps",
        help="questions the documents did not answer (declined, partly answered, 👎), grouped",
    )
    s.add_argument("--days", type=_days, default=7, help="the last N days (default 7)")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser(
        "add",
        help="fetch a web page, store it as a corpus document with its URL, index it",
        description=(
            "Fetch a public web page (http or https), keep its article text as a Markdown "
            "document in the corpus folder's web/ folder, with its title, URL and dates in "
            "the front matter, and index it. Adding the same URL again updates that document."
        ),
    )
    s.add_argument("url", help="the page's address, such as https://example.org/article")
    s.add_argument("--json", action="store_true")


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {text!r}") from None
    if not 1 <= days <= 36500:
        raise argparse.ArgumentTypeError("must be between 1 and 36500")
    return days


def _print_json(obj: object) -> None:
    print(json.dumps(obj, ensure_ascii=False))


def run_gaps(service: ChatService, request: ChatRequest, args: argparse.Namespace) -> int:
    """`gaps [--days N] [--json]`: the grouped report (numbered groups, or one object)."""
    from bot.render_text import render_gaps

    report = service.gaps(request, days=args.days)
    if args.json:
        _print_json(report.to_dict())
    else:
        print(render_gaps(report))
    return 0


def run_add(
    service: ChatService, request: ChatRequest, args: argparse.Namespace, progress: Progress | None
) -> int:
    """`add URL [--json]`: 0 with what was added, 2 with one line when it is refused."""
    from bot.render_text import render_added_page
    from bot.service import FetchError, ReindexInProgress

    try:
        added = service.add_url(request, args.url, progress)
    except (FetchError, ReindexInProgress, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        _print_json(added.to_dict())
    else:
        print(render_added_page(added))
    return 0
