"""Fixtures shared by the retrieval tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings


@pytest.fixture
def client(tmp_path: Path) -> Iterator[chromadb.ClientAPI]:
    """An embedded Chroma in the test's folder, closed afterwards."""
    client = chromadb.PersistentClient(
        path=str(tmp_path / "chroma"), settings=Settings(anonymized_telemetry=False)
    )
    yield client
    client.close()
