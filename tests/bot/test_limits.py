"""Per-user rate limits."""

from __future__ import annotations

import pytest

from bot.limits import RateLimiter, slow_down_message


def test_rate_limit_per_user_and_window() -> None:
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert limiter.check("a") == 0 and limiter.check("a") == 0
    assert limiter.check("a") == pytest.approx(60.0)
    assert limiter.check("b") == 0  # other users are not affected
    now[0] = 61.0
    assert limiter.check("a") == 0


def test_zero_means_unlimited_and_the_message_says_how_long() -> None:
    limiter = RateLimiter(0)
    assert all(limiter.check("a") == 0 for _ in range(100))
    assert "wait 13 s" in slow_down_message(12.2)
