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
        ("what law did trump use to bring back the tariff", "law"),
        ("which supreme court case struck down the tariffs", "case"),
        ("which resolution renewed the mission", "resolution"),
        ("which us senator complained", "senator"),
        ("which kenyan county gets the most remittances", "county"),
        ("which summit did obama co-host", "summit"),
        ("what party is ruto from", "party"),
        ("the gen z protests in june 2024 - what bill were they against", "bill"),
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
        ("what law", "It invoked Section 122 of the Trade Act of 1974.", True),
        ("what law", "The International Emergency Economic Powers Act did not allow it.", True),
        ("what law", "The court ruled that the law did not allow tariffs.", False),
        ("which case", "In Learning Resources, Inc. v. Trump, the court ruled 6–3.", True),
        ("which case", "The case went to the Supreme Court.", False),
        ("which resolution", "Resolution 2793 turned the MSS into the GSF.", True),
        ("which resolution", "The resolution passed 12 to 0.", False),
        ("which senator", "Senator Jim Risch accused Kenya of it.", True),
        ("which senator", "Two senators wrote to the State Department.", False),
        ("which county", "Most of it goes to Kiambu County.", True),
        ("which summit", "Obama co-hosted the Global Entrepreneurship Summit.", True),
        ("which party", "He leads the United Democratic Alliance (UDA).", True),
        ("which party", "The ruling party backed the bill.", False),
        ("what bill", "Kenya's 2024 Finance Bill set off the protests.", True),
        ("what bill", "The House passed H.R. 6500 on 12 January 2026.", True),
        ("what bill", "Youth-led demonstrations against the bill culminated in June.", False),
    ],
)
def test_a_sentence_names_one_of_the_kind_or_not(question: str, sentence: str, named: bool) -> None:
    kind = asked_kind(question)

    assert kind is not None
    assert kind.named(sentence) is named
