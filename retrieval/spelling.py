"""Words as people type them, read as the documents write them: British spellings,
abbreviations, chat spellings too short for the speller, and chat words for what the
documents say otherwise (the typed word kept too)."""

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
    "gov": "government",
    "econ": "economy",
    "stats": "statistics",
    "rn": "now",
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
    "whats": "what's",
    "whos": "who's",
    "hows": "how's",
    "wheres": "where's",
    "whens": "when's",
    "mny": "many",
    "abt": "about",
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
}

# Chat shorthand that says nothing about the subject: never read as a misspelt word or
# as the short form of a name in the documents ("smh" is not "Support Mission for Haiti").
CHAT_SHORTHAND = frozenset(
    """imo imho smh tbh idk btw lol fyi afaik iirc ngl tldr asap omg pls plz thx ty np nvm
    wtf brb irl rofl lmao""".split()  # noqa: SIM905
)
