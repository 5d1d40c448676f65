"""Cited answers and summaries: every sentence carries [n], every quote is in its source."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from retrieval.compose import ABSTAIN_MESSAGE, ComposeParams, ExtractiveComposer
from retrieval.models import Answer, Citation, Evidence, Passage
from retrieval.text import sentences
from tests.fakes.embedder import HashEmbedder

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "docs_corpus"
HAITI = "docs_corpus/04-haiti-security-mission.md"
_MARKED = re.compile(r"(?P<text>[^\n]+?) (?P<marks>(?:\[\d+\])+)(?=\s|$)")


def plain(text: str) -> str:
    """Whitespace collapsed, Markdown emphasis removed: how quotes are compared to files."""
    return " ".join(re.sub(r"\*\*|__|[*_`]", "", text).split())


@cache
def source_text(source: str) -> str:
    return plain((ROOT / source).read_text(encoding="utf-8"))


def cited_sentences(answer: Answer) -> list[tuple[str, list[int]]]:
    """(sentence, its [n] numbers) for each sentence; fails on any text without a marker."""
    out, pos = [], 0
    for m in _MARKED.finditer(answer.answer):
        between = answer.answer[pos : m.start()]
        assert between.strip() == "", f"text without a citation: {between!r}"
        out.append((m["text"].strip(), [int(n) for n in re.findall(r"\d+", m["marks"])]))
        pos = m.end()
    assert answer.answer[pos:].strip() == "", f"text without a citation: {answer.answer[pos:]!r}"
    return out


def assert_cited(answer: Answer, *, line_prefix: re.Pattern[str] | None = None) -> None:
    """The rules every answer and summary keeps, as a user reading it would check them."""
    assert not answer.abstained
    assert [c.index for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    by_index = {c.index: c for c in answer.citations}
    first_seen: list[int] = []
    for sentence, marks in cited_sentences(answer):
        if line_prefix is not None:
            sentence = line_prefix.sub("", sentence)
        assert len(sentences(sentence)) == 1, f"more than one sentence before a marker: {sentence}"
        for n in marks:
            assert n in by_index, f"[{n}] has no citation"
            assert plain(sentence) in plain(by_index[n].quote)
            if n not in first_seen:
                first_seen.append(n)
    assert first_seen == list(range(1, len(answer.citations) + 1)), "numbered in reading order"
    for citation in answer.citations:
        assert plain(citation.quote) in source_text(citation.source), citation


# Answers from the default corpus -----------------------------------------------
@pytest.mark.parametrize(
    ("question", "expected_source", "expected_text"),
    [
        (
            "Why did a Kenyan court block the police deployment to Haiti?",
            HAITI,
            "unconstitutional",
        ),
        (
            "Which countries abstained on Resolution 2699?",
            HAITI,
            "China",
        ),
        (
            "What is the Olkaria data centre?",
            "docs_corpus/07-technology-and-green-energy.md",
            "geothermal",
        ),
        (
            "When did Kenya and the United States officially start diplomatic relations?",
            "docs_corpus/01-history-of-relations.md",
            "1964",
        ),
    ],
)
def test_answer_quotes_its_sources_and_cites_every_sentence(
    corpus_engine, question: str, expected_source: str, expected_text: str
) -> None:
    answer = corpus_engine.ask(question)

    assert_cited(answer)
    assert answer.citations[0].source == expected_source
    assert expected_text in answer.answer
    assert answer.mode == "extractive"


def test_when_question_is_answered_with_the_date(corpus_engine) -> None:
    answer = corpus_engine.ask("When did Kenya's police arrive in Haiti?")

    assert_cited(answer)
    assert "25 June 2024" in answer.answer
    # the mission's document or the timeline's entry for the day: both tell it
    assert answer.citations[0].source in (HAITI, "docs_corpus/21-timeline.md")
    assert "25 June 2024" in answer.citations[0].quote


def test_citation_carries_title_section_and_url(corpus_engine) -> None:
    answer = corpus_engine.ask("Which judge blocked the Haiti deployment?")

    first = answer.citations[0]
    assert (first.title, first.source, first.date) == (
        "Kenya and the US: The Kenyan-Led Security Mission in Haiti",
        HAITI,
        "2024-07-19",
    )
    assert first.section == "Kenya's pledge and the court challenge"
    assert "Chacha Mwita" in first.quote
    # The link is the first source that section names, not the document's first source.
    assert first.url == section_source_url(HAITI, first.section)


def section_source_url(source: str, heading: str) -> str:
    """The url of the first id on the `Sources:` line of a section of a corpus file."""
    import yaml

    text = (ROOT / source).read_text(encoding="utf-8")
    meta = yaml.safe_load(text.split("---")[1])
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    first_id = re.search(r"^Sources: ([\w-]+)", section, re.M).group(1)  # type: ignore[union-attr]
    return next(s["url"] for s in meta["sources"] if s["id"] == first_id)


@pytest.mark.parametrize(
    "question",
    [
        "What is the capital of Peru?",
        "Who won the 2018 FIFA World Cup?",
        # close to the documents' debt figures, but about another country
        "What is Nigeria's GDP?",
    ],
)
def test_question_the_corpus_cannot_answer_abstains(corpus_engine, question: str) -> None:
    answer = corpus_engine.ask(question)

    assert answer.abstained is True
    assert answer.citations == []
    assert answer.answer == ABSTAIN_MESSAGE


# Summaries -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("topic", "on_topic"),
    [
        ("Haiti", ("Haiti",)),
        ("PEPFAR", ("PEPFAR", "HIV", "AIDS", "health", "Health")),
        ("trade", ("trade", "Trade", "AGOA", "export", "tariff", "investment")),
    ],
)
def test_topic_summary_has_four_to_eight_cited_sentences_on_the_topic(
    corpus_engine, topic: str, on_topic: tuple[str, ...]
) -> None:
    summary = corpus_engine.summarize(topic)

    assert_cited(summary)
    cited = cited_sentences(summary)
    assert 4 <= len(cited) <= 8
    off_topic = [s for s, _ in cited if not any(word in s for word in on_topic)]
    assert off_topic == []


def test_summary_of_a_document_named_by_file_uses_only_that_document(corpus_engine) -> None:
    summary = corpus_engine.summarize("04-haiti-security-mission.md")

    assert_cited(summary)
    assert 4 <= len(cited_sentences(summary)) <= 8
    assert {c.source for c in summary.citations} == {HAITI}


def test_summary_without_a_topic_covers_every_document(corpus_engine) -> None:
    summary = corpus_engine.summarize()

    titles = {c.source: c.title for c in summary.citations}
    assert set(titles) == {
        f"docs_corpus/{p.name}" for p in CORPUS.glob("*.md") if p.name != "README.md"
    }
    lines = summary.answer.split("\n")
    assert len(lines) == len(titles)
    for line, citation in zip(lines, summary.citations, strict=True):
        assert line.startswith(f"{citation.title}: ")
        assert line.endswith(f" [{citation.index}]")
    assert_cited(summary, line_prefix=re.compile(r"^Kenya and the US: .+?: (?=[A-Z0-9])"))


# The composer on its own (deterministic embedder, documents built here) ---------------
@pytest.fixture
def composer() -> ExtractiveComposer:
    embedder = HashEmbedder()
    return ExtractiveComposer(
        lambda q: embedder.embed([q])[0],
        embedder.embed,
        ComposeParams(min_score=0.3, margin=0.6, max_sentences=3),
    )


def document(source: str, text: str, **fields: object) -> Passage:
    """A passage without indexing data: its sentences are split and embedded when composing."""
    return Passage(
        id=f"{source}#0",
        text=text,
        source=source,
        title=f"Title of {source}",
        section="Arrival",
        url=f"https://example.org/{source}",
        date="2024-07-19",
        **fields,  # type: ignore[arg-type]
    )


def evidence(*passages: Passage) -> Evidence:
    return Evidence("q", list(passages))


def test_adjacent_sentences_of_one_chunk_share_one_citation(composer) -> None:
    doc = document(
        "arrival.md",
        "The first Kenyan officers landed in Port-au-Prince on 25 June 2024. "
        "A second group of Kenyan officers landed in Port-au-Prince in July 2024. "
        "PEPFAR clinics in Nairobi treat HIV patients every day of the week.",
    )

    answer = composer.answer("q", "When did Kenyan officers land in Port-au-Prince?", evidence(doc))

    assert answer.answer == (
        "The first Kenyan officers landed in Port-au-Prince on 25 June 2024. [1] "
        "A second group of Kenyan officers landed in Port-au-Prince in July 2024. [1]"
    )
    assert answer.citations == [
        Citation(
            index=1,
            title="Title of arrival.md",
            source="arrival.md",
            section="Arrival",
            url="https://example.org/arrival.md",
            quote="The first Kenyan officers landed in Port-au-Prince on 25 June 2024. "
            "A second group of Kenyan officers landed in Port-au-Prince in July 2024.",
            date="2024-07-19",
        )
    ]


def test_page_number_of_a_pdf_chunk_reaches_the_citation(composer) -> None:
    doc = document("brief.pdf", "The first Kenyan officers landed in Haiti in June 2024.", page=2)

    answer = composer.answer("q", "When did the Kenyan officers land in Haiti?", evidence(doc))

    assert answer.citations[0].page == 2
    assert answer.citations[0].to_dict()["page"] == 2


def test_overview_gives_one_cited_line_per_document_in_order(composer) -> None:
    docs = [
        document("haiti.md", "Kenya led the police mission to Haiti from June 2024."),
        document("trade.md", "AGOA gave Kenyan textiles duty-free access to US markets."),
    ]

    summary = composer.summarize("", evidence(*docs), by_document=True)

    assert summary.answer == (
        "Title of haiti.md: Kenya led the police mission to Haiti from June 2024. [1]\n"
        "Title of trade.md: AGOA gave Kenyan textiles duty-free access to US markets. [2]"
    )
    assert [(c.index, c.source) for c in summary.citations] == [(1, "haiti.md"), (2, "trade.md")]


def test_unrelated_question_abstains_without_citations(composer) -> None:
    doc = document("arrival.md", "The first Kenyan officers landed in Port-au-Prince in 2024.")

    answer = composer.answer("q", "What is the capital of Peru?", evidence(doc))

    assert (answer.abstained, answer.citations, answer.answer) == (True, [], ABSTAIN_MESSAGE)


def test_no_documents_means_an_abstention(composer) -> None:
    assert composer.answer("q", "Anything?", evidence()).abstained is True
    assert composer.summarize("Haiti", evidence()).abstained is True
