"""The audit log: what agents did, when, to which id. Entries hold ids, field names and
values that are not about a person (a status, a priority, an assignee id, tags, counts);
never a message's body, a subject, a name or an address."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Ticket fields whose values say nothing about a customer: kept with their old and new value.
# Any other field (the subject, a rating's comment, whatever is added later) is kept by name.
PLAIN_TICKET_FIELDS = frozenset({"status", "priority", "assignee_id", "team", "tags"})

MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


@dataclass(frozen=True)
class AuditEntry:
    id: str
    at: datetime
    actor: str  # an agent id, or 'sla' for the escalations the scheduler runs
    action: str  # ticket.opened, ticket.changed, message.replied, note.added, agent.created, ...
    target_type: str | None = None
    target_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def month(self) -> str:
        return month_of(self.at)


def month_of(at: datetime) -> str:
    return at.strftime("%Y-%m")


def ticket_change_details(changes: dict[str, Any]) -> dict[str, Any]:
    """What an audit entry keeps of a ticket edit: every changed field's name, and old and new
    values only for the fields in ``PLAIN_TICKET_FIELDS``."""
    return {
        "fields": sorted(changes),
        "changes": {name: list(value) for name, value in sorted(changes.items()) if name in PLAIN_TICKET_FIELDS},
    }
