"""`python -m bot eval`: both evaluation sets, rendered as a table or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.evaluation.external import ExternalReport, evaluate_external
from bot.evaluation.internal import EvalReport, evaluate
from bot.evaluation.sets import NoQuestions, check_found, load_external, load_questions


def render_report(own: EvalReport | None, external: ExternalReport | None) -> str:
    rows: list[tuple[str, str]] = []
    if own is not None:
        rows += [
            ("PROJECT SET (written from the corpus)", ""),
            ("questions (in corpus / out of corpus)", f"{own.in_corpus} / {own.out_of_corpus}"),
            ("retrieval hit@1", f"{own.hit_at_1:.1%}"),
            ("retrieval hit@5", f"{own.hit_at_5:.1%}"),
            ("retrieval MRR", f"{own.mrr:.3f}"),
            ("answer accuracy", f"{own.answer_accuracy:.1%}"),
            ("citation faithfulness", f"{own.citation_faithfulness:.1%}"),
            ("out-of-corpus abstention", f"{own.ooc_abstention:.1%}"),
            ("false abstentions", f"{own.false_abstention:.1%}"),
            ("answers quoting a sentence about the documents", str(own.meta_sentence_answers)),
            ("answers citing one section twice", str(own.duplicate_citation_answers)),
            ("ask latency p50", f"{own.latency_ms_p50:.1f} ms"),
        ]
    if external is not None:
        e = external
        rows += [
            ("EXTERNAL SET (written from outside sources)", ""),
            (
                "questions (covered / partly+not covered / off topic)",
                f"{e.covered} / {e.uncovered} / {e.off_topic}",
            ),
            ("covered: answered correctly", f"{e.covered_correct:.1%}"),
            ("covered: answered without a hedge or gap line", f"{e.covered_plain:.1%}"),
            ("covered: first sentence answers", f"{e.first_sentence_answers:.1%}"),
            ("not covered: declined or gap named", f"{e.not_covered_honest:.1%}"),
            ("off topic: declined", f"{e.off_topic_declined:.1%}"),
            (f"follow-ups with history: correct ({e.follow_ups})", f"{e.follow_ups_correct:.1%}"),
            ("answers quoting a sentence about the documents", str(e.meta_sentence_answers)),
            ("answers citing one section twice", str(e.duplicate_citation_answers)),
            ("ask latency p50", f"{e.latency_ms_p50:.1f} ms"),
        ]
    if external is not None and external.by_style:
        rows.append(("EXTERNAL SET BY STYLE OF QUESTION", ""))
        rows += [(f"  {style}", _tallied(c)) for style, c in sorted(external.by_style.items())]
    width = max(len(r[0]) for r in rows)
    lines = [f"{name:<{width}}  {value}".rstrip() for name, value in rows]
    for title, report in (("project set", own), ("external set", external)):
        if report is not None and report.failures:
            lines.append(f"\n{len(report.failures)} misses on the {title}:")
            for f in report.failures:
                lines.append(
                    f"  {f['id']}: {f['problem']}: {f.get('question', '')} -> {f['answer'][:120]}"
                )
    return "\n".join(lines)


def _tallied(c: dict[str, int]) -> str:
    """ "covered 78/99 correct (62 first) · not covered 93/114 honest" """
    out = []
    if c["covered"]:
        out.append(f"covered {c['correct']}/{c['covered']} correct ({c['first']} first)")
    if c["uncovered"]:
        out.append(f"not covered {c['honest']}/{c['uncovered']} honest")
    if c["off_topic"]:
        out.append(f"off topic {c['declined']}/{c['off_topic']} declined")
    return " · ".join(out)


def run_eval(engine: Any, directory: Path, root: Path) -> tuple[EvalReport, ExternalReport]:
    """Both sets in `directory`; raises NoQuestions when it holds none."""
    own, external = load_questions(directory), load_external(directory)
    check_found(directory, own, external)
    return evaluate(engine, own, root), evaluate_external(engine, external)


def run_eval_command(settings: Any, args: argparse.Namespace) -> int:
    from bot.wiring import build_engine, eval_dir, source_root

    directory = args.questions or eval_dir(settings)
    try:
        check_found(directory, load_questions(directory), load_external(directory))
    except (NoQuestions, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    engine = build_engine(settings)
    if not engine.status().indexed:
        print("indexing the corpus first…", file=sys.stderr)
        engine.reindex()
    own, external = run_eval(engine, directory, source_root())
    result = {"project": own.to_dict(), "external": external.to_dict()}
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(render_report(own, external))
    return 0
