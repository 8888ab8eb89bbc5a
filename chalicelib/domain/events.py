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
    by: str | None = None  # the agent, 'sla', or the customer who closed it in the portal (their id); None otherwise
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


@dataclass(frozen=True)
class AgentInvited:
    """An invitation was made or renewed: its mail goes out (from the stream, retried)."""

    name: ClassVar[str] = "agent.invited"
    invite: Any  # domain.team.Invite, as stored
    event_id: str | None = None


@dataclass(frozen=True)
class PortalLinkRequested:
    """A customer asked for a portal sign-in link: its mail goes out from the stream (retried).
    The token is not in it: the reaction derives it again from ``nonce`` and the desk's key."""

    name: ClassVar[str] = "portal.link_requested"
    digest: str  # the token's SHA-256: the link item's key
    email: str
    nonce: str
    valid_until: int  # epoch seconds
    language: str | None = None
    base_url: str | None = None  # where the request reached the desk (API Gateway's record)
    used: bool = False
    event_id: str | None = None


@dataclass(frozen=True)
class AgentDeparted:
    """An agent was deactivated or removed: their open tickets go back to the queue."""

    name: ClassVar[str] = "agent.departed"
    agent_id: str
    status: str  # deactivated, removed
    by: str | None = None  # the admin
    event_id: str | None = None


@dataclass(frozen=True)
class KnowledgeBaseChanged:
    """What readers may see of the knowledge base changed: a published article (or one that
    was), a category, or the knowledge base's settings. Its search index is built again."""

    name: ClassVar[str] = "kb.changed"
    what: str  # article, category, settings
    key: str  # slug/locale, the category's slug, or the setting's name
    event_id: str | None = None


EVENT_TYPES = (*EVENT_TYPES, AgentInvited, AgentDeparted, KnowledgeBaseChanged)
