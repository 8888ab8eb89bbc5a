"""Customers (contacts) and agents."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import UnprocessableError
from .phrases import LANGUAGES

MAX_VISIT_PAGES = 20  # pages of a visit kept on the customer (the console's 'pages visited')


class Role(enum.StrEnum):
    ADMIN = "admin"
    AGENT = "agent"


class AgentStatus(enum.StrEnum):
    ACTIVE = "active"
    DEACTIVATED = "deactivated"  # cannot sign in; may be reactivated
    REMOVED = "removed"  # gone for good: only the name remains, for history


def normalise_email(email: str) -> str:
    """Addresses compare case-insensitively in practice (RFC 5321 allows otherwise, no MTA
    a small business meets relies on it), so one customer is one lower-cased address."""
    return email.strip().lower()


def mail_address(text: str) -> str | None:
    """``text`` as one plain address a mail may be sent to (``user@example.org``), or None:
    parsed as an RFC 5322 addr-spec, so that a second address, a display name or a line
    break (``\r\nBcc: ...``) can never reach a header."""
    from email.errors import HeaderParseError
    from email.headerregistry import Address

    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in text):
        return None
    try:
        address = Address(addr_spec=text)
    except (ValueError, IndexError, HeaderParseError):  # InvalidHeaderDefect is a ValueError
        return None
    domain = address.domain
    if not address.username or "." not in domain or domain.startswith("[") or len(text) > 254:
        return None
    return address.addr_spec


@dataclass(frozen=True)
class VisitedPage:
    """A page of the business's site a chat visitor opened (reported by the widget)."""

    url: str
    title: str | None
    at: datetime


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
    visit_pages: tuple[VisitedPage, ...] = ()  # oldest first, at most MAX_VISIT_PAGES
    # Whether ``email`` came from a source that proves it: the business's identity
    # verification (a signed-in user), or an address the customer was found by (mail, the
    # API). A visitor's typed address is not: the desk mails nothing there on their word.
    email_proven: bool = False


@dataclass(frozen=True)
class Agent:
    id: str
    email: str
    name: str
    role: Role
    created_at: datetime
    presence: str = "offline"  # online / away as the agent set it, offline with no connection
    live_connections: int = 0
    # The profile visitors see in the widget: a role title, a photo, the agent's time zone.
    title: str | None = None
    avatar_url: str | None = None
    timezone: str | None = None
    # The console's language for this agent (one of CONSOLE_LANGUAGES); None: the browser's.
    language: str | None = None
    # Set by admins: whether the agent may sign in (active, deactivated; removed agents keep
    # a profile so that their name still reads in tickets and the audit), their teams' slugs,
    # how many chats they take at once (None: no limit) and the languages they answer in.
    status: str = "active"
    teams: tuple[str, ...] = ()
    capacity: int | None = None
    languages: tuple[str, ...] = ()

    @property
    def available(self) -> bool:
        return self.presence == "online" and self.live_connections > 0

    @property
    def active(self) -> bool:
        return self.status == AgentStatus.ACTIVE


@dataclass(frozen=True)
class Principal:
    """Who is calling: an agent whose token was verified."""

    agent_id: str
    email: str
    role: Role

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN


PROFILE_FIELDS = ("name", "title", "avatar_url", "timezone", "language")
# The agent console speaks the widget's languages (domain/phrases.py), Hebrew right to left.
CONSOLE_LANGUAGES = LANGUAGES


def profile_changes(requested: dict[str, str | None]) -> dict[str, str | None]:
    """An agent's profile edit, checked: names trimmed, the time zone one zoneinfo knows, the
    console's language one it ships with.
    ``None`` clears a field (never the name, which the schema requires to be text)."""
    changes: dict[str, str | None] = {}
    for name in PROFILE_FIELDS:
        if name not in requested:
            continue
        value = requested[name]
        if isinstance(value, str) and name in ("name", "title"):
            value = value.strip() or None
        changes[name] = value
    if changes.get("name", "") is None:
        raise UnprocessableError("An agent needs a name.", code="name_required")
    zone = changes.get("timezone")
    if zone is not None and not known_timezone(zone):
        raise UnprocessableError(
            f"Unknown time zone {zone!r}: use an IANA name such as Europe/Berlin.",
            code="unknown_timezone", details={"timezone": zone},
        )
    language = changes.get("language")
    if language is not None and language not in CONSOLE_LANGUAGES:
        raise UnprocessableError(
            f"The console has no language {language!r}: choose one of {', '.join(CONSOLE_LANGUAGES)}, or none.",
            code="unknown_language", details={"language": language},
        )
    return changes


def known_timezone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder such as "Europe"
        return False
    return True
