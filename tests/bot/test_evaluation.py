"""`python -m bot eval` finds its sets by setting and never passes silently on none."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from bot.evaluation import load_external, run_eval_command
from bot.evaluation.checks import duplicate_citations, facts_present, first_sentence, meta_quotes
from retrieval.models import Answer, Citation
from tests.conftest import make_settings


def args(**kw: object) -> argparse.Namespace:
    return argparse.Namespace(**{"json": False, "output": None, "questions": None, **kw})


def test_no_questions_is_an_error_not_a_silent_pass(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path / "d", eval_dir=tmp_path / "empty")
    assert run_eval_command(settings, args()) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: no evaluation questions in") and "BOT_EVAL_DIR" in err


def test_a_malformed_line_names_its_file_and_line(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "external").mkdir()
    (tmp_path / "external" / "q.jsonl").write_text('{"id": "x1", "question": "q?"}\n{oops\n')
    settings = make_settings(tmp_path / "d")
    assert run_eval_command(settings, args(questions=tmp_path)) == 2
    assert "q.jsonl:2" in capsys.readouterr().err


def test_external_lines_read_labels_facts_and_history(tmp_path: Path) -> None:
    (tmp_path / "external").mkdir()
    line = {
        "id": "x1",
        "question": "and when?",
        "expected": "covered",
        "label": "partly",
        "key_facts": [["2024", "twenty twenty-four"]],
        "history": [{"question": "who went?", "answer": "Police."}],
    }
    (tmp_path / "external" / "q.jsonl").write_text(json.dumps(line) + "\n")
    (q,) = load_external(tmp_path)
    assert (q.label, q.key_facts, q.history[0].answer) == (
        "partly",
        (("2024", "twenty twenty-four"),),
        "Police.",
    )


def citation(n: int, section: str, quote: str = "Quote.") -> Citation:
    return Citation(n, "T", "doc.md", section, "", quote)


@pytest.mark.parametrize(
    ("text", "groups", "ok"),
    [
        ("Officers landed on 25 June 2024.", [["25 June", "June 25"]], True),
        ("Officers landed on 25  June 2024.", [["25 June"]], True),
        ("Officers landed in June.", [["25 June"]], False),
        ("400 officers on 25 June.", [["25 June"], ["400"]], True),
    ],
)
def test_facts_are_found_whitespace_and_case_aside(text: str, groups, ok: bool) -> None:  # type: ignore[no-untyped-def]
    assert facts_present(text, groups) is ok


def test_answer_checks_a_reader_would_make() -> None:
    answer = Answer(
        "q",
        "First fact here. [1] Second fact. [2]",
        [citation(1, "A"), citation(2, "A", "This summary explains the mission.")],
    )
    assert first_sentence(answer) == "First fact here."
    assert duplicate_citations(answer)  # one section under two numbers
    assert meta_quotes(answer) == ["This summary explains the mission."]


class _Replies:
    """Answers by question: the scorer is what is under test here."""

    def __init__(self, answers: dict[str, Answer]) -> None:
        self.answers = answers

    def ask(self, question: str, history: object = ()) -> Answer:
        return self.answers[question]


def test_a_hedged_answer_to_a_covered_question_is_correct_but_not_plain() -> None:
    from bot.evaluation.external import evaluate_external
    from bot.evaluation.sets import ExternalQuestion

    hedge = "The documents may not answer this directly; the closest they come:"
    questions = [
        ExternalQuestion(id="a", question="when?", label="covered", key_facts=(("2024",),)),
        ExternalQuestion(id="b", question="who?", label="covered", key_facts=(("Tai",),)),
    ]
    engine = _Replies(
        {
            "when?": Answer("when?", "It happened in 2024. [1]", [citation(1, "A")]),
            "who?": Answer("who?", f"{hedge}\nTai led it. [1]", [citation(1, "A")], gaps=(hedge,)),
        }
    )

    report = evaluate_external(engine, questions)

    assert (report.covered_correct, report.covered_plain) == (1.0, 0.5)


def test_the_external_report_counts_each_style_and_batch_on_its_own(tmp_path: Path) -> None:
    from bot.evaluation.command import render_report
    from bot.evaluation.external import evaluate_external

    (tmp_path / "external").mkdir()
    lines = {
        "batch_a": [
            {"id": "a1", "question": "wen?", "label": "covered", "style": "typo",
             "key_facts": [["2024"]]},
            {"id": "a2", "question": "who?", "label": "covered", "style": "typo",
             "key_facts": [["Tai"]]},
        ],
        "batch_b": [
            {"id": "b1", "question": "did it?", "label": "not_covered", "style": "yes_no"},
            {"id": "b2", "question": "pasta?", "label": "off_topic", "style": "off-topic"},
        ],
    }  # fmt: skip
    for name, rows in lines.items():
        text = "".join(json.dumps(r) + "\n" for r in rows)
        (tmp_path / "external" / f"{name}.jsonl").write_text(text)
    declined = Answer("q", "I couldn't find an answer.", abstained=True)
    engine = _Replies(
        {
            "wen?": Answer("wen?", "It happened in 2024. [1]", [citation(1, "A")]),
            "who?": declined,
            "did it?": Answer("did it?", "Yes, it did. [1]", [citation(1, "A")]),
            "pasta?": declined,
        }
    )

    report = evaluate_external(engine, load_external(tmp_path))

    assert report.by_style["typo"] == {
        "covered": 2, "correct": 1, "first": 1, "uncovered": 0, "honest": 0,
        "off_topic": 0, "declined": 0,
    }  # fmt: skip
    yes_no, batch_a, batch_b = report.by_style["yes-no"], *report.by_batch.values()
    assert (yes_no["uncovered"], yes_no["honest"]) == (1, 0)
    assert (batch_a["covered"], batch_b["declined"]) == (2, 1)
    assert report.to_dict()["by_style"] == report.by_style
    table = render_report(None, report)
    assert "typo" in table and "covered 1/2 correct (1 first)" in table
    assert "not covered 0/1 honest" in table and "off topic 1/1 declined" in table
