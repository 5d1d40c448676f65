"""Sentences an answer quotes: what each holds, and citations that give each source
section one number whose quote is a verbatim span of the passage."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pytest

from retrieval.citing import cite, joinable
from retrieval.mentions import first_date, holds_month, names_person, typed_months
from retrieval.models import Passage
from retrieval.sentences import (
    MAX_QUOTE_CHARS,
    SPAN,
    Candidate,
    answers,
    candidates,
    counted,
    counts,
    holds,
)
from retrieval.text import sentence_spans, terms

ARRIVAL = (
    "Kenya's first contingent of about 400 police officers arrived in Port-au-Prince on "
    "25 June 2024. The officers were sent to help Haiti's national police fight armed gangs. "
    "A second group of about 200 officers followed on 16 July 2024."
)
FUNDING = "The United States pledged about $300 million for the mission but sent no troops."
ARRIVAL_LATER = "A fourth Kenyan contingent of 144 officers arrived on 6 February 2025."


def passage(text: str, *, section: str, pid: str, source: str = "corpus/haiti.md") -> Passage:
    return Passage(
        id=pid,
        text=text,
        source=source,
        title="Haiti mission",
        section=section,
        url="https://example.org/haiti",
        date="2024-07-19",
    )


def sentences_of(p: Passage, rank: int = 0) -> list[Candidate]:
    """Every sentence of p as a candidate (no embedding needed: a dummy vector)."""
    return [
        Candidate(rank, p, s, e, np.zeros(1, np.float32), order=i, terms=set(terms(p.text[s:e])))
        for i, (s, e) in enumerate(sentence_spans(p.text))
    ]


def markers(text: str) -> list[int]:
    return [int(n) for n in re.findall(r"\[(\d+)\]", text)]


# cite() --------------------------------------------------------------------------
def test_two_sentences_of_one_section_share_one_number_and_one_quote() -> None:
    arrival = passage(ARRIVAL, section="Arrival", pid="haiti-0")
    first, _, third = sentences_of(arrival)

    text, citations = cite([first, third])

    assert markers(text) == [1, 1]
    assert len(citations) == 1
    quote = citations[0].quote
    assert quote in arrival.text  # verbatim, one stretch of the passage
    assert quote.startswith("Kenya's first contingent") and quote.endswith("16 July 2024.")
    assert first.text in quote and third.text in quote


def test_the_quote_spans_the_sentences_whatever_order_they_are_said_in() -> None:
    arrival = passage(ARRIVAL, section="Arrival", pid="haiti-0")
    first, second, _ = sentences_of(arrival)

    text, citations = cite([second, first])

    assert markers(text) == [1, 1]
    assert citations[0].quote == arrival.text[first.start : second.end]
    assert text.index(second.text) < text.index(first.text)  # said in the chosen order


def test_sections_are_numbered_in_reading_order_each_once() -> None:
    arrival = passage(ARRIVAL, section="Arrival", pid="haiti-0")
    funding = passage(FUNDING, section="Funding", pid="haiti-1")
    a1, a2, _ = sentences_of(arrival)
    (f1,) = sentences_of(funding, rank=1)

    text, citations = cite([f1, a1, a2])

    assert markers(text) == [1, 2, 2]
    assert [(c.index, c.section) for c in citations] == [(1, "Funding"), (2, "Arrival")]
    assert citations[0].quote == FUNDING
    assert citations[1].quote == arrival.text[a1.start : a2.end]
    assert citations[1].url == "https://example.org/haiti" and citations[1].date == "2024-07-19"


def test_numbering_can_start_after_earlier_citations() -> None:
    (f1,) = sentences_of(passage(FUNDING, section="Funding", pid="haiti-1"))

    text, citations = cite([f1], first=3)

    assert markers(text) == [3] and [c.index for c in citations] == [3]


def test_every_sentence_of_the_answer_is_followed_by_its_marker() -> None:
    arrival = passage(ARRIVAL, section="Arrival", pid="haiti-0")
    chosen = sentences_of(arrival)

    text, _ = cite(chosen)

    assert text == " ".join(f"{c.text} [1]" for c in chosen)


# joinable() ------------------------------------------------------------------------
def test_a_second_passage_of_the_same_section_cannot_join() -> None:
    """Two chunks of one section would need two quotes under one number: refused."""
    first_chunk = passage(ARRIVAL, section="Arrival", pid="haiti-0")
    second_chunk = passage(ARRIVAL_LATER, section="Arrival", pid="haiti-1")
    (later,) = sentences_of(second_chunk, rank=1)

    assert not joinable([sentences_of(first_chunk)[0]], later)


def test_sentences_of_the_same_passage_and_of_other_sections_can_join() -> None:
    arrival = passage(ARRIVAL, section="Arrival", pid="haiti-0")
    a1, _, a3 = sentences_of(arrival)
    (f1,) = sentences_of(passage(FUNDING, section="Funding", pid="haiti-1"))
    (other_doc,) = sentences_of(
        passage(ARRIVAL_LATER, section="Arrival", pid="timeline-0", source="corpus/timeline.md")
    )

    assert joinable([], a1)
    assert joinable([a1], a3)
    assert joinable([a1], f1)
    assert joinable([a1], other_doc)  # same heading, another document: its own number


def test_sentences_too_far_apart_to_quote_as_one_passage_cannot_join() -> None:
    filler = " ".join(f"Filler sentence number {i} says nothing new at all." for i in range(20))
    text = f"The first sentence is here and it matters. {filler} The last sentence matters too."
    assert len(text) > MAX_QUOTE_CHARS
    long_section = passage(text, section="Long", pid="long-0")
    chosen = sentences_of(long_section)

    assert not joinable([chosen[0]], chosen[-1])
    assert joinable([chosen[0]], chosen[1])


def test_an_answer_built_with_joinable_cites_each_section_once() -> None:
    first_chunk = passage(ARRIVAL, section="Arrival", pid="haiti-0")
    second_chunk = passage(ARRIVAL_LATER, section="Arrival", pid="haiti-1")
    funding = passage(FUNDING, section="Funding", pid="haiti-2")
    pool = [*sentences_of(first_chunk), *sentences_of(second_chunk, 1), *sentences_of(funding, 2)]
    chosen: list[Candidate] = []
    for cand in pool:
        if joinable(chosen, cand):
            chosen.append(cand)

    _, citations = cite(chosen)

    keys = [(c.source, c.section) for c in citations]
    assert len(keys) == len(set(keys)) == 2
    for c in citations:
        assert c.quote in first_chunk.text or c.quote in funding.text


# holds() ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The officers arrived on 25 June 2024.", True),
        ("The officers arrived on June 25, 2024.", True),
        ("The mission was approved in October 2023.", True),
        ("Relations began in 1964.", True),
        ("The officers arrived after a long delay.", False),
        ("About 400 officers arrived in the capital.", False),
    ],
)
def test_holds_a_date(text: str, expected: bool) -> None:
    assert holds("date", text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("About 400 officers arrived in the capital.", True),
        ("The United States pledged $300 million.", True),
        ("Two planes landed at the airport.", True),
        ("Thousands of people protested.", True),
        ("The officers arrived on 25 June 2024.", False),  # a date is not a figure
        ("Relations began in 1964.", False),
        ("The officers arrived after a long delay.", False),
    ],
)
def test_holds_a_number(text: str, expected: bool) -> None:
    assert holds("number", text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The agreement was signed by Lloyd Austin in Nairobi.", True),
        ("On that day, President William Ruto spoke.", True),
        ("The deal was announced by the USTR.", True),  # an organisation's acronym
        ("Kenya signed the agreement.", False),  # a capitalised first word is no name
        ("The agreement was signed in the capital.", False),
    ],
)
def test_holds_a_person(text: str, expected: bool) -> None:
    assert holds("person", text) is expected


def test_other_kinds_of_question_hold_in_any_sentence() -> None:
    for kind in ("other", "definition", "reason", "yes_no"):
        assert holds(kind, "The officers arrived after a long delay.")


# candidates() -------------------------------------------------------------------------
def test_candidates_leave_out_fragments_and_sentences_about_the_document() -> None:
    text = (
        "Kenya sent about 400 police officers to Haiti in 2024. Very short. "
        "This document covers the mission in brief. The officers fought armed gangs."
    )
    p = passage(text, section="Summary", pid="s-0")

    def embed(texts: Sequence[str]) -> np.ndarray:
        return np.ones((len(texts), 2), np.float32)

    kept = [c.text for c in candidates([p], embed)]

    assert kept == [
        "Kenya sent about 400 police officers to Haiti in 2024.",
        "The officers fought armed gangs.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The first phase is a facility at Olkaria, due in 2026.", True),
        ("The plant would sit on a campus in Nyeri.", True),
        ("Microsoft announced a data centre in Kenya.", False),  # the place asked about
        ("The data centre will be geothermal.", False),
        ("Work on the data centre stopped in May 2026.", False),  # a month is not a place
        ("The embassy was run by chargés from August 2025.", False),
        # a named building or site, without "in" / "at" before it
        ("Ruto's programme included the Carter Presidential Library.", True),
        ("Obama spoke to a crowd that filled the Safaricom Indoor Arena.", True),
    ],
)
def test_answers_where_with_a_place_the_question_does_not_name(text: str, expected: bool) -> None:
    assert answers("place", text, "where in kenya is the data centre") is expected


@pytest.mark.parametrize(
    ("text", "question", "expected"),
    [
        # whole figures are compared, not digits: "11" is not in "16"
        (
            "Kenya missed 11 of the 16 conditions.",
            "how many of the 16 targets did kenya miss",
            True,
        ),
        ("About 400 officers were there by July.", "how many police were in haiti in 2024", True),
        ("Kenya promised 1,000 officers.", "did kenya promise 1000 officers", False),
        ("Kenya promised a thousand officers.", "did kenya promise a thousand officers", False),
    ],
)
def test_answers_a_figure_question_with_a_figure_it_does_not_give(
    text: str, question: str, expected: bool
) -> None:
    assert answers("number", text, question) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The Senate confirmed Whitman as the 18th US ambassador to Kenya.", False),
        ("The visit marked the 60th anniversary of relations in 2024.", False),
        ("Ruto said trade was low and the two sides discussed a commission.", False),
        ("Whitman visited 28 of Kenya's counties.", True),
        ("About 400 officers arrived on 25 June 2024.", True),
        # a span of days is a date too
        ("Kenya sent nobody to the conference in Cairo on 19–20 December 2025.", False),
        ("An IMF team visited Nairobi from 6 to 14 March 2025.", False),
        # a number naming a resolution, a bill or a disease says nothing of how many
        ("Resolution 2793 also created a UN Support Office in Haiti.", False),
        ("The House passed H.R. 6500 after a COVID-19 pause.", False),
        ("The House passed H.R. 6500 by 340 votes to 54.", True),
    ],
)
def test_a_rank_is_not_a_figure(text: str, expected: bool) -> None:
    """ "how many counties" is not answered by "the 18th ambassador"."""
    assert holds("number", text) is expected
    assert answers("number", text, "how many counties did whitman visit") is expected


@pytest.mark.parametrize(
    ("question", "noun"),
    [
        ("how many countys did meg whitman visit", "countys"),
        ("roughly how many american troops were based in kenya", "troops"),
        ("how many kenyan jobs depend on agoa", "jobs"),
        ("how many kenyan police went in the second contingent", "police"),
        ("within how many days would the review start", "days"),
        # people counted by what happened to them: the dead, or the injured
        ("how many people died", "killed"),
        ("how many were killed", "killed"),
        ("westgate mall attack how many killed", "killed"),
        ("how many ppl were injured in the 1998 embassy blast", "injured"),
        ("how many people got hurt", "injured"),
        # whoever they were: "400 officers" does not answer how many officers died
        ("how many kenyan police officers lost their lives in haiti", "killed"),
        ("how many kenyan embassy employees were killed", "killed"),
        ("how many people live in nairobi", None),  # anything counts people
        ("what was the vote count on the resolution", "vote"),  # a count, not "how many"
        ("when did the attack happen", None),
    ],
)
def test_counted_is_the_thing_a_how_many_question_counts(question: str, noun: str | None) -> None:
    assert counted(question) == noun


@pytest.mark.parametrize(
    ("text", "noun", "expected"),
    [
        (ARRIVAL, "officers", True),
        (ARRIVAL, "police", True),  # police and officers count the same people
        ("Around 30 to 40 al-Shabaab militants took part in the attack.", "troops", False),
        ("Camp Simba housed around 100 US personnel at the time.", "troops", True),
        ("12 diplomatic missions in Kenya issued a joint statement.", "embassies", True),
        ("Direct jobs in Kenya's apparel sector passed 66,000 in 2024.", "jobs", True),
        ("Whitman visited Kenya's counties on 24 May 2022.", "countys", False),  # a date
        ("Kenyan officials signed a $1 billion deal.", "kenyans", False),  # not a head count
        ("About 5,000 Kenyans were injured in the bombing.", "injured", True),
        ("More than 200 people died in the bombing.", "injured", False),  # the dead
        ("The KNCHR raised the death toll to 38.", "killed", True),
        ("The attack killed three Americans.", "killed", True),
        # firms and companies, workers and jobs count the same things
        ("The 40 AGOA-supported companies employed 66,804 people.", "firms", True),
        ("Shona EPZ, a garment factory with 700 workers, cut output.", "employees", True),
    ],
)
def test_counts_wants_a_figure_of_the_thing_asked_about(
    text: str, noun: str, expected: bool
) -> None:
    """ "how many troops" is not answered by a count of militants."""
    assert counts(text, noun) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The first officers came home after 18 months in Haiti.", True),
        ("The review ran for an initial 90-day period.", True),
        ("The attack lasted four hours.", True),
        ("Kenya approved the runway about a month after the request.", False),  # when
        ("Around 30 to 40 militants took part in the attack.", False),
    ],
)
def test_a_span_of_time_answers_how_long(text: str, expected: bool) -> None:
    assert bool(SPAN.search(text)) is expected


@pytest.mark.parametrize(
    ("question", "months"),
    [
        ("why did sudan recall its envoy in jan 2024", (("January", 2024),)),
        ("what happened in may 2024", (("May", 2024),)),
        ("kenya eurobond Feb. 2026 size", (("February", 2026),)),
        ("between sept 2025 and october 2025", (("September", 2025), ("October", 2025))),
        ("marching in 2024", ()),  # not a month
        ("may i ask about 2024", ()),  # "may" with no year after it
    ],
)
def test_typed_months_reads_a_month_and_year_as_people_type_them(
    question: str, months: tuple[tuple[str, int], ...]
) -> None:
    assert typed_months(question) == months


def test_holds_month_wants_that_month_of_that_year() -> None:
    assert holds_month("3 January 2024: Ruto received Dagalo.", "January", 2024)
    assert holds_month("In January 2024 the court ruled.", "January", 2024)
    assert not holds_month("On 20 February 2025, Sudan recalled its envoy.", "January", 2024)
    assert not holds_month("In January 2025 the court ruled.", "January", 2024)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Prime Cabinet Secretary Musalia Mudavadi signed the framework.", True),
        ("Deputy Secretary of State Christopher Landau visited Kenya.", True),
        ("Speaking on NTV in late 2025, Burns said appointments were delayed.", True),
        ("Kenya and the United States signed a Health Cooperation Framework.", False),
        # a surname with a capital inside it is a name too
        ("The Senate confirmed Kyle McCarter in January 2019.", True),
        ("On 30 September 2025, the UN Security Council voted to turn the mission.", False),
        ("Kenya said the Gang Suppression Force would replace the mission.", False),
    ],
)
def test_names_person_tells_people_from_countries_and_bodies(text: str, expected: bool) -> None:
    """ "who …" is not answered by "Kenya and the United States" or a council."""
    assert names_person(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Al-Shabaab fighters attacked the Westgate mall in September 2013.", True),
        ("Marc Dillard took over as chargé d'affaires.", True),
        ("On Friday the court ruled against the deployment.", False),  # no name
        ("Kenya said it would send police.", False),  # a country the question names
        ("Risch objected to the remark.", True),  # one surname, doing something
        ("Bloomberg reported that the project had stalled.", False),  # a news outlet
    ],
)
def test_a_name_opening_the_sentence_answers_who(text: str, expected: bool) -> None:
    """ "who was behind the westgate attack": "Al-Shabaab fighters attacked …" names
    them, though every sentence opens with a capital letter."""
    assert answers("person", text, "who was behind it in kenya") is expected


def test_a_title_before_a_name_the_question_gives_is_no_new_name() -> None:
    """ "who ran the embassy after whitman left": "US Ambassador Meg Whitman resigned"
    names no one the question doesn't; "Marc Dillard … led the US Embassy" does."""
    question = "who ran the embassy after meg whitman left"

    assert not answers(
        "person",
        "13 November 2024: US Ambassador Meg Whitman resigned, and chargés led the Embassy.",
        question,
    )
    assert answers("person", "Marc Dillard then led the US Embassy as chargé.", question)


@pytest.mark.parametrize(
    ("sentence", "date"),
    [
        ("3 February 2026: Trump signed it, retroactive to 30 September 2025.", (2026, 2, 3)),
        # a dated clause setting the scene is not the date of what the sentence tells
        (
            "After a court challenge and a new agreement on 1 March 2024, the first Kenyan "
            "officers landed in Port-au-Prince on 25 June 2024.",
            (2024, 6, 25),
        ),
        ("After 2020, nothing.", (2020, 0, 0)),
        ("No date here.", (9999, 0, 0)),
    ],
)
def test_events_are_put_in_order_by_the_date_of_what_they_tell(
    sentence: str, date: tuple[int, int, int]
) -> None:
    assert first_date(sentence) == date
