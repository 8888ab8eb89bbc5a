"""Canned responses: saved replies agents insert, with placeholders filled for the ticket.

A placeholder is ``{{customer.name}}`` (spaces inside the braces allowed). Known ones are
filled from the ticket, its customer and the agent; a value that is missing becomes empty,
except the customer's name, which becomes a neutral "there" so that "Hi {{customer.first_name}},"
still reads well. Anything else in braces is left exactly as written, so a typo shows up in
the reply box instead of vanishing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

CANNED_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
NAME_FALLBACK = "there"

PLACEHOLDERS = (
    "customer.name", "customer.first_name", "customer.email", "agent.name", "ticket.number", "ticket.subject",
)
_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_]+\.[a-z_]+)\s*\}\}")
_FALLBACKS = {"customer.name": NAME_FALLBACK, "customer.first_name": NAME_FALLBACK}


@dataclass(frozen=True)
class CannedResponse:
    id: str
    title: str
    body: str
    updated_at: datetime


def placeholder_values(
    *,
    customer_name: str | None,
    customer_email: str | None,
    agent_name: str | None,
    ticket_number: int | None,
    ticket_subject: str | None,
) -> dict[str, str | None]:
    """The values of the known placeholders (None where there is nothing to say)."""
    name = " ".join((customer_name or "").split()) or None
    return {
        "customer.name": name,
        "customer.first_name": name.split(" ", 1)[0] if name else None,
        "customer.email": customer_email or None,
        "agent.name": agent_name or None,
        "ticket.number": str(ticket_number) if ticket_number is not None else None,
        "ticket.subject": ticket_subject or None,
    }


def render(template: str, values: Mapping[str, str | None]) -> str:
    """``template`` with every known placeholder replaced; unknown ones are kept verbatim.
    Replacement is a single pass: a value that itself looks like a placeholder stays text."""

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return match.group(0)
        value = values.get(name)
        return value if value else _FALLBACKS.get(name, "")

    return _PLACEHOLDER.sub(fill, template)
