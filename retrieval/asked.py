"""How well a sentence holds what a question asks for, beyond sharing its topic.

The answer type is the main signal (a date for "when", a figure for "how many", a
name for "who"); a few kinds of question ask for something more particular, which
a topical sentence often lacks:
- "why …" wants a cause or motive ("after …", "over …", "accused … of");
- "how did X react / respond / hit back" wants what X said or did in answer;
- "how much … pledged / cost / worth" wants an amount of money, not any figure;
- a question naming a day ("on 8 december 2025") wants the sentence holding it;
- "when did X start / begin / kick in" wants a sentence saying when something
  started ("since 2003", "began", "took effect", "from 9 April 2025"); for such a
  question "since 2003" dates the start as fully as a day would;
- "who …" prefers a person named with a title ("Secretary Musalia Mudavadi") to a
  country or a body ("Kenya and the United States signed …"), which also hold a name;
- "which judge / senator …" prefers someone named with that title ("Justice …");
- "how long" / "mandate length" wants a span of time ("for an initial 12 months");
- "what interest rate" / "ratio" / "percentage" wants a percentage ("at 7.875 percent");
- "what does X stand for" wants the sentence spelling the letters out;
- "did he go anywhere else", "his only stop" wants a country not yet named;
- "what replaced X", "the force that took over from X" wants the sentence telling the
  change ("replacing the Kenya-led mission with …", "turning the MSS into …");
- "where was she posted before kenya" wants what someone did earlier ("had previously
  served", "a former chief executive");
- "who ran the embassy after whitman quit" wants what came after her ("After Whitman
  left …, chargés d'affaires Marc Dillard …"), not someone who led it before her;
- "the second contingent" is not answered by "a fourth contingent", and "the first
  batch" is answered by "Kenya's first contingent" (words for one body of people sent);
- "rsf parallel govt name", "what's it called" wants a name the question lacks (a quoted
  title, "the Magagoni airfield");
- "which police units / airline / edition …" wants a sentence that names that kind of
  thing ("… came from specialised police units, including the Rapid Deployment Unit").

`Asked.fit(text)` is a multiple of `ComposeParams.type_bonus`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.countries import country_names
from retrieval.followup import own_words
from retrieval.mentions import gives_name
from retrieval.question import asks_expansion, definition_pattern, spelled_out_pattern
from retrieval.sentences import FULL_DATE, HOW_LONG, SPAN, counted, counts, date_precision, holds
from retrieval.succession import followed
from retrieval.text import STOPWORDS, term_set, terms
from retrieval.titles import owned, title_owner, title_pattern

# A cause stated outright: "because", "citing", "accused … of", "in protest at".
_STATED = (
    r"because|due to|owing to|citing|cited(?! by)|accus\w*|blam\w*|criticis\w*|for failing"
    r"|in protest|so that|as a result|led to|prompted|retaliat\w*|reprisal|in response to"
    r"|in revenge|set off|sets off|spark(?:ed|s)|trigger(?:ed|s)(?! by)|provok(?:ed|es)|touched off"
)
_STATED_CAUSE = re.compile(rf"\b({_STATED})\b", re.I)
# ... or told by a word that as often tells a sequence, which a topical sentence may
# also give: "after the election" is a cause, "after her" or "after 2 days" a sequence;
# "over the charter" a cause, "over 5,000" or "over the weekend" not.
_CAUSE = re.compile(
    rf"\b({_STATED}|amid|insofar|(?<!the )following"
    r"|after(?! (?:her|him|them|it|this|that|which|whom|\d))"
    r"|over(?! (?:\d|the (?:weekend|years?|past|next|last|course|following))))\b",
    re.I,
)
# What a sentence saying what something was for earns a why-question's lead, half of
# a stated cause ("because", "citing"): on all the external questions, +4 right, +2 first.
PURPOSE_FIT = 0.5
# What something was for or came from: "at Trump's invitation to witness the signing",
# "delayed by the US government shutdown".
_PURPOSE = re.compile(
    r"\b((?:caused|delayed|driven|triggered|forced|hampered|slowed|stalled|blocked) by"
    r"|in order to|so as to|aim(?:ed|s|ing)? (?:to|at)|intended to|meant to|hop(?:e|ed|es|ing)"
    r"|sought|seek(?:s|ing)?|reasons?|purpose|goal|concerns?|fears?|worr(?:y|ied|ies)"
    r"|to (?:attend|witness|sign|meet|discuss|mark|launch|raise|pay|build|settle|mediate|press"
    r"|push|request|attract|promote|strengthen|deepen|expand|reduce|cut|save|lower|restore"
    r"|renew|extend|counter|help|curb|fight|boost|protect|support|secure|stop|end|avoid|deter"
    r"|replace|fund|lead|join|review|assess|examine|investigate|host|honour|commemorate))\b",
    re.I,
)
_MONEY = re.compile(r"\$|\bKSh\b|\b(dollars?|shillings?|million|billion|trillion)\b", re.I)
_MONEY_QUESTION = re.compile(
    r"\bhow much\b(?! of)|\b(cost|costs|worth|value|price|pledged?|paid|pay|paying|fund|funding"
    r"|funded|spend|spending|spent|budget|loans?|money|dollars)\b",
    re.I,
)
# A reply in words or in deeds ("urged restraint", "banned all imports").
_REPLY = re.compile(
    r"\b(urg\w+|call(?:ed|ing) (?:for|on)|welcom\w+|condemn\w*|warn\w*"
    r"|concern\w*|criticis\w*|told|prais\w+|denounc\w+|stress\w*|demand\w*|accus\w*"
    r"|respond\w*|repl\w+|reject\w*|vow\w*|pledg\w+"
    r"|bann\w+|bans?|suspend\w*|expel\w*|impos\w+|froze|freez\w*|halt\w*"
    r"|sanction\w*|retaliat\w*)\b",
    re.I,
)
# "how did X react", "what did X say/tell Y" (not "tell me about X").
_REACTION_QUESTION = re.compile(
    r"\b(respond|responded|react|reacted|reaction|response|said|told"
    r"|hit back|retaliate|retaliated|retaliation)\b|\bdid\b[^?]*\b(say|tell)\b",
    re.I,
)
_DAY = re.compile(FULL_DATE.pattern, re.I)  # "8 december", "december 8", as typed
# "when did X start / begin / kick in": a sentence saying when something started
# ("since 2003", "began", "took effect", "from 9 April 2025").
START_QUESTION = re.compile(
    r"\b(start\w*|begin|began|begun|since when|kick in|kicked in|take effect|took effect"
    r"|come into force|came into force|launch\w*|commenc\w*|set up|founded|established)\b",
    re.I,
)
_SINCE = re.compile(r"\bsince (?:19|20)\d\d\b", re.I)
STARTED = re.compile(
    rf"{_SINCE.pattern}|\b(begin|began|begun|start\w*|launch\w*|took effect"
    r"|takes effect|came into force|comes into force|effective|commenc\w*|set up|founded"
    r"|established|opened|created|enacted|inaugurat\w*|formally designated|signed into law)\b"
    r"|\bfrom \d{1,2} [a-z]+ (?:19|20)\d\d\b",
    re.I,
)
# A person named with a title ("Secretary Musalia Mudavadi", "chargé d'affaires Marc
# Dillard"), not a country or a body, which also "holds a name".
_TITLED = re.compile(
    r"\b(President|Secretary|Minister|Ambassador|Senator|Representative|Judge|Justice"
    r"|Governor|Chairman|Chairperson|Director|Commissioner|General|Mr|Mrs|Ms|Dr"
    r"|[Cc]hargé d'affaires)\.? [A-Z][a-z]+"
)
COUNT_FIT = 0.6
# Below COUNT_FIT: "about 400 officers" answers "how many in the first group" better
# than a sentence that only says "the first contingent".
SAME_ORDINAL_FIT = 0.5
PERCENT_FIT = 1.0
# "what interest rate", "debt to gdp ratio": a percentage ("what share" is often "half").
_RATE_QUESTION = re.compile(r"\b(rates?|percent|percentage|ratio|interest)\b", re.I)
PERCENT = re.compile(r"%|\bper ?cent\b", re.I)
# Types whose mere presence ("a capitalised word", "any sentence") says little.
_LOOSE_TYPES = ("other", "yes_no", "reason", "definition", "list")


_WHICH = re.compile(r"\bwhich\s+((?:[a-z'-]+\s+){0,4})", re.I)
# Words before the noun itself: "which kinds of projects", "which african country".
_WHICH_SKIP = frozenset(
    "kinds kind types type sorts sort of the a an one ones other us american african".split()  # noqa: SIM905
)
WHICH_FIT = 0.6

# "the deadliest attack", "kenya's biggest export": the sentence that says so ("the
# deadliest terrorist attack in Kenya since 1998") is the answer, as a definition is.
_SUPERLATIVES = tuple(
    re.compile(rf"\b(?:{words})\b", re.I)
    for words in (
        "deadliest|bloodiest|most deadly|worst",
        "largest|biggest|greatest",
        "highest",
        "lowest",
        "longest",
        "oldest",
        "smallest",
        "richest",
        "poorest",
        "busiest",
        "costliest|most expensive",
    )
)
SUPERLATIVE_FIT = 1.0


def _superlative(query: str) -> re.Pattern[str] | None:
    """The superlative a question asks for, as the pattern of its words, or None."""
    return next((p for p in _SUPERLATIVES if p.search(query)), None)


# "what replaced the kenya-led mission", "the force that took over from it": the
# sentence telling the change ("replacing the Kenya-led Haiti mission with …", "turning
# the MSS into a larger Gang Suppression Force").
_REPLACED_QUESTION = re.compile(r"\b(replac\w*|succe(?:eded|eds|ssor)|t(?:ook|akes?) over)\b", re.I)
_REPLACES = re.compile(
    r"\b(replac\w*|succe(?:eded|eds|ssor)|t(?:ook|akes?|aking) over"
    r"|turn(?:ed|ing|s)? (?:[\w'’()-]+ ){1,6}?into|in place of|gave way to)\b",
    re.I,
)
REPLACES_FIT = 1.0
# "where was she posted before kenya", "what did she do before becoming a diplomat": a
# sentence telling what someone did earlier ("had previously served", "a former chief
# executive of eBay").
_EARLIER_QUESTION = re.compile(
    r"\bbefore (?:(?:she|he|they) )?(?:that|this|then|kenya|nairobi|came|coming|joined|joining"
    r"|became|becoming|took|taking|being|going|went|moved|moving|working|entering)\b"
    r"|\bprevious (?:job|post|posting|role|career)\b",
    re.I,
)
_EARLIER = re.compile(
    r"\b(previously|formerly|former|had (?:earlier |once )?(?:served|worked|been|led|run)"
    r"|before (?:joining|becoming|taking|coming|moving|that))\b",
    re.I,
)
EARLIER_FIT = 1.0
AFTER_FIT = 1.0


# "did obama go anywhere else", "was nairobi his only stop": another place is asked for.
_ELSEWHERE = re.compile(
    r"\b(anywhere else|somewhere else|elsewhere|only (stop|country|place|visit|destination)"
    r"|other (countries|places|stops|cities|destinations))\b",
    re.I,
)


def _elsewhere(query: str) -> tuple[str, ...]:
    """For a question asking about other places, the countries it already names
    (with Kenya, the documents' home ground), else ()."""
    if not _ELSEWHERE.search(query):
        return ()
    return tuple({c.lower() for c in country_names(query)} | {"kenya", "kenyan", "us"})


# "rsf parallel govt name", "whats the airfield actually called", "what's the name of …"
_NAME_QUESTION = re.compile(
    r"\b(called|named|name|names)\s*\??\s*$|\bthe name of\b|\bwhat (?:is|was) it called\b",
    re.I,
)
ORDINALS = "first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth"
# Things counted in order: "the second contingent", "the third officer to die".
_ORDINAL_OF = re.compile(
    rf"\b({ORDINALS}) (?:[a-z'-]+ ){{0,2}}?(contingents?|groups?|batch(?:es)?|rounds?|phases?"
    r"|terms?|visits?|officers?|policem[ae]n|cops?|deployments?|tranches?|reviews?)\b",
    re.I,
)


# Words for one body of people sent somewhere and its members: "the first batch" is
# "the first contingent", and "the first kenyan cops" landed with it.
_SENT = "contingent|group|batch|wave|deployment|officer|policem[ae]n|cop|police|troop"


def _ordinal(query: str) -> tuple[str, re.Pattern[str]] | None:
    """For "how many went in the second haiti contingent": "second", and a pattern for
    any ordinal of a contingent (or a word for the same thing) in a sentence."""
    m = _ORDINAL_OF.search(query.lower())
    if not m:
        return None
    found = terms(m.group(2))
    if not found:
        return None
    noun = _SENT if re.fullmatch(_SENT, found[0]) else re.escape(found[0])
    return m.group(1), re.compile(rf"\b({ORDINALS}) (?:[\w'-]+ ){{0,3}}?(?:{noun})\w*\b", re.I)


def _ordinals_said(text: str, of_noun: re.Pattern[str]) -> set[str]:
    """The ordinals the sentence gives of the thing asked ("fourth" in "a fourth Kenyan
    contingent")."""
    return {m.group(1).lower() for m in of_noun.finditer(text)}


def _which_noun(query: str) -> str | None:
    """The thing a "which …" question asks to be named, as a term ("which police units
    did kenya send" -> "unit"; "which kinds of projects" -> "project"; "which judge")."""
    m = _WHICH.search(query)
    if not m:
        return None
    words = [
        w for w in m.group(1).lower().split() if w not in _WHICH_SKIP and not country_names(w)
    ][:2]
    plural = next(
        (w for w in words if len(w) > 3 and w.endswith("s") and not w.endswith("ss")), None
    )
    head = plural or (words[0] if words else None)
    if head is None or head in STOPWORDS:
        return None
    found = terms(head)
    return found[0] if found else None


def states_cause(text: str) -> bool:
    """The sentence states a cause outright, not by "after" or "over" ("lapsed … after
    Congress failed to renew it" does not say why Trump put tariffs on Kenyan goods), as
    a why-question's first sentence should when one is among the closest: on all the
    external questions, +2 first sentences and +7 honest answers (a gap named where the
    event was told without its cause)."""
    return bool(_STATED_CAUSE.search(text))


def gives_reason(text: str) -> bool:
    """The sentence says why, or what for ("in protest at", "to witness the signing")."""
    return bool(_CAUSE.search(text) or _PURPOSE.search(text))


@dataclass(frozen=True)
class Asked:
    """What one question (or part) asks for, read once before scoring sentences."""

    kind: str
    query: str = ""
    defines: re.Pattern[str] | None = None
    spells_out: re.Pattern[str] | None = None
    money: bool = False
    reaction: bool = False
    days: tuple[str, ...] = ()
    start: bool = False
    duration: bool = False
    counted: str | None = None
    percent: bool = False  # "what interest rate", "what share": a percentage
    role: re.Pattern[str] | None = None  # "which judge": "Justice Chacha Mwita"
    role_owner: str | None = None  # "the prime minister of japan": "japan"
    kind_of: str | None = None  # "which police units": a sentence naming units
    elsewhere: tuple[str, ...] = ()  # "anywhere else": the countries already named
    name_of: bool = False  # "rsf parallel govt name", "what's it called": a name
    ordinal: tuple[str, re.Pattern[str]] | None = None  # "the second contingent", not fourth
    superlative: re.Pattern[str] | None = None  # "the deadliest attack": "deadliest"
    replaced: bool = False  # "what replaced the mss": a sentence telling the change
    earlier: bool = False  # "where was she posted before kenya": what came before
    after: re.Pattern[str] | None = None  # "who ran it after whitman quit": "After Whitman …"

    @classmethod
    def read(cls, query: str, kind: str) -> Asked:
        own = own_words(query)  # without the subject a follow-up carries in
        return cls(
            kind=kind,
            query=query.lower(),
            defines=definition_pattern(query) if kind == "definition" else None,
            spells_out=spelled_out_pattern(query) if asks_expansion(query) else None,
            money=kind in ("number", "other") and bool(_MONEY_QUESTION.search(query)),
            reaction=kind in ("other", "reason") and bool(_REACTION_QUESTION.search(query)),
            days=tuple(m.group(0).lower() for m in _DAY.finditer(query)),
            start=bool(START_QUESTION.search(query)),
            duration=bool(HOW_LONG.search(query)),
            counted=counted(query) if kind == "number" else None,
            percent=bool(_RATE_QUESTION.search(query)),
            role=title_pattern(query) if kind == "person" else None,
            role_owner=title_owner(query) if kind == "person" else None,
            kind_of=_which_noun(query) if kind not in ("person", "date", "number") else None,
            elsewhere=_elsewhere(query),
            ordinal=_ordinal(own),
            superlative=_superlative(own),
            replaced=kind != "yes_no" and bool(_REPLACED_QUESTION.search(own)),
            earlier=bool(_EARLIER_QUESTION.search(own)),
            after=followed(query) if kind == "person" else None,
            name_of=kind in ("other", "definition") and bool(_NAME_QUESTION.search(own)),
        )

    def fit(self, text: str) -> float:
        """How much of what is asked the sentence holds (0 = nothing particular)."""
        kind = self.kind
        fit = 0.0
        if kind == "date":
            # "since 2003" fully answers when something started
            fit += 1.0 if self.start and _SINCE.search(text) else date_precision(text)
        elif kind not in _LOOSE_TYPES and holds(kind, text):
            fit += 0.6
            if kind == "person" and _TITLED.search(text):
                fit += 0.4  # a person by title beats a country or a body ("who signed")
        if self.defines is not None and self.defines.search(text):
            fit += 2.0  # the sentence that says what X is
        if self.spells_out is not None and self.spells_out.search(text):
            fit += 1.0  # "what does X stand for": the letters spelled out
        if kind == "reason" and _CAUSE.search(text):
            fit += 1.0
        elif kind == "reason" and _PURPOSE.search(text):
            fit += PURPOSE_FIT  # "to counter China's growing influence": what for
        if self.money and _MONEY.search(text):
            fit += 0.6
        if self.reaction and _REPLY.search(text):
            fit += 1.0
        if self.days and any(d in text.lower() for d in self.days):
            fit += 1.0
        if self.start and STARTED.search(text):
            fit += 1.0
        if self.duration and SPAN.search(text):
            fit += 1.0
        if self.counted and counts(text, self.counted):
            fit += COUNT_FIT
        if self.percent and PERCENT.search(text):
            fit += PERCENT_FIT
        if self.role is not None and (named := self.role.search(text)):
            # "which judge": someone the sentence names as a judge, not another country's
            # ("Israeli Prime Minister …" for Japan's), and half as surely one whose
            # country it leaves unsaid
            fit += owned(text, named.start(), self.role_owner)
        if self.replaced and _REPLACES.search(text):
            fit += REPLACES_FIT
        if self.earlier and _EARLIER.search(text):
            fit += EARLIER_FIT
        if self.after is not None and self.after.search(text):
            fit += AFTER_FIT
        if self.superlative is not None and self.superlative.search(text):
            fit += SUPERLATIVE_FIT
        if self.kind_of is not None and self.kind_of in term_set(text):
            fit += WHICH_FIT
        if self.ordinal is not None and (said := _ordinals_said(text, self.ordinal[1])):
            if self.ordinal[0] in said:
                fit += SAME_ORDINAL_FIT  # "Kenya's first contingent of about 400" for "first batch"
            else:
                fit -= 1.0  # "a fourth contingent" does not answer "the second contingent"
        if self.name_of and gives_name(text, self.query):
            fit += 1.0  # "called for a "Government of Peace and Unity"", "the Magagoni airfield"
        if self.elsewhere and set(map(str.lower, country_names(text))) - set(self.elsewhere):
            fit += 1.0  # "did he go anywhere else": a country not yet named
        return fit
