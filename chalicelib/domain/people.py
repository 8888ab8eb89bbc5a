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
    id: str
    email: str
    name: str | None
    created_at: datetime


@dataclass(frozen=True)
class Agent:
    id: str
    email: str
    name: str
    role: Role
    created_at: datetime


@dataclass(frozen=True)
class Principal:
    """Who is calling: an agent whose token was verified."""

    agent_id: str
    email: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN
