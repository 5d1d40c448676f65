"""Country names read as names however they are typed."""

from __future__ import annotations

from retrieval.countries import country_names


def test_countries_and_nationalities_are_found_in_lower_case() -> None:
    assert country_names("who is the prime minister of japan right now") == ["japan"]
    assert country_names("what did the french president say") == ["french"]


def test_a_two_word_country_is_one_name() -> None:
    assert country_names("south sudan and sudan; new zealand") == [
        "south sudan",
        "sudan",
        "new zealand",
    ]


def test_words_inside_other_words_and_ordinary_words_are_not_countries() -> None:
    assert country_names("the united front chadwick turkeys in the south") == []


def test_country_names_take_the_longest_name_and_keep_sentences_apart() -> None:
    text = "South Sudan's Kiir met Sudan's envoy in the south. Sudan then left; Guinea-Bissau too."
    assert country_names(text) == ["South Sudan", "Sudan", "Sudan", "Guinea-Bissau"]
