"""LexicalIndex: BM25 over chunk text, and the term IDF the composer weighs words with."""

from __future__ import annotations

import pytest

from retrieval.lexical import LexicalIndex
from retrieval.text import terms

CHUNKS = [
    "Kenya and the United States signed a defence cooperation agreement in 2023.",
    "Kenyan police officers arrived in Haiti in June 2024; Kenya led the mission.",
    "Justice Chacha Mwita blocked the deployment of Kenyan police to Haiti.",
    "Kenya exports tea, coffee and flowers to the United States.",
    "The Olkaria geothermal plant gives Kenya much of its electricity.",
]


@pytest.fixture
def index() -> LexicalIndex:
    return LexicalIndex(CHUNKS)


def test_a_rare_term_finds_the_one_chunk_that_has_it(index: LexicalIndex) -> None:
    hits = index.search(terms("Mwita"), k=5)

    assert [pos for pos, _ in hits] == [2]
    assert hits[0][1] > 0


def test_the_chunk_with_the_rare_term_outranks_chunks_with_common_ones(
    index: LexicalIndex,
) -> None:
    hits = index.search(terms("Kenya Olkaria"), k=5)

    assert hits[0][0] == 4  # the only chunk naming Olkaria
    assert {pos for pos, _ in hits} >= {0, 1, 3}  # "Kenya" alone still scores
    scores = [score for _, score in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(score > 0 for score in scores)


def test_search_returns_at_most_k_and_nothing_for_unknown_terms(index: LexicalIndex) -> None:
    assert len(index.search(terms("Kenya"), k=2)) == 2
    assert len(index.search(terms("Kenya"), k=50)) <= len(index)
    assert index.search(terms("Jupiter"), k=5) == []
    assert index.search(terms("Kenya"), k=0) == []
    assert index.search([], k=5) == []


def test_idf_is_higher_for_rarer_terms_and_highest_for_unseen_ones(index: LexicalIndex) -> None:
    (kenya,) = terms("Kenya")
    (haiti,) = terms("Haiti")
    (mwita,) = terms("Mwita")
    (jupiter,) = terms("Jupiter")

    assert index.idf(kenya) < index.idf(haiti) < index.idf(mwita) < index.idf(jupiter)
    assert index.idf(kenya) > 0


def test_knows_only_terms_of_the_indexed_text(index: LexicalIndex) -> None:
    assert index.knows(terms("Olkaria")[0])
    assert index.knows(terms("officers")[0])  # stored as its stem, like queries
    assert not index.knows("jupiter")
    assert not index.knows("the")  # stopwords are never indexed


def test_a_word_sharing_only_its_start_with_a_known_one_is_no_variant_of_it() -> None:
    """ "expressway" starts like "expression", but is another word: it stays unknown,
    and counts against the answer's confidence."""
    index = LexicalIndex(["The expression of concern was express.", "Kenyan officers."])

    assert not index.knows_variant(terms("expressway")[0])
    assert index.knows_variant(terms("expressions")[0])
    assert index.knows_variant(terms("kenyans")[0])


def test_an_empty_index_finds_nothing() -> None:
    index = LexicalIndex([])

    assert len(index) == 0
    assert index.search(["kenya"], k=5) == []
    assert not index.knows("kenya")
    assert index.idf("kenya") == 1.0


@pytest.mark.parametrize(
    ("word", "known"),
    [
        ("kenyans", True),  # a longer form of "kenyan"
        ("deployments", True),
        ("geothermally", True),
        ("collateral", False),  # shares only "colla" with nothing here, and not "coffee"
        ("officials", False),  # shares "offic" with "officers", but is another word
    ],
)
def test_a_variant_shares_most_of_a_known_word(index: LexicalIndex, word: str, known: bool) -> None:
    assert index.knows_variant(terms(word)[0]) is known
