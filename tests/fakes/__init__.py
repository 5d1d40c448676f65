"""Deterministic fakes at the process edge (unit tests only for the embedder)."""
