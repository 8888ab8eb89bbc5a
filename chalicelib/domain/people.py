"""Customers (contacts) and agents."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class Role(enum.StrEnum):
    ADMIN = "admin"
    AGENT = "agent"


def normalise_email(email: str) -> str:
    """Addresses compare case-insensitively in practice (RFC 5321 allows otherwise, no MTA
    a small business meets relies on it), so one customer is one lower-cased address."""
    return email.strip().lower()


@dataclass(frozen=True)
class Customer:
    """A contact. ``email`` is unique among customers found by address (mail, the API);
    a chat visitor's pre-chat address is kept but not trusted to find anyone.
    ``external_id`` is the business's own user id for identified visitors."""

    id: str
    email: str | None
    name: str | None
    created_at: datetime
    external_id: str | None = None


@dataclass(frozen=True)
class Agent:
    id: str
    email: str
    name: str
    role: Role
    created_at: datetime
    presence: str = "offline"  # online / away as the agent set it, offline with no connection
    live_connections: int = 0

    @property
    def available(self) -> bool:
        return self.presence == "online" and self.live_connections > 0


@dataclass(frozen=True)
class Principal:
    """Who is calling: an agent whose token was verified."""

    agent_id: str
    email: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN
