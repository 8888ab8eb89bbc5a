"""Knowledge-base articles' Markdown as HTML: CommonMark (``markdown-it-py``) with raw HTML
off, then nh3 (Ammonia) over the result, so that no editor's text can put a script on the
public help center. Rendered when an article is saved, so reading a page imports neither."""

from __future__ import annotations

from typing import Any

import nh3

_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "del", "s",
}
_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}, "th": {"align"},
               "td": {"align"}}


def _md() -> Any:
    from markdown_it import MarkdownIt

    # "js-default": CommonMark plus tables and strikethrough, raw HTML not allowed, links checked
    return MarkdownIt("js-default", {"linkify": False, "typographer": False})


_renderer: Any = None


def render(markdown: str) -> str:
    """Safe HTML of ``markdown``. A level-one heading becomes level two: the page's title is
    the article's only ``h1``."""
    global _renderer
    if _renderer is None:
        _renderer = _md()
    html = _renderer.render(markdown)
    html = html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return nh3.clean(
        html, tags=_TAGS, attributes=_ATTRIBUTES, url_schemes={"http", "https", "mailto", "tel"},
        link_rel=None, strip_comments=True,  # links of editors: crawlable, same tab
    )
