"""Short forms made of a name's syllables ("kepsa", "kengen"), read as the name."""

from __future__ import annotations

from collections import Counter

import pytest

from retrieval.blends import blended, name_runs
from retrieval.spelling import Speller

TEXTS = [
    "The Kenya Private Sector Alliance said the renewal protected 66,000 workers.",
    "Kenya Private Sector Alliance Company is another body.",
    "The Kenya Bilateral Strategic Dialogue met in 2018.",
    "US Agency for International Development staff left.",
]


@pytest.fixture(scope="module")
def runs() -> Counter[tuple[str, ...]]:
    return name_runs(TEXTS)


def test_names_are_read_as_their_capitalised_words(runs: Counter[tuple[str, ...]]) -> None:
    assert runs[("Kenya", "Private", "Sector", "Alliance")] == 1
    assert runs[("US", "Agency", "International", "Development")] == 1  # "for" left out


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("kepsa", "Kenya Private Sector Alliance"),  # Ke-P-S-A
        ("KEPSA", "Kenya Private Sector Alliance"),
        ("kepsac", "Kenya Private Sector Alliance Company"),  # "Company" aside
        ("usaid", "US Agency International Development"),
    ],
)
def test_a_short_form_of_syllables_is_the_name(
    runs: Counter[tuple[str, ...]], typed: str, name: str
) -> None:
    assert blended(typed, runs) == name


@pytest.mark.parametrize(
    "typed",
    [
        "kebs",  # the first three words of a longer name: not that name
        "kps",  # too short
        "kenyaprivate",  # too long
        "olkaria",  # one word
    ],
)
def test_no_name_for_what_is_not_a_short_form_of_a_whole_name(
    runs: Counter[tuple[str, ...]], typed: str
) -> None:
    assert blended(typed, runs) is None


def test_two_names_fitting_equally_give_none() -> None:
    runs = name_runs(["Kenya Ports Authority met.", "Kenya Power Authority met."])

    assert blended("kepa", runs) is None


def test_the_speller_reads_a_short_form_only_for_a_word_it_cannot_place(
    runs: Counter[tuple[str, ...]],
) -> None:
    speller = Speller({"kenya", "police", "alliance"}, lexicon={"police"}, name_runs=runs)

    assert speller.fix("kepsa") == "Kenya Private Sector Alliance"
    assert speller.fix("police") == "police"
    assert speller.fix("polise") == "police"  # a misspelling, not a short form
