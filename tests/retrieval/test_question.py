"""Reading a question before answering it: what it asks for, the period it names, its
parts, and its spelling fixed against the documents' words."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from retrieval.chat import without_chat
from retrieval.loaders import load_document
from retrieval.question import (
    analyse,
    answer_type,
    spelled_out_pattern,
    split_parts,
)
from retrieval.spelling import SPELLING, Speller
from retrieval.text import STOPWORDS, iter_words

CORPUS = Path(__file__).resolve().parents[2] / "docs_corpus"


# Answer types ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # date
        ("When did Kenya become a major non-NATO ally?", "date"),
        ("when did agoa lapse", "date"),
        ("so when did the police land?", "date"),
        ("and when did they arrive?", "date"),
        ("What year did Obama visit Kenya?", "date"),
        ("in what year was the embassy bombed", "date"),
        ("which year did the railway open", "date"),
        ("since when is kenya an ally", "date"),
        ("on what date was the deal signed?", "date"),
        # number
        ("How many police officers did Kenya send to Haiti?", "number"),
        ("how many officers are there", "number"),
        ("How much did the US pledge for the mission?", "number"),
        ("how much is the health deal worth", "number"),
        ("how long does the agreement last", "number"),
        ("what percentage tariff did trump impose", "number"),
        # person
        ("Who signed the defence cooperation agreement?", "person"),
        ("who is the us ambassador to kenya", "person"),
        ("whom did ruto meet in washington", "person"),
        ("which president visited nairobi in 2015", "person"),
        # place
        ("Where did the Kenyan police land?", "place"),
        ("where is camp simba", "place"),
        ("which city hosted the sudan talks", "place"),
        # reason
        ("Why did a Kenyan court block the deployment?", "reason"),
        ("why was agoa not renewed in time", "reason"),
        ("how come the mission stalled", "reason"),
        ("what caused the 2024 protests", "reason"),
        # yes / no
        ("Is Kenya a major non-NATO ally?", "yes_no"),
        ("is kenya still a major non-nato ally", "yes_no"),
        ("did trump visit kenya", "yes_no"),
        ("Does the US fund PEPFAR in Kenya?", "yes_no"),
        ("was agoa renewed", "yes_no"),
        ("has kenya left haiti", "yes_no"),
        ("will agoa be renewed next year", "yes_no"),
        ("did obama visit kenya back when he was still a senator", "yes_no"),
        # definition
        ("What is AGOA?", "definition"),
        ("what is the stip", "definition"),
        ("what are major non-nato allies", "definition"),
        ("what does mnna mean", "definition"),
        ("agoa stands for?", "definition"),
        ("pepfar full form", "definition"),
        ("which officer was killed in haiti", "person"),
        # a person asked for by "name of the …" or a relation typed before "name"
        ("whats the name of the us soldier who died there", "person"),
        ("name of the marine guard killed at the nairobi embassy", "person"),
        ("ruto wife state visit name", "person"),
        ("whats the name of trump's order that froze foreign aid", "definition"),
        ("which kenyans were arrested", "person"),
        # "american" reaches the analysis spelt as the documents write it ("us")
        ("which us envoy went to the summit", "person"),
        ("which senior us official visited nairobi", "person"),
        ("which al-shabaab commander planned the attack", "person"),
        ("which rsf leader did ruto host", "person"),
        ("which deal did the minister sign", "other"),
        ("which countries did the president visit", "list"),
        ("which american was killed in the dusitd2 attack", "person"),
        ("which american lawyer helped with the constitution", "person"),
        ("the health deal falls under which us strategy", "other"),  # a thing, not a person
        ("meg whitman resign why", "reason"),
        ("what made khartoum recall its envoy", "reason"),
        ("was it pete hegseth who signed the defence deal", "person"),  # who, then
        ("was it signed in nairobi", "yes_no"),
        ("which number us ambassador to kenya was she", "other"),  # a rank, not a person
        ("what was behind the recall", "reason"),
        ("what made up the force", "other"),  # its parts, not a cause
        ("microsoft data centre where in kenya", "place"),
        # keywords typed after the subject
        ("gsf mandate length", "number"),
        ("gang suppression force size?", "number"),
        ("agoa start year", "date"),
        ("kenya apparel exports to us 2024 value", "number"),
        ("kenya us trade volume 2024", "number"),
        ("risch amendment number kenya mnna review", "number"),
        ("haiti force total size after the dec 2025 kenyan batch", "number"),
        ("cost of the manda bay runway", "number"),
        ("what was the vote count on the gang suppression force resolution", "number"),
        ("mss commander name", "person"),
        ("kenya ambassador to washington name", "person"),
        ("olkaria data centre host company", "organisation"),
        ("1998 nairobi embassy bombing who was behind it", "person"),
        ("resolution 2793 what is it", "definition"),
        ("what's africom", "definition"),
        ("whats power africa", "definition"),
        ("kenya imf ecf eff what are they", "definition"),
        # a topic typed alone, as short forms are
        ("pepfar?", "definition"),
        ("the gsf?", "definition"),
        ("why?", "reason"),  # a follow-up's question word is not a topic
        ("and then?", "other"),
        ("haiti mission name?", "other"),  # three words: keywords, not a topic
        # ... but not when a question word opens it
        ("which number state visit was ruto's", "other"),
        ("why did exports hit a 3 year high in 2025", "reason"),
        # "when" in a clause does not make it a when-question
        ("which hotel hosted the talks when they restarted", "place"),
        ("which venue did they use", "place"),
        ("what did he say when the tariff came in", "other"),
        ("who was the ambassador when obama visited", "person"),
        ("trump kenya visit when", "date"),
        # neither
        ("tell me about the haiti mission", "other"),
        ("kenya and the us", "other"),
        ("no. of kenyan police in haiti", "number"),
        ("# of kenyan police in haiti", "number"),
        ("no one came to the summit", "other"),
        ("gsf leader?", "person"),  # the title typed last
        ("haiti mission commander", "person"),
        ("what is the role of the mediator", "definition"),
    ],
)
def test_answer_type_of_typical_chat_phrasings(question: str, expected: str) -> None:
    assert analyse(question).answer_type == expected


def test_each_part_of_a_two_part_question_asks_for_its_own_thing() -> None:
    parts = split_parts(
        "who signed the 2023 defence cooperation agreement and how long does it last"
    )

    assert [answer_type(p) for p in parts] == ["person", "number"]


# Years, "now"/"still" and the future ----------------------------------------------
@pytest.mark.parametrize(
    ("question", "years"),
    [
        ("what happened between kenya and the us in 2031", (2031,)),
        ("What happened in 1998?", (1998,)),
        ("how did trade change between 2023 and 2025", (2023, 2025)),
        ("compare 2025 with 2023 and 2025 again", (2023, 2025)),  # sorted, each once
        ("what happened to agoa", ()),
        ("how many officers were there, 400 or 1000?", ()),  # counts are not years
        ("in 20240 or 12024", ()),  # nor longer numbers
    ],
)
def test_years_a_question_names(question: str, years: tuple[int, ...]) -> None:
    assert analyse(question).years == years


def test_years_in_the_carried_context_of_a_follow_up_are_not_asked_about() -> None:
    """A rewritten follow-up carries the earlier subject in brackets; a year there is
    the earlier question's, not a period this one asks about."""
    analysis = analyse("who signed it? (2023 defence cooperation agreement)")

    assert analysis.years == ()
    assert analysis.answer_type == "person"
    assert {"defenc", "agreement"} <= set(analysis.terms)  # the subject is still searched


@pytest.mark.parametrize(
    "question",
    [
        "is kenya still a major non-nato ally",
        "who is the us ambassador to kenya now",
        "what is the current us tariff on kenyan goods",
        "what is the latest on agoa",
        "is the mission in haiti today led by kenya",
        "what is happening right now between kenya and the us",
        "these days, how are relations?",
    ],
)
def test_questions_about_the_present_are_recognised(question: str) -> None:
    analysis = analyse(question)
    assert analysis.recency and not analysis.future


@pytest.mark.parametrize(
    "question",
    [
        "will agoa be renewed next year",
        "what will happen to agoa",
        "is the us going to send troops to haiti",
        "what is the upcoming trade deal",
        "what happens to the mission in the future",
        "next us-africa summit",
        "when is the next agoa review",
    ],
)
def test_questions_about_the_future_are_recognised(question: str) -> None:
    assert analyse(question).future


@pytest.mark.parametrize(
    "question",
    [
        "when did kenya become a major non-nato ally",
        "what happened in 1998",
        "who signed the defence cooperation agreement",
        "what happened next after the court ruling",
        "who sat next to ruto at the state dinner",
        # "going to" a place is travel
        "who went to court to stop kenyan police going to haiti",
    ],
)
def test_questions_about_the_past_are_neither_current_nor_future(question: str) -> None:
    analysis = analyse(question)
    assert not analysis.recency and not analysis.future


# Two-part questions ---------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    [
        "when did the first kenyan police arrive in haiti and how many were there",
        "Who signed the 2023 defence cooperation agreement and how long does it last?",
        "When did AGOA lapse? When was it renewed?",
        "what is agoa; when did it lapse",
    ],
)
def test_two_questions_in_one_message_are_two_parts(question: str) -> None:
    parts = analyse(question).parts

    assert len(parts) == 2
    assert all(p and p[0].isalpha() for p in parts)


@pytest.mark.parametrize(
    "question",
    [
        "what happened between kenya and the us",
        "kenya and the us",
        "relations between kenya and the us and china",
        "when did kenya and the us start diplomatic relations",
    ],
)
def test_and_between_names_does_not_split_a_question(question: str) -> None:
    assert analyse(question).parts == (question,)


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "which came first, the mnna status or the first police landing in haiti?",
            ("when the mnna status", "when the first police landing in haiti"),
        ),
        (
            "was the defence pact signed before or after the un vote",
            ("when the defence pact signed", "when the un vote"),
        ),
        (
            "how long after ruto dropped the finance bill did he sack the cabinet",
            ("when ruto dropped the finance bill", "when he sack the cabinet"),
        ),
        ("how long after it was signed was that?", ("when it was signed", "when that")),
        (
            "how long did haiti wait between the un vote and the first boots on the ground",
            ("when the un vote", "when the first boots on the ground"),
        ),
        (
            "once biden told congress, how long before it took effect",
            ("when biden told congress", "when it took effect"),
        ),
        ("dusit vs manda bay - which happened first?", ("when dusit", "when manda bay")),
        (
            "how many years between the embassy bombing and the dusitd2 attack",
            ("when the embassy bombing", "when the dusitd2 attack"),
        ),
    ],
)
def test_two_events_compared_in_time_are_asked_as_two_dates(
    question: str, parts: tuple[str, ...]
) -> None:
    assert split_parts(question) == parts
    assert [answer_type(p) for p in parts] == ["date", "date"]


@pytest.mark.parametrize(
    ("typed", "asked"),
    [
        ("hey bot, quick question: who leads the gsf", "who leads the gsf"),
        ("idk what stip is", "what stip is"),
        ("tbh why did agoa lapse", "why did agoa lapse"),
        # Kenyan chat fillers: "nimeskia" is "I hear", "sawa" is "ok"
        (
            "nimeskia they switched the sgr loan to yuan, why?",
            "they switched the sgr loan to yuan, why?",
        ),
        ("sawa, who signed it?", "who signed it?"),
        # "sasa" (so, now) is not "saba", and "niaje" (hi) no word to look for
        ("sasa which countries abstained", "which countries abstained"),
        ("niaje, who signed the defence pact", "who signed the defence pact"),
        ("can you tell me who leads the gsf", "who leads the gsf"),
        ("i was wondering who leads the gsf", "who leads the gsf"),
        ("kinda confused, what is the gsf", "what is the gsf"),
        ("lemme ask about sgr, who built it", "sgr, who built it"),
        ("gonna ask, when did agoa lapse", "when did agoa lapse"),
        ("wanna know when agoa lapsed", "when agoa lapsed"),
        ("thanks! and when did it end?", "and when did it end?"),
        ("pls explain agoa", "explain agoa"),
        ("hey bot, quick question: who leads the gsf?? thx 🙏", "who leads the gsf?"),
        ("quick q: which came first, x or y?", "which came first, x or y?"),
        ("whats ipoa, u know?", "whats ipoa"),
        ("what is section 122...", "what is section 122"),
        ("question - when did kenya send its army", "when did kenya send its army"),
        ("anyone know was the mnna status about china", "was the mnna status about china"),
        ("also whats ipoa", "whats ipoa"),
        ("WHEN DID OBAMA VISIT KENYA", "when did obama visit kenya"),  # shouted
        ("WHAT IS AGOA", "WHAT IS AGOA"),  # too short to tell from a name
        ("question time", "question time"),
        ("# of kenyan police in haiti??", "# of kenyan police in haiti?"),
        # what is asked stays: the opener words are the question's own here
        ("can you tell me about agoa", "can you tell me about agoa"),
        ("do you know if kenya is an ally", "do you know if kenya is an ally"),
        ("so what is pepfar", "so what is pepfar"),
        ("well-known facts about agoa", "well-known facts about agoa"),
        ("hiv funding", "hiv funding"),
        ("hi", "hi"),
        # who is asking and why, after the question, is not part of it
        (
            "how much did kenya export to the states in 2024? need the numbr for a pitch deck",
            "how much did kenya export to the states in 2024?",
        ),
        ("is agoa still on?? we ship garmnts out of mombasa", "is agoa still on?"),
        ("when did agoa lapse\nwe export to texas. need it for a deck", "when did agoa lapse"),
        ("when did the U.S. open its embassy? I need it.", "when did the U.S. open its embassy?"),
        # ... but what is asked stays: a request, and the sentence a question leans on
        (
            "has the house acted on it? need the vote count",
            "has the house acted on it? need the vote count",
        ),
        (
            "my uncle says kenya is in nato. is that true?",
            "my uncle says kenya is in nato. is that true?",
        ),
        ("how much is $1.5 billion in shillings?", "how much is $1.5 billion in shillings?"),
    ],
)
def test_greetings_and_preambles_are_not_what_is_asked(typed: str, asked: str) -> None:
    assert without_chat(typed) == asked


def test_split_parts_keeps_a_question_whole_when_a_piece_does_not_ask() -> None:
    assert split_parts("haiti and how it went") == ("haiti and how it went",)


def test_content_terms_leave_out_framing_and_years() -> None:
    terms = analyse("Tell me what happened with the Haiti mission in 2024, please").terms

    assert "haiti" in terms and "mission" in terms
    assert not {"tell", "happen", "happened", "please", "2024"} & set(terms)


# Spelling --------------------------------------------------------------------------
@cache
def corpus_words() -> frozenset[str]:
    """The words the default corpus uses, as the index sees them (titles, headings, text)."""
    found: set[str] = set()
    for path in sorted(CORPUS.glob("[0-9]*.md")):
        doc = load_document(path, path.name)
        text = " ".join([doc.title, *(f"{s.heading} {s.text}" for s in doc.sections)])
        found.update(w.lower() for w in iter_words(text))
    return frozenset(found)


ORDINARY = ("cops", "slap", "kick", "slaps", "kicked")


@pytest.fixture(scope="module")
def speller() -> Speller:
    return Speller(corpus_words(), lexicon=ORDINARY)


@pytest.mark.parametrize(
    ("typo", "fixed"),
    [("hati", "haiti"), ("keyna", "kenya"), ("agao", "agoa"), ("mision", "mission")],
)
def test_misspelt_corpus_words_are_fixed(speller: Speller, typo: str, fixed: str) -> None:
    assert fixed in corpus_words()
    assert speller.fix(typo) == fixed


def test_a_misspelt_long_word_is_fixed_to_a_word_the_documents_use(speller: Speller) -> None:
    fixed = speller.fix("expird")

    assert fixed != "expird" and fixed in corpus_words()
    assert fixed.startswith("expir")


def test_a_whole_question_is_fixed_word_by_word(speller: Speller) -> None:
    assert speller.correct("When did the hati mision start?") == "When did the haiti mission start?"
    assert speller.correct("is keyna still in agao") == "is kenya still in agoa"


@pytest.mark.parametrize(
    ("typed", "read_as", "kind"),
    [
        ("hw many ppl died at westgate", "how many people died at westgate", "number"),
        ("wen did agoa lapse", "when did agoa lapse", "date"),
        ("how mny kenyan officers went", "how many kenyan officers went", "number"),
        ("whats power africa", "what's power africa", "definition"),
        ("ruto sworn in date", "ruto sworn inauguration in date", "date"),
        ("us health money over 25 yrs", "us health money over 25 years", "other"),
        ("is the case still goin on", "is the case still going on", "yes_no"),
        ("wat did mudavadi n rubio agree", "what did mudavadi and rubio agree", "other"),
        ("which countries r in the mission", "which countries are in the mission", "list"),
        ("what did whitman run b4 kenya", "what did whitman run before kenya", "other"),
        ("when did the vp visit", "when did the vice president visit", "date"),
        # a contraction without its apostrophe keeps its "not"
        ("why cant the us pay the police", "why can't the us pay the police", "reason"),
        ("arent they leaving haiti", "aren't they leaving haiti", "yes_no"),
        ("the us wont pay", "the us won't pay", "other"),
        ("y did kenya send police", "why did kenya send police", "reason"),
        ("wut is the gsf", "what is the gsf", "definition"),
        ("is the us gonna renew agoa", "is the us going to renew agoa", "yes_no"),
        # one edit from "with" too, which the documents use far more
        (
            "wich gang killed the first kenyan officer",
            "which gang killed the first kenyan officer",
            "other",
        ),
    ],
)
def test_chat_spellings_of_question_words_are_read(
    speller: Speller, typed: str, read_as: str, kind: str
) -> None:
    """Too short for the speller's edit distance, so they are looked up."""
    fixed = speller.correct(typed)

    assert fixed == read_as
    assert analyse(fixed).answer_type == kind


@pytest.mark.parametrize("word", ORDINARY)
def test_ordinary_words_are_never_corrected_into_corpus_words(speller: Speller, word: str) -> None:
    assert speller.fix(word) == word
    assert speller.correct(f"did the {word} go") == f"did the {word} go"


def test_without_the_lexicon_the_same_words_would_be_changed() -> None:
    """What the lexicon protects against: "cops" is one edit from a corpus word."""
    bare = Speller(corpus_words())
    assert bare.fix("cops") != "cops" or bare.fix("slap") != "slap"


def test_a_misspelling_of_a_closer_ordinary_word_becomes_that_word() -> None:
    """ "colateral" is one edit from "collateral" and two from the documents' "bilateral"."""
    speller = Speller({"bilateral", "loan", "port"}, lexicon={"collateral", "port"})

    assert speller.fix("colateral") == "collateral"
    assert speller.fix("bilaterl") == "bilateral"  # nearer the documents' word


def test_a_regular_form_of_an_ordinary_word_is_not_a_misspelling() -> None:
    """The model's word list holds "stall" but not "stalling": "stalling" is one edit
    from the documents' "stalking" and stays as typed, as "stopped" and "worried" do;
    "stallng" is still fixed."""
    speller = Speller(
        {"stalking", "stopper", "worries", "stalling"}, lexicon={"stall", "stop", "worry"}
    )

    assert speller.fix("stalling") == "stalling"
    assert Speller({"stalking"}, lexicon={"stall"}).fix("stalling") == "stalling"
    assert speller.fix("stopped") == "stopped"
    assert speller.fix("worried") == "worried"
    assert speller.fix("stallng") == "stalling"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("what exactly is agoa", "definition"),
        ("agoa - what is it exactly", "definition"),
        ("so what is pepfar", "definition"),
        ("what even is the gsf", "definition"),
        ("how much exactly did the us pay", "number"),
    ],
)
def test_chat_asides_do_not_change_what_is_asked(question: str, kind: str) -> None:
    """ "exactly", "even", a leading "so" or a dash frame the question; the subject is
    still what is defined, and the aside is not a term to look for."""
    analysis = analyse(question)

    assert analysis.answer_type == kind
    assert not {"exactly", "even", "so"} & set(analysis.terms)


@pytest.mark.parametrize(
    ("typed", "read_as"),
    [
        ("whtas ipoa", "what's ipoa"),
        ("whts ipoa", "what's ipoa"),
        ("wher is camp simba", "where is camp simba"),  # letters left out of "where"
        ("whne did agoa lapse", "when did agoa lapse"),
        ("stip satnd for", "stip stand for"),
        ("agoa tsands for?", "agoa stands for?"),  # not "sands", one edit too
    ],
)
def test_a_misspelt_question_word_is_read_before_any_other_word(typed: str, read_as: str) -> None:
    speller = Speller(
        {"ipoa": 2, "camp": 3, "simba": 2, "agoa": 5, "lapse": 1, "stip": 3},
        lexicon={"where", "sand", "sands", "state", "when", "what", "stand", "stands"},
    )

    assert speller.correct(typed) == read_as


def test_a_name_written_with_digits_is_read_from_its_letters() -> None:
    """ "dusit" is the DusitD2 complex, not "dust", one edit away."""
    speller = Speller({"dusitd2": 3, "dust": 9, "g42": 5, "attack": 4})

    assert speller.correct("when was the dusit attack") == "when was the dusitd2 attack"
    assert speller.fix("dusitd") == "dusitd2"
    assert speller.fix("dust") == "dust"


def test_a_letter_doubled_after_two_vowels_is_a_misspelling_not_a_form() -> None:
    """ "stopped" doubles the p after one short vowel; "trainning" doubles the n after
    "ai", which English never does: a misspelt "training", not a form of "train"."""
    speller = Speller({"training", "kenya"}, lexicon={"train", "stop"})

    assert speller.fix("trainning") == "training"
    assert speller.fix("stopped") == "stopped"


def test_a_short_form_the_documents_never_use_is_read_as_the_name_they_write_out() -> None:
    """ "kdf" is "Kenya Defence Forces" when the documents only write the name; a short
    form the documents use ("gsf"), an ordinary word ("pen") and chat shorthand ("smh")
    stay as typed."""
    speller = Speller(
        {"kenya", "defence", "forces", "gsf", "positive", "eye", "news"},
        lexicon={"pen"},
        initialisms={
            "kdf": "Kenya Defence Forces",
            "gsf": "Gang Suppression Force",
            "pen": "Positive Eye News",
            "smh": "Support Mission for Haiti",
        },
    )

    assert speller.correct("what gear did the us give the kdf") == (
        "what gear did the us give the Kenya Defence Forces"
    )
    assert speller.fix("gsf") == "gsf"
    assert speller.fix("pen") == "pen"
    assert speller.fix("smh") == "smh"


def test_a_misspelt_word_no_document_uses_becomes_the_ordinary_word_one_edit_away() -> None:
    """ "oficially" has no document word near it: it is "officially", not a word the
    documents lack; a word with two ordinary words one edit away stays as typed."""
    speller = Speller({"kenya", "ally"}, lexicon={"officially", "actually", "whether", "weather"})

    assert speller.fix("oficially") == "officially"
    assert speller.fix("acutally") == "actually"
    assert speller.fix("wether") == "wether"  # "whether" or "weather": not clear


def test_of_two_ordinary_words_one_edit_away_the_one_the_documents_use_wins() -> None:
    """ "borow" is "borrow" or "brow": the documents say "borrowed", never "brow"."""
    speller = Speller({"kenya", "borrowed", "eurobond"}, lexicon={"borrow", "brow"})

    assert speller.fix("borow") == "borrow"
    assert Speller({"kenya"}, lexicon={"borrow", "brow"}).fix("borow") == "borow"


def test_a_word_typed_without_its_vowels_is_read_in_full() -> None:
    """Quick typists drop vowels: "prsdnt" is three edits from "president" but has its
    consonants in order; "stnd" is "stand" (an ordinary word), not the document word
    "send" one edit away; the most used word of those consonants wins, and a word typed
    with its vowels or an even tie is left alone."""
    speller = Speller(
        Counter({"president": 40, "present": 3, "send": 9, "troops": 12, "trips": 2}),
        lexicon={"stand", "stained", "stands", "mat", "mate"},
    )

    assert speller.correct("prsdnt ruto") == "president ruto"
    assert speller.fix("stnd") == "stand"
    assert speller.fix("stnds") == "stands"
    assert speller.fix("trps") == "troops"
    assert speller.fix("prsent") == "present"  # one vowel missing, one edit: the near word


def test_a_word_two_edits_from_a_name_is_not_taken_for_it() -> None:
    """ "abstain" is two edits from "Austin" (a name in the documents); "whitmen" is one
    from "Whitman" and is fixed."""
    speller = Speller({"austin", "whitman", "vote"}, names={"austin", "whitman"})

    assert speller.fix("abstain") == "abstain"
    assert speller.fix("whitmen") == "whitman"


def test_another_word_of_the_same_root_is_not_a_misspelling() -> None:
    """ "mediator" is two edits from the documents' "mediation" but a word of its own
    (the model's word list lacks it); "goverment" is still "government"."""
    speller = Speller({"mediation", "government", "talks"})

    assert speller.fix("mediator") == "mediator"
    assert speller.fix("facilitator") == "facilitator"
    assert speller.fix("goverment") == "government"


def test_of_two_equally_near_words_the_more_used_is_the_fix() -> None:
    """ "presdent" is one edit from both "present" and "president"."""
    speller = Speller(Counter({"present": 2, "president": 40}))

    assert speller.fix("presdent") == "president"


def test_stopwords_are_left_alone() -> None:
    near = Speller({"whim", "doings", "theirs", "ourselfs", "abouts", "before"})
    for word in sorted(w for w in STOPWORDS if w.isalpha()):
        # a chat spelling ("whats") is read with its apostrophe ("what's")
        assert near.fix(word) == SPELLING.get(word, word), word


def test_words_the_documents_use_are_left_alone(speller: Speller) -> None:
    for word in ("haiti", "kenya", "pepfar", "ruto", "nairobi", "mombasa"):
        assert speller.fix(word) == word


def test_short_words_numbers_and_possessives_are_left_alone(speller: Speller) -> None:
    assert speller.correct("who won in 2031 and did kenya's pm go") == (
        "who won in 2031 and did kenya's pm go"
    )


def test_us_spellings_map_to_the_documents_spellings(speller: Speller) -> None:
    assert speller.fix("defense") == "defence"
    assert speller.fix("Defense") == "defence"
    assert speller.correct("who signed the defense agreement") == (
        "who signed the defence agreement"
    )


def test_chat_shorthand_reads_as_the_documents_write_it(speller: Speller) -> None:
    assert speller.correct("what happened in feb 2025 at the state dept") == (
        "what happened in february 2025 at the state department"
    )
    assert speller.correct("sept 2024 govt statement") == "september 2024 government statement"
    assert speller.correct("sudan recalled its amb.") == "sudan recalled its ambassador."
    # Kenyan titles as typed, and "right now"
    assert speller.correct("who's the foreign cs rn") == "who's the foreign cabinet secretary now"
    assert speller.correct("trade ps") == "trade principal secretary"


def test_the_served_speller_uses_the_model_vocabulary_as_its_lexicon(corpus_engine) -> None:
    """The speller the bot really uses: the corpus index's words, the model's lexicon."""
    speller = corpus_engine.speller()

    assert speller.correct("when did the hati mision start") == "when did the haiti mission start"
    assert speller.fix("keyna") == "kenya" and speller.fix("agao") == "agoa"
    for word in ("cops", "slap", "kick"):
        assert speller.fix(word) == word
    assert speller.fix("defense") == "defence"


@pytest.mark.parametrize(
    ("question", "sentence", "spelled"),
    [
        ("what is pepfar", "the President's Emergency Plan for AIDS Relief (PEPFAR) has", True),
        ("What does MNNA stand for?", "a Major Non-NATO Ally (MNNA)", True),
        ("what is pepfar", "PEPFAR is the US programme against HIV.", False),
    ],
)
def test_an_abbreviation_question_looks_for_where_it_is_spelled_out(
    question: str, sentence: str, spelled: bool
) -> None:
    pattern = spelled_out_pattern(question)

    assert pattern is not None and bool(pattern.search(sentence)) is spelled


def test_a_longer_subject_is_not_taken_for_an_abbreviation() -> None:
    assert spelled_out_pattern("what is the haiti security mission") is None
    assert spelled_out_pattern("when did agoa lapse") is None


def test_chat_words_for_what_the_documents_say_otherwise_keep_the_typed_word(
    speller: Speller,
) -> None:
    """ "speech" is also "address" ("Obama addressed Kenyans"), "quit" also "resigned"."""
    assert speller.correct("where was the speech") == "where was the speech address"
    assert speller.correct("when did she quit") == "when did she quit resigned"
    # police "land" in Haiti where the documents say they "arrived"
    assert speller.correct("when did the police land") == "when did the police land arrive"
    # resolutions are "drafted" in the documents, "written" in chat
    assert speller.correct("who co-wrote it") == "who co-wrote drafted it"
    assert speller.correct("apparel exports") == "apparel clothing exports"
    # Swahili question words: "na watu wangapi walikufa?" (and how many people died?)
    assert speller.correct("watu wangapi walikufa") == "watu how many died"
    assert speller.correct("raila alikufa lini") == "raila died when"
