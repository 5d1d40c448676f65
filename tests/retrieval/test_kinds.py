"""Which kind of thing a "which …" question asks to be named, and whether a sentence
names one."""

from __future__ import annotations

import pytest

from retrieval.kinds import asked_kind


@pytest.mark.parametrize(
    ("question", "word"),
    [
        ("which gang was the first kenyan cop killed in haiti fighting", "gang"),
        ("which banks ran kenya's oct 2025 eurobond deal", "banks"),
        ("which chinese firm built the nairobi expressway", "firm"),
        ("which us unit got rushed to manda bay after the attack", "unit"),
        ("what airline was the plane from", "airline"),
    ],
)
def test_the_kind_asked_for_is_read(question: str, word: str) -> None:
    kind = asked_kind(question)

    assert kind is not None and kind.word == word
    assert kind.missing == f"The documents don't name the {word}."


@pytest.mark.parametrize(
    "question",
    [
        "which general election did ruto win",  # an election, not a general
        "what bank loans did kenya take from china",  # loans, not a bank
        "when did the gang suppression force start",  # no "which"
        "who leads the gang suppression force",
        "what can the gang suppression force do that the mss couldnt",  # not "which gang"
        "which gang suppression force resolution was it",
    ],
)
def test_no_kind_is_read_where_none_is_asked(question: str) -> None:
    assert asked_kind(question) is None


@pytest.mark.parametrize(
    ("question", "sentence", "named"),
    [
        ("which gang", "A constable was shot dead by gang members near Pont-Sondé.", False),
        ("which gang", "The Viv Ansanm gang coalition attacked the port.", True),
        ("which bank lent it", "Kenya borrowed $5 billion from China Exim Bank.", True),
        ("which firm", "The Chinese firm China Road and Bridge Corporation built it.", True),
        ("which company runs it", "KenGen operates four geothermal power plants.", False),
        ("which company did she run", "Whitman, a former chief executive of eBay, …", True),
        ("which kenyan company got the loan", "Acorn Holdings signed a $180 million deal.", True),
        ("which judge", "On 10 December 2025, Justice Bahati Mwamuye suspended it.", True),
        ("which judge", "The High Court suspended the framework.", False),
        ("which general came", "General Dagvin Anderson visited Nairobi.", True),
        ("which police units", "Officers came from the General Service Unit.", True),
        ("which unit was sent", "US troops were sent to Manda Bay.", False),
    ],
)
def test_a_sentence_names_one_of_the_kind_or_not(question: str, sentence: str, named: bool) -> None:
    kind = asked_kind(question)

    assert kind is not None
    assert kind.named(sentence) is named
