"""Opaque identifiers: a type prefix (readable in logs and support requests) and 128 random bits."""

from __future__ import annotations

import hashlib
import hmac
import secrets

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def new_id(prefix: str) -> str:
    return _format(prefix, secrets.randbits(128))


def derived_id(prefix: str, secret: str, seed: str) -> str:
    """An id that is the same each time for the same ``seed`` (a retried mail names the
    ticket and files its first attempt named), and as unguessable as a random one without
    ``secret``."""
    digest = hmac.new(secret.encode(), f"{prefix}:{seed}".encode(), hashlib.sha256).digest()
    return _format(prefix, int.from_bytes(digest[:16], "big"))


def _format(prefix: str, value: int) -> str:
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
