"""The committed quality floors hold: `python -m bot eval` figures on the default corpus."""

from __future__ import annotations

import json

from bot.evaluation import EVAL_DIR, evaluate, load_questions, render_report

FLOORS = json.loads((EVAL_DIR / "floors.json").read_text())


def test_eval_set_is_complete() -> None:
    questions = load_questions()
    in_corpus = [q for q in questions if q.kind == "in_corpus"]
    out = [q for q in questions if q.kind == "out_of_corpus"]
    assert len(in_corpus) >= 60 and len(out) >= 15
    assert len({q.id for q in questions}) == len(questions)
    root = EVAL_DIR.parent.parent
    for q in in_corpus:
        assert q.key_terms and q.expected_sources, q.id
        for source in q.expected_sources:
            assert (root / source).is_file(), f"{q.id}: {source} missing"
        text = " ".join((root / s).read_text() for s in q.expected_sources).lower()
        for term in q.key_terms:
            assert any(alt.lower() in text for alt in term.split("|")), f"{q.id}: {term!r}"


def test_quality_floors(corpus_service) -> None:  # type: ignore[no-untyped-def]
    report = evaluate(corpus_service)
    figures = report.figures()
    below = {
        name: (figures[name], floor)
        for name, floor in FLOORS.items()
        if not name.startswith("_") and name != "false_abstention_max" and figures[name] < floor
    }
    if figures["false_abstention"] > FLOORS["false_abstention_max"]:
        below["false_abstention"] = (figures["false_abstention"], FLOORS["false_abstention_max"])
    assert not below, f"below the committed floor: {below}\n{render_report(report)}"
