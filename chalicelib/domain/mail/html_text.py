"""HTML mail to plain text, with the standard library's HTML parser."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = {
    "p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol",
    "blockquote", "pre", "hr", "section", "article", "header", "footer",
}
_SKIP = {"script", "style", "head", "title", "template"}
# Where mail clients put the quoted message in HTML replies.
_QUOTE_CLASSES = {"gmail_quote", "gmail_extra", "moz-cite-prefix", "yahoo_quoted", "ms-outlook-ios-reply",
                  "outlookmessageheader", "x_gmail_quote", "protonmail_quote", "zmail_extra"}
_QUOTE_IDS = {"divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container", "reply-content"}


class _Text(HTMLParser):
    def __init__(self, drop_quotes: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.drop_quotes = drop_quotes
        self.out: list[str] = []
        self.skip_depth = 0
        self.quote_depth = 0
        self.stack: list[tuple[str, bool]] = []  # (tag, opened a quote)
        self.cut = False  # everything after an Outlook reply header is the quoted mail

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.cut:
            return
        values = dict(attrs)
        classes = set((values.get("class") or "").lower().split())
        ident = (values.get("id") or "").lower()
        quote = self.drop_quotes and (
            tag == "blockquote" or bool(classes & _QUOTE_CLASSES) or ident in _QUOTE_IDS
        )
        if self.drop_quotes and ident in ("divrplyfwdmsg", "appendonsend"):
            self.cut = True
            return
        if tag in _SKIP:
            self.skip_depth += 1
        if tag not in ("br", "hr", "img", "meta", "link", "input", "wbr"):
            self.stack.append((tag, quote))
            if quote:
                self.quote_depth += 1
        if tag in ("br", "hr"):
            self.out.append("\n")
        elif tag in _BLOCK:
            self._line_break()

    def _line_break(self) -> None:
        # Nested blocks (<div><div>) end one line, not several; only <br> makes blank lines.
        if self.out and not self.out[-1].endswith("\n"):
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.cut:
            return
        if tag in _SKIP and self.skip_depth:
            self.skip_depth -= 1
        while self.stack:
            open_tag, quote = self.stack.pop()
            if quote:
                self.quote_depth -= 1
            if open_tag == tag:
                break
        if tag in _BLOCK and tag not in ("br", "hr"):
            self._line_break()

    def handle_data(self, data: str) -> None:
        if self.cut or self.skip_depth or self.quote_depth:
            return
        if not data.strip() and (not self.out or self.out[-1].endswith("\n")):
            return  # the source's own line breaks between blocks are not text
        self.out.append(re.sub(r"[ \t\r\n]+", " ", data))


def html_to_text(html: str, *, drop_quotes: bool = False) -> str:
    """The text of an HTML body: blocks become lines; scripts and styles are dropped; with
    ``drop_quotes``, the quoted message that mail clients append to a reply is dropped too."""
    parser = _Text(drop_quotes)
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; this is for the truly broken
        pass
    text = "".join(parser.out).replace("\xa0", " ")
    lines = [line.strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
