"""Posts are written in Markdown and shown as HTML rendered by a maintained renderer
(markdown-it-py, CommonMark with tables and strikethrough, raw HTML off) and then cleaned by a
maintained sanitiser (nh3) to an allow-list of tags and attributes: never escaping by hand.
Links open in the same tab and carry ``rel="nofollow noopener noreferrer"``."""

from __future__ import annotations

from functools import cache

import nh3
from markdown_it import MarkdownIt

TAGS = {
    "p", "br", "em", "strong", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td", "hr",
}  # fmt: skip
# No style attributes: the content security policy allows no inline styles.
ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


@cache
def _renderer() -> MarkdownIt:
    # html=False: raw HTML in a post is shown as text, before nh3 cleans what is left.
    renderer = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True})
    return renderer.enable(["table", "strikethrough"])


def _demote_headings(html: str) -> str:
    """A post's headings sit below the page's own (h1 page, h2 thread); # becomes h3."""
    for level in (6, 5, 4, 3, 2, 1):
        shown = min(level + 2, 6)
        html = html.replace(f"<h{level}>", f"<h{shown}>").replace(f"</h{level}>", f"</h{shown}>")
    return html


def render(body: str) -> str:
    """The post's Markdown as safe HTML."""
    html = _demote_headings(_renderer().render(body))
    return nh3.clean(
        html,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
