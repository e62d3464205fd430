"""HTML mail bodies → the plain text a person would read on screen."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup
from bs4.element import NavigableString, PageElement, Tag

# Never rendered as text; <title> lives in <head> but stray ones appear in bodies too.
_INVISIBLE = frozenset({"head", "title", "style", "script", "noscript", "template"})
_PARAGRAPHS = frozenset({"p", "blockquote", "table", "h1", "h2", "h3", "h4", "h5", "h6"})
_LINES = frozenset(
    {"div", "li", "tr", "ul", "ol", "dl", "dt", "dd", "section", "article", "header", "footer"},
)
_CELLS = frozenset({"td", "th"})

# Block edges are "soft": like a browser, two adjacent edges make one break, while each
# <br> is a hard break. Marker characters carry that distinction until the final pass.
_SOFT_LINE = "\x1d"
_SOFT_PARAGRAPH = "\x1e"
_SPACES = re.compile(r"\s+")
# Python counts \x1d and \x1e as whitespace; they must survive this pass.
_BLANKS = re.compile(r"[^\S\n\x1d\x1e]+")
# Only single spaces remain between breaks, so this cannot backtrack over long blank runs.
_BREAK_RUN = re.compile(r"[ \n\x1d\x1e]*[\n\x1d\x1e][ \n\x1d\x1e]*")


def html_to_text(html: str) -> str:
    """Readable text of `html`: no tags, entities decoded, blocks on their own lines."""
    chunks: list[str] = []
    # An explicit stack of elements and closing markers, never tree surgery: bs4's
    # insert_after() is linear in the subtree, so deeply nested mail HTML went quadratic.
    stack: list[PageElement | str] = [BeautifulSoup(html, "lxml")]
    while stack:
        item = stack.pop()
        if isinstance(item, Tag):
            stack.extend(_open(item, chunks))
        elif isinstance(item, NavigableString):
            if type(item) is NavigableString:  # not a Comment, Doctype...
                # Newlines in HTML source are plain spaces to a browser.
                chunks.append(_SPACES.sub(" ", item))
        elif isinstance(item, str):  # a closing marker
            chunks.append(item)
    text = "".join(chunks).replace("\r\n", "\n").replace("\r", "\n")
    return _BREAK_RUN.sub(_render_breaks, _BLANKS.sub(" ", text)).strip()


def _open(tag: Tag, chunks: list[str]) -> list[PageElement | str]:
    """Emit what opens `tag`; return what is left to visit, last first."""
    if tag.name in _INVISIBLE:
        return []
    if tag.name == "br":
        chunks.append("\n")
        return []
    if tag.name == "pre":  # its own line breaks count, so no whitespace collapsing inside
        chunks.extend((_SOFT_PARAGRAPH, tag.get_text(), _SOFT_PARAGRAPH))
        return []
    edge = _edge(tag.name)
    chunks.append(edge)
    closing = " " if tag.name in _CELLS else edge
    return [closing, *reversed(tag.contents)]


def _edge(name: str) -> str:
    if name in _PARAGRAPHS:
        return _SOFT_PARAGRAPH
    return _SOFT_LINE if name in _LINES else ""


def _render_breaks(run: re.Match[str]) -> str:
    newlines = 0
    for char in run.group():
        if char == "\n":
            newlines += 1
        elif char == _SOFT_LINE:
            newlines = max(newlines, 1)
        elif char == _SOFT_PARAGRAPH:
            newlines = max(newlines, 2)
    return "\n" * min(newlines, 2)
