"""What happened, in the past tense. Each event has a ``name``; ``chalicelib.reactions``
maps every name to the reactions it causes and says where each runs: the live push to
connected clients in the request that made the change, everything else from the table's
DynamoDB stream (where these events are derived from the changed items)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from .people import Agent
from .tickets import Message, Ticket


@dataclass(frozen=True)
class TicketOpened:
    name: ClassVar[str] = "ticket.opened"
    ticket: Ticket
    message: Message | None
    origin: str | None = None  # the websocket connection it came from, if any
    by: str | None = None  # the agent who opened it (the audit log); None for a customer
    event_id: str | None = None  # set when derived from the table's stream (keys idempotency)


@dataclass(frozen=True)
class MessageCreated:
    name: ClassVar[str] = "message.created"
    ticket: Ticket
    message: Message
    origin: str | None = None
    event_id: str | None = None


@dataclass(frozen=True)
class TicketChanged:
    name: ClassVar[str] = "ticket.changed"
    ticket: Ticket  # as it was right after the change
    changes: dict[str, Any] = field(default_factory=dict)  # field -> [old, new]
    by: str | None = None  # the agent (or 'sla') who changed it; None for a customer's doing
    event_id: str | None = None

    @property
    def at(self) -> datetime:
        return self.ticket.updated_at


@dataclass(frozen=True)
class SlaEscalated:
    """A warning or breach of an SLA target came due and was marked on the ticket (once)."""

    name: ClassVar[str] = "sla.escalated"
    ticket: Ticket
    metric: str  # first_response, next_response, resolution
    level: str  # warning, breach
    due_at: datetime
    mark: str  # the mark in the ticket's sla_fired: what makes it happen once
    event_id: str | None = None


@dataclass(frozen=True)
class MessageDeliveryChanged:
    """An agent's reply by mail was sent, or is waiting to be sent again (the console shows it)."""

    name: ClassVar[str] = "message.delivery_changed"
    ticket: Ticket
    message: Message
    event_id: str | None = None


@dataclass(frozen=True)
class SlaClocksChanged:
    """A ticket's SLA clocks were started, met, paused or moved (agents' badges follow)."""

    name: ClassVar[str] = "sla.clocks_changed"
    ticket_id: str
    event_id: str | None = None


@dataclass(frozen=True)
class AgentProfileChanged:
    name: ClassVar[str] = "agent.profile_changed"
    agent: Agent  # as stored after the edit
    event_id: str | None = None


EVENT_TYPES: tuple[type, ...] = (
    TicketOpened, MessageCreated, TicketChanged, SlaEscalated, MessageDeliveryChanged, SlaClocksChanged,
    AgentProfileChanged,
)
