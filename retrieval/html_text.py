"""The visible text of an HTML page, in sections at its headings (for `retrieval.loaders`).

Text a reader never sees is dropped: hidden elements are a common way to plant
instructions for a language model in a page that looks harmless in a browser.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Inline styles that hide an element from a reader (a stylesheet's rules are not seen).
_HIDING_STYLE = re.compile(
    r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)"
    r"|opacity\s*:\s*(?:0+(?:\.0*)?|\.0+)\s*(?:!important\s*)?(?:;|$)"
    r"|font-size\s*:\s*0+(?:\.0*)?(?:px|pt|em|rem|%)?\s*(?:!important\s*)?(?:;|$))",
    re.IGNORECASE,
)


def _tags(names: str) -> frozenset[str]:
    return frozenset(names.split())


# Elements that never have content or an end tag.
_VOID = _tags("area base br col embed hr img input keygen link meta param source track wbr")
# Start tags that end an open <p> (an HTML parser closes it implicitly).
_CLOSES_P = _tags(
    "address article aside blockquote details div dl fieldset figcaption figure footer form"
    " h1 h2 h3 h4 h5 h6 header hgroup hr main menu nav ol p pre section table ul"
)
# Where the search for a <p> to close stops: it cannot be open outside these.
_P_SCOPE = _CLOSES_P | _tags("li dd dt td th button body html template")
# Elements a sibling of the same kind closes: <li>a<li>b.
_CLOSED_BY_SIBLING = {
    "li": ("ul", "ol", "menu"),
    "dt": ("dl",),
    "dd": ("dl",),
    "tr": ("table", "tbody", "thead", "tfoot"),
    "option": ("select",),
}


def hides_content(tag: str, attrs: list[tuple[str, str | None]]) -> bool:
    """Whether an element is hidden from a reader: <template>, the `hidden` attribute
    (not hidden="until-found", which a find in the page reveals), aria-hidden="true",
    or an inline style with display:none, visibility:hidden, opacity:0 or font-size:0."""
    if tag == "template":
        return True
    for name, value in attrs:
        value = (value or "").strip().lower()
        if name == "hidden" and value != "until-found":
            return True
        if name == "aria-hidden" and value == "true":
            return True
        if name == "style" and _HIDING_STYLE.search(value):
            return True
    return False


class HTMLText(HTMLParser):
    """The visible text of an HTML page, split into sections at its headings.

    Scripts, styles, navigation, headers, footers, asides and forms are left out, and
    so is text a reader never sees (see `hides_content`): hidden text is a common way to plant
    instructions for a language model in a page. An open-element stack tracks which
    elements are hidden, closing them as browsers do when an end tag is missing."""

    SKIP = frozenset(
        {"script", "style", "nav", "header", "footer", "aside", "noscript", "form", "svg"}
    )
    BLOCK = frozenset(
        {"p", "div", "li", "br", "tr", "section", "article", "main", "blockquote", "pre"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.sections: list[tuple[str, list[str]]] = [("", [])]
        self._skip = 0
        self._heading: list[str] | None = None
        self._in_title = False
        self._main_depth = 0
        self.saw_main = False
        self._open: list[tuple[str, bool]] = []  # (tag, hides its content) of open elements
        self._hidden = 0  # open elements that hide their content

    # The open-element stack -----------------------------------------------------
    # Searches look at the innermost _SCAN elements only, and past _MAX_OPEN elements
    # only hiding ones are tracked, so a page of 100,000 unclosed or stray tags costs
    # linear time, not quadratic.
    _SCAN = 256
    _MAX_OPEN = 4096

    def _innermost(self) -> range:
        return range(len(self._open) - 1, max(-1, len(self._open) - 1 - self._SCAN), -1)

    def _push(self, tag: str, hides: bool) -> None:
        if tag in _CLOSES_P:  # closes an open <p>, with the inline elements inside it
            for i in self._innermost():
                if self._open[i][0] == "p":
                    self._pop_to(i)
                    break
                if self._open[i][0] in _P_SCOPE:
                    break
        parents = _CLOSED_BY_SIBLING.get(tag)
        if parents is not None:
            for i in self._innermost():
                if self._open[i][0] in parents:
                    break
                if self._open[i][0] == tag:
                    self._pop_to(i)
                    break
        if hides or len(self._open) < self._MAX_OPEN:
            self._open.append((tag, hides))
            self._hidden += hides

    def _pop_to(self, index: int) -> None:
        """Close the element at index and everything opened inside it."""
        self._hidden -= sum(hides for _, hides in self._open[index:])
        del self._open[index:]

    def _close(self, tag: str) -> bool:
        """Close the innermost open `tag`; whether it was hidden (or inside a hidden
        element). A stray end tag closes nothing and counts as where the parser is."""
        for i in self._innermost():
            if self._open[i][0] == tag:
                itself = self._open[i][1]
                self._pop_to(i)
                return itself or self._hidden > 0
        return self._hidden > 0

    # Parser events --------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _VOID:
            self._push(tag, hides_content(tag, attrs))
        if self._hidden:
            return
        if tag in self.SKIP:
            self._skip += 1
        elif tag in ("main", "article"):
            if not self.saw_main:
                self.sections = [("", [])]
            self.saw_main = True
            self._main_depth += 1
        elif tag == "title":
            self._in_title = True
        elif re.fullmatch(r"h[1-6]", tag) and self._visible():
            self._heading = []
        elif tag in self.BLOCK:
            self.sections[-1][1].append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:  # <br/>
            self.handle_starttag(tag, attrs)
        # <div hidden/>: an element with no content; nothing opens

    def handle_endtag(self, tag: str) -> None:
        if self._close(tag):
            return
        if tag in self.SKIP:
            self._skip = max(0, self._skip - 1)
        elif tag in ("main", "article"):
            self._main_depth -= 1
        elif tag == "title":
            self._in_title = False
        elif re.fullmatch(r"h[1-6]", tag) and self._heading is not None:
            heading = " ".join("".join(self._heading).split())
            self._heading = None
            if tag == "h1" and not self.title:
                self.title = heading
            self.sections.append((heading, []))
        elif tag in self.BLOCK:
            self.sections[-1][1].append("\n\n")

    def _visible(self) -> bool:
        return not self._skip and not self._hidden and not (self.saw_main and self._main_depth == 0)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = self.title or data.strip()
            return
        if not self._visible():
            return
        if self._heading is not None:
            self._heading.append(data)
        else:
            self.sections[-1][1].append(data)
