"""The committed quality floors hold: `python -m bot eval` figures on the default corpus,
for the project's own set and the external set."""

from __future__ import annotations

import json

from bot.evaluation import (
    evaluate,
    evaluate_external,
    load_external,
    load_questions,
    render_report,
)
from tests.conftest import ROOT

EVAL_DIR = ROOT / "tests" / "eval"
FLOORS = json.loads((EVAL_DIR / "floors.json").read_text())


def below(figures: dict[str, float], floors: dict[str, float]) -> dict[str, tuple[float, float]]:
    """Figures under their floor; `*_max` floors are ceilings of the figure without it."""
    out = {}
    for name, floor in floors.items():
        if name.startswith("_"):
            continue
        if name.endswith("_max"):
            figure = figures[name.removesuffix("_max")]
            if figure > floor:
                out[name] = (figure, floor)
        elif figures[name] < floor:
            out[name] = (figures[name], floor)
    return out


def test_eval_set_is_complete() -> None:
    questions = load_questions(EVAL_DIR)
    in_corpus = [q for q in questions if q.kind == "in_corpus"]
    out = [q for q in questions if q.kind == "out_of_corpus"]
    assert len(in_corpus) >= 60 and len(out) >= 15
    assert len({q.id for q in questions}) == len(questions)
    for q in in_corpus:
        assert q.key_terms and q.expected_sources, q.id
        for source in q.expected_sources:
            assert (ROOT / source).is_file(), f"{q.id}: {source} missing"
        text = " ".join((ROOT / s).read_text() for s in q.expected_sources).lower()
        for term in q.key_terms:
            assert any(alt.lower() in text for alt in term.split("|")), f"{q.id}: {term!r}"


def test_external_set_is_complete_and_labelled() -> None:
    questions = load_external(EVAL_DIR)
    assert len(questions) >= 130 and len({q.id for q in questions}) == len(questions)
    labels = {q.label for q in questions}
    assert labels <= {"covered", "partly", "not_covered", "off_topic"}
    assert sum(q.label == "off_topic" for q in questions) >= 8
    assert sum(bool(q.history) for q in questions) >= 10
    for q in questions:
        if q.label == "covered":
            assert q.key_facts, q.id
            # an extractive answer affirms by quoting the fact, never with the word alone
            bare = [g for g in q.key_facts if {a.strip().lower() for a in g} <= {"yes", "no"}]
            assert not bare, f"{q.id}: a key-fact group of only yes/no can never be quoted"


def test_quality_floors(corpus_engine) -> None:  # type: ignore[no-untyped-def]
    own = evaluate(corpus_engine, load_questions(EVAL_DIR), ROOT)
    external = evaluate_external(corpus_engine, load_external(EVAL_DIR))
    problems = {
        **{f"project.{k}": v for k, v in below(own.figures(), FLOORS["project"]).items()},
        **{f"external.{k}": v for k, v in below(external.figures(), FLOORS["external"]).items()},
    }
    assert not problems, f"below the committed floor: {problems}\n{render_report(own, external)}"
