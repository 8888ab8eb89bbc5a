"""Opaque identifiers: a type prefix (readable in logs and support requests) and 128 random bits."""

from __future__ import annotations

import secrets

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def new_id(prefix: str) -> str:
    value = secrets.randbits(128)
    chars = []
    while value:
        value, rem = divmod(value, 36)
        chars.append(_ALPHABET[rem])
    return f"{prefix}_{''.join(reversed(chars)).rjust(25, '0')}"


def ticket_id() -> str:
    return new_id("tkt")


def message_id() -> str:
    return new_id("msg")


def customer_id() -> str:
    return new_id("cus")
