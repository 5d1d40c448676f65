"""What a question asks for, read before answering it: the expected answer type, the
constraints the answer must meet (years, "now"/"still"), its parts and its key terms
(spelling is fixed before, by `retrieval.spelling.Speller`).

Pure functions and small tables, so the answer step can decide from evidence
whether the documents answer the question, not from a similarity score.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.countries import country_names
from retrieval.followup import own_words
from retrieval.mentions import PEOPLE as _PEOPLE
from retrieval.text import terms

# A question typed as keywords, with no question word to open it ("agoa start year").
_KEYWORDS = (
    r"(?!\W*(and\s+|so\s+)?(who|whom|whose|what|whats|when|where|which|why|how|is|are|was|were"
    r"|did|does|do|has|have|had|can|could|will|would|should)\b)"
)
# Answer types, checked in order (the first match wins).
# Words a short follow-up asks with ("why?", "and then?"), not a topic typed alone.
_ASKING_WORD = (
    r"(?:who|whom|what|whats|when|where|why|how|which|and|so|but|then|really|ok|okay|yes|no"
    r"|thanks|source|sources|more|details|link)\b"
)
_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "number",
        re.compile(
            r"\bhow (many|much|large|big|long|far|old)\b|\bwhat (share|percentage|percent|"
            r"proportion|amount|number|figure|value|size|sum|total)\b|\bwhat was the (cost|toll)\b"
            r"|\bdeath toll\b|\bhow many\b|\b(vote|head|death|body) (count|tally)\b"
            # keywords typed after the subject: "gsf mandate length", "force size",
            # "apparel exports 2024 value", "risch amendment number kenya review"
            r"|\b(length|duration|size|toll|total|amount|value|volume|worth|cost|price|figure)"
            r"(\s+(in\s+)?(19|20)\d\d)?\s*\??\s*$"
            rf"|^{_KEYWORDS}.*\b(number|size|total|amount|value|volume|worth|cost|price|toll)\b"
            # "no. of kenyan police in haiti", "# of troops", "count of deaths"
            r"|^\W*(?:(?:no|nr|num)\.?|#|count) of\b|^\s*#\s*of\b",
            re.I,
        ),
    ),
    (
        "date",
        re.compile(
            r"^\W*(and\s+|so\s+|but\s+)?(when|since when)\b|\bwhat (year|date|day|month)\b"
            r"|\bwhich (year|date|day|month)\b|\bin what year\b|\bdate\b|\bwhat time\b"
            # "when" later in the question, unless it opens as a yes/no one ("did obama
            # visit kenya back when he was a senator") or asks something else first
            # ("which hotel hosted the talks when they restarted")
            r"|^(?!\W*(and\s+)?(is|are|was|were|did|does|do|has|have|had|who|whom|whose"
            r"|which|where|why|what|how)\b).*\bwhen\b"
            r"|(?<!next )(?<!last )(?<!this )(?<!a )(?<!per )\byear\s*\??\s*$",  # "agoa start year"
            re.I,
        ),
    ),
    (
        "reason",
        re.compile(
            r"\bwhy\b|^\W*(and\s+)?how come\b|\breason|\bwhat was behind\b"
            r"|\bwhat (caused|led to|prompted|made(?! up)|drove|pushed)\b",
            re.I,
        ),
    ),
    (
        "person",
        re.compile(
            r"^\W*(and\s+)?(who|whom|whose)\b"
            r"|^\W*(was|is) it ([\w'’-]+ ){1,3}who\b"  # "was it trump who …": who, then
            r"|\bwhich (american|us|kenyan) (was|were|is|did|died|got)\b"  # "which american was …"
            r"|\bwhich ((us|american|kenyan|senior|former) |(?!(year|date|day|month|city|country"
            r"|countries|county|town|place|port|hotel|number|did|does|do|is|was|were|are|has|have|had"
            r"|will|can|could|would)\b)[\w'’-]+ ){0,3}"  # "which al shabaab leader"
            rf"({_PEOPLE})\b"
            # "what's the name of the us soldier killed …", "name of ruto's wife"
            r"|^\W*(?:what(?:['’]?s| is| was) )?(?:the )?names? of (?:the |his |her |their )?"
            rf"(?:[\w'’-]+ ){{0,3}}?({_PEOPLE}|wife|husband|son|daughter|guard|marine|pilot"
            r"|victim|attacker|gunman|suspect|nurse|doctor|student|teacher|blogger)\b"
            # "mss commander name", "kenya ambassador to washington name"
            r"|\b(commander|ambassador|envoy|president|minister|secretary|judge|senator|leader"
            r"|mediator|chief|head|spokes(man|woman|person)|director|governor|wife|husband|spouse"
            r"|widow|son|daughter|father|mother|brother|sister)\b(\s+\w+){0,3}"
            r"\s+names?\s*\??\s*$"
            # the title typed last: "gsf leader?", "haiti mission commander"
            r"|^(?!\W*(?:what|when|where|why|how|which|is|are|was|were|did|does|do|has|have)\b)"
            r"[^?]{2,40}?\b(commander|ambassador|envoy|leader|mediator|chief|head"
            r"|spokes(man|woman|person)|chairman|chairperson|founder|ceo)s?\s*\??\s*$"
            # the subject typed first: "1998 nairobi embassy bombing who was behind it"
            rf"|^{_KEYWORDS}[^?]*?\bwho\s+(was|is|were|are|did|does|do|led|leads|signed|ran|runs)\b",
            re.I,
        ),
    ),
    (
        "place",
        re.compile(
            r"\bwhere\b|\bwhich (city|country|county|town|place|port|hotel|venue|building|airport"
            r"|airfield|base|camp|hospital|university|stadium|site)\b",
            re.I,
        ),
    ),
    (
        "organisation",
        re.compile(
            r"\bwhich (organi[sz]ation|agency|company|group|firm|body|bank|court)\b"
            rf"|^{_KEYWORDS}.*\b(company|firm|contractor|lender)\s*\??\s*$",  # "host company"
            re.I,
        ),
    ),
    (
        "yes_no",
        re.compile(
            r"^\W*(and\s+)?(is|are|was|were|did|does|do|has|have|had|can|could|will|would|should"
            r"|won['’]t)(n['’]t)?\b",
            re.I,
        ),
    ),
    ("list", re.compile(r"^\W*(list|name)\b|\bwhich (countries|nations)\b|\bwhat are the\b", re.I)),
    (
        "definition",
        re.compile(
            r"^\W*(what|who)(\s+(is|are|was|were)\b|['’]s\b)|^\W*whats\b"
            r"|\bwhat does .+ (mean|stand for)\b"
            r"|\b(stands? for|full form|short for|meaning|means)\W*$|^\W*(the\s+)?meaning of\b"
            # "resolution 2793 what is it", "kenya imf ecf eff what are they"
            rf"|^{_KEYWORDS}.*\bwhat\s*(is|are|was|were|'s)\s+(it|they|this|that|these|those)\W*$"
            # a topic typed alone: "pepfar?", "the gsf?"
            rf"|^\W*(the\s+)?(?!{_ASKING_WORD})[a-z][\w.-]{{1,20}}(\s+[a-z][\w.-]{{1,20}})?\s*\?+\s*$",
            re.I,
        ),
    ),
)
# "is it still …" asks about now; "back when he was still a senator" does not.
RECENT = re.compile(
    r"\b(current|currently|now|(?<!\bwas )(?<!\bwere )still|today|latest|at the moment"
    r"|as of now|these days|this (week|month|year)|right now|presently|nowadays)\b",
    re.I,
)
_FUTURE = re.compile(
    r"\b(will|going to|next (year|month|week)|upcoming|in the future)\b"
    r"|^\W*(when is |where is |what is )?(the )?next\b(?! to)",
    re.I,
)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def _asks_future(text: str) -> bool:
    """The question asks about what will happen; "going to" a place is travel, not the
    future ("to stop kenyan police going to haiti")."""
    for m in _FUTURE.finditer(text):
        if m.group(0).lower() == "going to":
            after = re.match(r"\s*(?:the |a )?([a-z]+)", text[m.end() :], re.I)
            if after and (country_names(after.group(1)) or after.group(1).lower() == "court"):
                continue
        return True
    return False


_QUESTION_WORD = re.compile(
    r"^\s*(who|what|when|where|why|how|which|is|are|was|were|did|does|do|has|have|can|will)\b",
    re.I,
)
_PART_SPLIT = re.compile(
    r"\?\s+|\s*;\s*|,?\s+and\s+(?=(?:who|what|when|where|why|how|which)\b)", re.I
)
# Words a question uses to ask, not to say what it is about.
_CHAT = "exactly really actually please thanks hey hi"
_HEDGES = "basically anyway honestly"  # no topic, and no framing either
FRAMING = frozenset(
    terms(
        "tell talk happen happened thing things get got go going make made like new info "
        "information details detail anything something much many kind sort way ways "
        f"mean means meaning {_CHAT} {_HEDGES} know known even "
        "current currently now still today latest recent recently time times vs versus"
    )
)
_ASKS_LETTERS = re.compile(r"\b(stands? for|full form|short for)\b", re.I)
# Chat fillers that say nothing about the topic ("what did the waiver actually cover").
FILLERS = frozenset(terms(f"{_CHAT} {_HEDGES} ok okay"))


@dataclass(frozen=True)
class QuestionAnalysis:
    """`answer_type`: date, number, person, place, organisation, yes_no, reason, list,
    definition or other. `terms`: the content terms the answer should be about."""

    text: str
    answer_type: str
    years: tuple[int, ...] = ()
    recency: bool = False
    future: bool = False
    parts: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    in_time: bool = False  # two events compared in time: "which came first, X or Y"


# A name of two to six capitalised words: a short form the speller wrote out.
_WRITTEN_OUT = r"(?:[A-Z][\w'’-]*\s+){1,5}[A-Z][\w'’-]*"
# Asking what an abbreviation's letters stand for.
_EXPANSION = r"(?:stands? for|is short for|short for|full form|acronym|abbreviation|meaning|means)"
_DEFINITION = re.compile(
    r"^\W*(?:what|who)(?:\s+(?:is|are|was|were)|['’]s|s)\s+(?:the\s+|an?\s+)?(?P<subject>[^?]{2,60}?)"
    r"\s*\??\s*$|^\W*what does (?P<subject2>.{2,40}?) (?:stand for|mean)\W*$"
    # "agoa stands for?", "what pepfar stands for", "sgr full form", and a short form the
    # speller wrote out ("Kenya Defence Forces stands for")
    rf"|^\W*(?:what\s+)?(?P<subject3>[a-z][\w.-]{{1,10}}|{_WRITTEN_OUT})"
    rf"\s+{_EXPANSION}\W*$"
    # the subject typed first: "ieepa what does it stand for"
    r"|^\W*(?P<subject4>[^?]{2,60}?)\s+(?:what\s+(?:does|do)\s+(?:it|they)\s+(?:stand for|mean)"
    r"|what\s*(?:is|are|was|were|['’]s)\s+(?:it|they|this|that))\W*$"
    # a topic typed alone, as a short form is ("pepfar?", "stip?", "the gsf?")
    rf"|^\W*(?:the\s+)?(?!{_ASKING_WORD})(?P<subject5>[a-z][\w.-]{{1,20}}"
    r"(?:\s+[a-z][\w.-]{1,20})?)\s*\?+\s*$",
    re.I,
)


def _defined_subject(question: str) -> str:
    """X of "what is X?" / "what does X stand for?", or ""."""
    m = _DEFINITION.match(plain_ask(question))
    if not m:
        return ""
    found = next(
        (g for g in m.group("subject", "subject2", "subject3", "subject4", "subject5") if g), ""
    )
    return (found or "").strip()


def definition_pattern(question: str) -> re.Pattern[str] | None:
    """For "what is X?" / "what does X stand for?", a pattern matching sentences that
    define X ("the African Growth and Opportunity Act (AGOA)", "AGOA is …")."""
    subject = _defined_subject(question)
    if not subject or len(subject.split()) > 5:
        return None
    x = re.escape(subject)
    return re.compile(
        rf"\({x}s?\)|^(the\s+)?{x},?\s+(is|are|was|were)\s+(a|an|the)\b|^(the\s+)?{x} stands for"
        rf"|\b(known as|called) (the )?{x}\b"
        # "Section 122 of the Trade Act of 1974, which allows …", "Power Africa, a US …";
        # not a longer name ending in it ("Shona EPZ, a Nairobi garment factory")
        rf"|(?:^|(?<=(?-i:[a-z]) )){x}(?: of (?:the )?[A-Z][^,]{{2,60}})?, (?:which|an?) "
        # "Kenya hosts Justified Accord, US Africa Command's largest exercise"
        rf"|(?<=(?-i:[a-z]) ){x}, (?-i:(?:[A-Z][\w.-]*\s){{0,3}}[A-Z][\w.-]*['’]s) ",
        re.I,
    )


def asks_expansion(question: str) -> bool:
    """Whether the question asks what an abbreviation's letters stand for."""
    return bool(re.search(rf"\b{_EXPANSION}\b", question, re.I))


def spelled_out_pattern(question: str) -> re.Pattern[str] | None:
    """For "what is pepfar?" (one short word, as abbreviations are typed), a pattern
    matching the sentence that spells it out: "… Emergency Plan for AIDS Relief (PEPFAR)"."""
    subject = _defined_subject(question)
    if re.fullmatch(_WRITTEN_OUT, subject):
        # a short form the speller wrote out from the documents' own name for it
        return re.compile(rf"\b{re.escape(subject)}\b")
    if not re.fullmatch(r"[A-Za-z]{2,8}", subject):
        return None
    return re.compile(rf"\(\s*{re.escape(subject)}s?\s*\)", re.I)  # "(EPZs)" spells out "epz"


# Chat words that frame a question without changing what it asks: "what exactly is
# agoa", "so what is pepfar", "what even is the gsf", "agoa - what is it exactly".
_ASIDES = re.compile(
    r"\b(exactly|actually|basically|really|even|anyway|again|honestly|just)\b|^\W*(so|ok|okay)\b"
    r"|\s+[-–—]+(?=\s)",
    re.I,
)


def plain_ask(text: str) -> str:
    """The question without its chat asides."""
    return " ".join(_ASIDES.sub(" ", text).split())


def answer_type(text: str) -> str:
    text = plain_ask(text)
    for name, pattern in _TYPES:
        if pattern.search(text):
            return name
    return "other"


# Two events compared in time are asked as the date of each: "which came first, X or
# Y", "was X before or after Y", "how long after X did Y", "how long between X and Y",
# "once X, how long before Y".
_TIMELINE = tuple(
    re.compile(p, re.I)
    for p in (
        r"^\W*(?:which|what)(?: one)? (?:came|happened|was) (?:first|earlier)\W+(?P<x>.+?)"
        r",? or (?P<y>.+?)\W*$",
        r"^\W*(?:was|were|did|is|does)\s+(?P<x>.+?)\s+(?:before or after|after or before)\s+"
        r"(?P<y>.+?)\W*$",
        r"^\W*how (?:long|many (?:days|weeks|months|years)|much time|soon) (?:after|before)\s+"
        r"(?P<x>.+)\s+(?:did|was|were|had)\s+(?P<y>.+?)\W*$",
        r"^\W*how (?:long|many (?:days|weeks|months|years)) (?:\w+ ){0,3}?between\s+(?P<x>.+?)"
        r"\s+and\s+(?P<y>.+?)\W*$",
        r"^\W*(?P<x>.+?)\s+(?:vs\.?|versus|or)\s+(?P<y>.+?)\s*[-–—:,]+\s*"
        r"(?:which|what)(?: one)? (?:came|happened|was) (?:first|earlier)\b.*$",
        r"^\W*(?:once|after)\s+(?P<x>.+?),?\s+how long (?:before|until|till)\s+(?P<y>.+?)\W*$",
    )
)


def split_parts(text: str) -> tuple[str, ...]:
    """A two-part question ("who leads it and how many officers?") as its parts; a
    part must itself start with a question word, else the question is one part. Two
    events compared in time are two questions of when."""
    for pattern in _TIMELINE:
        if m := pattern.match(text):
            return (f"when {m.group('x')}", f"when {m.group('y')}")
    pieces = [p.strip(" ?.,") for p in _PART_SPLIT.split(text) if p and p.strip(" ?.,")]
    asking = [p for p in pieces if _QUESTION_WORD.match(p)]
    if len(asking) >= 2 and len(asking) == len(pieces):
        return tuple(asking[:3])
    return (text.strip(),)


def content_terms(text: str) -> tuple[str, ...]:
    """The question's terms minus framing words, in order, without repeats."""
    out: list[str] = []
    for t in terms(_ASKS_LETTERS.sub(" ", text)):  # "stands for" asks, it is not the subject
        if t not in FRAMING and t not in out and not _YEAR.fullmatch(t):
            out.append(t)
    return tuple(out)


def analyse(text: str) -> QuestionAnalysis:
    """Read a (standalone, spelling-fixed) question."""
    core = own_words(text)  # carried follow-up context is not the ask
    return QuestionAnalysis(
        text=text,
        answer_type=answer_type(core),
        years=tuple(sorted({int(y) for y in _YEAR.findall(core)})),
        recency=bool(RECENT.search(core)),
        future=_asks_future(core),
        parts=split_parts(core),
        in_time=any(p.match(core) for p in _TIMELINE),
        terms=content_terms(text),
    )


def follow_up_terms(text: str) -> tuple[str, ...]:
    """A rewritten follow-up's own terms ("who paid for it? (… haiti)" -> "paid"), or ()
    for a question that carries no earlier subject."""
    own = own_words(text)
    return content_terms(own) if own != text else ()
