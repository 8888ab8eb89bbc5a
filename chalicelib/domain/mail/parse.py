"""Reading a raw e-mail (RFC 5322 / MIME) into what the desk needs, with the standard
library's ``email`` package (modern policy). Nothing here may raise on a malformed message:
a header that cannot be parsed is read raw, a part in an unknown charset is decoded as well
as it can be, and what cannot be read at all is reported in ``defects``."""

from __future__ import annotations

import email
import email.parser
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
    """Parse a raw message. Never raises: a message the ``email`` package cannot take apart
    (a multipart nested a thousand deep exhausts its recursion) is read by its headers and
    the text of its body, as a mail client shows a message it cannot parse."""
    try:
        return _parse(raw)
    except Exception as error:  # RecursionError among them
        try:
            return _parse_shallow(raw, f"unparsable structure: {type(error).__name__}")
        except Exception as again:
            return _unreadable(f"unparsable: {type(error).__name__}, {type(again).__name__}")


def _parse(raw: bytes) -> ParsedMail:
    defects: list[str] = []
    message: Message = email.message_from_bytes(raw, policy=email.policy.default)
    text_parts: list[str] = []
    html_parts: list[str] = []
    attachments: list[ParsedAttachment] = []
    _walk(message, text_parts, html_parts, attachments, defects)
    if not any(p.strip() for p in text_parts + html_parts) and any(d.startswith("nesting") for d in defects):
        # The text lies below the depth we walk: read it from the body as it stands.
        text_parts.append(_loose_text(_raw_body(raw), defects))
    return _assemble(message, text_parts, html_parts, attachments, defects)


def _parse_shallow(raw: bytes, defect: str) -> ParsedMail:
    defects = [defect]
    message: Message = email.parser.BytesParser(policy=email.policy.default).parsebytes(raw, headersonly=True)
    _bound_headers(message, defects)
    return _assemble(message, [_loose_text(_raw_body(raw), defects)], [], [], defects)


def _unreadable(defect: str) -> ParsedMail:
    return ParsedMail(
        message_id=None, in_reply_to=(), references=(), sender=None, reply_to=(), to=(), cc=(), subject="",
        text="", html=None, attachments=(), headers={}, content_type="text/plain", return_path=None,
        defects=(defect,),
    )


def _assemble(
    message: Message,
    text_parts: list[str],
    html_parts: list[str],
    attachments: list[ParsedAttachment],
    defects: list[str],
) -> ParsedMail:
    headers: dict[str, str] = {}
    for name in set(k.lower() for k in message.keys()):
        headers[name] = _header(message, name, defects)
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


MAX_HEADER_CHARS = 16 * 1024  # a few hundred addresses or references


def _bound_headers(part: Message, defects: list[str]) -> None:
    """Cut header values longer than ``MAX_HEADER_CHARS`` before anything parses them: the
    ``email`` package's address parser takes time quadratic in a header's length (a 100 KB
    To: took 5 s, a megabyte would take minutes). References keeps its end (the newest ids)."""
    items = list(part.raw_items())
    if all(len(value) <= MAX_HEADER_CHARS for _, value in items):
        return
    for name in {name for name, _ in items}:
        del part[name]
    for name, value in items:
        if len(value) > MAX_HEADER_CHARS:
            defects.append(f"header {name.lower()}: {len(value)} characters, cut")
            if name.lower() == "references":
                value = value[-MAX_HEADER_CHARS:].partition(" ")[2] or value[-MAX_HEADER_CHARS:]
            else:
                value = value[:MAX_HEADER_CHARS].rpartition(",")[0] or value[:MAX_HEADER_CHARS]
        part.set_raw(name, value)


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


MAX_DEPTH = 64  # multiparts inside multiparts that are walked; real mail nests a handful deep


def _walk(
    root: Message,
    text_parts: list[str],
    html_parts: list[str],
    attachments: list[ParsedAttachment],
    defects: list[str],
) -> None:
    """Collect the body and the files, parts in order, iteratively (no recursion to exhaust)
    and no deeper than ``MAX_DEPTH``."""
    # Work items: a part to read at a depth, or a text / HTML body chosen from an alternative.
    stack: list[tuple[Message, int, str]] = [(root, 0, "part")]
    while stack:
        part, depth, what = stack.pop()
        _bound_headers(part, defects)
        if what == "text":
            text_parts.append(_text(part, defects))
            continue
        if what == "html":
            html_parts.append(_text(part, defects))
            continue
        if part.get_content_maintype() == "multipart" or part.is_multipart():
            if depth >= MAX_DEPTH:
                defects.append(f"nesting deeper than {MAX_DEPTH}: not walked")
                continue
            payload = part.get_payload()
            if isinstance(payload, str):  # a multipart the parser could not split
                children = _recovered_parts(part, payload, defects)
                if children is None:
                    text_parts.append(_loose_text(_payload_bytes(payload), defects))
                    continue
            elif isinstance(payload, list):
                children = [c for c in payload if isinstance(c, Message)]
            else:
                continue
            work: list[tuple[Message, int, str]] = []
            if part.get_content_subtype() == "alternative":
                # One rendering of the same content: the plain text if there is one.
                plain = [c for c in children if c.get_content_type() == "text/plain" and not _is_attachment(c)]
                html = [c for c in children if c.get_content_type() == "text/html" and not _is_attachment(c)]
                work = [(c, depth + 1, "part") for c in children if c not in plain and c not in html]
                if plain:
                    work.append((plain[0], depth + 1, "text"))
                if html:
                    work.append((html[0], depth + 1, "html"))
            else:
                work = [(c, depth + 1, "part") for c in children]
            stack.extend(reversed(work))
            continue
        content_type = part.get_content_type()
        if content_type == "message/rfc822" or _is_attachment(part) or not content_type.startswith("text/"):
            attachments.append(_attachment(part, defects))
        elif content_type == "text/html":
            html_parts.append(_text(part, defects))
        elif content_type in ("text/plain", "text/enriched") or content_type == "text/x-uuencode":
            text_parts.append(_text(part, defects))
        else:  # text/calendar, text/csv ...: a file, not the body
            attachments.append(_attachment(part, defects))


# A delimiter line: "--" and a boundary (RFC 2046's characters), "--" after the last part.
_DELIMITER = re.compile(r"^--([0-9A-Za-z'()+_,./:=?-]{1,70}?)(--)?[ \t]*$")
_PART_HEADER = re.compile(r"^[!-9;-~]+:")


def _payload_bytes(payload: str) -> bytes:
    """A body as the parser kept it (bytes it could not read as ASCII are escaped)."""
    return payload.encode("ascii", "surrogateescape")


def _raw_body(raw: bytes) -> bytes:
    """What follows a message's header (the first empty line)."""
    for separator in (b"\r\n\r\n", b"\n\n", b"\r\r"):
        at = raw.find(separator)
        if at >= 0:
            return raw[at + len(separator):]
    return b""


def _recovered_parts(part: Message, payload: str, defects: list[str]) -> list[Message] | None:
    """The parts of a multipart whose declared boundary is missing or not the one used: split
    again on the first delimiter line of the body. None when there is none to split on."""
    seen: set[str] = set()
    closing: set[str] = set()
    for line in payload.splitlines()[:10000]:
        found = _DELIMITER.match(line)
        if found is None:
            continue
        if found.group(2):
            closing.add(found.group(1))
        elif found.group(1) not in seen:
            seen.add(found.group(1))
            boundary = found.group(1)
            rebuilt = email.message_from_bytes(
                f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'.encode() + _payload_bytes(payload),
                policy=email.policy.default,
            )
            children = rebuilt.get_payload()
            if isinstance(children, list) and children:
                defects.append(f"multipart: parts found by the boundary used ({boundary!r})")
                return [c for c in children if isinstance(c, Message)]
    defects.append("multipart: no parts; its body read as text")
    return None


def _loose_text(data: bytes, defects: list[str]) -> str:
    """The readable text of a body whose structure cannot be followed (too deep, or not
    split by the parser): cut at every delimiter line, whatever its nesting, each piece that
    opens with part headers is read as that part (its transfer encoding and charset); the
    text parts are the text, else the HTML ones, else what lies outside any part."""
    plain: list[str] = []
    html: list[str] = []
    bare: list[str] = []
    for piece in _pieces(data):
        if not piece.strip():
            continue
        if not _PART_HEADER.match(piece.lstrip(b"\r\n").decode("latin-1")):
            bare.append(_decode(piece, "", defects))
            continue
        part = email.parser.BytesParser(policy=email.policy.default).parsebytes(piece.lstrip(b"\r\n"))
        content_type = part.get_content_type()
        if part.get_content_maintype() == "multipart" or _is_attachment(part):
            continue
        if content_type in ("text/plain", "text/enriched"):
            plain.append(_text(part, defects))
        elif content_type == "text/html":
            html.append(html_to_text(_text(part, defects)))
    texts = plain or html or bare
    return "\n\n".join(t.strip("\r\n") for t in texts if t.strip())


def _pieces(data: bytes) -> list[bytes]:
    """``data`` cut at its delimiter lines ("--boundary", "--boundary--"), in one pass."""
    pieces: list[bytes] = []
    current: list[bytes] = []
    for line in data.splitlines(keepends=True):
        stripped = line.strip()
        if len(stripped) > 3 and _DELIMITER.match(stripped.decode("latin-1")):
            pieces.append(b"".join(current))
            current = []
            continue
        current.append(line)
    pieces.append(b"".join(current))
    return pieces


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
    return _decode(_bytes(part, defects), (part.get_content_charset() or "").lower(), defects)


def _decode(data: bytes, declared: str, defects: list[str]) -> str:
    """Text in the charset it declares; if that does not read it (undeclared, or declared
    wrongly), UTF-8 when the bytes are valid UTF-8, else Windows-1252 (the usual 8-bit text
    sent without a label, a superset of Latin-1's printable characters), else Latin-1."""
    for charset in dict.fromkeys([_CHARSET_ALIASES.get(declared, declared), "utf-8"]):
        if not charset:
            continue
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    for charset in ("cp1252", "latin-1"):
        try:
            text = data.decode(charset)
        except UnicodeDecodeError:
            continue
        defects.append(f"charset {declared or 'none'}: read as {charset}")
        return text
    return data.decode("utf-8", "replace")  # not reached: Latin-1 reads any byte


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
