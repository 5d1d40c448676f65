"""What a user notices about answers on the real corpus (real MiniLM, real index):
plain answers that hold what was asked, a gap line for what the documents cannot say
(later years, the future, "still"), declines for off-topic questions, one number per
source section, and follow-ups that never repeat what was already said."""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable

import pytest

from retrieval.answering import ABSTAIN_MESSAGE, HEDGE
from retrieval.models import Answer, Turn
from retrieval.question import answer_type, split_parts
from retrieval.sentences import ANNOUNCES, holds
from retrieval.text import comparable

_MARKED = re.compile(r"(?P<text>.+?) \[(?P<n>\d+)\](?:\s+|$)")

Ask = Callable[..., Answer]


@pytest.fixture(scope="module")
def ask(corpus_engine) -> Ask:
    """corpus_engine.ask, each question answered once per module."""
    answers: dict[tuple[str, tuple[Turn, ...]], Answer] = {}

    def ask(question: str, history: tuple[Turn, ...] = ()) -> Answer:
        key = (question, history)
        if key not in answers:
            answers[key] = corpus_engine.ask(question, history)
        return answers[key]

    return ask


def lead(answer: Answer) -> str:
    """The uncited line before the quotes ("As of …", a gap), or ""."""
    head, _, rest = answer.answer.rpartition("\n")
    return head if rest else ""


def quoted(answer: Answer) -> list[tuple[str, int]]:
    """(sentence, citation number) of each quoted sentence, in order."""
    body = answer.answer.rpartition("\n")[2]
    pairs = [(m["text"], int(m["n"])) for m in _MARKED.finditer(body)]
    assert "".join(f"{t} [{n}]" for t, n in pairs).replace(" ", "") == body.replace(" ", ""), (
        f"uncited text in {body!r}"
    )
    return pairs


def month(iso: str) -> str:
    """'2026-07-02' -> 'July 2026'."""
    year, mon = iso.split("-")[:2]
    return f"{calendar.month_name[int(mon)]} {year}"


def describe(answer: Answer) -> str:
    return f"{answer.answer!r} gaps={answer.gaps!r}"


# Periods the documents cannot cover --------------------------------------------------
LATER_YEARS = [
    pytest.param("what did the us and kenya agree in 2027", 2027, id="2027"),
    pytest.param("what happened between kenya and the us in 2029", 2029, id="2029"),
    pytest.param("what happened in kenya in 2035", 2035, id="2035"),
    # 2031 and 2032 are named in the documents only as plans ("by the end of the framework
    # in 2031", Eurobonds "due in 2028 and 2032"): still no events of those years.
    pytest.param("what happened between kenya and the us in 2031", 2031, id="2031"),
    pytest.param("what did kenya and the us sign in 2032", 2032, id="2032"),
]


@pytest.mark.parametrize(("question", "year"), LATER_YEARS)
def test_a_year_after_the_documents_is_declined_or_named_as_a_gap(
    ask: Ask, question: str, year: int
) -> None:
    answer = ask(question)

    if answer.abstained:
        assert answer.citations == [] and answer.gaps == ()
        return
    first_line = answer.answer.split("\n", 1)[0]
    assert f"don't cover {year}" in first_line, describe(answer)  # before any old fact
    assert any(f"don't cover {year}" in g for g in answer.gaps)
    assert lead(answer), "the gap is a line of its own, above the quotes"


def test_the_gap_line_names_the_documents_latest_month_whatever_the_question(
    ask: Ask, corpus_engine
) -> None:
    latest = month(max(s.as_of or s.date for s in corpus_engine.sources()))
    named = set()
    for question in (
        "what did the us and kenya agree in 2027",
        "what happened in kenya in 2035",
        "will the us send troops to haiti next year",
        "will trump visit kenya next year",
    ):
        gap = next(g for g in ask(question).gaps if "events" in g)
        named.add(re.search(r"(?:from|up to) (\w+ \d{4})", gap).group(1))  # type: ignore[union-attr]

    assert named == {latest}


@pytest.mark.parametrize(
    "question",
    [
        "who won tanzania's 2025 presidential election",
        "did uganda's parliament pass its 2026 budget on time",
    ],
)
def test_a_neighbour_in_a_year_the_documents_skip_is_declined(ask: Ask, question: str) -> None:
    # The documents name Tanzania and Uganda, but not in any sentence about the year
    # asked: a Kenyan fact under a "don't say what happened in 2025" line misleads.
    assert ask(question).abstained, describe(ask(question))


def test_a_question_naming_its_time_by_an_event_is_answered(ask: Ask) -> None:
    """ "around ruto's 2024 state visit" dates the question; the sentence on the IMF
    trust that answers it need not name Ruto or the year."""
    answer = ask(
        "how much did the us put up for the imf poverty trust around ruto's 2024 state visit"
    )

    assert not answer.abstained, describe(answer)
    assert "$21 billion" in answer.answer, describe(answer)


def test_who_about_someone_else_than_the_documents_name_is_declined(ask: Ask) -> None:
    # Kenya's ambassador in Washington is in the documents; Ethiopia's is not.
    assert ask("who is ethiopia's ambassador in washington").abstained
    kenya = ask("who is kenya's ambassador in washington")
    assert not kenya.abstained and "Kerich" in kenya.answer, describe(kenya)


def test_a_year_gap_about_a_named_subject_the_evidence_holds_is_still_answered(
    ask: Ask,
) -> None:
    answer = ask("did kenya's parliament pass the finance bill in 2023")
    assert not answer.abstained, describe(answer)
    assert "Finance Bill" in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "will agoa be renewed next year",
        "will trump visit kenya next year",
        "will the us send troops to haiti next year",
        "what will happen to agoa",
        "what will the us do in haiti in the future",
    ],
)
def test_a_question_about_the_future_says_the_documents_cannot_tell(
    ask: Ask, question: str
) -> None:
    answer = ask(question)

    if answer.abstained:
        assert answer.citations == []
        return
    assert "can't say what will happen" in lead(answer), describe(answer)
    assert answer.answer.startswith("The documents can't say what will happen")


@pytest.mark.parametrize(
    "question",
    [
        "is kenya still a major non-nato ally",
        "who is the us ambassador to kenya now",
        "what is the current us tariff on kenyan exports",
    ],
)
def test_a_question_about_now_is_answered_as_of_a_date(ask: Ask, question: str) -> None:
    answer = ask(question)

    assert not answer.abstained, describe(answer)
    first_line = lead(answer)
    assert first_line, f"an old fact presented as current: {describe(answer)}"
    if answer.gaps:
        assert first_line == " ".join(answer.gaps)
    else:
        # "As of <month year>", the newest date among the sources quoted
        assert first_line.startswith("As of ")
        newest = max(c.date for c in answer.citations)
        assert first_line.startswith(f"As of {month(newest)},"), (first_line, newest)


@pytest.mark.parametrize(
    "question",
    [
        "when did kenya become a major non-nato ally",
        "did obama visit kenya back when he was still a senator",  # "was still": the past
    ],
)
def test_a_question_about_the_past_has_no_as_of_line(ask: Ask, question: str) -> None:
    answer = ask(question)

    assert not lead(answer).startswith("As of"), describe(answer)
    assert not any(g.startswith("As of") for g in answer.gaps)


# Covered questions ---------------------------------------------------------------------
WHEN_QUESTIONS = [
    ("when did kenya become a major non-nato ally", "24 June 2024"),
    ("when did obama visit kenya", "2015"),
    ("when was the us embassy in nairobi bombed", "1998"),
    ("when did the first kenyan police arrive in haiti", "25 June 2024"),
    ("when did agoa lapse", "30 September 2025"),
    ("when did kenya and the us start diplomatic relations", "1964"),
    ("what year did ruto make his state visit to washington", "2024"),
]


@pytest.mark.parametrize(("question", "expected"), WHEN_QUESTIONS)
def test_a_covered_when_question_opens_with_a_date(ask: Ask, question: str, expected: str) -> None:
    answer = ask(question)

    assert not answer.abstained and answer.gaps == (), describe(answer)
    first, _ = quoted(answer)[0]
    assert holds("date", first), first
    assert expected in answer.answer  # the date the documents give


# The lead sentence holds what the question particularly asks for, not only its topic.
PARTICULAR = [
    # a cause, not a figure from the same story
    ("why did the kenyan court block the haiti deployment", "because"),
    # "who": someone named, not "Kenya and the United States signed …"
    ("who signed the new US-kenya health cooperation framework in december 2025?", "Rubio"),
    # ... even when the event itself, stated without one, scores higher
    ("why did sudan refuse to have ruto lead the igad mediation", "accused"),
    ("why did biden make kenya a major non nato ally in the first place?", "cited"),
    # a place the question does not already name (not "in Kenya")
    ("where in kenya is the microsoft g42 data centre being built", "Olkaria"),
    # "how did X react": what X did in answer
    ("how did sudan respond to nairobi hosting the rsf", "condemned"),
    # the attack asked about, not another one in a section headed with both
    ("westgate mall attack how many killed", "Westgate"),
    # "when did it start": the year it has run since, not a later dated report
    ("when did pepfar start in kenya", "since 2003"),
    ("when did pepfar begin supporting kenya", "since 2003"),
    # a keyword question about a span of time: the mandate's length, not the force's size
    ("gsf mandate length", "12 months"),
    # "who": the person appointed, not the body that appointed them
    ("who was named facilitator of the nairobi process", "Kenyatta"),
    # a fact, not the sentence announcing that reports differ on it
    ("why did trump put tariffs on kenyan goods in the first place", "reciprocal"),
    ("what rate did trump use under section 122", "Section 122"),
    # the police units named, not the size of the first group
    ("which police units did kenya draw its first haiti contingents from", "units"),
    # keywords: a figure for the amendment, not the date it was filed
    ("risch amendment number kenya mnna review", "3628"),
    # the injured counted, not the dead
    ("how many ppl were injured in the 1998 nairobi embasy blast", "injured"),
    # "which <kind>": a sentence naming one of the kind, not one about the kind
    ("which chinese company built kenya's sgr", "China Road and Bridge Corporation"),
    ("which us general came to kenya with landau in jan 2026", "General Dagvin Anderson"),
    # a rank, not the announcement of her nomination
    ("which number us ambassador to kenya was meg whitman", "18th"),
    # a figure in the currency asked for, not the shilling one
    ("how much did kenya sell to the us in 2024 in dollars", "$737.3 million"),
]


@pytest.mark.parametrize(
    "question",
    [
        "why did trump put tariffs on kenyan goods in the first place",
        "what rate did trump use under section 122",
        "haiti force total size after the dec 2025 kenyan batch",
    ],
)
def test_no_answer_leads_with_a_sentence_announcing_that_reports_differ(
    ask: Ask, question: str
) -> None:
    """ "Reports differ on the Section 122 rate." says no fact: the figures follow it."""
    first, _ = quoted(ask(question))[0]

    assert not ANNOUNCES.match(first), first


@pytest.mark.parametrize(
    "question",
    [
        "what is section 122",
        "how much is uganda getting under its us health deal",
        "How many Americans were killed in the 1998 Nairobi embassy bombing?",
    ],
)
def test_no_answer_quotes_an_announcing_sentence_without_its_figures(
    ask: Ask, question: str
) -> None:
    """Quoted as an extra, "Reports differ on the Section 122 rate." dangles: the figures
    it announces are in the sentences after it, which the answer does not quote."""
    assert not any(ANNOUNCES.match(sentence) for sentence, _ in quoted(ask(question)))


def test_another_version_of_a_date_never_leads_and_its_short_form_is_the_subject(
    ask: Ask,
) -> None:
    """ "Some reports dated the Security Council vote to 1 October 2025." is the other
    version of a date the documents give first ("On 30 September 2025, the UN Security
    Council adopted Resolution 2793 …"). And "gsf" is named by a sentence writing "the
    Gang Suppression Force" out in full, so no gap says the date is missing."""
    answer = ask("gsf securty council vote date")

    assert not answer.abstained, describe(answer)
    first, _ = quoted(answer)[0]
    assert "30 September 2025" in first, describe(answer)
    assert answer.gaps == (), describe(answer)


@pytest.mark.parametrize(
    "question",
    [
        "who did LBJ send as his special ambassador for kenya's independence",
        "who ran the us embassy in nairobi at independence before the first ambassador arrived",
    ],
)
def test_a_sentence_leaning_on_the_date_before_it_is_quoted_with_it(
    ask: Ask, question: str
) -> None:
    """ "On that date Ambassador William Attwood presented his credentials …" says which
    date only in the sentence before it ("… established on 2 March 1964.")."""
    sentences = [s for s, _ in quoted(ask(question))]
    for i, sentence in enumerate(sentences):
        if sentence.startswith("On that date"):
            assert i > 0 and "2 March 1964" in sentences[i - 1], sentences


@pytest.mark.parametrize(("question", "expected"), PARTICULAR)
def test_the_lead_sentence_holds_what_is_particularly_asked(
    ask: Ask, question: str, expected: str
) -> None:
    answer = ask(question)

    assert not answer.abstained, describe(answer)
    first, _ = quoted(answer)[0]
    assert expected in first, describe(answer)


def test_evidence_just_under_the_answering_score_is_quoted_with_a_hedge(ask: Ask) -> None:
    """A question in the documents' words whose best sentence scores a little under
    `min_score` gets the closest evidence, said to be so, rather than nothing."""
    answer = ask("rose exports to the us - what duty have we been paying since april 2025?")

    assert not answer.abstained, describe(answer)
    assert answer.answer.startswith(HEDGE), describe(answer)
    assert "10 percent" in quoted(answer)[0][0], describe(answer)


@pytest.mark.parametrize(
    ("typo", "spelt"),
    [
        ("when did the hati mision start", "when did the haiti mission start"),
        (
            "when did keyna become a major non-nato ally",
            "when did kenya become a major non-nato ally",
        ),
        ("when did agao lapse", "when did agoa lapse"),
    ],
)
def test_a_misspelt_question_gets_the_answer_of_the_spelt_one(
    ask: Ask, typo: str, spelt: str
) -> None:
    answer, reference = ask(typo), ask(spelt)

    assert not answer.abstained
    assert answer.question == typo  # the user's words are kept …
    assert answer.standalone_question == spelt  # … and the fixed ones searched
    assert answer.answer == reference.answer
    assert answer.citations == reference.citations


def test_the_misspelt_haiti_question_is_answered_from_a_haiti_document(ask: Ask) -> None:
    answer = ask("when did the hati mision start")

    assert not answer.abstained and answer.citations
    assert "haiti" in answer.citations[0].source
    assert "Haiti" in answer.answer


TWO_PART = [
    "who signed the 2023 defence cooperation agreement and how long does it last",
    "when did the first kenyan police arrive in haiti and how many were there",
    "who signed the health cooperation framework and how much is it worth",
]


@pytest.mark.parametrize("question", TWO_PART)
def test_a_two_part_question_answers_both_parts_or_names_the_missing_one(
    ask: Ask, question: str
) -> None:
    answer = ask(question)
    wanted = {"date": "a date", "number": "a figure", "person": "a name"}

    assert not answer.abstained, describe(answer)
    shown = [s for s, _ in quoted(answer)]
    for part in split_parts(question):
        kind = answer_type(part)
        if kind not in wanted:
            continue
        answered = any(holds(kind, s) for s in shown)
        named = any(wanted[kind] in g for g in answer.gaps)
        assert answered or named, (part, describe(answer))


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # the vote's sentence names the abstainers and a vote count, not the force's size
        (
            "which countries abstained on the haiti GSF resolution, and how big is the new "
            "force meant to be?",
            ("Pakistan", "5,550"),
        ),
    ],
)
def test_a_second_part_answered_by_the_first_parts_sentence_gets_its_own_too(
    ask: Ask, question: str, expected: tuple[str, str]
) -> None:
    answer = ask(question)

    assert not answer.abstained, describe(answer)
    for fact in expected:
        assert fact in answer.answer, describe(answer)


@pytest.mark.parametrize(
    ("question", "dates"),
    [
        (
            "which came first, kenya's mnna status going official or the first kenyan cops "
            "landing in haiti?",
            ("24 June 2024", "25 June 2024"),
        ),
        (
            "how long after ruto dropped the finance bill did he sack the whole cabinet",
            ("26 June 2024", "11 July 2024"),
        ),
        (
            "which happened first in feb 2026, trump signing the agoa renewal or the supreme "
            "court tariff ruling?",
            ("3 February 2026", "20 February 2026"),
        ),
    ],
)
def test_two_events_compared_in_time_are_answered_with_both_dates(
    ask: Ask, question: str, dates: tuple[str, str]
) -> None:
    answer = ask(question)

    shown = " ".join(s for s, _ in quoted(answer))
    assert all(d in shown for d in dates), describe(answer)
    assert shown.index(dates[0]) < shown.index(dates[1]), describe(answer)  # in time order
    assert not any("which was the first" in g for g in answer.gaps), describe(answer)


@pytest.mark.parametrize(
    ("typed", "plain"),
    [
        ("hey bot, quick question: when did obama visit kenya", "when did obama visit kenya"),
        ("idk what stip is", "what stip is"),
        ("kinda confused, wut is the gsf", "what is the gsf"),
        ("tbh why did agoa lapse", "why did agoa lapse"),
    ],
)
def test_a_greeting_or_preamble_gets_the_answer_the_plain_question_gets(
    ask: Ask, typed: str, plain: str
) -> None:
    answer, expected = ask(typed), ask(plain)

    assert not answer.abstained and not answer.gaps, describe(answer)
    assert answer.citations[0].quote == expected.citations[0].quote


def test_the_defence_agreement_question_names_the_signers_and_the_term(ask: Ask) -> None:
    answer = ask("who signed the 2023 defence cooperation agreement and how long does it last")

    text = answer.answer
    assert "Austin" in text and "Duale" in text
    assert re.search(r"five-year|five years|2023 to 2028", text)
    assert answer.citations[0].source.endswith("15-defence-cooperation-agreement.md")


@pytest.mark.parametrize(
    ("question", "meaning"),
    [
        ("what is agoa", "African Growth and Opportunity Act"),
        # defined in one chunk, spelled out in another
        ("what is pepfar", "Emergency Plan for AIDS Relief"),
        ("what is the stip", "Strategic Trade and Investment Partnership"),
        # the topic typed alone
        ("stip?", "Strategic Trade and Investment Partnership"),
        ("pepfar?", "Emergency Plan for AIDS Relief"),
    ],
)
def test_a_definition_question_says_what_the_thing_is(
    ask: Ask, question: str, meaning: str
) -> None:
    assert meaning in ask(question).answer


@pytest.mark.parametrize(
    ("question", "letters"),
    [
        ("what does pepfar stand for", "Emergency Plan for AIDS Relief"),
        ("agoa stands for?", "African Growth and Opportunity Act"),
        # spelled out in the plural, and not "Shona EPZ, a Nairobi garment factory"
        ("epz meaning", "export processing zones (EPZs)"),
        # short forms the documents never use, only the names they stand for
        ("kdf stands for", "Kenya Defence Forces"),
        ("ndaa meaning", "National Defense Authorization Act"),
        ("ieepa what does it stand for", "International Emergency Economic Powers Act"),
        ("ustda what is it", "US Trade and Development Agency"),
    ],
)
def test_what_the_letters_stand_for_leads_the_answer(ask: Ask, question: str, letters: str) -> None:
    answer = ask(question)

    assert not answer.abstained, describe(answer)
    assert letters in quoted(answer)[0][0], describe(answer)


# Declines ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    [
        "best pizza recipe",
        "who won the 2018 world cup",
        "what is the capital of peru",
        "how do i bake sourdough bread",
        # a country the documents never name, typed in lower case
        "who is the prime minister of japan right now",
    ],
)
def test_an_off_topic_question_is_declined(ask: Ask, question: str) -> None:
    answer = ask(question)

    assert answer.abstained, describe(answer)
    assert answer.answer == ABSTAIN_MESSAGE
    assert answer.citations == [] and answer.gaps == ()


# Citations ---------------------------------------------------------------------------
SAMPLE = [
    "what is agoa",
    "when did kenya become a major non-nato ally",
    "who financed the standard gauge railway",
    "how many kenyan police officers were in haiti",
    "why did a kenyan court block the police deployment to haiti",
    "what did ruto and biden announce during the state visit",
    "how much did the us pledge for the haiti mission",
    "who is the us ambassador to kenya",
    "what is camp simba",
    "when was the us embassy in nairobi bombed",
    "what happened during the 2024 finance bill protests",
    "what is the health cooperation framework",
    "what did kenya say about israel and gaza",
    "when did obama visit kenya",
    "what tariff did trump put on kenyan goods",
    "what is the manda bay runway",
    "how did kenya vote on palestine at the un",
    "tell me about pepfar in kenya",
    "who signed the 2023 defence cooperation agreement and how long does it last",
    "is kenya still a major non-nato ally",
]


def test_no_answer_cites_one_section_under_two_numbers(ask: Ask) -> None:
    answered = 0
    for question in SAMPLE:
        answer = ask(question)
        if answer.abstained:
            continue
        answered += 1
        keys = [(c.source, c.section, c.page) for c in answer.citations]
        assert len(keys) == len(set(keys)), (question, keys)
        assert [c.index for c in answer.citations] == list(range(1, len(keys) + 1))
        by_number = {c.index: c for c in answer.citations}
        for sentence, n in quoted(answer):
            assert comparable(sentence) in comparable(by_number[n].quote), (question, n)
    assert answered >= 18  # the sample is about the documents


# Follow-ups ----------------------------------------------------------------------------
FOLLOW_UPS = [
    ("when did the first kenyan police arrive in haiti", "how many officers were there?"),
    ("when did the first kenyan police arrive in haiti", "when did they arrive?"),
    ("who signed the 2023 defence cooperation agreement", "when did they sign it?"),
    ("when did agoa lapse", "when was it renewed?"),
    ("when did obama visit kenya", "what did he do there?"),
    ("tell me about the haiti mission", "tell me more"),
]


@pytest.mark.parametrize(("first", "follow_up"), FOLLOW_UPS)
def test_a_follow_up_never_repeats_a_sentence_already_said(
    ask: Ask, first: str, follow_up: str
) -> None:
    earlier = ask(first)
    assert not earlier.abstained
    history = (Turn(first, earlier.answer),)

    answer = ask(follow_up, history)

    assert not answer.abstained, describe(answer)
    said = {comparable(s) for s, _ in quoted(earlier)}
    again = [s for s, _ in quoted(answer) if comparable(s) in said]
    assert again == [], again


def test_a_follow_up_is_read_with_the_earlier_subject(ask: Ask) -> None:
    first = "when did the first kenyan police arrive in haiti"
    answer = ask("how many officers were there?", (Turn(first, ask(first).answer),))

    assert "haiti" in answer.standalone_question.lower()
    assert any("haiti" in c.source for c in answer.citations)
    assert any(holds("number", s) for s, _ in quoted(answer))


@pytest.mark.parametrize(
    ("follow_up", "about"),
    [
        ("who paid for it?", r"\b(paid|pay|fund|funded|funding|contribut\w*)\b"),
        ("and how much did the US pledge for it?", r"\$\s?\d"),
    ],
)
def test_a_follow_up_asking_something_new_is_answered_about_the_new_thing(
    ask: Ask, follow_up: str, about: str
) -> None:
    first = "when did the first kenyan police arrive in haiti"

    answer = ask(follow_up, (Turn(first, ask(first).answer),))

    assert not answer.abstained
    opening, _ = quoted(answer)[0]
    assert re.search(about, opening), describe(answer)


def test_a_follow_up_leads_with_its_own_words_over_the_carried_subject(ask: Ask) -> None:
    """ "which police units" leads with the units, not with another sentence about the
    first arrival, which holds more of the carried subject's words."""
    history = (Turn("when did the first kenyan police land in haiti", "On 25 June 2024."),)

    answer = ask("and which police units were they from", history)

    opening, _ = quoted(answer)[0]
    assert "Rapid Deployment Unit" in opening, describe(answer)


def test_a_short_follow_up_is_answered_not_declined(ask: Ask) -> None:
    """The follow-up's query vector, blended from the question and the carried subject,
    is scored at the same scale as any other question's."""
    history = (Turn("why did kenya's last imf programme end early?", "It missed its targets."),)

    answer = ask("how big was that programme overall?", history)

    assert not answer.abstained, describe(answer)
    assert "3.6 billion" in quoted(answer)[0][0], describe(answer)


def test_the_same_questions_asked_standalone_are_answered_about_funding(ask: Ask) -> None:
    paid = quoted(ask("who paid for the haiti mission"))[0][0]
    pledged = quoted(ask("how much did the us pledge for the haiti mission"))[0][0]

    assert re.search(r"\b(paid|pay|fund|funded|funding)\b", paid), paid
    assert re.search(r"\$\s?\d", pledged), pledged


# The JSON shape ----------------------------------------------------------------------
def test_a_where_question_without_a_new_place_in_the_evidence_names_the_gap(ask: Ask) -> None:
    """The evidence says Landau met Ruto in Nairobi, which the question already says: the
    gap is named first, or (the closest sentence scoring under the floor) the bot declines;
    never "Nairobi" given as the answer."""
    answer = ask("where did landau go for nyama choma in nairobi")

    if not answer.abstained:
        assert "The documents don't give a place for this." in answer.gaps, describe(answer)
        assert lead(answer).startswith("The documents don't give a place for this.")


def test_a_where_question_answered_only_with_places_it_names_leads_with_the_gap(
    ask: Ask,
) -> None:
    """The 2025 conference was in Nairobi; the one before it is nowhere placed."""
    answer = ask("where was the african chiefs of defence conference held the year before nairobi")

    assert lead(answer).startswith("The documents don't give a place for this."), describe(answer)


@pytest.mark.parametrize(
    ("question", "place"),
    [
        ("which hotel was attacked in nairobi in 2019", "DusitD2 hotel"),
        ("where did al shabaab attack in september 2013", "Westgate"),
    ],
)
def test_a_named_building_written_in_lower_case_is_a_place(
    ask: Ask, question: str, place: str
) -> None:
    """ "the DusitD2 hotel" names a place as "the DusitD2 Hotel" would: no place gap."""
    answer = ask(question)

    assert place in quoted(answer)[0][0], describe(answer)
    assert not any("place" in g for g in answer.gaps), describe(answer)


@pytest.mark.parametrize(
    ("question", "gap"),
    [
        # The documents call Kenya–Russia trade "low"; their figures are for Kenya's
        # trade with the US and China.
        ("how big is kenya's trade with russia", "The documents don't give a figure for this."),
        # They never count the counties Whitman toured: dates about her don't answer.
        (
            "how many counties did whitman tour while she was ambassador",
            "The documents don't give a figure for this.",
        ),
        # No other African major non-NATO ally is named; a sentence naming only Kenya
        # does not answer which others there are.
        (
            "which african countries other than kenya are major non-nato allies",
            "The documents don't give a country for this.",
        ),
        # The nearest dated sentences are about the US–Kenya partnership; the one
        # before them naming China does not make them about China's.
        (
            "when did china and kenya agree their comprehensive strategic partnership",
            "The documents don't give a date for this.",
        ),
        # No document says "collateral": they cannot answer yes or no.
        (
            "is kenya's port of mombasa collateral for china's railway loan",
            "The documents don't mention “collateral”.",
        ),
        # Kenya's 2025 bonds are Eurobonds: a "samurai" bond is a kind they never name.
        (
            "how much did kenya raise from its samurai bond in 2025",
            "The documents don't mention “samurai”.",
        ),
        # The Manda Bay attack is dated ("before dawn on 5 January 2020"), never timed.
        (
            "at what time of day did al-shabaab attack camp simba",
            "The documents don't give a time of day for this.",
        ),
        # The toll and the attackers are counted; how long it lasted is not given.
        (
            "how long did the camp simba attack go on for",
            "The documents don't give a length of time for this.",
        ),
        # The vote is reported, but no sentence names the US envoy who spoke at it:
        # "the UN Security Council" is a name, not a person's.
        (
            "who was the us un ambassador when the gang suppression force was voted through",
            "The documents don't give a name for this.",
        ),
        # The talks and the presidents are named, never their mediator.
        (
            "who is the chief mediator in the tumaini talks for south sudan",
            "The documents don't give a name for this.",
        ),
        # Kenya's ambassadors are named, not Russia's: "Kenya's UN ambassador, Martin
        # Kimani" is someone else's envoy.
        ("who is russia's ambassador to kenya", "The documents don't give a name for this."),
        # Kenya's ambassadors in Washington are named, not one posted to Moscow.
        ("who is kenya's ambassador in moscow", "The documents don't give a name for this."),
        # Kenya's presidents are named, not Tanzania's: an Arusha meeting that appointed
        # "Kenya's President Uhuru Kenyatta" does not name Tanzania's.
        ("who is the president of tanzania", "The documents don't give a name for this."),
        # Amounts owed to China are given, never as a share of the bilateral debt.
        (
            "what share of kenya's bilateral debt is owed to china",
            "The documents don't give a share for this.",
        ),
        # The sentences about the Garissa attack date it to April 2015, never to the day.
        ("garissa attack date", "The documents don't give the exact date for this."),
        # The 2020 attack is dated, not the camp's founding.
        ("when was camp simba established", "The documents don't give a date for this."),
        # Kenya's 2025 and 2026 Eurobonds are reported, not its first one.
        (
            "how much did kenya raise from its first ever eurobond",
            "The documents don't say which was the first.",
        ),
        # Carson is named and dated, never numbered in the series.
        ("which number ambassador was johnnie carson", "The documents don't give a rank for this."),
        # The renewal is reported, never who drafted it: the second part goes unanswered.
        (
            "which resolution renewed the haiti mission in 2024 and who drafted it",
            "The documents don't answer “who drafted it”.",
        ),
        # The MSS force commander is named, never his deputy.
        ("who was the mss deputy force commander", "The documents don't give a name for this."),
        ("who's the mss deputy force commander", "The documents don't give a name for this."),
        # The attack's American dead are counted, never named: "Al-Shabaab" is no name of
        # a person.
        ("manda bay contractors killed names", "The documents don't give a name for this."),
        # Ruto is the only president named co-chairing it: the question gives him already.
        (
            "who co-chairs the eac-sadc congo process with ruto",
            "The documents don't give a name for this.",
        ),
        # The attackers are described, never who commanded them.
        (
            "which al-shabaab commander planned the manda bay attack",
            "The documents don't give a name for this.",
        ),
        # The killing is told ("shot dead by gang members"), no gang named.
        (
            "which gang was the first kenyan cop killed in haiti fighting",
            "The documents don't name the gang.",
        ),
        # The two contractors are counted, never their employer.
        (
            "which company did the two contractors killed at manda bay work for",
            "The documents don't name the company.",
        ),
        # Aid and diplomacy are there, but no one is quoted saying this: a name about the
        # same subject is not the speaker.
        (
            "which us official said aid is a tool of diplomacy",
            "The documents don't say who said this.",
        ),
        # US reactions to the protests are there, but no under secretary is named.
        (
            "which us under secretary came to kenya in july 2024 about the protests",
            "The documents don't give a name for this.",
        ),
        # Obama's trip and the summit are there, but not his words.
        (
            "what did obama call africa when he opened the entrepreneurship summit in nairobi",
            "The documents don't say what obama said.",
        ),
        # The tariff and Kinyanjui are there, but no sentence says why he thought so.
        (
            "why did kinyanjui say the 10 percent tariff wasnt that bad for kenya",
            "The documents don't give a reason for this.",
        ),
    ],
)
def test_the_gap_names_the_kind_of_thing_the_documents_do_not_give(
    ask: Ask, question: str, gap: str
) -> None:
    """What is asked for (a figure of the thing counted, a country, a date, a time)
    must come from a sentence about the question's subject, or the gap is named."""
    answer = ask(question)

    assert answer.abstained or gap in answer.gaps, describe(answer)


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("which chinese firm built the sgr", "China Road and Bridge Corporation"),
        ("which judge froze the whole us health deal on omtatah's petition", "Chacha Mwita"),
        ("which police units did kenya send first to haiti", "General Service Unit"),
        ("what companies did meg whitman run before she was ambassador", "eBay"),
        # "G42, an artificial intelligence company" in a sentence that does not name
        # Olkaria, quoted beside one that does
        ("which company is building the olkaria data centre", "G42"),
    ],
)
def test_a_which_question_answered_by_a_name_of_its_kind_gets_no_gap(
    ask: Ask, question: str, named: str
) -> None:
    """ "which firm": a sentence naming one ("the Chinese firm China Road and Bridge
    Corporation", "Justice Chacha Mwita", "chief executive of eBay") answers it plainly."""
    answer = ask(question)

    assert named in answer.answer, describe(answer)
    assert not any("don't name" in g for g in answer.gaps), describe(answer)


def test_a_how_to_question_is_answered_only_by_a_sentence_telling_what_to_do(ask: Ask) -> None:
    """News of others applying ("invited KCSE candidates to apply") does not tell anyone
    how to apply for a visa; "every traveller must obtain it online" tells how to get
    an ETA."""
    visa = ask("How do I apply for a US visa at the embassy in Nairobi?")
    eta = ask("how do i get a kenyan eta")

    assert visa.abstained, describe(visa)
    assert not eta.abstained, describe(eta)
    assert "must" in eta.answer, describe(eta)


def test_the_holder_of_a_role_is_answered_and_a_deputy_is_not_read_as_the_holder(
    ask: Ask,
) -> None:
    """ "who commanded the mss": the force commander, plainly; "the deputy force
    commander" is someone else, so the same sentence leaves a gap."""
    commander = ask("who commanded the kenyan-led mss force in haiti")
    deputy = ask("who was the deputy commander of the mss in haiti")

    assert "Otunge" in quoted(commander)[0][0], describe(commander)
    assert not commander.gaps, describe(commander)
    assert deputy.abstained or deputy.gaps, describe(deputy)


def test_a_role_holder_named_at_the_start_of_the_sentence_answers_plainly(ask: Ask) -> None:
    """ "Meg Whitman was the US ambassador …": a name opening the sentence is a person
    in the role asked about, so no "don't give a name" line precedes it."""
    answer = ask("who was the us ambassador to kenya during ruto's state visit")

    assert "Whitman" in quoted(answer)[0][0], describe(answer)
    assert not answer.gaps, describe(answer)


def test_a_two_part_question_is_answered_when_only_its_second_part_scores(ask: Ask) -> None:
    """The first part finds nothing strong enough to quote: the date is still given,
    and the first part is named as unanswered rather than the whole question declined."""
    answer = ask("what is agoa and when does it run out now")

    assert not answer.abstained, describe(answer)
    assert "31 December 2026" in answer.answer, describe(answer)
    assert any("what is agoa" in g for g in answer.gaps), describe(answer)


def test_the_first_of_something_the_documents_report_gets_no_gap(ask: Ask) -> None:
    answer = ask("when did the first kenyan police contingent arrive in haiti")

    assert "25 June 2024" in quoted(answer)[0][0], describe(answer)
    assert not answer.gaps, describe(answer)


@pytest.mark.parametrize(
    "question",
    [
        "why was ruto in washington in early december 2025",  # "to witness the signing"
        "why did sudan recall its ambassador from kenya in february 2025",  # "in protest at"
    ],
)
def test_a_reason_the_documents_give_gets_no_reason_gap(ask: Ask, question: str) -> None:
    answer = ask(question)

    assert not answer.abstained, describe(answer)
    assert not any("reason" in g for g in answer.gaps), describe(answer)


@pytest.mark.parametrize(
    ("question", "gap_word"),
    [
        # a year naming a bond, not a time after the documents
        ("how much of the 2028 eurobond did kenya buy back in october 2025", "2028"),
        # "first" saying when it was done, not which of several
        ("when did the senate push to review kenya's mnna status first come out", "first"),
        # a yes/no answered by another rank
        ("was meg whitman the first woman us ambassador to kenya", "first"),
        # a misspelt ordinary word is not a word the documents lack
        ("when did kenya oficially become a major non nato ally", "oficially"),
        # someone reported saying it, or naming it ("code-named KENBOM")
        ("what did the fbi call the embassy bombing investigation", "said"),
        ("when did ruto go to china in 2025 and what did he call kenya and china", "said"),
        # an idiom, not a ranking
        ("why did kenya send the army into somalia in 2011 in the first place", "first"),
        # a chat word read with the documents' own ("inauguration")
        ("who led biden's delegation to ruto's swearing in", "swearing"),
        ("were kenyan defence ministry ammo crates found at an rsf depot", "ammo"),
    ],
)
def test_what_the_quotes_answer_gets_no_gap_about_it(
    ask: Ask, question: str, gap_word: str
) -> None:
    answer = ask(question)

    assert not answer.abstained, describe(answer)
    assert not any(gap_word in g for g in answer.gaps), describe(answer)


@pytest.mark.parametrize(
    "question", ["who led biden's delegation to ruto's swearing in", "ruto sworn in date"]
)
def test_a_chat_word_and_the_documents_word_for_it_count_as_one(ask: Ask, question: str) -> None:
    """ "sworn in" is read with "inauguration": a sentence saying "inauguration" holds
    the question's words, so the answer is plain, not hedged."""
    answer = ask(question)

    assert "inauguration" in quoted(answer)[0][0], describe(answer)
    assert not answer.gaps, describe(answer)


def test_a_rank_the_documents_give_is_answered_without_a_rank_gap(ask: Ask) -> None:
    answer = ask("which number state visit of the biden presidency was ruto's")

    assert "sixth" in answer.answer, describe(answer)
    assert not any("rank" in g for g in answer.gaps), describe(answer)


def test_a_second_part_the_quotes_answer_gets_no_gap(ask: Ask) -> None:
    answer = ask("when did mudavadi travel to moscow and who did he meet there")

    assert "Lavrov" in answer.answer, describe(answer)
    assert not any("don't answer" in g for g in answer.gaps), describe(answer)


def test_the_speaker_of_a_quoted_remark_is_named_without_a_gap(ask: Ask) -> None:
    answer = ask("who called meg whitman a rogue ambassador")

    assert "Raila Odinga" in quoted(answer)[0][0], describe(answer)
    assert not answer.gaps, describe(answer)


def test_a_person_named_by_surname_is_the_person_asked_about(ask: Ask) -> None:
    """The sentence says "Abdullah", the question "cholo abdi abdullah": one name, so
    the place in that sentence answers, with no gap line."""
    answer = ask("where did cholo abdi abdullah learn to fly")

    assert "Philippines" in quoted(answer)[0][0], describe(answer)
    assert not answer.gaps, describe(answer)


def test_a_question_about_now_answered_from_long_ago_says_so(ask: Ask) -> None:
    """The documents last describe the volunteers' work in 2008: "as of" the
    document's 2026 date would present that as current."""
    answer = ask("what are peace corps volunteers in kenya doing now")

    assert answer.abstained or any(
        g.startswith("The documents don't say how this stands now") and "2008" in g
        for g in answer.gaps
    ), describe(answer)


@pytest.mark.parametrize(
    "question",
    [
        "who leads the us embassy in nairobi now",
        "Who leads the US embassy in Nairobi now that there is no ambassador?",
    ],
)
def test_a_question_about_now_is_answered_with_recent_sentences(ask: Ask, question: str) -> None:
    """The embassy opened in 1964 with an ambassador: a sentence of long ago neither
    leads nor follows an answer about who leads it now (a chargé, Burns, in 2026)."""
    answer = ask(question)

    assert "Burns" in answer.answer, describe(answer)
    for sentence, _ in quoted(answer):
        years = [int(y) for y in re.findall(r"\b(?:19|20)\d\d\b", sentence)]
        assert not years or max(years) >= 2024, describe(answer)


def test_a_title_holder_now_is_not_another_countrys(ask: Ask) -> None:
    """The latest year's "Russian Foreign Minister Sergey Lavrov" is not read for
    "kenya's foreign minister": Mudavadi, who held the post, leads."""
    answer = ask("who is kenya's foreign minister")

    assert "Mudavadi" in quoted(answer)[0][0], describe(answer)
    assert "Lavrov" not in quoted(answer)[0][0], describe(answer)


def test_who_holds_a_title_now_is_read_from_the_latest_year(ask: Ask) -> None:
    """No sentence says who the US president is "now"; the documents' latest year's
    sentences ("3 February 2026: President Trump signed …") do."""
    answer = ask("who's the us president right now")

    assert not answer.abstained and "Trump" in answer.answer, describe(answer)


def test_a_short_form_of_a_name_the_documents_write_out_is_read_as_the_name(ask: Ask) -> None:
    """The documents never write "KEPSA", only "the Kenya Private Sector Alliance"."""
    answer = ask("how many jobs did kepsa say the agoa renewal protects")

    assert "66,000" in answer.answer and not answer.gaps, describe(answer)


def test_the_first_part_of_a_two_part_question_leads_with_its_own_answer(ask: Ask) -> None:
    """ "when was she nominated and when did the senate confirm her": the nomination
    leads, not a sentence chosen for the second part's words ("Senate-confirmed")."""
    answer = ask("when was meg whitman nominated for kenya and when did the senate confirm her")

    assert "9 December 2021" in quoted(answer)[0][0], describe(answer)


def test_a_neighbouring_sentence_with_new_facts_is_not_a_duplicate(ask: Ask) -> None:
    """The FBI toll with the number wounded follows the sentence on differing tolls in
    the same passage: close in meaning, but it answers the second part."""
    answer = ask("how many people died in the 1998 embassy bombing and how many were hurt")

    assert "4,500" in answer.answer, describe(answer)


def test_a_sentence_restating_a_chosen_one_is_left_out(ask: Ask) -> None:
    """Two sentences say the Early Harvest talks ended on 19 December 2025."""
    answer = ask("early harvest kenya china")

    said = [s for s, _ in quoted(answer)]
    assert not (
        any("closed negotiations" in s for s in said) and any("concluded an" in s for s in said)
    ), describe(answer)


def test_a_fact_told_by_two_documents_is_quoted_once(ask: Ask) -> None:
    """The history document and the timeline both tell the February 2008 suspension,
    in their own order and words: the answer quotes it once and says something else
    with the room."""
    said = [s for s, _ in quoted(ask("peace corps kenya suspended"))]

    assert sum("5 February 2008" in s and "58" in s for s in said) == 1, said


def test_a_speech_is_found_where_the_documents_say_addressed(ask: Ask) -> None:
    answer = ask("where did obama give his big speech in 2015")

    assert "Kasarani" in quoted(answer)[0][0], describe(answer)


def test_who_is_answered_by_a_sentence_naming_most_of_the_subject(ask: Ask) -> None:
    """The sentence names Ruto's inauguration and "the US presidential delegation",
    not Biden: one of two names missing is not another subject."""
    answer = ask("who led biden's delegation to ruto's inauguration")

    assert not answer.abstained and "Katherine Tai" in quoted(answer)[0][0], describe(answer)


def test_who_was_behind_it_leads_with_the_group(ask: Ask) -> None:
    """The sentence naming al-Qaeda answers "who was behind it", not the one telling
    where the bombs went off."""
    answer = ask("1998 nairobi embassy bombing who was behind it")

    assert "al-Qaeda" in quoted(answer)[0][0], describe(answer)


def test_which_judge_leads_with_the_judge(ask: Ask) -> None:
    answer = ask("which judge suspended the kenya us health framework")

    assert re.search(r"Justice [A-Z]", quoted(answer)[0][0]), describe(answer)


def test_a_rate_question_leads_with_the_percentage(ask: Ask) -> None:
    answer = ask("what rate does kenya pay on the eurobonds from february 2026")

    assert "7.875 percent" in quoted(answer)[0][0], describe(answer)


def test_when_did_it_start_is_answered_by_a_start_date(ask: Ask) -> None:
    started = ask("when did pepfar start in kenya")

    assert "since 2003" in quoted(started)[0][0] and not started.gaps, describe(started)


def test_a_figure_under_the_short_form_of_the_subject_answers(ask: Ask) -> None:
    """The sentence says "MNNA", the question "major non-nato ally": the same subject,
    so its figure answers "how many"."""
    answer = ask("how many countries already had major non-nato ally status when kenya got it")

    assert "18 countries" in quoted(answer)[0][0], describe(answer)
    assert not answer.gaps, describe(answer)


def test_a_further_sentence_may_score_a_little_under_the_answering_floor(ask: Ask) -> None:
    """ "cholo abdi abdullah sentence": the sentencing scores 0.55 under a 0.73 lead, within
    the margin; the 0.6 floor for answering at all must not keep it out."""
    answer = ask("cholo abdi abdullah sentence")

    assert "life terms" in answer.answer, describe(answer)


def test_chat_fillers_do_not_change_the_answer(ask: Ask) -> None:
    """ "actually" is no document's word: it must not lower the evidence's score until
    the bot declines ("what did the pepfar waiver actually cover" was declined)."""
    chatty = ask("what did the pepfar waiver actually cover")
    plain = ask("what did the pepfar waiver cover")

    assert not chatty.abstained, describe(chatty)
    assert chatty.answer == plain.answer


def test_to_dict_has_gaps_only_when_there_are_gaps(ask: Ask) -> None:
    with_gap = ask("will agoa be renewed next year")
    full = ask("when did agoa lapse")
    declined = ask("best pizza recipe")

    assert with_gap.gaps and with_gap.to_dict()["gaps"] == list(with_gap.gaps)
    assert full.gaps == () and "gaps" not in full.to_dict()
    assert declined.abstained and "gaps" not in declined.to_dict()


def test_a_month_the_evidence_does_not_report_is_named_or_declined(ask: Ask) -> None:
    # The documents report DFC money from other months; none announced in May 2024.
    answer = ask("how much new DFC money for kenya was announced in may 2024")
    assert answer.abstained or any("May 2024" in g for g in answer.gaps), describe(answer)
    # ... typed short, as people do
    short = ask("how much new dfc money for kenya was announced in jun 2024")
    assert short.abstained or any("June 2024" in g for g in short.gaps), describe(short)
    # The month the evidence does report is answered plainly.
    arrived = ask("when did ruto arrive in washington in may 2024")
    assert not arrived.abstained and not arrived.gaps, describe(arrived)
    assert "22 May 2024" in arrived.answer


@pytest.mark.parametrize(
    "question",
    [
        "",
        "??",
        "🇰🇪🇺🇸 when???",
        "how many",
        "which countries",
        "what time",
        "how long",
        "kenya's kenya's kenya's",
        "(((which judge)))",
        "how many of the 16 [targets] did kenya miss *",
        "south sudan south sudan south sudan when was it set up now",
        "us us us us us us us us us us us us us us us us us us us us us us us",
    ],
)
def test_odd_questions_get_an_answer_or_a_decline_never_an_error(ask: Ask, question: str) -> None:
    """The question readers (counts, countries, names, times) meet what people type."""
    answer = ask(question)

    assert answer.abstained or answer.citations, describe(answer)


@pytest.mark.parametrize(
    ("question", "dated"),
    [
        # Two recalls of Sudan's envoy: January 2024 and February 2025.
        ("why did sudan recall its envoy from kenya in jan 2024", "January 2024"),
        # Apparel exports: KSh 50.8 billion in 2023, about $470 million in 2024.
        ("kenya apparel exports to us 2024 value", "2024"),
    ],
)
def test_the_lead_is_dated_to_the_year_and_month_asked(ask: Ask, question: str, dated: str) -> None:
    answer = ask(question)

    assert dated in quoted(answer)[0][0], describe(answer)


def test_a_which_list_question_leads_with_a_sentence_naming_several(ask: Ask) -> None:
    """ "which countries signed …" is answered by the sentence listing them, not by the
    one saying that 12 diplomatic missions issued the statement."""
    answer = ask("which countries signed the june 2025 protest statement alongside the us")

    lead = quoted(answer)[0][0]
    assert "United Kingdom" in lead and "Germany" in lead, describe(answer)


def test_who_came_before_or_after_someone_is_read_from_the_list_of_ambassadors(
    ask: Ask,
) -> None:
    """No sentence says "Carson succeeded Bushnell"; the list of ambassadors, in order,
    does."""
    before = ask("who was the US ambassador to kenya right before meg whitman?")
    first = "who was the us ambassador when the nairobi embassy got bombed in 98?"
    after = ask("who replaced her?", (Turn(first, "Prudence Bushnell, ambassador in 1998."),))

    assert quoted(before)[0][0] == "Kyle McCarter (2019–2021) and Meg Whitman (2022–2024)"
    assert "Johnnie Carson (1999–2003)" in quoted(after)[0][0], describe(after)
    first = "who was the us ambassador to kenya in trump's first term"
    said = "Kyle McCarter, a former Illinois state senator, confirmed in January 2019."
    replaced = ask("who did he replace?", (Turn(first, said),))
    assert "Godec (2013–2019), Kyle McCarter" in quoted(replaced)[0][0], describe(replaced)
