"""What a question particularly asks for, matched against single sentences."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retrieval.asked import Asked, states_cause
from retrieval.mentions import HOW_TO, instructs
from retrieval.question import analyse, answer_type, spelled_out_pattern


def fit(question: str, sentence: str) -> float:
    return Asked.read(question, answer_type(question)).fit(sentence)


@pytest.mark.parametrize(
    ("question", "answering", "topical"),
    [
        (
            "why was the deployment blocked",
            "The court blocked the deployment because no reciprocal agreement existed.",
            "The court blocked the deployment in January 2024.",
        ),
        (
            "where was she posted before kenya? (Susan Burns)",  # what came before
            "Burns had previously served as the top US official in Ho Chi Minh City.",
            "Burns made her first county visit, to Kisumu, in September 2025.",
        ),
        (
            "what did she do before becoming a diplomat",
            "Whitman, a former chief executive of eBay, was picked as ambassador.",
            "Whitman was the US ambassador to Kenya at the time of the state visit.",
        ),
        (
            "what replaced the kenya led mss in haiti",  # the change, not the old mission
            "The Council adopted Resolution 2793, turning the MSS into a Gang Suppression Force.",
            "The Kenyan-led MSS mission in Haiti never reached its planned strength of 2,500.",
        ),
        (
            "whats the new haiti force that took over from kenya's mission called",
            "The Council adopted Resolution 2793, replacing the Kenya-led mission with a GSF.",
            "The Kenyan-led MSS mission in Haiti never reached its planned strength of 2,500.",
        ),
        (
            "why were kenyans angry with meg whitman",  # "after her" is a sequence, no cause
            "Critics accused Whitman of silence over police abuses.",
            "Whitman left Nairobi, and chargés d'affaires led the embassy after her.",
        ),
        (
            "why did sudan ban kenyan imports",  # "over 5,000" is a figure, not a cause
            "Sudan banned imports over Kenya's hosting of the RSF.",
            "Sudan's ban hit over 5,000 tonnes of Kenyan tea.",
        ),
        (
            "why were the officers coming home",  # "the following week" is a time, no cause
            "The officers came home following the end of the mission's mandate.",
            "About 400 officers would leave Haiti the following week.",
        ),
        (
            "did obama go anywhere else in africa on his 2015 kenya trip",  # another country
            "Obama spoke at Kasarani before flying on to Ethiopia on 26 July 2015.",
            "The main purpose of Obama's 2015 trip to Kenya was the summit.",
        ),
        (
            "was nairobi his only stop on that africa trip?",
            "Austin visited Nairobi on his first tour of Africa, after Djibouti.",
            "Austin visited Nairobi on Monday 25 September 2023.",
        ),
        (
            "rsf parallel govt name",  # a name: the quoted title
            'The charter called for a "Government of Peace and Unity" in RSF-held areas.',
            "The RSF signed a charter in Nairobi to form a parallel government.",
        ),
        (
            "whats the airfield actually called",
            "Fighters attacked the Magagoni airfield next to Camp Simba.",
            "Fighters destroyed five aircraft at the airfield.",
        ),
        (
            "how many kenyan police went in the second haiti contingent",  # not the fourth
            "About 200 officers went in the second contingent in July 2024.",
            "A fourth Kenyan contingent of 144 officers arrived on 6 February 2025.",
        ),
        (
            "hati mission kenya police how many in first batch",  # a batch is a contingent
            "Kenya's first contingent of about 400 police officers arrived on 25 June 2024.",
            "By mid-July 2024, Kenya had about 400 police officers in Haiti.",
        ),
        (
            "when did the first kenyan cops land in haiti",
            "The first contingent of Kenyan police officers arrived on 25 June 2024.",
            "A second group of about 200 Kenyan officers arrived on 16 July 2024.",
        ),
        (
            "what is section 122",  # the clause that says what it is
            "Trump invoked Section 122 of the Trade Act of 1974, which allows surcharges.",
            "The Section 122 surcharge was scheduled to run until 24 July 2026.",
        ),
        (
            "whats power africa",
            "Power Africa, a US government initiative, expands access to electricity.",
            "Kenya was among the first countries where Power Africa was put into practice.",
        ),
        (
            "What is Justified Accord?",  # an apposition with a possessive
            "Kenya hosts Justified Accord, US Africa Command's largest exercise in East Africa.",
            "Justified Accord 2025 ran from 10 to 21 February 2025 in Kenya and Djibouti.",
        ),
        (
            "tumaini initiative what is it",
            "Kenya hosts a mediation process for South Sudan known as the Tumaini Initiative.",
            "The Tumaini Initiative was launched in Nairobi in May 2024.",
        ),
        (
            "when was the pepfar stop work order",  # when it happened, not when it was reported
            "The January 2025 stop-work order affected many US-funded health programmes.",
            "An assessment, reported in February 2025, found 35,000 health workers affected.",
        ),
        (
            "why did al shabaab attack westgate mall",  # a retaliation is a reason
            "Kenya's war in Somalia drew al-Shabaab retaliation, as the Westgate attack shows.",
            "Al-Shabaab fighters attacked the upmarket Westgate mall in Nairobi in September 2013.",
        ),
        (
            "why did biden give kenya a state visit",  # what it was for is a reason too
            "Washington hoped to counter China's growing influence in Africa with the visit.",
            "Biden hosted Ruto for a state visit in May 2024.",
        ),
        (
            "who is the chief justice of kenya",  # the whole title, not any justice
            "The statement welcomed remarks by Chief Justice Martha Koome on the abductions.",
            "The order was attributed to Justice Mugambi on 10 December 2025.",
        ),
        (
            "who is kenya's defence minister",  # Kenya's ministers are cabinet secretaries
            "Austin and Kenya's Defence Cabinet Secretary Aden Duale signed the framework.",
            "Russian Foreign Minister Sergey Lavrov visited Nairobi on 29 May 2023.",
        ),
        (
            "who is the prime minister of japan",  # not another country's
            "Japan's Prime Minister Shigeru Ishiba met Ruto in Tokyo.",
            "Ruto spoke by telephone with Israeli Prime Minister Benjamin Netanyahu.",
        ),
        (
            "what is kenya's biggest export to the us",  # "largest" says "biggest" too
            "Coffee became Kenya's single largest export to the United States in 2025.",
            "Kenya exported goods worth $737.3 million to the United States in 2024.",
        ),
        (
            "meg whitman resign why",  # "why" at the end, as people type it
            "Whitman resigned after the election.",
            "Whitman resigned as ambassador.",
        ),
        (
            "how did sudan react to the charter",
            "Sudan banned all imports from Kenya.",
            "The charter was signed in Nairobi.",
        ),
        (
            "how much did the us pledge for the mission",
            "The United States pledged $300 million for the mission.",
            "The United States pledged 200 police officers for the mission.",
        ),
        (
            "when did the programme start in kenya",
            "The programme has spent $8 billion in Kenya since 2003.",
            "A brief dated 30 January 2025 counted the programme's staff.",
        ),
        (
            "who signed the health framework",  # a person, not the countries
            "Prime Cabinet Secretary Musalia Mudavadi signed the framework in Washington.",
            "Kenya and the United States signed the framework in Washington.",
        ),
        (
            "within how many days would the review have to start",
            "The amendment would require the department to begin a review within 90 days.",
            "A classified report would be due within 180 days.",
        ),
        (
            "when did the railway start running",  # an inauguration starts it
            "President Kenyatta inaugurated the railway on 31 May 2017.",
            "Kenya converted the railway loans on 7 October 2025.",
        ),
        (
            "how long did the aid freeze last",  # a span of time, not any figure
            "The administration ordered a 90-day review of foreign aid.",
            "The freeze put 41,547 health workers out of work.",
        ),
        (
            "health framework value",  # no question word, still asks for an amount
            "The framework totals about $2.5 billion.",
            "The framework covers up to 5 percent of facilities.",
        ),
        (
            "which police units did kenya draw its first haiti contingents from",
            "The first officers came from specialised police units, such as the GSU.",
            "Reports differ on the size of the first Kenyan group in Haiti.",
        ),
        (
            "which kinds of usaid projects in kenya survived the review",
            "Some USAID projects in Kenya, such as HIV treatment, continued.",
            "The review of USAID in Kenya ended in March 2025.",
        ),
        (
            "how many officers arrived on 8 december 2025",
            "230 officers arrived on 8 December 2025.",
            "400 officers arrived on 25 June 2024.",
        ),
    ],
)
def test_the_answering_sentence_fits_better_than_a_topical_one(
    question: str, answering: str, topical: str
) -> None:
    assert fit(question, answering) > fit(question, topical)


def test_a_plain_question_asks_nothing_particular() -> None:
    asked = Asked.read("tell me about agoa", answer_type("tell me about agoa"))

    assert asked.fit("AGOA was enacted in May 2000 because of trade goals.") == 0.0


def test_tell_me_about_is_not_a_question_about_a_reaction() -> None:
    sentence = "Sudan banned all imports from Kenya."
    assert fit("tell me about sudan and kenya", sentence) == 0.0
    assert fit("what did sudan tell kenya", sentence) > 0.0


def test_a_figure_question_that_is_not_about_money_takes_any_figure() -> None:
    question = "how many were sent to haiti"
    assert fit(question, "About 400 went.") == fit(question, "About $400 went.")


def test_which_judge_prefers_someone_named_as_a_judge() -> None:
    question = "which judge froze the health deal"
    named = "On 19 December 2025, Justice Chacha Mwita froze the framework."
    court = "On 19 December 2025, Kenya's High Court froze the framework."
    assert fit(question, named) > fit(question, court)


def test_which_someone_is_read_from_the_title_not_the_kind_of_thing() -> None:
    """ "which us deputy secretary of state …" asks for a person: the role cue reads it,
    not a preference for sentences that merely say "deputy"."""
    asked = Asked.read("which us deputy secretary of state was in nairobi", "person")
    assert asked.kind_of is None


def test_a_rate_question_prefers_a_percentage() -> None:
    question = "what interest rate is kenya paying on the new eurobond"
    assert fit(question, "The notes pay 7.875 percent.") > fit(question, "Kenya sold $900 million.")
    assert fit(question, "The rate is 8.7%.") > fit(question, "Kenya sold $900 million.")


def test_a_how_many_question_prefers_a_figure_of_the_thing_it_counts() -> None:
    question = "how many officers went to haiti"
    assert fit(question, "About 400 officers went.") > fit(question, "About $400 went.")
    assert fit(question, "About 400 police went.") > fit(question, "About 40 militants went.")


@settings(max_examples=200, deadline=None)
@given(question=st.text(max_size=120), sentence=st.text(max_size=200))
def test_any_text_is_read_without_error(question: str, sentence: str) -> None:
    """Whatever people type (emoji, brackets, regex characters), reading it never fails."""
    analysis = analyse(question)
    asked = Asked.read(question, analysis.answer_type)

    assert 0.0 <= asked.fit(sentence) <= 6.0
    pattern = spelled_out_pattern(question)
    assert pattern is None or isinstance(pattern.search(sentence), (re.Match, type(None)))


@pytest.mark.parametrize(
    ("sentence", "tells"),
    [
        ("In early January 2024, every traveller had to obtain an ETA online.", True),
        ("You can renew your passport at the embassy in Gigiri.", True),
        ("Visa fees can be paid at any branch of the bank.", True),
        ("Applicants must book an interview before paying.", True),
        # news of others applying is not an instruction
        ("In January 2023, the embassy invited KCSE candidates to apply to its programme.", False),
        ("In July 2022, the embassy said the earliest interview dates were in June 2024.", False),
    ],
)
def test_a_sentence_telling_what_to_do_is_told_from_news_about_it(
    sentence: str, tells: bool
) -> None:
    """What a how-to question ("how do i renew my passport") can be answered with."""
    assert instructs(sentence) is tells


@pytest.mark.parametrize(
    ("question", "how_to"),
    [
        ("how do i apply for a us visa", True),
        ("How to get a Kenyan ETA?", True),
        ("so how can we send money home without the tax", True),
        ("how did the us help kenya after westgate", False),
        ("how many officers went to haiti", False),
    ],
)
def test_how_to_questions_are_told_from_other_how_questions(question: str, how_to: bool) -> None:
    assert bool(HOW_TO.match(question)) is how_to


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Sudan's government accused Kenya of lacking neutrality.", True),
        ("The court blocked the deployment because no reciprocal agreement existed.", True),
        ("Biden's notice also cited the national interest in security cooperation.", True),
        # a sequence, not a cause: what came before the lapse, not why tariffs came
        ("AGOA lapsed on 30 September 2025 after Congress failed to renew it.", False),
        ("Protests continued over the weekend.", False),
        # who reported it, not why it happened
        ("The 40 AGOA firms employed 66,804 people, according to data cited by a paper.", False),
        ("In April 2025, Trump imposed a 10 percent reciprocal tariff on Kenyan goods.", False),
        # what set something off is its cause; what it was set off by is a purpose cue
        ("Kenya's 2024 Finance Bill set off the biggest wave of protests.", True),
        ("The death of Albert Ojwang in police custody sparked new protests.", True),
        ("The slowdown was triggered by the lapse of AGOA.", False),
    ],
)
def test_a_cause_stated_outright_is_told_from_a_sequence(sentence: str, expected: bool) -> None:
    """What may lead a why-answer: a stated cause, not "after …"."""
    assert states_cause(sentence) is expected
