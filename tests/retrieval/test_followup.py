"""Follow-up questions: earlier turns fill in what a question leaves out, and only then."""

from __future__ import annotations

import pytest

from retrieval.followup import standalone_question, with_answer_subject
from retrieval.models import Turn

HAITI = "docs_corpus/04-haiti-security-mission.md"
ARRIVAL = Turn("When did Kenya's police arrive in Haiti?", "On 25 June 2024. [1]")


def test_without_history_the_question_is_unchanged() -> None:
    assert standalone_question("how many officers were in that first group?", []) == (
        "how many officers were in that first group?"
    )


@pytest.mark.parametrize(
    "question",
    [
        "How much did the United States pledge to the Haiti mission?",
        "What did the High Court rule about the deployment of police officers?",
        "Which countries abstained on UN Resolution 2699?",
    ],
)
def test_a_question_that_stands_alone_is_unchanged(question: str) -> None:
    assert standalone_question(question, [ARRIVAL]) == question


@pytest.mark.parametrize(
    "question",
    [
        "Tell me about PEPFAR",
        "What is the capital of Peru?",
        "Who is Redi Tlhabi?",
    ],
)
def test_a_short_question_naming_its_own_subject_is_unchanged(question: str) -> None:
    # Few words, but nothing in it points back: "Haiti" must not leak into it.
    assert standalone_question(question, [ARRIVAL]) == question


@pytest.mark.parametrize(
    "question",
    [
        "how many officers were in that first group?",
        "and who paid for it?",
        "Why did they go there?",
        "What about the court case?",
    ],
)
def test_a_question_leaning_on_the_last_turn_carries_its_key_terms(question: str) -> None:
    standalone = standalone_question(question, [ARRIVAL])

    assert standalone.startswith(question.rstrip())
    carried = standalone[len(question.rstrip()) :]
    for word in ("Kenya", "police", "Haiti"):
        assert word in carried, standalone
    for word in ("When", "did", "in"):
        assert f" {word} " not in f" {carried.strip(' ()')} ", standalone


def test_words_the_question_already_has_are_not_repeated() -> None:
    standalone = standalone_question("When did they arrive in Haiti?", [ARRIVAL])

    assert standalone.count("Haiti") == 1
    assert standalone.count("arrive") == 1
    assert "police" in standalone


def test_a_question_word_typed_without_its_apostrophe_is_not_carried() -> None:
    """ "whats the gang suppression force" then "so who pays for the troops in it?": the
    subject is the force, not "whats"."""
    standalone = standalone_question(
        "so who pays for the troops in it?", [Turn("whats the gang suppression force")]
    )

    assert "suppression" in standalone
    assert "whats" not in standalone


@pytest.mark.parametrize(
    ("previous", "question", "subject", "verb"),
    [
        ("who leads the gsf", "how big is it", "gsf", "leads"),
        ("who paid for the sgr", "when did it open", "sgr", "paid"),
        ("what replaced the mss in haiti", "how many troops can it have", "mss", "replaced"),
    ],
)
def test_the_verb_a_question_asked_with_is_not_carried(
    previous: str, question: str, subject: str, verb: str
) -> None:
    """ "it" is what the previous question asked about, not what it asked: the GSF, not
    its leading."""
    standalone = standalone_question(question, [Turn(previous)])

    assert subject in standalone
    assert verb not in standalone


def test_a_noun_after_what_is_carried() -> None:
    standalone = standalone_question("and when?", [Turn("what tariffs did trump put on kenya")])

    assert "tariffs" in standalone


def test_the_topic_carries_through_a_chain_of_follow_ups() -> None:
    history = [
        Turn("Why did Kenya's High Court block the Haiti deployment?"),
        Turn("who filed that petition?"),
    ]

    standalone = standalone_question("and what did he do after the agreement?", history)

    assert "Haiti" in standalone
    assert "Court" in standalone


def test_the_latest_topic_wins_over_an_older_one() -> None:
    history = [Turn("What is PEPFAR?"), Turn("When did Kenya's police arrive in Haiti?")]

    standalone = standalone_question("how many of them were there?", history)

    assert "Haiti" in standalone
    assert "PEPFAR" not in standalone


# A pronoun pointing at what the previous answer gave -----------------------------
EMBASSY = Turn(
    "who ran the us embassy in nairobi after meg whitman quit",
    "Marc Dillard, the embassy's deputy chief of mission, took over as chargé d'affaires"
    " in November 2024. [1]",
)


def test_he_after_a_who_question_is_the_person_the_answer_named() -> None:
    standalone = standalone_question("and when did he leave kenya?", [EMBASSY])

    assert "Marc Dillard" in standalone
    assert "whitman" not in standalone.lower()  # the question's subject, not the answer


@pytest.mark.parametrize(
    ("answer", "person"),
    [
        ("Chargé d'affaires Susan M. Burns, who took over in August 2025. [1]", "Susan M. Burns"),
        ("Deputy Secretary of State Christopher Landau visited in January 2026. [1]", "Landau"),
        # a surname with a capital inside it
        ("Kyle McCarter, a former Illinois state senator, from 2019. [1]", "Kyle McCarter"),
    ],
)
def test_titles_are_not_carried_with_the_name(answer: str, person: str) -> None:
    history = [Turn("who is in charge of the us embassy these days", answer)]

    standalone = standalone_question("where was she working before?", history)

    assert person in standalone
    assert "Chargé" not in standalone and "Deputy" not in standalone


def test_an_answer_naming_no_one_leaves_the_previous_question_as_the_subject() -> None:
    declined = Turn(EMBASSY.question, "I couldn't find an answer to that in the documents I have.")

    standalone = standalone_question("and when did he leave kenya?", [declined])

    assert "whitman" in standalone.lower()


def test_that_one_after_a_which_question_is_the_numbered_thing_the_answer_gave() -> None:
    history = [
        Turn(
            "which un resolution authorised the kenya led haiti mission",
            "Security Council resolution 2699, adopted on 2 October 2023.",
        )
    ]

    standalone = standalone_question("which countries abstained on that one?", history)

    assert "resolution 2699" in standalone
    assert "haiti" in standalone  # with the previous question's subject
    assert "2023" not in standalone  # a year is not what "that one" points at


REPLACED = Turn(
    "what replaced the kenya led mss in haiti",
    "The UN Security Council turned it into a larger Gang Suppression Force in September 2025.",
)


@pytest.mark.parametrize(
    "question",
    [
        "whats the resolution number for that one",
        "how many troops n police can it have",
        "how many personnel is the new force supposed to have",
    ],
)
def test_it_after_what_replaced_is_the_new_thing_the_answer_named(question: str) -> None:
    standalone = standalone_question(question, [REPLACED])

    assert "Gang Suppression Force" in standalone
    assert "mss" not in standalone.lower()  # not the mission that was replaced


def test_there_after_what_happened_is_the_place_the_question_named() -> None:
    history = [
        Turn(
            "what happened at manda bay?",
            "In January 2020 al-Shabaab militants attacked the Manda Bay airfield in Lamu.",
        )
    ]

    standalone = standalone_question("how many americans were killed there", history)

    assert "manda bay" in standalone.lower()
    assert "Lamu" not in standalone  # what happened is news, not a new subject


# With the real corpus ------------------------------------------------------------
def test_follow_up_is_answered_from_the_document_of_the_first_question(corpus_engine) -> None:
    first = corpus_engine.ask(ARRIVAL.question)
    assert HAITI in {c.source for c in first.citations}

    answer = corpus_engine.ask(
        "how many officers were in that first group?",
        [Turn(first.question, first.answer)],
    )

    assert not answer.abstained
    assert "Haiti" in answer.standalone_question
    assert answer.citations[0].source == HAITI
    assert answer.citations[0].source == HAITI
    assert "400" in answer.answer or "200" in answer.answer
    assert answer.to_dict()["standalone_question"] == answer.standalone_question


@pytest.mark.parametrize(
    ("question", "expected_sources"),
    [
        ("Tell me about PEPFAR", {"docs_corpus/13-health-and-pepfar.md"}),
        ("What is the capital of Peru?", set()),
    ],
)
def test_a_new_subject_after_a_haiti_question_is_not_answered_about_haiti(
    corpus_engine, question: str, expected_sources: set[str]
) -> None:
    alone = corpus_engine.ask(question)
    after_haiti = corpus_engine.ask(question, [ARRIVAL])

    assert {c.source for c in alone.citations} == expected_sources
    assert {c.source for c in after_haiti.citations} == expected_sources
    assert after_haiti.abstained == alone.abstained


def test_he_is_answered_about_the_person_the_previous_answer_named(corpus_engine) -> None:
    answer = corpus_engine.ask("and when did he leave kenya?", [EMBASSY])

    assert not answer.abstained
    assert "July 2025" in answer.answer.split("[1]")[0]  # Dillard's farewell leads


def test_earlier_questions_are_read_with_the_same_spelling_fixes(corpus_engine) -> None:
    """ "oct 2025" in the earlier question is October 2025: the follow-up carries words
    the documents use, and finds what is left of the 2028 bond."""
    history = [Turn("how much of the 2028 eurobond did kenya buy back in oct 2025")]

    answer = corpus_engine.ask("so how much of it is still out there?", history)

    assert not answer.abstained
    assert "371.6 million" in answer.answer


def test_a_declined_follow_up_can_be_read_with_what_the_previous_answer_named() -> None:
    """ "what replaced the kenya-led mission" -> "A Gang Suppression Force …" ->
    "troop ceiling for the new one?": the new one is what the answer named."""
    history = [
        Turn(
            "what replaced the kenya-led mission in haiti?",
            "The documents may not answer this directly; the closest they come:\n"
            "A UN-authorised Gang Suppression Force, approved by the Security Council [1]. "
            "It has more troops [2].",
        )
    ]

    again = with_answer_subject("troop ceiling for the new one?", history)

    assert again is not None
    assert again.startswith("troop ceiling for the new one? (")
    carried = again[again.index("(") :]
    assert "Gang Suppression Force" in carried
    assert "closest" not in carried and "[1]" not in carried and "troops" not in carried


@pytest.mark.parametrize(
    ("question", "history"),
    [
        ("who leads the gang suppression force in haiti in 2026", [Turn("what is agoa", "A")]),
        ("and when?", []),
        ("and when?", [Turn("what is agoa", "")]),
    ],
)
def test_no_answer_subject_for_a_question_standing_alone_or_without_an_answer(
    question: str, history: list[Turn]
) -> None:
    assert with_answer_subject(question, history) is None


def test_a_follow_up_about_the_thing_the_answer_named_is_answered(corpus_engine) -> None:
    """Declined when read with the previous question's subject (the Kenya-led mission),
    answered when read with the answer's (the Gang Suppression Force)."""
    history = (
        Turn(
            "what replaced the kenya-led mission in haiti?",
            "A UN-authorised Gang Suppression Force, approved by the Security Council on "
            "30 September 2025.",
        ),
    )

    answer = corpus_engine.ask("troop ceiling for the new one?", history)

    assert not answer.abstained, answer.answer
    assert "5,550" in answer.answer, answer.answer
    # a second reading is less sure than the first: said so, never a plain answer
    assert answer.answer.startswith("The documents may not answer this directly"), answer.answer


def test_a_timeline_date_opening_the_previous_answer_is_not_carried() -> None:
    """The bot's own answers often open with a timeline entry's date."""
    history = [Turn("what replaced the mission?", "30 September 2025: The Council adopted [1].")]

    again = with_answer_subject("and its size?", history)

    assert again is not None and "September" not in again and "Council" in again


def test_a_yes_or_no_opening_the_previous_answer_is_not_carried() -> None:
    """A history written by a person (or an LLM) may open with "Yes."; the subject is
    what follows it."""
    history = [Turn("did the supreme court rule on the tariffs?", "Yes. The Supreme Court ruled.")]

    again = with_answer_subject("was it a close vote?", history)

    assert again is not None and "Yes" not in again and "Supreme Court" in again


def test_she_two_turns_on_is_still_the_person_a_who_question_was_answered_with() -> None:
    history = [
        Turn("who was the us ambassador when ruto went to the white house", "Meg Whitman."),
        Turn("why did so many kenyans want her out", "Critics said she kept quiet."),
    ]

    standalone = standalone_question("what did she do before becoming a diplomat", history)

    assert "Meg Whitman" in standalone
    # a turn between that no longer points back ends the chain
    history.insert(1, Turn("what is agoa", "A US trade law."))
    assert "Meg Whitman" not in standalone_question("what did she do before?", history[:2])
