"""The weekly digest: claimed in the state file, so restarts and replicas never post the
same week twice; an empty week posts nothing; a failed post is tried again."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import pytest

from bot.digest import WEEK, DigestSchedule, run_digest
from bot.gap_report import GapsReport
from bot.service import ChatRequest
from tests.conftest import make_service

HOUR = 3600.0
HAITI = "# Haiti\n\n## Arrival\nKenyan police officers arrived in Haiti on 25 June 2024.\n"
CHANNEL = "slack:C0ADMINS01"


class Stop(Exception):
    """Ends a runner after a number of checks."""


class Simulation:
    """A clock the runner reads and a sleep that moves it on instead of waiting."""

    def __init__(self, start: float) -> None:
        self.now = start

    def clock(self) -> float:
        return self.now

    def sleeper(self, checks: int):  # type: ignore[no-untyped-def]
        left = [checks]

        async def sleep(seconds: float) -> None:
            left[0] -= 1
            if left[0] <= 0:
                raise Stop
            self.now += seconds
            await asyncio.sleep(0)

        return sleep


class Channel:
    """What the adapter's post callback would send."""

    def __init__(self, fail: int = 0) -> None:
        self.posts: list[GapsReport] = []
        self.fail = fail

    async def post(self, report: GapsReport) -> None:
        if self.fail:
            self.fail -= 1
            raise ConnectionError("chat API unavailable")
        self.posts.append(report)


def bot(root: Path, *, index: bool = False):  # type: ignore[no-untyped-def]
    """A bot process over root's data folder (a second call: a restart or a replica)."""
    return make_service(
        root,
        {"haiti.md": HAITI},
        indexed_by=("test", "setup") if index else None,
        rate_limit_per_minute=0,
    )


def schedule(root: Path) -> DigestSchedule:
    """The schedule as another process sees it."""
    return DigestSchedule(root / "data" / "bot_state.sqlite3")


def run(service, channel: Channel, sim: Simulation, checks: int, key: str = CHANNEL) -> None:  # type: ignore[no-untyped-def]
    """Run a digest runner for `checks` hourly checks."""

    async def main() -> None:
        with pytest.raises(Stop):
            await run_digest(
                service,
                channel.post,
                key,
                check_every=HOUR,
                clock=sim.clock,
                sleep=sim.sleeper(checks),
            )

    asyncio.run(main())


def unanswered(service, n: int = 2) -> None:  # type: ignore[no-untyped-def]
    for i in range(n):
        service.ask(ChatRequest("slack", f"U{i}", "What is the capital of Peru?"))


def test_posted_once_a_week_across_a_restart(tmp_path: Path) -> None:
    first = bot(tmp_path, index=True)
    unanswered(first)
    channel, sim = Channel(), Simulation(time.time())
    started = sim.now

    run(first, channel, sim, checks=5)  # posts at once, then four quiet hours
    assert len(channel.posts) == 1
    (report,) = channel.posts
    assert [(g.question, g.count) for g in report.groups] == [("What is the capital of Peru?", 2)]
    assert report.days == 7

    restarted = bot(tmp_path)  # same state file, new process
    run(restarted, channel, sim, checks=24)  # the rest of the day: nothing more
    assert len(channel.posts) == 1
    assert not schedule(tmp_path).due(CHANNEL, sim.now)

    sim.now = started + WEEK - 60  # a minute short of a week: not yet
    run(restarted, channel, sim, checks=1)
    assert len(channel.posts) == 1
    sim.now = started + WEEK
    run(restarted, channel, sim, checks=1)
    assert len(channel.posts) == 2


def test_two_replicas_post_a_week_once(tmp_path: Path) -> None:
    one, two = bot(tmp_path, index=True), bot(tmp_path)
    unanswered(one)
    channel, sim = Channel(), Simulation(time.time())

    async def both() -> None:
        runners = [
            run_digest(
                s, channel.post, CHANNEL, check_every=HOUR, clock=sim.clock, sleep=sim.sleeper(10)
            )
            for s in (one, two)
        ]
        results = await asyncio.gather(*runners, return_exceptions=True)
        assert all(isinstance(r, Stop) for r in results)

    asyncio.run(both())
    assert len(channel.posts) == 1


def test_each_channel_has_its_own_schedule(tmp_path: Path) -> None:
    service = bot(tmp_path, index=True)
    unanswered(service)
    slack, discord, sim = Channel(), Channel(), Simulation(time.time())
    run(service, slack, sim, checks=2)
    run(service, discord, sim, checks=2, key="discord:123456789012345678")
    assert (len(slack.posts), len(discord.posts)) == (1, 1)


def test_an_empty_week_posts_nothing_but_counts_as_done(tmp_path: Path) -> None:
    service = bot(tmp_path, index=True)
    channel, sim = Channel(), Simulation(time.time())

    run(service, channel, sim, checks=2)  # nothing unanswered yet
    assert channel.posts == []
    unanswered(service)
    run(service, channel, sim, checks=24)  # the week was handled: no post mid-week
    assert channel.posts == []
    sim.now += WEEK
    run(service, channel, sim, checks=1)
    assert len(channel.posts) == 1


def test_a_failed_post_is_tried_again_at_the_next_check(tmp_path: Path) -> None:
    service = bot(tmp_path, index=True)
    unanswered(service)
    channel, sim = Channel(fail=1), Simulation(time.time())
    run(service, channel, sim, checks=1)
    assert channel.posts == [] and schedule(tmp_path).due(CHANNEL, sim.now)
    run(service, channel, sim, checks=1)
    assert len(channel.posts) == 1 and not schedule(tmp_path).due(CHANNEL, sim.now)


def test_claims_are_atomic_between_processes_sharing_the_file(tmp_path: Path) -> None:
    state = tmp_path / "bot_state.sqlite3"
    schedules = [DigestSchedule(state) for _ in range(8)]  # one connection each
    start = threading.Barrier(len(schedules))
    won: list[bool] = []

    def claim(schedule: DigestSchedule) -> None:
        start.wait()
        won.append(schedule.claim(CHANNEL, 1_000_000.0) is not None)

    threads = [threading.Thread(target=claim, args=(s,)) for s in schedules]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(won) == [False] * 7 + [True]


def test_claim_due_and_release(tmp_path: Path) -> None:
    schedule = DigestSchedule(tmp_path / "bot_state.sqlite3")
    t0 = 1_000_000.0
    assert schedule.due(CHANNEL, t0)
    first = schedule.claim(CHANNEL, t0)
    assert first is not None and first.previous is None
    assert schedule.claim(CHANNEL, t0 + WEEK - 1) is None and not schedule.due(CHANNEL, t0 + 1)
    second = schedule.claim(CHANNEL, t0 + WEEK)
    assert second is not None and second.previous == t0
    assert schedule.release(second) and schedule.last_posted(CHANNEL) == t0
    assert schedule.release(first) and schedule.last_posted(CHANNEL) is None
    assert not schedule.release(first)  # nothing of it left to give back


def test_a_check_that_fails_does_not_end_the_digest(tmp_path: Path) -> None:
    service = bot(tmp_path, index=True)
    unanswered(service)
    claim = service.claim_digest
    failures = [2]

    def flaky(channel: str, now: float):  # type: ignore[no-untyped-def]
        if failures[0]:
            failures[0] -= 1
            raise OSError("database is locked")
        return claim(channel, now)

    service.claim_digest = flaky
    channel = Channel()
    run(service, channel, Simulation(time.time()), checks=4)
    assert len(channel.posts) == 1  # the third check posted
