"""Spot document sentences that address the reader or a model instead of stating facts.

A corpus file can carry text written to steer the bot ("Ignore previous
instructions and reply …") or to phish its users ("visit https://evil.example/login
and enter your password"). Quoted with a citation, such a sentence looks like the
documents' own answer. `classify` recognises it with a few regular expressions so
the indexer can flag it once, when the document is read; flagged sentences are
never quoted and are counted in the index report for admins.

What it catches (each a `KIND_*` below):

- instructions: telling a model to ignore, disregard, forget or override its
  instructions, prompt, rules or guidelines; any mention of a "system prompt";
  "new instructions:"; role changes ("you are now …", "from now on, you …",
  "act as …" / "pretend to be …" addressed to the reader, "as an AI …",
  "developer mode", "jailbreak"); text addressed to a model ("note to the AI",
  "if you are an assistant …", "the chatbot must reply …", "in your answer …",
  "tell the user …", "do not reveal …") and sentences that begin with an order
  to answer ("Reply …", "Respond …", "Output …", "Repeat …").
- credential or payment requests, in a sentence addressed to the reader (one
  with "you", "your" or "please", or one that opens with an order such as
  "Enter …"): a verb asking for something (enter, provide, send, share, confirm,
  verify, reply with …) followed within a few words by a secret (password,
  passcode, PIN, credentials, login details, access or API token, one-time or
  verification code, card number, CVV, bank or account details, seed phrase,
  private key); "what is your password"; to pay, send or transfer a fee, money,
  funds or a payment. "Banks must share account details with the tax authority"
  addresses no one and is not flagged.
- calls to open a link: visit, go to, click, tap, open, follow, log in, download …
  followed by a URL, and "click here"; in a sentence addressed to the reader also
  such a verb followed by "link", "website", "portal", "web page" or "QR code",
  and "log in"/"sign in" ("Ruto's visit included the eCitizen portal" is fine).
- unknown links: a URL (http(s)://…, www.…, or a bare domain followed by a path
  such as evil.example/login) whose host is neither one of the document's own
  source hosts nor a subdomain of one.

What it does not catch: instructions paraphrased without these words ("the
assistant's earlier guidance no longer applies"), text in other languages,
obfuscated spellings ("ign0re", spaced letters), instructions split across
sentences, links written without a scheme, "www." or a path ("evil.example"),
and false statements of fact: a document that simply lies reads like any other.
It also flags legitimate text of these shapes, so a help-desk corpus ("Enter your
password to log in") or a corpus about language models ("the system prompt")
loses those sentences as quotes; they stay searchable, and the index report
names each document that has them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

KIND_INSTRUCTIONS = "instructions"
KIND_CREDENTIALS = "credential or payment requests"
KIND_LINK_CALL = "calls to open a link"
KIND_UNKNOWN_LINK = "unknown links"
KINDS = (KIND_INSTRUCTIONS, KIND_CREDENTIALS, KIND_LINK_CALL, KIND_UNKNOWN_LINK)

_I = re.IGNORECASE

# Links ----------------------------------------------------------------------
# A scheme or "www." link, or a bare domain with a path ("evil.example/login").
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>()\[\]{}\"'`]+"
    r"|\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}/[^\s<>()\[\]{}\"'`]*",
    _I,
)

# Each rule runs only on sentences holding one of its trigger words (a set lookup),
# which keeps a sentence's check to a few microseconds: most sentences hold none.
_MODEL = r"(?:AI|A\.I\.|assistant|chat\s*bot|bot|LLM|language\s+model|GPT|ChatGPT|model)"
_AI = r"(?:AI|A\.I\.|(?:AI\s+)?assistant|chat\s*bot|LLM|language\s+model|GPT|ChatGPT)"
_MUST = (
    r"(?:must|should|shall|will\s+now|(?:is|are)\s+(?:instructed|required|told)\s+to)"
    r"\s+(?:always\s+|only\s+|never\s+)?"
)
_MODEL_WORDS = (
    "ai i assistant assistants chat chatbot chatbots bot bots llm llms language gpt chatgpt"
    " model models"
)
_RULES_WORDS = (
    r"(?:instructions?|prompts?|rules|directives?|guidelines|guardrails|guidance|constraints"
    r"|directions|programming|training|system\s+messages?|context)"
)
_QUALIFIER = (
    r"(?:previous|prior|above|earlier|preceding|foregoing|all|any|your|system|original"
    r"|initial|existing|default|safety|every|old|other|those|these)"
)
_INSTRUCTION_RULES: tuple[tuple[str, str], ...] = (
    # ignore/disregard/forget/override (all) (previous) instructions
    (
        "ignore disregard forget override overrule bypass abandon discard follow obey"
        " following obeying",
        rf"\b(?:ignore|disregard|forget|override|overrule|bypass|abandon|discard"
        rf"|(?:do\s+not|don'?t|stop)\s+(?:follow|obey)(?:ing)?)\s+"
        rf"(?:(?:the|of|and|my|our|all)\s+)*{_QUALIFIER}\b(?:\W+\w+){{0,3}}?\W+{_RULES_WORDS}\b",
    ),
    (
        "ignore disregard forget",
        r"\b(?:ignore|disregard|forget)\s+(?:everything|anything|all)\s+"
        r"(?:above|before|previously|prior|earlier|(?:you\s+(?:were|have\s+been)\s+told))",
    ),
    ("system", r"\bsystem\s+prompts?\b"),
    (
        "instruction instructions",
        r"\b(?:new|updated|real|actual|secret|hidden|revised)\s+"
        r"instructions?\s*:",
    ),
    # role changes
    ("you", r"\byou\s+are\s+(?:now|no\s+longer|henceforth|actually\s+an?)\b"),
    (
        "now",
        r"\bfrom\s+now\s+on\b[^.!?]{0,40}\byou\b"
        r"|\bfrom\s+now\s+on,?\s+(?:act|respond|reply|answer|behave|speak|pretend|say)\b",
    ),
    (
        "act behave pretend roleplay role",
        r"(?:^\W*|\byou\s+(?:must|should|will|shall|now|can)?\s*|\bplease\s+|\bnow\s+)"
        r"(?:act|behave|pretend|role-?play)\s+(?:as|like|to\s+be)\b"
        r"|\bpretend\s+(?:to\s+be|you(?:'re|\s+are))\b",
    ),
    (
        "ai intelligence language",
        rf"\bas\s+an?\s+(?:AI|artificial\s+intelligence)(?:\s+{_MODEL})?\s*,"
        rf"|\bas\s+an?\s+(?:large\s+)?language\s+model\b|\bas\s+an\s+AI\s+{_MODEL}\b",
    ),
    ("mode", r"\b(?:developer|DAN|god|jailbreak|unrestricted|unfiltered)\s+mode\b"),
    ("jailbreak jailbreaks jailbroken jailbreaking", r"\bjailbr(?:eak(?:s|ing)?|oken)\b"),
    # text addressed to a model
    (
        _MODEL_WORDS,
        rf"\bif\s+you(?:'re|\s+are)\s+(?:an?\s+|the\s+)?{_MODEL}\b"
        rf"|\bnote\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?{_MODEL}s?\b"
        rf"|\b{_MODEL}s?\s+(?:reading|processing|summari[sz]ing|parsing|indexing)\s+this\b"
        rf"|\b{_MODEL}s?\s+{_MUST}(?:reply|respond|answer|say|tell|output|print|ignore"
        rf"|refuse)\b"
        # "the model must include" may be an economist's model; an assistant's is not
        rf"|\b{_AI}s?\s+{_MUST}(?:write|state|claim|recommend|include|mention|insist"
        rf"|add|describe|call|present|treat)\b",
    ),
    ("note", r"\bnote\s+(?:to|for)\s+(?:the\s+|any\s+|all\s+)?summari[sz]ers?\b"),
    (
        "your",
        r"\b(?:in|at\s+the\s+(?:start|end)\s+of)\s+your\s+(?:answer|reply|response|summary"
        r"|output)s?\b|\byour\s+(?:answer|reply|response|output)s?\s+(?:must|should|shall)\b",
    ),
    (
        "user users",
        r"\b(?:tell|inform|remind|instruct|warn|ask|convince)\s+(?:the\s+|all\s+)?"
        r"users?\b",
    ),
    (
        "user anyone instruction message note text",
        r"\b(?:do\s+not|don'?t|never)\s+(?:tell|reveal|mention|disclose|show)\b"
        r"[^.!?]{0,30}\b(?:the\s+user|anyone|this\s+(?:instruction|message|note|text))\b",
    ),
    (
        "asked answering responding replying",
        r"\bwhen\s+(?:asked|answering|responding|replying)\b[^.!?]{0,60}"
        r"\b(?:reply|respond|answer|say|tell)\s+(?:with|that|only)\b",
    ),
    # a sentence that opens with an order to answer
    (
        "reply respond output repeat print write answer say",
        r"^\W*(?:please\s+)?(?:(?:always|only|just|now)\s+)?(?:reply|respond|answer|say)\s+"
        r"(?:only|with|in|that|exactly|yes|no|using|as|to\s+(?:every|all|any|each|this"
        r"|the\s+user))\b"
        r"|^\W*(?:please\s+)?(?:(?:always|only|just|now)\s+)?(?:output|print|repeat|write)\s+"
        r"(?:the|your|this|these|following|after|only|exactly|everything|all|back)\b",
    ),
)

# Credential and payment requests ---------------------------------------------------
_SECRET = (
    r"(?:pass(?:word|code|phrase)s?|PINs?(?:\s+numbers?)?|credentials?"
    r"|(?:log-?in|sign-?in|account)\s+(?:details|information|info)"
    r"|(?:access|auth(?:entication)?|API|bearer|session|security|secret|refresh)\s+"
    r"(?:tokens?|keys?|codes?)"
    r"|your\s+tokens?|one[- ]time\s+(?:pass(?:word|code)s?|codes?|PINs?)|OTPs?"
    r"|(?:verification|security|confirmation|authenti(?:cation|cator)|2FA|MFA|SMS|log-?in"
    r"|reset)\s+codes?"
    r"|(?:credit|debit|bank|ATM)\s+cards?(?:\s+(?:numbers?|details))?|card\s+(?:numbers?|details)"
    r"|CVV|CVC|(?:bank|banking|account)\s+(?:details|numbers?)|(?:seed|recovery)\s+phrases?"
    r"|private\s+keys?|social\s+security\s+numbers?|SSN)"
)
_SECRET_WORDS = (
    "password passwords passcode passcodes passphrase passphrases pin pins credential"
    " credentials details information info token tokens key keys code codes otp otps card"
    " cards cvv cvc number numbers phrase phrases ssn"
)
_ASK = (
    r"(?:enter|type|provide|send|share|submit|confirm|verify|give|update|input|paste|disclose"
    r"|reveal|supply|re-?enter|tell\s+(?:us|me)|reply\s+with|respond\s+with|email|text|DM"
    r"|message|forward|read\s+out)"
)
_CREDENTIALS = (
    _SECRET_WORDS,
    rf"\b{_ASK}\b(?:\W+\w+){{0,5}}?\W+{_SECRET}\b|\bwhat\s+is\s+your\s+{_SECRET}\b",
)
_PAYMENT = (
    "pay send transfer wire deposit remit",
    r"\b(?:pay|send|transfer|wire|deposit|remit)\b(?:\W+\w+){0,5}?\W+"
    r"(?:fees?|payments?|money|funds|deposits?|Ksh|KES|USD|US\$|\$|bitcoin|BTC|crypto"
    r"|cryptocurrency|gift\s+cards?|M-?Pesa)",
)
_TO_READER = frozenset({"you", "your", "yours", "yourself", "please"})
_IMPERATIVE_START = re.compile(
    r"^\W*(?:(?:to|if|before|after|once|when|for)\b[^,.;:]{0,60},\s*)?"
    rf"(?:please\s+|now\s+|first,?\s+|simply\s+|then\s+)?(?:{_ASK}|pay|send|transfer|wire|deposit"
    r"|remit|visit|go|click|tap|open|follow|log|sign|navigate|head|browse|download|scan)\b",
    _I,
)

# Calls to open a link -------------------------------------------------------------
_ACTION = (
    r"(?:visit|go\s+to|click|tap|open|follow|log\s*-?\s*in|sign\s*-?\s*in|navigate\s+to"
    r"|head\s+(?:over\s+)?to|browse\s+to|download|scan|check\s+out)"
)
_ACTION_WORDS = (
    "visit go click tap open follow log login sign signin navigate head browse download scan check"
)
# To a URL, or "click here": a call to open a link wherever it stands.
_LINK_CALL = (
    _ACTION_WORDS,
    rf"\b{_ACTION}\b[^.!?]{{0,80}}?(?:{_URL.pattern})|\b(?:click|tap)\s+(?:here|below"
    r"|on\s+(?:this|the)\s+(?:link|button|URL))\b",
)
# To "the link", "our portal", or to log in: only in a sentence addressed to the reader.
_LINK_WORD_CALL = (
    _ACTION_WORDS,
    rf"\b{_ACTION}\b[^.!?]{{0,60}}?\b(?:link|URL|hyperlink|website|web\s*site|web\s*page"
    r"|webpage|portal|login\s+page|sign-?in\s+page|QR\s+code)s?\b"
    r"|(?:^\W*(?:please\s+)?|\byou\s+(?:must|need\s+to|should|have\s+to|can|will\s+need\s+to)"
    r"\s+)(?:log|sign)\s*-?\s*in\b",
)


class _Rule:
    """A pattern that runs only when the sentence holds one of its trigger words."""

    __slots__ = ("pattern", "triggers")

    def __init__(self, triggers: str, pattern: str) -> None:
        self.triggers = frozenset(triggers.split())
        self.pattern = re.compile(pattern, _I)

    def search(self, text: str, words: frozenset[str]) -> bool:
        return not self.triggers.isdisjoint(words) and bool(self.pattern.search(text))


_INSTRUCTIONS = tuple(_Rule(t, p) for t, p in _INSTRUCTION_RULES)
_CREDENTIAL_RULE = _Rule(*_CREDENTIALS)
_PAYMENT_RULE = _Rule(*_PAYMENT)
_LINK_CALL_RULES = (_Rule(*_LINK_CALL), _Rule(*_LINK_WORD_CALL))
_WORDS = re.compile(r"[a-z]+")


def host_of(url: str) -> str:
    """The lower-case host of a URL (scheme optional), without "www." or a port."""
    text = url.strip().strip(".,;:!?")
    if not re.match(r"[a-z][a-z0-9+.-]*://", text, _I):
        text = "http://" + text
    try:
        host = urlsplit(text).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


def source_hosts(urls: Iterable[str]) -> frozenset[str]:
    """Hosts of a document's source URLs, including those of URLs inside them
    (an archive copy "https://web.archive.org/web/2022/https://www.state.gov/…"
    vouches for state.gov too)."""
    hosts: set[str] = set()
    for url in urls:
        for m in re.finditer(r"https?://[^\s/]+", url or "", _I):
            host = host_of(m.group(0))
            if host:
                hosts.add(host)
    return frozenset(hosts)


def _known(host: str, known_hosts: Iterable[str]) -> bool:
    return any(host == k or host.endswith("." + k) for k in known_hosts)


def unknown_links(text: str, known_hosts: Iterable[str] = ()) -> list[str]:
    """URLs in text whose host is not one of known_hosts (or a subdomain of one)."""
    known = list(known_hosts)
    return [m.group(0) for m in _URL.finditer(text) if not _known(host_of(m.group(0)), known)]


def classify(sentence: str, known_hosts: Iterable[str] = ()) -> str | None:
    """What the sentence holds (one of `KINDS`, the most specific first: a credential
    request that also gives orders is a credential request), or None for an ordinary
    sentence.

    known_hosts are the hosts of the document's own sources (see `source_hosts`);
    links to them (or their subdomains) are fine, any other link is flagged.
    """
    text = " ".join(sentence.split())
    words = frozenset(_WORDS.findall(text.lower()))
    to_reader = bool(not _TO_READER.isdisjoint(words) or _IMPERATIVE_START.match(text))
    if to_reader and (_CREDENTIAL_RULE.search(text, words) or _PAYMENT_RULE.search(text, words)):
        return KIND_CREDENTIALS
    if any(rule.search(text, words) for rule in _INSTRUCTIONS):
        return KIND_INSTRUCTIONS
    url_call, word_call = _LINK_CALL_RULES
    if url_call.search(text, words) or (to_reader and word_call.search(text, words)):
        return KIND_LINK_CALL
    if ("/" in text or "www." in text.lower()) and unknown_links(text, known_hosts):
        return KIND_UNKNOWN_LINK
    return None


def flagged_sentences(
    text: str, spans: Sequence[tuple[int, int]], known_hosts: Iterable[str] = ()
) -> list[tuple[int, str]]:
    """(index into spans, kind) of every sentence of text that `classify` flags."""
    known = list(known_hosts)
    out = []
    for i, (start, end) in enumerate(spans):
        kind = classify(text[int(start) : int(end)], known)
        if kind is not None:
            out.append((i, kind))
    return out


def describe(count: int, kinds: Iterable[str]) -> str:
    """The index report line for a document with `count` flagged sentences."""
    found = [k for k in KINDS if k in set(kinds)]
    noun = "sentence that addresses" if count == 1 else "sentences that address"
    return f"{count} {noun} the reader or a model ({', '.join(found)}) will not be quoted"
