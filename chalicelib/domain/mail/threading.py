"""How an incoming mail finds its ticket, in this order (the rule that matched is recorded):

1. a signed reply address, ``support+<ticket id>.<signature>@domain``: only mail we sent
   carries it, and the HMAC means it cannot be guessed for another ticket;
2. In-Reply-To / References naming a Message-ID we stored (SES's for our mail, the
   customer's for theirs);
3. a ``[#1234]`` subject tag, but only from that ticket's requester or a CC on it, so that
   an unrelated mail quoting a number never lands on someone else's ticket.
Anything else opens a new ticket.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import re

from ..keys import signing_key


class ThreadRule(enum.StrEnum):
    REPLY_ADDRESS = "reply_address"
    MESSAGE_ID = "message_id"
    SUBJECT_TAG = "subject_tag"
    NEW_TICKET = "new_ticket"


_SIGNATURE_CHARS = 16
_TAG = re.compile(r"\[#(\d{1,12})\]")


def _signature(secret: str, ticket_id: str) -> str:
    key = signing_key(secret, "mail")
    return hmac.new(key, ticket_id.encode(), hashlib.sha256).hexdigest()[:_SIGNATURE_CHARS]


def reply_address(secret: str, support_address: str, ticket_id: str) -> str:
    """The Reply-To of our mail about a ticket."""
    local, _, domain = support_address.partition("@")
    return f"{local}+{ticket_id}.{_signature(secret, ticket_id)}@{domain}"


def ticket_from_address(secret: str, support_address: str, address: str) -> str | None:
    """The ticket a signed reply address names, if the signature is right."""
    local, _, domain = address.lower().partition("@")
    base_local, _, base_domain = support_address.lower().partition("@")
    if domain != base_domain or not local.startswith(base_local + "+"):
        return None
    token = local[len(base_local) + 1:]
    ticket_id, _, signature = token.rpartition(".")
    if not ticket_id or not hmac.compare_digest(signature, _signature(secret, ticket_id)):
        return None
    return ticket_id


def subject_tag(subject: str) -> int | None:
    """The ticket number in a '[#1234]' tag, if any."""
    match = _TAG.search(subject)
    return int(match.group(1)) if match else None


def tagged_subject(subject: str, number: int) -> str:
    """Our outgoing subject: the ticket's tag, once."""
    if f"[#{number}]" in subject:
        return subject
    return f"{subject} [#{number}]".strip()
