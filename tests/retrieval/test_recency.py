"""Questions about now: which ones, and which sentences are too old to answer them."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.models import Evidence, Passage
from retrieval.recency import older, recent_years
from retrieval.sentences import Candidate
from retrieval.titles import asks_holder_now, names_holder


@pytest.mark.parametrize(
    ("question", "now"),
    [
        ("who is the president of kenya", True),
        ("who's the us ambassador to kenya", True),
        ("who was the us ambassador in 1998", False),
        ("when did the embassy open", False),
    ],
)
def test_who_is_the_title_holder_asks_about_now(question: str, now: bool) -> None:
    assert asks_holder_now(question) is now


def _evidence() -> Evidence:
    return Evidence("q", [], latest="2026-05-01")


def test_a_question_about_now_counts_the_last_two_years_as_recent() -> None:
    assert recent_years("who leads the embassy now", _evidence()) == 2024
    assert recent_years("who is the chief justice", _evidence()) == 2024
    assert recent_years("who led the embassy in 1998", _evidence()) == 0


def _candidate(sentences: list[str], order: int) -> Candidate:
    """Sentence `order` of a passage made of `sentences`."""
    starts = [sum(len(x) + 1 for x in sentences[:i]) for i in range(len(sentences))]
    spans = np.array([(s, s + len(x)) for s, x in zip(starts, sentences, strict=True)])
    passage = Passage(
        id="p", text=" ".join(sentences), source="s.md", title="t", sentence_spans=spans
    )
    start, end = spans[order]
    return Candidate(0, passage, int(start), int(end), np.zeros(1), order)


@pytest.mark.parametrize(
    ("text", "order", "old"),
    [
        (["The embassy opened on 2 March 1964."], 0, True),
        (["Burns led the embassy in February 2026."], 0, False),
        (["The embassy opened on 2 March 1964.", "On that date the ambassador came."], 1, True),
        (["Burns leads the embassy as chargé."], 0, False),  # undated, nothing before
    ],
)
def test_a_sentence_of_long_ago_is_older_than_recent(
    text: list[str], order: int, old: bool
) -> None:
    assert older(_candidate(text, order), 2024) is old
    assert older(_candidate(text, order), 0) is False  # not a question about now


@pytest.mark.parametrize(
    ("text", "question", "named"),
    [
        ("3 February 2026: President Trump signed the renewal.", "who's the us president", True),
        (
            "Mudavadi met Russian Foreign Minister Sergey Lavrov in Moscow.",
            "who is kenya's foreign minister",
            False,  # another country's minister
        ),
        ("Kenya's Foreign Minister Alfred Mutua spoke.", "who is kenya's foreign minister", True),
        ("The renewal was signed in February 2026.", "who's the us president", False),
    ],
)
def test_a_passage_names_the_holder_of_the_title_asked(
    text: str, question: str, named: bool
) -> None:
    """Which passages of the latest year are worth reading for "who is the <title>"."""
    assert names_holder(text, question) is named
