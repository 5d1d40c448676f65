"""Who holds a title, as questions ask it: "which judge", "who is the chief justice",
"who is kenya's defence minister", "the prime minister of japan".

A question asking for the holder of a title is answered by a sentence naming
someone with that title ("Justice Bahati Mwamuye", "Defence Cabinet Secretary
Aden Duale"), and not with a title the sentence gives another country ("Israeli
Prime Minister Benjamin Netanyahu" for Japan's).
"""

from __future__ import annotations

import re

from retrieval.countries import country_names
from retrieval.mentions import names_person

# "which judge / senator / ambassador …": someone named with that title.
# "who is the chief justice", "who is kenya's defence minister": the same, with the
# words of the title before it.
_ROLE_QUESTION = re.compile(
    r"\b(?:which |who(?: is| was| are| were|'s|’s) (?:the |[\w-]+['’]s )?(?:current |new |former )?"
    r"(?:us |american )?)"
    r"((?:chief|deputy|prime|vice|foreign|defence|defense|finance|trade|health|interior"
    r"|attorney|cabinet) )?"
    r"(judge|justice|senator|ambassador|minister|general|secretary|envoy|governor"
    r"|commander|president|speaker)\b",
    re.I,
)
# Kenya's ministers are cabinet secretaries ("Defence Cabinet Secretary Aden Duale").
MINISTER = "Minister|Cabinet Secretary"
_ROLE_TITLES = {
    "judge": "Judge|Justice",
    "justice": "Judge|Justice",
    "envoy": "Envoy|envoy",
    "minister": MINISTER,
}


def title_pattern(query: str) -> re.Pattern[str] | None:
    """For a question asking who holds a title, a pattern matching someone named with
    it ("Chief Justice Martha Koome"), or None."""
    m = _ROLE_QUESTION.search(query)
    if not m:
        return None
    role = m.group(2).lower()
    title = _ROLE_TITLES.get(role, role.capitalize())
    if m.group(1):  # "Chief Justice", "Defence Minister"
        title = f"{m.group(1).strip().capitalize()} (?:{title})"
    return re.compile(rf"\b(?:{title})\.? (?:[A-Z][a-z]+ )*[A-Z][a-z]+")


def asks_holder_now(query: str) -> bool:
    """ "who is the president of kenya", "who's the us ambassador": the holder now, not
    one of long ago ("who was …" asks the past)."""
    m = _ROLE_QUESTION.search(query)
    return m is not None and m.group(0).lower().startswith(("who is", "who are", "who's", "who’s"))


# Whose title it is: "kenya's defence minister", "the prime minister of japan", "the us
# ambassador".
_OWNER = re.compile(
    r"\b(\w+)['’]s (?:\w+ ){0,2}?(?=(?:\w+ )?(?:judge|justice|senator|ambassador|minister"
    r"|general|secretary|envoy|governor|commander|president|speaker)\b)"
    r"|\b(us|american) (?=(?:\w+ )?(?:ambassador|envoy|general|secretary|president|senator))"
    r"|\b(?:justice|senator|ambassador|minister|general|secretary|envoy|governor|commander"
    r"|president|speaker)s? (?:of|for|in|to) (?:the )?(\w+)",
    re.I,
)
_US_TITLE = re.compile(r"\b(?:US|U\.S\.|United States|American)\b")


def title_owner(query: str) -> str | None:
    """The country whose official is asked about, by its first five letters ("us" for
    the United States), or None."""
    m = _OWNER.search(query)
    word = m and (m.group(1) or m.group(2) or m.group(3))
    if not word:
        return None
    word = word.lower()
    return "us" if word in ("us", "american", "america") else word[:5]


def owned(text: str, start: int, owner: str | None) -> float:
    """1 when the title at `start` is the asked country's (or no country is asked), 0
    when it is another's ("Israeli Prime Minister Benjamin Netanyahu" for Japan's), 0.5
    when the sentence does not say."""
    if owner is None:
        return 1.0
    before = text[max(0, start - 30) : start]
    named = {c.lower()[:5] for c in country_names(before)}
    named = {"us" if c == "ameri" else c for c in named}
    if _US_TITLE.search(before):
        named.add("us")
    if not named:
        return 0.5
    return 1.0 if owner in named else 0.0


def names_holder(text: str, query: str) -> bool:
    """The text names someone with the title the query asks about, and not as another
    country's ("Russian Foreign Minister Sergey Lavrov" for "kenya's foreign minister")."""
    pattern = title_pattern(query)
    if pattern is None:
        return False
    owner = title_owner(query)
    return any(owned(text, m.start(), owner) > 0 for m in pattern.finditer(text))


# "who is the chief mediator", "who was the us ambassador": a person in that role (its
# groups: whose, us/american, rank, title, where; read by `in_role`).
ROLE_ASKED = re.compile(
    r"^\W*(?:and |so )?(?:who(?:['’]?s| is| was| are| were) (?:the )?|which )"
    r"(?:(\w+)['’]s |(us|american) )?"
    r"(?:(?:(deputy|vice|assistant|acting)|[\w-]+) ){0,3}?"
    r"(mediator|facilitator|negotiator|commander|ambassador|spokesman|spokesperson"
    r"|chairman|chairperson|director|governor|administrator|leader|secretary|minister|senator"
    r"|representative|president)\b"
    r"(?:s? (?:of|for|to|in) (?:the )?(?!(?:us|united|american)\b)(\w+))?",
    re.I,
)


def in_role(text: str, role: re.Match[str]) -> bool:
    """The sentence names someone in the role asked about, and when the question says
    whose ("russia's ambassador"), that owner is named next to the role, not another
    ("Kenya's UN ambassador, Martin Kimani")."""
    owner = role.group(1) or role.group(2) or role.group(5)
    rank, title = role.group(3), role.group(4)
    if not names_person(text):
        return False
    # "who was the deputy commander": the deputy, not the commander
    titles = MINISTER if title.lower() == "minister" else title  # a cabinet secretary too
    if rank:
        titles = rf"{rank}(?:[\s-]+\w+){{0,2}}?[\s-]+(?:{titles})"
    # "kenya's ambassador in moscow": Kenya's, and posted there, not Kenya's in Washington
    post = role.group(5) if role.group(1) and f" in {role.group(5)}" in role.group(0) else None
    return any(
        _whose(owner, text[max(0, m.start() - 30) : m.end() + 25])
        and (
            post is None or post[:4].lower() in text[max(0, m.start() - 40) : m.end() + 25].lower()
        )
        for m in re.finditer(rf"\b(?:{titles})s?\b", text, re.I)
    )


def _whose(owner: str | None, near: str) -> bool:
    """Whether the words near a title name its owner: the US by any of its names, a
    country by any `country_names` knows ("Kenyan", "Kenya's", not "Kenyatta"),
    anyone else by the first letters of the name."""
    if owner is None:
        return True
    if owner.lower() in ("us", "american"):
        return bool(_US.search(near))
    if country_names(owner.capitalize()):
        return any(c.lower()[:4] == owner[:4].lower() for c in country_names(near))
    return owner[:4].lower() in near.lower()


_US = re.compile(r"\b(US|U\.S\.|United States|American|Washington's)\b")
