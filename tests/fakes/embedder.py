"""The deterministic hashing embedder, under the name the tests import it by.

Unit tests use it where speed matters; integration tests use the real model.
It lives in `retrieval.embedding.hashing` so the benchmark can use it too.
"""

from retrieval.embedding.hashing import HashEmbedder

__all__ = ["HashEmbedder"]
