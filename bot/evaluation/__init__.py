"""`python -m bot eval`: answer quality on the project's set and the external set."""

from bot.evaluation.checks import facts_present, key_terms_present
from bot.evaluation.command import render_report, run_eval, run_eval_command
from bot.evaluation.external import ExternalReport, evaluate_external
from bot.evaluation.internal import EvalReport, evaluate
from bot.evaluation.sets import (
    EvalQuestion,
    ExternalQuestion,
    NoQuestions,
    load_external,
    load_questions,
)

__all__ = [
    "EvalQuestion",
    "EvalReport",
    "ExternalQuestion",
    "ExternalReport",
    "NoQuestions",
    "evaluate",
    "evaluate_external",
    "facts_present",
    "key_terms_present",
    "load_external",
    "load_questions",
    "render_report",
    "run_eval",
    "run_eval_command",
]
