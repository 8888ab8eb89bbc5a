"""What happened to tickets, in the past tense. Services publish these; listeners react
(push to websockets now; mail, SLA timers and webhooks as they land)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .people import Agent
from .tickets import Message, Ticket


@dataclass(frozen=True)
class TicketOpened:
    ticket: Ticket
    message: Message | None
    origin: str | None = None  # the websocket connection it came from, if any
    by: str | None = None  # the agent who opened it (the audit log); None for a customer


@dataclass(frozen=True)
class MessageCreated:
    ticket: Ticket
    message: Message
    origin: str | None = None


@dataclass(frozen=True)
class TicketChanged:
    ticket: Ticket
    changes: dict[str, Any] = field(default_factory=dict)  # field -> [old, new]
    by: str | None = None  # the agent (or 'sla') who changed it; None for a customer's doing


@dataclass(frozen=True)
class AgentProfileChanged:
    agent: Agent  # as stored after the edit
