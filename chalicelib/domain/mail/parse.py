"""Reading a raw e-mail (RFC 5322 / MIME) into what the desk needs, with the standard
library's ``email`` package (modern policy). Nothing here may raise on a malformed message:
a header that cannot be parsed is read raw, a part in an unknown charset is decoded as well
as it can be, and what cannot be read at all is reported in ``defects``."""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field, replace
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr

from .html_text import html_to_text

# Labels that mail clients use and Python does not know, or knows under another name.
_CHARSET_ALIASES = {
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "x-sjis": "shift_jis",
    "gb2312": "gb18030",  # a superset: mail labelled GB2312 often holds GBK characters
    "gbk": "gb18030",
    "iso-8859-8-i": "iso-8859-8",
    "windows-874": "cp874",
    "unicode-1-1-utf-7": "utf-7",
    "x-unknown": "utf-8",
    "unknown-8bit": "utf-8",
}


@dataclass(frozen=True)
class Address:
    name: str
    email: str  # lower-cased


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str
    content_type: str
    content: bytes
    inline: bool  # an inline image referenced from the HTML
    content_id: str | None = None


@dataclass(frozen=True)
class ParsedMail:
    message_id: str | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    sender: Address | None  # From
    reply_to: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    subject: str
    text: str  # the body as plain text (from the HTML part when there is no text part)
    html: str | None
    attachments: tuple[ParsedAttachment, ...]
    headers: dict[str, str]  # lower-cased names; the first value of each
    content_type: str
    return_path: str | None  # None when absent; "" for the empty path <> (a bounce)
    defects: tuple[str, ...] = field(default=())

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


def parse_mail(raw: bytes) -> ParsedMail:
    """Parse a raw message. Never raises."""
    defects: list[str] = []
    message: Message = email.message_from_bytes(raw, policy=email.policy.default)
    headers: dict[str, str] = {}
    for name in set(k.lower() for k in message.keys()):
        headers[name] = _header(message, name, defects)

    text_parts: list[str] = []
    html_parts: list[str] = []
    attachments: list[ParsedAttachment] = []
    _walk(message, text_parts, html_parts, attachments, defects)
    html = "\n".join(html_parts) if html_parts else None
    if html:
        # What the HTML shows by its Content-ID is inline, whatever the disposition says
        # (clients, Python's own add_related among them, often mark such images "attachment").
        shown = html.lower()
        attachments = [
            replace(a, inline=True)
            if a.content_id and not a.inline and a.content_type.startswith("image/")
            and f"cid:{a.content_id.lower()}" in shown
            else a
            for a in attachments
        ]
    text = "\n\n".join(p for p in text_parts if p.strip())
    if not text.strip() and html:
        text = html_to_text(html)

    return_path = None
    if "return-path" in headers:
        return_path = parseaddr(headers["return-path"])[1].strip().lower()
    return ParsedMail(
        message_id=_one_id(headers.get("message-id", "")),
        in_reply_to=_ids(headers.get("in-reply-to", "")),
        references=_ids(headers.get("references", "")),
        sender=next(iter(_addresses(message, "from", defects)), None),
        reply_to=_addresses(message, "reply-to", defects),
        to=_addresses(message, "to", defects),
        cc=_addresses(message, "cc", defects),
        subject=" ".join(headers.get("subject", "").split()),
        text=text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", ""),
        html=html,
        attachments=tuple(attachments),
        headers=headers,
        content_type=message.get_content_type(),
        return_path=return_path,
        defects=tuple(defects),
    )


def _header(message: Message, name: str, defects: list[str]) -> str:
    try:
        value = message.get(name)
        return "" if value is None else str(value)
    except Exception as error:  # a header the modern parser chokes on: read it raw
        defects.append(f"header {name}: {type(error).__name__}")
        raw = message.get_all(name, failobj=[""])
        return str(raw[0]) if raw else ""


def _addresses(message: Message, name: str, defects: list[str]) -> tuple[Address, ...]:
    try:
        values = [str(v) for v in message.get_all(name, failobj=[])]
    except Exception as error:
        defects.append(f"address {name}: {type(error).__name__}")
        return ()
    found = []
    for display, address in getaddresses(values):
        address = address.strip().lower()
        if "@" in address:
            found.append(Address(" ".join(display.split()), address))
    return tuple(found)


_ID = re.compile(r"<([^<>\s]+)>")


def _ids(value: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_ID.findall(value)))


def _one_id(value: str) -> str | None:
    ids = _ids(value)
    if ids:
        return ids[0]
    value = value.strip()
    return value or None


def _walk(
    part: Message,
    text_parts: list[str],
    html_parts: list[str],
    attachments: list[ParsedAttachment],
    defects: list[str],
) -> None:
    if part.is_multipart():
        payload = part.get_payload()
        if not isinstance(payload, list):
            return
        children = [c for c in payload if isinstance(c, Message)]  # a multipart's parts are messages
        if part.get_content_subtype() == "alternative":
            # One rendering of the same content: the plain text if there is one.
            plain = [c for c in children if c.get_content_type() == "text/plain" and not _is_attachment(c)]
            html = [c for c in children if c.get_content_type() == "text/html" and not _is_attachment(c)]
            for child in children:
                if child in plain or child in html:
                    continue
                _walk(child, text_parts, html_parts, attachments, defects)
            if plain:
                text_parts.append(_text(plain[0], defects))
            if html:
                html_parts.append(_text(html[0], defects))
            return
        for child in children:
            _walk(child, text_parts, html_parts, attachments, defects)
        return
    content_type = part.get_content_type()
    if content_type == "message/rfc822" or _is_attachment(part) or not content_type.startswith("text/"):
        attachments.append(_attachment(part, defects))
    elif content_type == "text/html":
        html_parts.append(_text(part, defects))
    elif content_type in ("text/plain", "text/enriched") or content_type == "text/x-uuencode":
        text_parts.append(_text(part, defects))
    else:  # text/calendar, text/csv ...: a file, not the body
        attachments.append(_attachment(part, defects))


def _is_attachment(part: Message) -> bool:
    try:
        disposition = part.get_content_disposition()
    except Exception:
        disposition = None
    return disposition == "attachment" or (disposition is None and bool(_filename(part)) and not
                                           part.get_content_type().startswith("text/plain"))


def _filename(part: Message) -> str:
    try:
        return part.get_filename() or ""
    except Exception:
        return ""


def _bytes(part: Message, defects: list[str]) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception as error:
        defects.append(f"payload: {type(error).__name__}")
        payload = None
    if isinstance(payload, bytes):
        return payload
    raw = part.get_payload()  # not decodable (a multipart, or decoding failed)
    if isinstance(raw, str):
        return raw.encode("utf-8", "replace")
    if isinstance(raw, list):  # message/rfc822 holds a message
        return b"".join(m.as_bytes() if isinstance(m, EmailMessage) else bytes(str(m), "utf-8") for m in raw)
    return b""


def _text(part: Message, defects: list[str]) -> str:
    data = _bytes(part, defects)
    declared = (part.get_content_charset() or "").lower()
    for charset in dict.fromkeys([_CHARSET_ALIASES.get(declared, declared), "utf-8"]):
        if not charset:
            continue
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    defects.append(f"charset {declared or 'none'}: decoded with replacements")
    return data.decode(_CHARSET_ALIASES.get(declared, "utf-8") if _known(declared) else "utf-8", "replace")


def _known(charset: str) -> bool:
    import codecs

    try:
        codecs.lookup(_CHARSET_ALIASES.get(charset, charset))
        return True
    except LookupError:
        return False


def _attachment(part: Message, defects: list[str]) -> ParsedAttachment:
    content_type = part.get_content_type()
    name = _filename(part) or ("message.eml" if content_type == "message/rfc822" else "attachment")
    try:
        disposition = part.get_content_disposition()
    except Exception:
        disposition = None
    content_id = _ID.findall(str(part.get("Content-ID", "")))
    return ParsedAttachment(
        filename=name,
        content_type=content_type,
        content=_bytes(part, defects),
        # Shown inside the HTML: an image with a Content-ID that is not offered as a download
        # (Outlook often sets no disposition at all on these).
        inline=bool(content_id) and content_type.startswith("image/") and disposition != "attachment",
        content_id=content_id[0] if content_id else None,
    )
