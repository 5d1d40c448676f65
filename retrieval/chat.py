"""The chat around a question: greetings, preambles, shorthand, emoji, thanks, and the
sentences that tell the bot who is asking and why ("need the number for a pitch
deck"). Left in, their words count as terms no document uses, and a plain question
looks like one about something the documents lack.
"""

from __future__ import annotations

import re

# What people type before the question itself: a greeting, "quick question:", "i was
# wondering", "can you tell me", "do you know", "lemme ask", and chat shorthand such as
# "idk" or "tbh".
_OPENERS = re.compile(
    r"^\W*(?:"
    r"(?:hey|hi|hello|yo|hiya)(?: there)?(?: bot)?|um+|hm+|uh+"
    r"|(?:quick|random|one|another|a) (?:question|q)|question(?=\s*[-:–—])"
    r"|(?:i was|i am|i'm|im) (?:just )?(?:wondering|curious)(?: about)?"
    r"|(?:just )?(?:wondering|curious)"
    r"|(?:i'm |im |i am )?(?:kinda |a bit |so )?confused(?: about)?"
    r"|(?:can|could|would|will) (?:you|u) (?:please )?(?:tell me|let me know|explain)"
    r"(?= (?:who|what|when|where|why|how|which)\b)"
    r"|(?:do|does) (?:you|u|anyone) know(?= (?:who|what|when|where|why|how|which)\b)"
    r"|(?:any ?one|any1|anybody) knows?"
    r"|also"
    r"|(?:i want|i wanna|i'd like|i would like|want|wanna) (?:to )?know"
    r"(?= (?:who|what|when|where|why|how|which)\b)"
    r"|(?:let me|lemme|(?:i'm |im |i am )?(?:gonna|going to)) ask(?: (?:you|u))?(?: about)?"
    r"|idk|tbh|ngl|imo|imho|btw|pls|plz|please|thanks|thank you|thx|cheers"
    r")(?![\w'’-])[\s,:;.!?-]*",
    re.I,
)
_SHORTHAND = re.compile(
    # and Kenyan chat fillers: "sawa" (ok), "nimeskia" (I hear), "bana", "manze", "sasa"
    # (so, now), "niaje" and "vipi" (hi), "kwani" (so what), "aki" (honestly)
    r"\s*\b(?:idk|tbh|ngl|imo|imho|btw|pls|plz|lol|thx|sawa|nimes?kia|bana|manze|sasa|niaje"
    r"|vipi|kwani|aki)\b[,.!]?",
    re.I,
)


# After the question: thanks, "pls", "u know", emoji, and "??", "?!" or "..." for "?".
_CLOSERS = re.compile(
    r"(?:[\s,;:.!?-]*\b(?:thanks|thank you|thx|ty|pls|plz|please|lol|lmao|u know|you know)\b)+"
    r"[\s.!?]*$",
    re.I,
)
_SYMBOLS = re.compile(r"[^\w\s.,;:!?'’\"“”()&%$€£/+#–—-]+")
_END_MARKS = re.compile(r"\s*[?!.]{2,}$|\s*[…]+$")


def without_chat(text: str) -> str:
    """The question without the greeting, preamble, chat shorthand and emoji around it
    ("hey bot, quick question: who leads the gsf?? thx 🙏" -> "who leads the gsf?"); the
    text itself when nothing else is left."""
    core = without_context(_SYMBOLS.sub(" ", text))
    letters = [c for c in core if c.isalpha()]
    if len(letters) > 12 and sum(c.isupper() for c in letters) > 0.8 * len(letters):
        core = core.lower()  # SHOUTED: every word would read as a name or a short form
    while m := _OPENERS.match(core):
        if not m.group(0):
            break
        core = core[m.end() :]
    core = _CLOSERS.sub("", " ".join(_SHORTHAND.sub(" ", core).split()))
    core = _END_MARKS.sub(lambda m: "?" if "?" in m.group(0) else "", core)
    return core if re.search(r"\w", core) else text


# A sentence after the question that says why or for whom it is asked, not what: it
# asks nothing (no "?", no question word first) and speaks of the asker ("… in 2024?
# need the numbr for a pitch deck", "… or did it die?? we ship garmnts out of the
# mombasa EPZ"). One before the question may hold what it asks about ("my uncle says
# kenya is in nato. is that true?") and stays.
_SENTENCE = re.compile(r"\S.*?(?:[?!.]+(?=\s|$)|\n|$)", re.S)  # a line break ends one too
_QUESTION_START = re.compile(
    r"^\W*(?:who|whom|whose|what|whats|wat|when|where|why|how|which|is|are|was|were|did|do"
    r"|does|can|could|will|would|should|has|have|had)\b",
    re.I,
)
_ASKER = re.compile(
    r"\b(?:i|i'm|im|i've|ive|we|we're|my|our|me)\b|^\W*need(?:ed)?\b.*\bfor (?:a|an|my|our)\b", re.I
)


def _asks(sentence: str) -> bool:
    return "?" in sentence or bool(_QUESTION_START.match(sentence))


def without_context(text: str) -> str:
    """The message without the sentences about the asker that follow its question."""
    pieces = [m.group(0).strip() for m in _SENTENCE.finditer(text)]
    kept: list[str] = []
    for piece in pieces:
        if not (any(map(_asks, kept)) and not _asks(piece) and _ASKER.search(piece)):
            kept.append(piece)
    return " ".join(kept) if kept and len(kept) < len(pieces) else text
