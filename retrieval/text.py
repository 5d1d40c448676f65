"""Text helpers shared by indexing and answering: cleaning, sentences, terms."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from functools import lru_cache

# Sentence ends: . ! ? (optionally followed by a closing quote/bracket), then
# whitespace, then something that starts a sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Prof|St|No|Gen|Col|Lt|Sgt|Rep|Sen|Gov|Jr|Sr|Inc|Ltd|Co|vs|etc|e\.g|i\.e"
    r"|U\.S|U\.N|U\.K|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|[A-Z])\.$",
    re.IGNORECASE,
)
_LIST_MARKER = re.compile(r"[ \t]*(?:[-*•]|\d{1,2}[.)])[ \t]+")
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’]*")
_PROPER = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]{2,}\b")
_MD_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)")

STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are aren't as at be because been
    before being below between both but by can could did do does doing down during each few
    for from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your yours
    yourself yourselves tell me please know give show explain describe happened happen say
    said did does many much also kind sort
    whats whos hows wheres whens
    """.split()  # noqa: SIM905
)


def clean_text(text: str) -> tuple[str, bool]:
    """Drop invisible/format characters (Unicode Cf, Co, tag characters) and NULs.

    Returns the cleaned text and whether anything was removed.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # line ends, not content
    out = []
    removed = False
    for ch in text:
        if ch in "\n\t":
            out.append(ch)
            continue
        cat = unicodedata.category(ch)
        if cat in ("Cf", "Co", "Cs") or (cat == "Cc") or 0xE0000 <= ord(ch) <= 0xE007F:
            removed = True
            continue
        out.append(ch)
    return "".join(out), removed


def normalise_space(text: str) -> str:
    """Paragraphs separated by one blank line, other whitespace runs collapsed; a list
    item keeps a line of its own (each is a statement, never run into the next)."""
    paras = re.split(r"\n\s*\n|  \n|\n(?=[ \t]*(?:[-*•]|\d{1,2}[.)])[ \t]+)", text)
    return "\n\n".join(" ".join(p.split()) for p in paras if p.strip())


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences in text (paragraph breaks always end one)."""
    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        marker = _LIST_MARKER.match(text, para.start(), para.end())
        start = marker.end() if marker else para.start()  # "- 1 May 2024: …" quotes from "1"
        pos = start
        for m in _SENTENCE_END.finditer(text, para.start(), para.end()):
            candidate = text[start : m.start() + 1].rstrip()
            if _ABBREVIATIONS.search(candidate.split(" ")[-1] if candidate else ""):
                continue
            end = m.start() + len(text[m.start() : m.end()].rstrip())
            spans.append((start, end))
            start = m.end()
            pos = start
        if pos < para.end():
            seg = text[start : para.end()]
            if seg.strip():
                spans.append((start, start + len(seg.rstrip())))
    return [(s, e) for s, e in spans if e - s > 1]


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def _stem(word: str) -> str:
    """Crude suffix stripping: enough to match "bombed"/"bombing", "officers"/"officer"."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) == 4 and word.endswith("ied"):
        return word[:-1]  # "died" -> "die", as "dies" becomes
    for suffix in ("ing", "ed"):
        if len(word) >= len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]  # "planned" -> "plan"
            return word
    if len(word) >= 4 and word.endswith("e"):
        word = word[:-1]  # "arrive" -> "arriv", as "arrived" and "arriving" become
    return word


# Titles before a name: "Deputy Secretary of State Christopher Landau".
TITLE_WORDS = frozenset(
    """president vice deputy secretary state minister prime cabinet principal ambassador
    senator representative judge justice governor chairman chair director commissioner
    general lieutenant colonel major captain admiral commander chief acting assistant
    us trade foreign affairs defence defense interior health treasury former first lady
    mr mrs ms dr sir lord""".split()  # noqa: SIM905
)
_US_SPELLING = re.compile(r"(?<=\w\w)([iy])z(e|ed|es|ing|ation|ations)$")
_TERM_CACHE: dict[str, str] = {}  # word -> term ("" for a stopword); vocabularies are small
_TERM_CACHE_MAX = 200_000


_CONTRACTION = re.compile(r"(?:'d|'ll|'re|'ve|'m|n't)$")
# Negations typed without the apostrophe, and two that drop more than "n't":
# stopwords like "didn't".
_NEGATIONS = frozenset(
    """didnt wasnt doesnt isnt dont cant wont werent arent hasnt havent hadnt couldnt
    wouldnt shouldnt won't can't shan't""".split()  # noqa: SIM905
)


def _term(word: str) -> str:
    term = _TERM_CACHE.get(word)
    if term is None:
        w = word.strip("'’-").replace("’", "'")
        if w.endswith("'s"):
            w = w[:-2]
        # "she'd", "they're", "didn't", "didnt": the word itself, a stopword
        w = "" if w in _NEGATIONS else _CONTRACTION.sub("", w)
        # US and British spellings meet: "recognized"/"recognised", "analyze"/"analyse".
        w = _US_SPELLING.sub(r"\1s\2", w)
        term = "" if not w or w in STOPWORDS else _stem(w)
        if len(_TERM_CACHE) < _TERM_CACHE_MAX:
            _TERM_CACHE[word] = term
    return term


def plain_letters(text: str) -> str:
    """Accents dropped, so "Gómez" and "gomez", "chargé" and "charge" are one word."""
    if text.isascii():
        return text
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )


def terms(text: str) -> list[str]:
    """Lower-cased, lightly stemmed word terms for lexical matching, stopwords dropped."""
    return [t for t in map(_term, _WORD.findall(plain_letters(text).lower())) if t]


@lru_cache(maxsize=8192)
def term_set(text: str) -> frozenset[str]:
    """`terms` as a set, remembered per text: the same sentences, titles and section
    headings come back question after question."""
    return frozenset(terms(text))


@lru_cache(maxsize=8192)
def words(text: str) -> frozenset[str]:
    """The text's words as typed (apostrophes and hyphens kept), remembered per text."""
    return frozenset(re.findall(r"[\w'’-]+", text))


def iter_words(text: str) -> Iterator[str]:
    for m in _WORD.finditer(plain_letters(text)):
        yield m.group(0)


# Capitalised words in a row, with the small words a full name holds ("Office of the
# United States Trade Representative", "Kenya Defence Forces").
CAPITALISED_RUN = re.compile(r"\b[A-Z][\w'’-]*(?:\s+(?:(?:of|and|for|the|on)\s+)*[A-Z][\w'’-]*)+")
# Small words inside a name: "Office of the United States Trade Representative".
NAME_JOINERS = frozenset({"of", "and", "for", "the", "on"})


def initials(words: list[str]) -> str:
    """The letters a name's short form is made of: each capitalised word's first letter,
    short capitals whole ("UN General Assembly": "unga"), hyphened parts each ("Major
    Non-NATO Ally": "mnna")."""
    out = []
    for word in words:
        for part in word.split("-"):
            if not part or not part[0].isupper():
                continue
            out.append(part.lower() if part.isupper() and len(part) <= 3 else part[0].lower())
    return "".join(out)


def initialisms(texts: Iterator[str] | list[str]) -> dict[str, str]:
    """Short forms (3 to 6 letters) of the names the texts write out in full, each to
    the name ("ndaa": "National Defense Authorization Act"), so a question typing the
    short form finds documents that never use it. Of two names with the same letters
    the more used is taken; a tie is left out, since neither is clearly meant."""
    seen: dict[str, Counter[str]] = {}
    for text in texts:
        for run in CAPITALISED_RUN.finditer(text):
            words = run.group(0).split()
            if any(len(w) > 3 and w.isupper() for w in words):
                continue  # "KNBS Economic Survey": a short form within, not a name to shorten
            caps = [i for i, w in enumerate(words) if w.lower() not in NAME_JOINERS]
            for a, start in enumerate(caps):
                for end in caps[a + 1 : a + 6]:
                    name = words[start : end + 1]
                    short = initials(name)
                    if 3 <= len(short) <= 6:
                        seen.setdefault(short, Counter())[" ".join(name).strip("'’")] += 1
    out = {}
    for short, names in seen.items():
        ranked = names.most_common(2)
        if len(ranked) == 1 or ranked[1][1] < ranked[0][1]:
            out[short] = ranked[0][0]
    return out


def strip_emphasis(text: str) -> str:
    return _MD_EMPHASIS.sub("", text)


def comparable(text: str) -> str:
    """Form used to check that a quote appears in a source: no emphasis, one space."""
    return " ".join(
        strip_emphasis(text).replace("’", "'").replace("“", '"').replace("”", '"').split()
    )


def proper_nouns(text: str) -> list[str]:
    """Capitalised words not at a sentence start: names of people, places, things."""
    return [m.group(0) for m in _PROPER.finditer(text.strip())]
