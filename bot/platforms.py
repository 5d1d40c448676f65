"""Run the chat adapters the composition root built, together, in one event loop."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Awaitable, Sequence

from bot.metrics import PlatformStatus

log = logging.getLogger(__name__)


def serve_platforms(
    runners: Sequence[tuple[str, Awaitable[None]]],
    status: PlatformStatus,
    extra: Sequence[Awaitable[None]] = (),
) -> int:
    """Run the adapters (and `extra` tasks, the health endpoint) until interrupted;
    returns the exit code.

    Each adapter reports `status.up(name)` once connected; one that stops with
    an error is marked down with the reason (visible in /healthz).
    """

    async def watched(name: str, runner: Awaitable[None]) -> None:
        status.expect(name)
        try:
            await runner
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            status.down(name, f"stopped: {type(exc).__name__}: {exc}"[:200])
            # Not logged as an error: the error ends `serve`, which prints it (once).
            log.debug("the %s adapter stopped", name, exc_info=True)
            raise
        status.down(name, "stopped")

    async def main() -> None:
        await asyncio.gather(*(watched(name, runner) for name, runner in runners), *extra)

    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        log.info("stopped")
    except Exception as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 0
