"""Short forms made of the first letters or syllables of each of a name's words:
"kepsa" for Kenya Private Sector Alliance, "usaid" for US Agency for International
Development. Initials alone ("kdf") are `text.initialisms`; these are read only for a
word the documents never use and the speller cannot place. A short form skipping a
word ("KenGen", Kenya Electricity Generating Company) is not read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from retrieval.text import CAPITALISED_RUN, NAME_JOINERS

_SHORTEST, _LONGEST = 4, 8  # letters of a typed short form
_MAX_WORDS = 5  # words of a name a short form stands for
_KIND_WORDS = frozenset({"Company", "Corporation", "Limited", "Ltd", "Group", "Inc", "PLC"})


def name_runs(texts: Iterable[str]) -> Counter[tuple[str, ...]]:
    """The names the texts write out, as their capitalised words, with how often each
    is written ("Kenya Private Sector Alliance": ("Kenya", "Private", "Sector", "Alliance"))."""
    found: Counter[tuple[str, ...]] = Counter()
    for text in texts:
        for run in CAPITALISED_RUN.finditer(text):
            words = tuple(
                w.strip("'’") for w in run.group(0).split() if w.lower() not in NAME_JOINERS
            )
            if len(words) >= 2:
                found[words] += 1
    return found


def _splits(typed: str, words: tuple[str, ...], longest_part: int) -> bool:
    """typed is a prefix of each of words in turn, all of them, every word giving at
    least a letter and one at least two."""
    if not words:
        return not typed and longest_part >= 2
    word = words[0].lower()
    for n in range(1, min(len(word), len(typed)) + 1):
        if typed[:n] != word[:n]:
            break
        if _splits(typed[n:], words[1:], max(longest_part, n)):
            return True
    return False


def blended(typed: str, runs: Counter[tuple[str, ...]]) -> str | None:
    """The name a typed short form stands for, all of its words giving letters in
    turn, when exactly one name (or one far more written than any other) fits it;
    None otherwise."""
    typed = typed.lower()
    if not (_SHORTEST <= len(typed) <= _LONGEST and typed.isalpha()):
        return None
    fits: Counter[str] = Counter()
    for words, count in runs.items():
        if words[0][:1].lower() != typed[0] or len(words) > _MAX_WORDS + 1:
            continue
        # the whole name, or without a last word saying what kind of body it is
        whole = [words, words[:-1]] if words[-1] in _KIND_WORDS else [words]
        for name in whole:
            if len(name) >= 2 and _splits(typed, name, 0):
                fits[" ".join(name)] += count  # the words it is made of
    ranked = fits.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[1][1] * 2 > ranked[0][1]):
        return None
    return ranked[0][0]
