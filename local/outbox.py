"""The local outbox: every mail the desk sent through the emulated SES, as JSON and as a page,
so a newcomer can read exactly what customers get. Part of the local stack only."""

from __future__ import annotations

import email
import email.policy
import html
from typing import Any


def sent_mail() -> list[dict[str, Any]]:
    from moto.backends import get_backend

    found = []
    for account in get_backend("ses").values():
        for region in account.values():
            for message in region.sent_messages:
                raw = getattr(message, "raw_data", None)
                if raw:
                    parsed = email.message_from_string(raw, policy=email.policy.default)
                    body = parsed.get_body(("plain",))
                    found.append({
                        "id": message.id,
                        "to": list(getattr(message, "destinations", None) or []),
                        "from": str(parsed["From"] or ""),
                        "subject": str(parsed["Subject"] or ""),
                        "date": str(parsed["Date"] or ""),
                        "headers": {k: str(v) for k, v in parsed.items()},
                        "text": body.get_content() if body is not None else "",
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
