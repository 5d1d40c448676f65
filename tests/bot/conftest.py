"""Fixtures shared by the bot tests."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


class Everything(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.name}: {record.getMessage()}")


@pytest.fixture
def verbose() -> Iterator[Everything]:
    """What `python -m bot -v serve` sets up: the root logger at DEBUG."""
    handler = Everything()
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.DEBUG)
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)
    root.setLevel(level)
