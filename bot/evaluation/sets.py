"""The evaluation sets: where they live and how their lines read.

Two sets, reported separately:
- the project's own set (`<dir>/*.jsonl`): questions written from the corpus,
  naming the documents that answer them and key terms a correct answer holds;
- the external set (`<dir>/external/*.jsonl`): questions written from public
  articles *before* reading the corpus, as chat users type them, labelled
  afterwards as covered, partly covered, not covered or off topic.

`BOT_EVAL_DIR` (or `eval --questions DIR`) points at the folder; by default the
checkout's `tests/eval`. No questions found is an error, never a silent pass.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.models import Turn


class NoQuestions(FileNotFoundError):
    """The evaluation folder holds no questions; str() says where it looked."""


@dataclass(frozen=True)
class EvalQuestion:
    """A question of the project's own set."""

    id: str
    question: str
    kind: str  # in_corpus | out_of_corpus
    expected_sources: tuple[str, ...] = ()
    key_terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExternalQuestion:
    """A question of the external set. `key_facts`: groups of alternatives; a correct
    answer holds one alternative of every group."""

    id: str
    question: str
    label: str  # covered | partly | not_covered | off_topic
    style: str = "plain"
    answer_type: str = ""
    key_facts: tuple[tuple[str, ...], ...] = ()
    covered_facts: tuple[tuple[str, ...], ...] = ()
    history: tuple[Turn, ...] = ()
    sources: tuple[str, ...] = field(default_factory=tuple)
    batch: str = ""  # the file it came from, without .jsonl


def _lines(path: Path) -> list[tuple[int, dict]]:
    out = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                out.append((n, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path.name}:{n}: not JSON ({exc.msg})") from None
    return out


def load_questions(directory: Path) -> list[EvalQuestion]:
    out = []
    for path in sorted(directory.glob("*.jsonl")):
        for n, d in _lines(path):
            try:
                out.append(
                    EvalQuestion(
                        id=d["id"],
                        question=d["question"],
                        kind=d["kind"],
                        expected_sources=tuple(d.get("expected_sources") or ()),
                        key_terms=tuple(d.get("key_terms") or ()),
                    )
                )
            except KeyError as exc:
                raise ValueError(f"{path.name}:{n}: bad eval line (no {exc})") from None
    return out


def _groups(value: object) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(str(alt) for alt in group) for group in (value or ()))  # type: ignore[attr-defined]


def load_external(directory: Path) -> list[ExternalQuestion]:
    out = []
    for path in sorted((directory / "external").glob("*.jsonl")):
        for n, d in _lines(path):
            try:
                history = tuple(
                    Turn(t["question"], t.get("answer", "")) for t in d.get("history") or ()
                )
                out.append(
                    ExternalQuestion(
                        id=d["id"],
                        question=d["question"],
                        label=d.get("label") or d["expected"],
                        style=d.get("style", "plain"),
                        answer_type=d.get("answer_type", ""),
                        key_facts=_groups(d.get("key_facts")),
                        covered_facts=_groups(d.get("covered_facts")),
                        history=history,
                        sources=tuple(d.get("label_source") or ()),
                        batch=path.stem,
                    )
                )
            except KeyError as exc:
                raise ValueError(f"{path.name}:{n}: bad eval line (no {exc})") from None
    return out


def check_found(directory: Path, own: list, external: list) -> None:
    if not own and not external:
        raise NoQuestions(
            f"no evaluation questions in {directory} (*.jsonl, external/*.jsonl); "
            "set BOT_EVAL_DIR or pass --questions DIR"
        )
