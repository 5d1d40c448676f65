"""Who came before or after someone, read from an ordered list of names and years."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.models import Passage
from retrieval.sentences import Candidate
from retrieval.succession import asked_neighbour, followed, neighbour
from retrieval.text import sentence_spans, terms

LIST = (
    "Ambassadors to Kenya. Eighteen US ambassadors served in Nairobi: Aurelia Brazeal "
    "(1993–1996), Prudence Bushnell (1996–1999), Johnnie Carson (1999–2003), Kyle McCarter "
    "(2019–2021) and Meg Whitman (2022–2024). Bushnell was injured in 1998."
)


def cands(text: str) -> list[Candidate]:
    doc = Passage(
        id="p1",
        text=text,
        source="corpus/ambassadors.md",
        title="Ambassadors",
        section="List",
        url="https://example.org/ambassadors",
        date="2026-01-01",
    )
    return [
        Candidate(0, doc, s, e, np.zeros(1, np.float32), order=i, terms=set(terms(text[s:e])))
        for i, (s, e) in enumerate(sentence_spans(text))
    ]


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("who replaced her? (Prudence Bushnell)", ("after", "bushnell")),
        ("who came in after her? (Prudence Bushnell)", ("after", "bushnell")),
        ("who replaced langley at africom and has he been to kenya", ("after", "langley")),
        ("who was the US ambassador to kenya right before meg whitman?", ("before", "whitman")),
        ("who preceded carson", ("before", "carson")),
        ("who did he replace? (Kyle McCarter)", ("before", "mccarter")),
        ("who did mccarter succeed", ("before", "mccarter")),
        # not about an order of people
        ("who leads the gsf", None),
        ("what replaced the mss", None),
        ("who was in charge before 2020", None),
    ],
)
def test_a_question_about_who_came_before_or_after_someone_is_read(
    question: str, asked: tuple[str, str] | None
) -> None:
    assert asked_neighbour(question) == asked


@pytest.mark.parametrize(
    ("direction", "surname", "quote"),
    [
        ("after", "bushnell", "Prudence Bushnell (1996–1999), Johnnie Carson (1999–2003)"),
        ("before", "bushnell", "Aurelia Brazeal (1993–1996), Prudence Bushnell (1996–1999)"),
        ("before", "whitman", "Kyle McCarter (2019–2021) and Meg Whitman (2022–2024)"),
        ("after", "whitman", None),  # the last of the list: no one after her
        ("after", "godec", None),  # not in the list
    ],
)
def test_the_neighbour_is_quoted_as_the_pair_of_the_list(
    direction: str, surname: str, quote: str | None
) -> None:
    found = neighbour(cands(LIST), direction, surname)

    if quote is None:
        assert found is None
    else:
        assert found is not None and found.text == quote
        assert found.doc.text[found.start : found.end] == quote  # an exact quote


def test_names_not_listed_side_by_side_are_not_neighbours() -> None:
    text = "Kenya was led by Jomo Kenyatta (1964–1978). Later, Daniel Moi (1978–2002) ruled."
    assert neighbour(cands(text), "after", "kenyatta") is None


@pytest.mark.parametrize(
    ("question", "sentence", "tells"),
    [
        (
            "who ran the embassy after she left? (Meg Whitman)",
            "After Whitman left, chargés d'affaires Marc Dillard and Carla Benini led it.",
            True,
        ),
        (
            "who took over the embassy in nairobi after whitman quit",
            "Whitman announced her departure on 23 November 2024, handing the embassy to Dillard.",
            True,
        ),
        (
            "who took over the embassy in nairobi after whitman quit",
            "Kneedler had led the embassy from 2021, when Whitman's predecessor left.",
            False,
        ),
    ],
)
def test_a_sentence_telling_what_came_after_someone_is_found(
    question: str, sentence: str, tells: bool
) -> None:
    pattern = followed(question)

    assert pattern is not None
    assert bool(pattern.search(sentence)) is tells


def test_after_something_not_someone_wants_nothing_particular() -> None:
    assert followed("who ran the embassy after she left?") is None  # no one to name
    assert followed("who leads the embassy") is None
