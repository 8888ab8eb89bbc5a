"""Live chat: who is on a connection, what they may do, and the limits of a frame."""

from __future__ import annotations

import enum
import hashlib
import hmac
from dataclasses import dataclass

from .keys import signing_key
from .storage import attachment_prefix as attachment_prefix  # re-exported for services.chat

MAX_TEXT = 5000  # characters in one chat message
RATE_WINDOW_SECONDS = 10
RATE_LIMIT_FRAMES = 40  # per visitor connection per window: the public side
AGENT_RATE_LIMIT_FRAMES = 400  # an agent's console carries many chats (messages, typing, reads)
# A visitor's live connections at once (a few tabs); one more $connect is refused with 429.
MAX_VISITOR_CONNECTIONS = 5
TRANSCRIPTS_PER_CONVERSATION = 3  # mailed transcripts of one conversation ...
TRANSCRIPT_WINDOW_SECONDS = 3600  # ... in each hour


MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 5
# What a chat may carry: pictures, PDFs and plain text; nothing a browser would run.
ATTACHMENT_TYPES = frozenset({
    "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain",
})


def safe_filename(name: str) -> str:
    """A file name that is safe in an S3 key and a Content-Disposition header."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]  # a path is not a name
    cleaned = "".join(c if c.isalnum() or c in "._- " else "_" for c in base.strip())
    cleaned = cleaned.strip(". ") or "file"
    return cleaned[:100]


class ParticipantRole(enum.StrEnum):
    AGENT = "agent"
    VISITOR = "visitor"


class Presence(enum.StrEnum):
    ONLINE = "online"
    AWAY = "away"
    OFFLINE = "offline"


@dataclass(frozen=True)
class Participant:
    """Who is on a websocket connection: an agent, or a visitor speaking for a customer."""

    role: ParticipantRole
    id: str  # the agent's id, or the visitor's customer id
    connection_id: str

    @property
    def is_agent(self) -> bool:
        return self.role == ParticipantRole.AGENT


@dataclass(frozen=True)
class LiveConnection:
    """A connection as a frame finds it: who is on it, and what it is subscribed to."""

    participant: Participant
    topics: frozenset[str]
    sent_seq: int = 0  # the client_seq of the last message stored from this connection


@dataclass(frozen=True)
class Subscriber:
    """A connection subscribed to a topic (a conversation, or all agents)."""

    connection_id: str
    role: ParticipantRole
    principal_id: str  # the agent's id, or the visitor's customer id


def agents_topic() -> str:
    return "TOPIC#agents"


def conversation_topic(ticket_id: str) -> str:
    return f"TICKET#{ticket_id}"


def user_hash(secret: str, user_id: str) -> str:
    """The identity-verification hash a business computes on its server for a signed-in user
    (as Intercom and Chatwoot do): HMAC-SHA256 of the user id, hex."""
    return hmac.new(signing_key(secret, "identity"), user_id.encode(), hashlib.sha256).hexdigest()


def verify_user_hash(secret: str, user_id: str, given: str) -> bool:
    return hmac.compare_digest(user_hash(secret, user_id), given.lower())


def email_hash(secret: str, address: str) -> str:
    """The hash that vouches for a signed-in user's e-mail address: the same recipe as
    ``user_hash``, over ``email:<address in lower case>``. Without it the address a page
    gives is kept, but proves nothing (the desk mails nothing there at a visitor's asking)."""
    return user_hash(secret, f"email:{address.strip().lower()}")


def verify_email_hash(secret: str, address: str, given: str) -> bool:
    return hmac.compare_digest(email_hash(secret, address), given.lower())
