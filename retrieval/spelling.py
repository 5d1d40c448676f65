"""Words as people type them, read as the documents write them: British spellings,
abbreviations, chat spellings too short for the speller, and chat words for what the
documents say otherwise (the typed word kept too); and the speller that fixes the rest
against the documents' own words."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from functools import cached_property

from rapidfuzz import process
from rapidfuzz.distance import OSA

from retrieval.blends import blended
from retrieval.text import STOPWORDS, terms

# US spellings and common abbreviations users type, in the documents' words.
SPELLING = {
    "defense": "defence",
    "center": "centre",
    "labor": "labour",
    "favor": "favour",
    "honor": "honour",
    "program": "programme",
    "programs": "programmes",
    "usa": "us",
    "america": "us",
    "american": "us",
    "americans": "us",
    "u.s.": "us",
    "mnna": "major non-nato ally",
    "sgr": "standard gauge railway",
    # chat shorthand
    "jan": "january",
    "feb": "february",
    "apr": "april",
    "jun": "june",
    "jul": "july",
    "aug": "august",
    "sep": "september",
    "sept": "september",
    "oct": "october",
    "nov": "november",
    "dec": "december",
    "govt": "government",
    "gov't": "government",
    "dept": "department",
    "uni": "university",
    "intl": "international",
    "pres": "president",
    "ppl": "people",
    "ammo": "ammunition",
    "admin": "administration",
    "prez": "president",
    "amb": "ambassador",
    "ambs": "ambassadors",
    "gov": "government",
    "econ": "economy",
    "stats": "statistics",
    "rn": "now",
    "yr": "year",
    "yrs": "years",
    "mths": "months",
    "hrs": "hours",
    "wk": "week",
    "wks": "weeks",
    "n": "and",
    "r": "are",
    "u": "you",
    "ur": "your",
    # Kenyan government titles as typed
    "cs": "cabinet secretary",
    "ps": "principal secretary",
    # chat spellings of question words, too short for the speller
    "hw": "how",
    "wen": "when",
    "wat": "what",
    "wht": "what",
    "wich": "which",
    "y": "why",
    "wut": "what",
    "wot": "what",
    "whats": "what's",
    "whos": "who's",
    "hows": "how's",
    "wheres": "where's",
    "whens": "when's",
    "mny": "many",
    "abt": "about",
    "goin": "going",
    "actualy": "actually",
    "realy": "really",
    "b4": "before",
    "vp": "vice president",
    "wth": "with",
    "mch": "much",
    "thru": "through",
    "cuz": "because",
    "bc": "because",
    "tho": "though",
    "kinda": "kind of",
    "gonna": "going to",
    "wanna": "want to",
    "gotta": "got to",
    "dunno": "don't know",
    "coz": "because",
    # contractions typed without the apostrophe, which the speller would otherwise
    # read as another word ("cant" as "can", "arent" as "arena")
    "cant": "can't",
    "dont": "don't",
    "wont": "won't",
    "didnt": "didn't",
    "doesnt": "doesn't",
    "isnt": "isn't",
    "wasnt": "wasn't",
    "werent": "weren't",
    "arent": "aren't",
    "havent": "haven't",
    "hasnt": "hasn't",
    "hadnt": "hadn't",
    "shouldnt": "shouldn't",
    "couldnt": "couldn't",
    "wouldnt": "wouldn't",
    "thats": "that's",
    "theyre": "they're",
    "usd": "dollars",
    "bn": "billion",
    "mn": "million",
    # chat words for what the documents say otherwise; the typed word is kept too
    "speech": "speech address",
    "quit": "quit resigned",
    "fired": "fired dismissed",
    "hurt": "hurt injured",
    "swearing": "swearing inauguration",
    "sworn": "sworn inauguration",
    # Swahili question words and a few words Kenyan users mix into English questions
    "lini": "when",
    "nani": "who",
    "wapi": "where",
    "ngapi": "how many",
    "wangapi": "how many",
    "gani": "which",
    "alikufa": "died",
    "walikufa": "died",
    "pesa": "money",
    "ushuru": "tax",
    "co-wrote": "co-wrote drafted",
    "wrote": "wrote drafted",
    "apparel": "apparel clothing",
    "clothes": "clothes apparel",
    "land": "land arrive",
    "landed": "landed arrived",
}

# A chat word and the documents' word read beside it ("quit" and "resigned"), as
# terms, both ways: a sentence holding either holds the other's place in the question.
READ_ALIKE: dict[str, set[str]] = {}
for _typed, _read in SPELLING.items():
    _words = _read.split()
    if len(_words) == 2 and _words[0] == _typed and terms(_typed) and terms(_words[1]):
        _chat, _theirs = terms(_typed)[0], terms(_words[1])[0]
        READ_ALIKE.setdefault(_chat, set()).add(_theirs)
        READ_ALIKE.setdefault(_theirs, set()).add(_chat)

# The words a question asks with: a word one edit from one of them, that neither the
# documents nor the language use, is taken for it ("whtas ipoa", "stip satnd for").
_ASKING = ("whats", "what", "when", "where", "which", "whose", "stands", "stand", "meaning")

# Chat shorthand that says nothing about the subject: never read as a misspelt word or
# as the short form of a name in the documents ("smh" is not "Support Mission for Haiti").
CHAT_SHORTHAND = frozenset(
    """imo imho smh tbh idk btw lol fyi afaik iirc ngl tldr asap omg pls plz thx ty np nvm
    wtf brb irl rofl lmao""".split()  # noqa: SIM905
)


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _one_edit(word: str) -> set[str]:
    """Words one deletion, insertion, substitution or transposition from word."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    return {
        *(a + b[1:] for a, b in splits if b),
        *(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1),
        *(a + c + b[1:] for a, b in splits if b for c in _LETTERS),
        *(a + c + b for a, b in splits for c in _LETTERS),
    }


# Endings that make another word of the same root ("mediator", "mediation").
_DERIVED = re.compile(
    r"(ors?|ers?|ists?|ions?|ments?|ness|ity|ive|isms?|ians?|ants?|ents?|ary|ory|ing|ed|ly)$"
)


def _derived(word: str, other: str) -> bool:
    """word and other share all but their last three letters or so and word ends like a
    derived English word: one root, two words, not a misspelling."""
    keep = max(4, len(word) - 3)
    return word[:keep] == other[:keep] and bool(_DERIVED.search(word))


def _inflected(word: str, lexicon: frozenset[str]) -> bool:
    """A regular form of an ordinary word ("stalling" of "stall", "stopped" of "stop",
    "worried" of "worry"), which the model's word list may hold only as pieces: never a
    misspelling of a document's word ("stalking")."""
    for suffix in ("ing", "ed", "es", "s", "er", "ers", "ly"):
        stem = word.removesuffix(suffix)
        if stem == word or len(stem) < 3:
            continue
        forms = {stem, stem + "e"}
        base = stem[:-1]
        short_vowel = len(base) >= 3 and base[-2] in "aeiou" and base[-3] not in "aeiou"
        if stem[-1] == stem[-2] and short_vowel:
            # "stopped": "stop" (one short vowel before the doubled letter), but
            # "trainning" is a misspelt "training", not a form of "train"
            forms.add(base)
        if stem.endswith("i"):
            forms.add(stem[:-1] + "y")  # "worried": "worry"
        if forms & lexicon and not forms & STOPWORDS:  # "whats" is "what's", not a form
            return True
    return False


_NO_VOWELS = str.maketrans("", "", "aeiou")


def _consonants(word: str) -> str:
    return word.translate(_NO_VOWELS)


def _left_out_of(typed: str, word: str) -> bool:
    """typed is word with letters left out, keeping its order ("stnd": "stand")."""
    rest = iter(word)
    return len(word) > len(typed) and all(c in rest for c in typed)


class Speller:
    """Fixes words the documents never use to the nearest word they do (one edit for
    short words, two for long ones; transpositions count as one), and a word typed
    without its vowels to the word of those consonants ("prsdnt": "president")."""

    def __init__(
        self,
        vocabulary: Iterable[str],
        lexicon: Iterable[str] = (),
        names: Iterable[str] = (),
        initialisms: Mapping[str, str] | None = None,
        name_runs: Counter[tuple[str, ...]] | Callable[[], Counter[tuple[str, ...]]] | None = None,
    ) -> None:
        """`vocabulary`: the documents' words (corrections go to these), with how often
        each is used when it is a mapping (of two equally near words, the more used is
        the fix: "presdent" is "president", not "present"); `lexicon`: ordinary words
        of the language, never "corrected" ("cops" stays "cops"); `names`: terms the
        documents only write capitalised, which a word two edits away is not taken
        for ("abstain" is not "Austin"); `initialisms`: short forms of names the
        documents only write out ("ndaa": "National Defense Authorization Act"), read as
        the name when the documents never use the short form; `name_runs`: the names
        they write out, for short forms of their syllables ("kepsa", `blends`)."""
        counts = vocabulary if isinstance(vocabulary, Mapping) else {}
        self.vocabulary = frozenset(w for w in vocabulary if len(w) > 1)
        self._counts: Mapping[str, int] = counts
        self.lexicon = frozenset(lexicon)
        self.names = frozenset(names)
        self.initialisms: Mapping[str, str] = initialisms or {}
        self._name_runs = name_runs
        self._choices = sorted(w for w in self.vocabulary if len(w) >= 3 and w.isalpha())

    @cached_property
    def _skeletons(self) -> dict[str, list[str]]:
        """Words by their consonants, to read words typed without vowels ("prsdnt");
        built at the first such word."""
        out: dict[str, list[str]] = {}
        for w in self.vocabulary | self.lexicon:
            if len(w) >= 4 and w.isalpha() and w not in STOPWORDS:
                out.setdefault(_consonants(w), []).append(w)
        return out

    @cached_property
    def name_runs(self) -> Counter[tuple[str, ...]]:
        """The written-out names for short forms ("kepsa"), read at the first word that
        needs them when given as a function (the snapshot's, built once per snapshot)."""
        source = self._name_runs
        return (source() if callable(source) else source) or Counter()

    @cached_property
    def _terms(self) -> frozenset[str]:
        """The documents' words as terms ("borrow" for "borrowed"), built at the first
        word that needs them."""
        return frozenset(t for w in self.vocabulary for t in terms(w)[:1])

    @cached_property
    def _with_digits(self) -> dict[str, str]:
        """Names the documents write with digits, by the letters people type of them:
        "dusit" and "dusitd" for "dusitd2" (one name per typed form)."""
        found: dict[str, set[str]] = {}
        for w in self.vocabulary:
            if m := re.fullmatch(r"([a-z]+)\d+", w):
                for typed in {m.group(1), m.group(1)[:-1]}:
                    if len(typed) >= 4:
                        found.setdefault(typed, set()).add(w)
        return {typed: next(iter(ws)) for typed, ws in found.items() if len(ws) == 1}

    def fix(self, word: str) -> str:
        lower = word.lower()
        mapped = SPELLING.get(lower)
        if mapped:
            return mapped
        if lower in CHAT_SHORTHAND:
            return word
        named = self.initialisms.get(lower)
        if named and not (lower in self.vocabulary or lower in self.lexicon or lower in STOPWORDS):
            return named
        if (
            len(lower) < 4
            or lower in self.vocabulary
            or lower in self.lexicon
            or _inflected(lower, self.lexicon)
            or lower in STOPWORDS
            or not lower.isalpha()
            or not self._choices
        ):
            return word
        asking = [w for w in _ASKING if OSA.distance(lower, w) <= 1]
        if asking:  # "whts", "whtas", "satnd": the words a question asks with come first
            meant = max(asking, key=lambda w: _left_out_of(lower, w))  # "wher": "where"
            return SPELLING.get(meant, meant)
        if lower in self._with_digits:  # "dusit" is DusitD2, not "dust"
            return self._with_digits[lower]
        unvowelled = self._unvowelled(lower)
        if unvowelled:
            return unvowelled
        limit = 1 if len(lower) <= 5 else 2
        near = process.extract(
            lower, self._choices, scorer=OSA.distance, score_cutoff=limit, limit=8
        )
        if not near and (name := blended(lower, self.name_runs)):
            return name  # "kepsa": Kenya Private Sector Alliance, which they write out
        if not near:
            # A misspelt word the documents never use: an ordinary word one edit away
            # ("oficially", "acutally"), so it is not reported as a word they lack.
            ordinary = (
                sorted(w for w in _one_edit(lower) if w in self.lexicon) if len(lower) >= 5 else []
            )
            if len(ordinary) > 1:  # "borow": "borrow" (the documents say "borrowed"), not "brow"
                ordinary = [w for w in ordinary if terms(w)[:1] and terms(w)[0] in self._terms]
            return ordinary[0] if len(ordinary) == 1 else word
        found = min(near, key=lambda m: (m[1], -self._counts.get(m[0], 0), m[0]))
        if found[1] > 1 and _derived(lower, str(found[0])):
            return word  # "mediator" is not a misspelt "mediation": another form of it
        if found[1] > 1:
            # A word of the language one edit away is what was meant: "colateral" is
            # "collateral" (which no document uses), not "bilateral" (two edits).
            nearer = sorted(w for w in _one_edit(lower) if w in self.lexicon)
            if nearer:
                return nearer[0]
            if terms(found[0])[:1] and terms(found[0])[0] in self.names:
                return word  # a real word the model doesn't know, not a misspelt name
        return str(found[0])

    def _unvowelled(self, lower: str) -> str | None:
        """The word typed without its vowels ("prsdnt", "stnds", "trps"): the most used
        word of those consonants, or None for a word with vowels or a tie."""
        if len(lower) - len(_consonants(lower)) > 1:
            return None
        # same consonants, so only vowels were left out
        same = self._skeletons.get(_consonants(lower), ())
        found = [w for w in same if _left_out_of(lower, w)]
        # the most used, then the one needing fewest vowels ("stand", not "stained")
        ranked = sorted((-self._counts.get(w, 0), len(w), w) for w in found)
        if not ranked or (len(ranked) > 1 and ranked[0][:2] == ranked[1][:2]):
            return None
        return ranked[0][2]

    def correct(self, text: str) -> str:
        """text with misspelt words replaced (case of the rest kept)."""
        return re.sub(
            r"\b[A-Za-z]+\d\b(?!-)|[A-Za-z][A-Za-z.'’-]*[A-Za-z]|[A-Za-z]",  # "b4" too
            lambda m: self.fix(m.group(0)),
            text,
        )
