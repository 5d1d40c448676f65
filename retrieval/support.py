"""Checking a model's reply against the passages it was given.

What the model is shown of a passage (its quotable sentences: the indexer stores
no span for a sentence that addresses the reader or a model, see
`retrieval.safety`), whether a reply sentence is supported by the passages it
cites (`supported`), and whether it repeats the system prompt (`echoes`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from retrieval.models import Passage
from retrieval.safety import classify, source_hosts
from retrieval.text import proper_nouns, sentence_spans, terms

SUPPORT_SHARE = 0.6  # of a reply sentence's content terms the cited passage must hold
CLAIM_SHARE = 0.5  # of its terms that are not names or numbers
ECHO_WORDS = 6  # a run this long shared with the system prompt is an echo of it


def visible_text(doc: Passage, end: int) -> str:
    """doc.text[:end] without what no quotable sentence covers (flagged sentences);
    white space and list markers between sentences stay."""
    text = doc.text
    out, pos = [], 0
    for start, stop in quotable_spans(doc):
        if start >= end:
            break
        out += [_gap(text[pos:start]), text[start : min(stop, end)]]
        pos = max(pos, min(stop, end))
    out.append(_gap(text[pos:end]))
    return "".join(out).strip()


_BENIGN_GAP = re.compile(r"[ \t]*(?:(?:[-*•]|\d{1,2}[.)])[ \t]*)?")  # space, a list marker


def _gap(text: str) -> str:
    """Text between quotable sentences: white space and list markers stay, the rest
    (a flagged sentence) becomes a space."""
    return "\n".join(line if _BENIGN_GAP.fullmatch(line) else " " for line in text.split("\n"))


def quotable_spans(doc: Passage) -> list[tuple[int, int]]:
    """Sentence spans of doc that may be quoted: from indexing (which leaves out
    flagged sentences), else split now without those `retrieval.safety` flags."""
    if doc.sentence_spans is not None:
        return sorted((int(s), int(e)) for s, e in doc.sentence_spans)
    hosts = source_hosts([doc.url])
    return [(s, e) for s, e in sentence_spans(doc.text) if not classify(doc.text[s:e], hosts)]


@dataclass
class CitedPassage:
    """What the model was shown of one passage, ready for support checks."""

    doc: Passage
    spans: list[tuple[int, int]]  # quotable sentences the model saw
    sentence_terms: list[frozenset[str]]
    vocabulary: frozenset[str]  # terms of all of it: those sentences, title, section
    _windows: list[frozenset[str]] = field(default_factory=list)

    @classmethod
    def of(cls, doc: Passage, max_chars: int) -> CitedPassage:
        text = doc.text
        stored = doc.sentence_terms  # from the index snapshot, when it matches the spans
        if doc.sentence_spans is None or stored is None or len(stored) != len(doc.sentence_spans):
            pairs = [
                (span, frozenset(terms(text[span[0] : span[1]]))) for span in quotable_spans(doc)
            ]
        else:
            spans = [(int(s), int(e)) for s, e in doc.sentence_spans]
            pairs = sorted(zip(spans, stored, strict=True))
        pairs = [
            (span, t)
            for span, t in pairs
            if span[0] < max_chars and text[span[0] : span[1]].strip()
        ]
        heading = frozenset(terms(f"{doc.title} {doc.section}"))
        return cls(
            doc,
            [span for span, _ in pairs],
            [t for _, t in pairs],
            heading.union(*(t for _, t in pairs)),
        )

    def window(self, i: int) -> frozenset[str]:
        """Terms of sentence i and its neighbours (a claim may lean on the one before)."""
        if not self._windows:
            t = self.sentence_terms
            self._windows = [
                t[j].union(*t[max(0, j - 1) : j], *t[j + 1 : j + 2]) for j in range(len(t))
            ]
        return self._windows[i]

    def best(self, wanted: frozenset[str]) -> tuple[int, frozenset[str]] | None:
        """The sentence whose window shares most of `wanted` (ties: the sentence itself
        sharing more, then the shorter one), and what its window shares."""
        best: tuple[int, frozenset[str]] | None = None
        best_key = (0, 0, 0.0)
        for i, own in enumerate(self.sentence_terms):
            shared = wanted & self.window(i)
            key = (len(shared), len(wanted & own), len(wanted & own) / (len(own) or 1))
            if shared and key > best_key:
                best, best_key = (i, shared), key
        return best


def content_terms(sentence: str) -> tuple[frozenset[str], frozenset[str]]:
    """(all content terms, those of names and numbers) of a reply sentence. A name is
    a capitalised word that does not open the sentence or an acronym of three or more
    capitals ("NATO"); a number is a run of digits."""
    everything = frozenset(terms(sentence))
    found = [*proper_nouns(sentence), *re.findall(r"\b[A-Z]{3,}\b", sentence)]
    names = {t for name in found for t in terms(name)}
    numbers = {t for t in everything if t[:1].isdigit()}
    return everything, frozenset((names | numbers) & everything)


def supported(
    wanted: frozenset[str],
    names: frozenset[str],
    shared: frozenset[str],
    vocabulary: frozenset[str],
) -> bool:
    """Whether cited passages support a reply sentence with content terms `wanted`.

    The rule (IDF-free, on `retrieval.text.terms`: lower case, light stemming, no
    stopwords), where "the window" is the cited sentence and its neighbours, joined
    over every source the sentence cites, and `shared` is what it holds of `wanted`:
    - at least SUPPORT_SHARE (60%) of the content terms are in the window, and at
      least 2 of them (all of them when the sentence has fewer than 2);
    - every name and number of the sentence is somewhere in the passages shown
      (text, title or section): "the embassy moved to Kisumu in 2019" needs
      "Kisumu" and "2019" there;
    - of the terms that are not names or numbers (what the sentence says about
      them), at least CLAIM_SHARE (half) are in the window, when there are two or
      more: "Kenya declared war on the United States" cited to a sentence about
      Kenya and the United States shares the names but not "declared war".
    A sentence with no content terms ("Yes.") is supported by any passage.
    """
    if not wanted:
        return True
    needed = max(min(2, len(wanted)), math.ceil(SUPPORT_SHARE * len(wanted)))
    if len(shared) < needed or not names <= vocabulary:
        return False
    claim = wanted - names
    return len(claim) < 2 or len(claim & shared) >= math.ceil(CLAIM_SHARE * len(claim))


def word_runs(text: str, n: int) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def echoes(sentence: str, prompt_runs: set[tuple[str, ...]]) -> bool:
    """Whether the sentence repeats ECHO_WORDS words in a row of the system prompt."""
    return not prompt_runs.isdisjoint(word_runs(sentence, ECHO_WORDS))
