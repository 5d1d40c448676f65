"""Sentence splitting, cleaning and lexical terms: what quotes and BM25 are built from."""

from __future__ import annotations

import pytest

from retrieval.text import clean_text, initialisms, sentence_spans, terms


def split(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "The U.S. Senate approved the deal. Kenya welcomed it.",
            ["The U.S. Senate approved the deal.", "Kenya welcomed it."],
            id="abbreviation-before-capital",
        ),
        pytest.param(
            "Mr. Ruto met Dr. Jones and Gen. Ogolla in Nairobi. They talked for an hour.",
            ["Mr. Ruto met Dr. Jones and Gen. Ogolla in Nairobi.", "They talked for an hour."],
            id="titles",
        ),
        pytest.param(
            "Growth was 3.5 percent in 2023. It reached 5.6 percent in 2024.",
            ["Growth was 3.5 percent in 2023.", "It reached 5.6 percent in 2024."],
            id="decimals",
        ),
        pytest.param(
            'Ruto said "We will go to Haiti." Then the court ruled. "Stop," it said.',
            ['Ruto said "We will go to Haiti."', "Then the court ruled.", '"Stop," it said.'],
            id="quotes",
        ),
        pytest.param(
            "Is the mission funded? Yes! The US pays most of it.",
            ["Is the mission funded?", "Yes!", "The US pays most of it."],
            id="question-and-exclamation",
        ),
        pytest.param(
            "A heading without a full stop\nThe first paragraph. It ends here.\n\nA new one.",
            [
                "A heading without a full stop",
                "The first paragraph.",
                "It ends here.",
                "A new one.",
            ],
            id="paragraphs",
        ),
        pytest.param(
            "The aid rose in 2023 (see the annex, i.e. Annex B). 1,000 officers were pledged.",
            ["The aid rose in 2023 (see the annex, i.e. Annex B).", "1,000 officers were pledged."],
            id="ie-and-number-start",
        ),
    ],
)
def test_sentence_spans_slice_whole_sentences(text: str, expected: list[str]) -> None:
    assert split(text) == expected


def test_sentence_spans_are_offsets_into_the_original_text() -> None:
    text = "Kenya agreed.   The US paid.\n\nHaiti waited. "
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["Kenya agreed.", "The US paid.", "Haiti waited."]
    assert spans == sorted(spans)


def test_clean_text_removes_invisible_characters_and_says_so() -> None:
    hidden = (
        "Ken\u200bya"  # zero-width space
        " sent\u200d police"  # zero-width joiner
        " to\u2060 Haiti"  # word joiner
        "\ufeff."  # byte order mark mid-text
        "\u202e"  # right-to-left override
        "\U000e0049\U000e0047\U000e004e"  # tag characters ("IGN")
        "\ue000"  # private use
        "\x07"  # control character
    )
    assert clean_text(hidden) == ("Kenya sent police to Haiti.", True)


def test_clean_text_keeps_visible_text_and_reports_nothing_removed() -> None:
    text = "Café in Nairobi – “Karibu”, 25 June 2024.\n\tIndented line.\n"
    assert clean_text(text) == (text, False)


def test_clean_text_treats_windows_line_ends_as_plain_line_ends() -> None:
    # A CRLF file is ordinary text: one line end each, nothing flagged as hidden.
    assert clean_text("one line\r\nthe next line\rlast") == ("one line\nthe next line\nlast", False)


def test_terms_drop_stopwords_and_question_words() -> None:
    assert terms("What did the police do in Haiti? Tell me about it.") == terms("police haiti")
    assert len(terms("police haiti")) == 2


def test_terms_match_plurals_and_possessives() -> None:
    assert terms("countries officers policies") == terms("country officer policy")
    assert terms("Kenya's Kenya’s KENYA") == terms("kenya kenya kenya")
    # Words that only look plural keep their ending.
    assert terms("status analysis glass") == ["status", "analysis", "glass"]


def test_terms_match_past_tense_to_the_base_form_a_question_uses() -> None:
    # "When did the police arrive?" must match "the police arrived".
    assert terms("bombing bombed") == terms("bomb bomb")
    assert terms("arrive agree vote promise rule") == terms("arrived agreed voted promised ruled")
    # "did any officers die": the documents say "died"
    assert terms("die dies tie") == terms("died died tied")


def test_terms_keep_numbers_and_lower_case() -> None:
    assert terms("AGOA 2025 US$300") == ["agoa", "2025", "us", "300"]


@pytest.mark.parametrize(
    "word", ["she'd", "they're", "we'll", "i've", "didn't", "didnt", "won't", "cant"]
)
def test_contractions_are_stopwords_not_words_no_document_uses(word: str) -> None:
    """ "once she'd gone" must not read as a question about a word the documents lack."""
    assert terms(word) == []
    assert terms(f"once {word} gone") == terms("once gone")


def test_initialisms_are_the_short_forms_of_names_written_out() -> None:
    found = initialisms(
        [
            "The Kenya Defence Forces took part, and the UN General Assembly voted.",
            "The 2026 National Defense Authorization Act named Kenya a Major Non-NATO Ally.",
            "The KNBS Economic Survey said so.",  # a short form inside: not a name to shorten
        ]
    )

    assert found["kdf"] == "Kenya Defence Forces"
    assert found["unga"] == "UN General Assembly"
    assert found["ndaa"] == "National Defense Authorization Act"
    assert found["mnna"] == "Major Non-NATO Ally"
    assert "kes" not in found


def test_of_two_names_with_one_short_form_the_more_used_wins_and_a_tie_is_left_out() -> None:
    found = initialisms(
        [
            "Kenya Defence Forces. Kenya Defence Forces. Kenya Development Fund.",
            "Ali Bongo Co. Amani Bora Cup.",
        ]
    )

    assert found["kdf"] == "Kenya Defence Forces"
    assert "abc" not in found


def test_accented_and_plain_letters_make_the_same_terms() -> None:
    """ "gomez" as typed finds "Gómez-Martínez"; "charge d'affaires", "chargé"."""
    assert terms("Osvaldo Gómez-Martínez") == terms("osvaldo gomez-martinez")
    assert terms("chargé d’affaires") == terms("charge d'affaires")
