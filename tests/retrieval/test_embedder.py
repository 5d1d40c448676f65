"""The embedder port: the real bundled model and the test fake pass the same contract."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from retrieval.embedding.minilm import ModelFilesError, _package_file, _verified
from retrieval.ports import Embedder
from retrieval.text import sentence_spans
from tests.fakes.embedder import HashEmbedder

SHORT = "Kenya's police arrived in Haiti in June 2024."
LONG = " ".join(
    [
        "The United States funded the Haiti mission but did not send its own troops,",
        "and Bangladesh, Benin, Chad, the Bahamas and Barbados offered personnel.",
    ]
    * 4
)
THREE_TOPICS = (
    "The High Court blocked the deployment in January 2024. "
    "Geothermal power from Olkaria supplies much of Kenya's electricity. "
    "The AGOA trade preferences expire in 2025."
)


def unit_rows(m: np.ndarray) -> bool:
    return bool(np.allclose(np.linalg.norm(m, axis=1), 1.0, atol=1e-3))


class EmbedderContract:
    """What the indexer and the composer rely on from any `Embedder`."""

    @pytest.fixture
    def embedder(self) -> Embedder:
        raise NotImplementedError

    def test_is_an_embedder(self, embedder: Embedder) -> None:
        assert isinstance(embedder, Embedder)
        assert embedder.model_id

    def test_vectors_are_unit_length_float32(self, embedder: Embedder) -> None:
        vectors = embedder.embed([SHORT, LONG, "x"])

        assert vectors.shape == (3, embedder.dim)
        assert vectors.dtype == np.float32
        assert unit_rows(vectors)

    def test_no_texts_give_an_empty_matrix(self, embedder: Embedder) -> None:
        assert embedder.embed([]).shape == (0, embedder.dim)

    def test_a_text_gets_the_same_vector_alone_or_in_a_batch(self, embedder: Embedder) -> None:
        # Padding a batch to its longest text must not change the shorter texts' vectors.
        alone = embedder.embed([SHORT])[0]
        beside_long = embedder.embed([SHORT, LONG])[0]
        np.testing.assert_allclose(beside_long, alone, atol=1e-4)

    def test_batches_larger_than_the_model_batch_match_single_calls(
        self, embedder: Embedder
    ) -> None:
        texts = [f"Sentence number {i} about Kenya and topic {i * 7}." for i in range(11)]
        together = embedder.embed(texts)
        for i, text in enumerate(texts):
            np.testing.assert_allclose(together[i], embedder.embed([text])[0], atol=1e-4)

    def test_embed_spans_gives_the_text_vector_and_one_vector_per_span(
        self, embedder: Embedder
    ) -> None:
        spans = sentence_spans(THREE_TOPICS)
        assert len(spans) == 3

        (result,) = embedder.embed_spans([THREE_TOPICS], [spans])

        np.testing.assert_allclose(result.vector, embedder.embed([THREE_TOPICS])[0], atol=1e-4)
        assert result.span_vectors.shape == (3, embedder.dim)
        assert unit_rows(result.span_vectors)

    def test_count_tokens_does_not_truncate(self, embedder: Embedder) -> None:
        assert embedder.count_tokens(LONG * 3) > 3 * embedder.count_tokens(LONG) - 5
        assert embedder.count_tokens(LONG * 3) > 256


class TestMiniLM(EmbedderContract):
    @pytest.fixture
    def embedder(self, minilm) -> Embedder:
        return minilm

    def test_dimension_is_384(self, minilm) -> None:
        assert minilm.dim == 384

    def test_paraphrase_is_closer_than_unrelated_text(self, minilm) -> None:
        query, paraphrase, unrelated = minilm.embed(
            [
                "Kenya sent police officers to Haiti to fight armed gangs.",
                "Kenyan police were deployed to Haiti to take on the gangs.",
                "PEPFAR has funded HIV treatment programmes in Kenya since 2003.",
            ]
        )
        assert float(query @ paraphrase) > float(query @ unrelated) + 0.3

    @pytest.mark.parametrize(
        ("question", "sentence"),
        [
            ("Which court ruling stopped the police deployment?", 0),
            ("Where does Kenya get renewable energy?", 1),
            ("When does the trade preference law end?", 2),
        ],
    )
    def test_span_vector_is_closest_to_a_question_about_that_span(
        self, minilm, question: str, sentence: int
    ) -> None:
        (result,) = minilm.embed_spans([THREE_TOPICS], [sentence_spans(THREE_TOPICS)])

        scores = result.span_vectors @ minilm.embed([question])[0]

        assert int(np.argmax(scores)) == sentence, scores

    def test_span_past_the_model_window_gets_the_text_vector(self, minilm) -> None:
        text = LONG * 3 + " The last sentence is out of reach."
        assert minilm.count_tokens(text) > 256
        tail = (text.rindex("The last"), len(text))

        (result,) = minilm.embed_spans([text], [[tail]])

        np.testing.assert_allclose(result.span_vectors[0], result.vector, atol=1e-6)


class TestHashEmbedder(EmbedderContract):
    @pytest.fixture
    def embedder(self) -> Embedder:
        return HashEmbedder()


# Model files -----------------------------------------------------------------
def test_verified_accepts_a_file_with_the_pinned_digest(tmp_path: Path) -> None:
    path = tmp_path / "model.onnx"
    path.write_bytes(b"weights")

    assert _verified(path, hashlib.sha256(b"weights").hexdigest()) == path


def test_verified_names_the_file_and_both_digests_when_it_differs(tmp_path: Path) -> None:
    path = tmp_path / "model.onnx"
    path.write_bytes(b"tampered weights")
    actual = hashlib.sha256(b"tampered weights").hexdigest()
    pinned = hashlib.sha256(b"weights").hexdigest()

    with pytest.raises(ModelFilesError) as caught:
        _verified(path, pinned)

    assert str(caught.value) == f"embedding file {path} has sha256 {actual}, expected {pinned}"


def test_verified_says_which_file_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "tokenizer.json"

    with pytest.raises(ModelFilesError, match=r"^embedding file missing: .*tokenizer\.json$"):
        _verified(path, "0" * 64)


def test_missing_model_package_says_how_to_install_it() -> None:
    with pytest.raises(ModelFilesError) as caught:
        _package_file("no-such-model-package", "model.onnx")

    assert "'no-such-model-package'" in str(caught.value)
    assert "make install" in str(caught.value)
