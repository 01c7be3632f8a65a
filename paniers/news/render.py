"""The news sheet's text as HTML: a small, safe subset of Markdown.

Bold, italics, bulleted or numbered lists and line breaks; nothing else is read as
markup. Raw HTML is escaped (``html`` off), and links, images, headings and entities are
left as the characters typed, so nothing a coordinator pastes can run, load or point
anywhere from a mail or a printed page.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

_MARKDOWN = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False}).enable(
    ["emphasis", "list", "newline"])


def to_html(text: str) -> Markup:
    return Markup(_MARKDOWN.render(text or ""))  # noqa: S704 (escaped by the renderer)
