"""The local outbox: every mail the desk sent through the emulated SES, as JSON and as a page,
so a newcomer can read exactly what customers get. Part of the local stack only."""

from __future__ import annotations

import email
import email.policy
import html
import re
from email.header import decode_header, make_header
from typing import Any


def sent_mail() -> list[dict[str, Any]]:
    from moto.backends import get_backend

    found = []
    for account in get_backend("ses").values():
        for region in account.values():
            for message in region.sent_messages:
                raw = getattr(message, "raw_data", None)
                if raw:
                    headers = _headers(raw)
                    found.append({
                        "id": message.id,
                        "to": _recipients(getattr(message, "destinations", None) or []),
                        "from": headers.get("From", ""),
                        "subject": headers.get("Subject", ""),
                        "date": headers.get("Date", ""),
                        "headers": headers,
                        "text": _text(raw),
                    })
                else:
                    found.append({
                        "id": message.id,
                        "to": list((getattr(message, "destinations", None) or {}).get("ToAddresses", [])),
                        "from": getattr(message, "source", ""),
                        "subject": getattr(message, "subject", ""),
                        "date": "",
                        "headers": {},
                        "text": getattr(message, "body", ""),
                    })
    return list(reversed(found))


def _recipients(destinations: list[str]) -> list[str]:
    """Each recipient once: moto adds the To/Cc addresses of a raw message to the destinations
    it was sent to, so every address of ours is there twice (once as "Name <address>")."""
    from email.utils import parseaddr

    seen: dict[str, str] = {}
    for destination in destinations:
        address = parseaddr(destination)[1] or destination
        seen.setdefault(address.lower(), address)
    return list(seen.values())


# The outbox shows what was sent, whatever it holds: Python's structured header parser
# (policy.default) raises on some addresses (IndexError, TypeError), so headers are read as
# sent (compat32 never parses them) and only their encoded words are decoded, where they decode.

def _headers(raw: str) -> dict[str, str]:
    message = email.message_from_string(raw, policy=email.policy.compat32)
    return {name: _decoded(str(value)) for name, value in message.items()}


def _decoded(value: str) -> str:
    value = re.sub(r"\r?\n(?=[ \t])", "", value)  # unfolded
    try:
        return str(make_header(decode_header(value)))
    except Exception:  # an encoded word that does not decode: shown as sent
        return value


def _text(raw: str) -> str:
    try:
        body = email.message_from_string(raw, policy=email.policy.default).get_body(("plain",))
        return body.get_content() if body is not None else ""
    except Exception:
        pass
    for part in email.message_from_string(raw, policy=email.policy.compat32).walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True) or b""
            return payload.decode(part.get_content_charset() or "utf-8", "replace")
    return ""


def outbox_page(messages: list[dict[str, Any]]) -> str:
    items = "".join(
        "<article><h2>{subject}</h2><p class=meta>To {to} &middot; from {sender} &middot; {date}</p>"
        "<pre>{text}</pre></article>".format(
            subject=html.escape(m["subject"]), to=html.escape(", ".join(m["to"])),
            sender=html.escape(m["from"]), date=html.escape(m["date"]), text=html.escape(m["text"]),
        )
        for m in messages
    ) or "<p>Nothing sent yet.</p>"
    return (
        "<!doctype html><html lang=en><head><meta charset=utf-8><title>Outbox - local desk</title>"
        "<style>body{font:15px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}"
        "article{border:1px solid #ccd;border-radius:8px;padding:.5rem 1rem;margin:1rem 0}"
        ".meta{color:#555}pre{white-space:pre-wrap}</style></head>"
        f"<body><h1>Outbox</h1><p>Mail the local desk sent ({len(messages)}).</p>{items}</body></html>"
    )
