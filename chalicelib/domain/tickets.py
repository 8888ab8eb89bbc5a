"""Tickets and their messages: the help-desk rules, with no storage or transport in sight.

A ticket moves new -> open -> pending -> solved -> closed. Agents may move it along the
paths in ``TRANSITIONS``; a customer writing in reopens a pending or solved ticket. A closed
ticket is final: follow-ups start a new ticket, as in Zendesk.
"""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .clock import to_iso
from .errors import UnprocessableError


class Status(enum.StrEnum):
    NEW = "new"
    OPEN = "open"
    PENDING = "pending"
    SOLVED = "solved"
    CLOSED = "closed"


class Priority(enum.StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class MessageKind(enum.StrEnum):
    REPLY = "reply"  # public: the customer sees it
    NOTE = "note"  # internal: agents only


class Delivery(enum.StrEnum):
    """Where an agent's reply by mail stands."""

    PENDING = "pending"  # stored; the mail goes out from the table's stream
    SENT = "sent"
    RETRYING = "retrying"  # a send failed; it is tried again
    FAILED = "failed"  # the retries are used up: parked for an admin to replay


class AuthorType(enum.StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"
    SYSTEM = "system"
    BOT = "bot"  # the FAQ bot of live chat (domain/bot.py): never a person's words


TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.NEW: frozenset({Status.OPEN, Status.PENDING, Status.SOLVED}),
    Status.OPEN: frozenset({Status.PENDING, Status.SOLVED}),
    Status.PENDING: frozenset({Status.OPEN, Status.SOLVED}),
    Status.SOLVED: frozenset({Status.OPEN, Status.CLOSED}),  # open again = reopen
    Status.CLOSED: frozenset(),
}

# Statuses a ticket may be created in; solved/closed tickets are not opened from nothing.
INITIAL_STATUSES = frozenset({Status.NEW, Status.OPEN, Status.PENDING})

TAG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_:\-]{0,49}$")
MAX_TAGS = 20


def check_transition(current: Status, target: Status) -> None:
    """Raise if a help desk does not allow moving a ticket from ``current`` to ``target``."""
    if target == current:
        return
    allowed = TRANSITIONS[current]
    if target not in allowed:
        raise UnprocessableError(
            f"A {current.value} ticket cannot be set to {target.value}.",
            code="invalid_status_transition",
            details={
                "from": current.value,
                "to": target.value,
                "allowed": sorted(s.value for s in allowed),
            },
        )


def normalise_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Lower-case, trim and de-duplicate tags, keeping the order they were given in."""
    seen: dict[str, None] = {}
    for raw in tags:
        tag = raw.strip().lower()
        if not TAG_PATTERN.match(tag):
            raise UnprocessableError(
                f"Tag {raw!r} is not valid: use letters, digits, '-', '_' or ':' (at most 50).",
                code="invalid_tag",
                details={"tag": raw},
            )
        seen.setdefault(tag, None)
    if len(seen) > MAX_TAGS:
        raise UnprocessableError(
            f"A ticket can carry at most {MAX_TAGS} tags.", code="too_many_tags"
        )
    return tuple(seen)


@dataclass(frozen=True)
class Ticket:
    id: str
    number: int
    subject: str
    status: Status
    priority: Priority
    channel: str
    customer_id: str
    created_at: datetime
    updated_at: datetime
    last_activity_at: datetime
    assignee_id: str | None = None
    team: str | None = None
    tags: tuple[str, ...] = ()
    version: int = 1
    message_count: int = 0
    solved_at: datetime | None = None
    closed_at: datetime | None = None
    language: str | None = None  # the customer's, when detected (ISO 639-1)
    sla: Any = None  # domain.sla.SlaState when a policy applies (kept by the SLA service)
    csat: Rating | None = None  # the customer's satisfaction rating, the latest one
    customer_timezone: str | None = None  # a chat visitor's (IANA), for notices in their time
    merged_into: str | None = None  # merged into that ticket (and closed): replies go there
    public_url: str | None = None  # where the web form's request reached the desk: its mail's links
    bot: str | None = None  # the FAQ bot's part in a chat (domain/bot.py: active, handed_off, ended)


@dataclass(frozen=True)
class Rating:
    """How satisfied the customer was (CSAT): 1 to 5, with an optional comment."""

    score: int
    comment: str | None
    rated_at: datetime

    def as_dict(self) -> dict[str, Any]:
        """As clients see it (REST, and the ``changes`` of a conversation.updated frame)."""
        return {"score": self.score, "comment": self.comment, "rated_at": to_iso(self.rated_at)}


RATABLE_STATUSES = frozenset({Status.SOLVED, Status.CLOSED})


def rating_for(ticket: Ticket, score: int, comment: str | None, now: datetime) -> Rating:
    """The customer's rating of a solved (or closed) ticket; rating again replaces it."""
    if ticket.status not in RATABLE_STATUSES:
        raise UnprocessableError(
            "A conversation can be rated once it is solved.",
            code="conversation_not_solved",
            details={"status": ticket.status.value},
        )
    if not 1 <= score <= 5:
        raise UnprocessableError("The score is 1 (poor) to 5 (great).", code="invalid_score")
    return Rating(score, (comment or "").strip() or None, now)


class _Unset:
    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"


UNSET = _Unset()


@dataclass(frozen=True)
class TicketChanges:
    """What an agent asked to change; ``None`` means 'leave as is'.

    ``assignee_id``/``team`` use ``UNSET`` for 'leave' so that ``None`` can mean 'clear'.
    """

    subject: str | None = None
    status: Status | None = None
    priority: Priority | None = None
    assignee_id: str | None | _Unset = field(default_factory=lambda: UNSET)
    team: str | None | _Unset = field(default_factory=lambda: UNSET)
    tags: Sequence[str] | None = None


def open_ticket(
    *,
    ticket_id: str,
    number: int,
    subject: str,
    customer_id: str,
    channel: str,
    now: datetime,
    priority: Priority = Priority.NORMAL,
    status: Status | None = None,
    assignee_id: str | None = None,
    team: str | None = None,
    tags: Iterable[str] = (),
    language: str | None = None,
    customer_timezone: str | None = None,
    public_url: str | None = None,
    bot: str | None = None,
) -> Ticket:
    """A new ticket. Assigning it on creation makes it open, as agents expect."""
    if status is None:
        status = Status.OPEN if assignee_id else Status.NEW
    if status not in INITIAL_STATUSES:
        raise UnprocessableError(
            f"A ticket cannot be created as {status.value}.",
            code="invalid_initial_status",
            details={"allowed": sorted(s.value for s in INITIAL_STATUSES)},
        )
    return Ticket(
        id=ticket_id,
        number=number,
        subject=subject.strip(),
        status=status,
        priority=priority,
        channel=channel,
        customer_id=customer_id,
        created_at=now,
        updated_at=now,
        last_activity_at=now,
        assignee_id=assignee_id,
        team=team,
        tags=normalise_tags(tags),
        language=language,
        customer_timezone=customer_timezone,
        public_url=public_url,
        bot=bot,
    )


def _with_status(ticket: Ticket, status: Status, now: datetime) -> Ticket:
    if status == ticket.status:
        return ticket
    check_transition(ticket.status, status)
    solved_at = ticket.solved_at
    closed_at = ticket.closed_at
    if status == Status.SOLVED:
        solved_at = now
    elif status == Status.OPEN and ticket.status == Status.SOLVED:
        solved_at = None  # reopened: the resolution clock starts again
    if status == Status.CLOSED:
        closed_at = now
    return dataclasses.replace(ticket, status=status, solved_at=solved_at, closed_at=closed_at)


def apply_changes(ticket: Ticket, changes: TicketChanges, now: datetime) -> tuple[Ticket, dict]:
    """Apply an agent's edit. Returns the new ticket and the fields that really changed
    as ``{field: [old, new]}`` (empty when the edit changes nothing)."""
    if ticket.status == Status.CLOSED:
        raise UnprocessableError(
            "A closed ticket cannot be changed; open a follow-up ticket instead.",
            code="ticket_closed",
        )
    updated = ticket
    if changes.status is not None:
        updated = _with_status(updated, changes.status, now)
    if changes.subject is not None:
        updated = dataclasses.replace(updated, subject=changes.subject.strip())
    if changes.priority is not None:
        updated = dataclasses.replace(updated, priority=changes.priority)
    if not isinstance(changes.assignee_id, _Unset):
        updated = dataclasses.replace(updated, assignee_id=changes.assignee_id)
        if changes.assignee_id and updated.status == Status.NEW and changes.status is None:
            updated = dataclasses.replace(updated, status=Status.OPEN)
    if not isinstance(changes.team, _Unset):
        updated = dataclasses.replace(updated, team=changes.team)
    if changes.tags is not None:
        updated = dataclasses.replace(updated, tags=normalise_tags(changes.tags))

    diff = {
        name: [_plain(getattr(ticket, name)), _plain(getattr(updated, name))]
        for name in ("subject", "status", "priority", "assignee_id", "team", "tags")
        if getattr(ticket, name) != getattr(updated, name)
    }
    if not diff:
        return ticket, {}
    return dataclasses.replace(updated, updated_at=now, last_activity_at=now), diff


def _plain(value: object) -> object:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, tuple):
        return list(value)
    return value


@dataclass(frozen=True)
class Attachment:
    key: str  # where the file is in the desk's bucket
    filename: str
    content_type: str
    size: int
    inline: bool = False  # an image shown inside the mail's HTML (by its Content-ID)
    content_id: str | None = None


@dataclass(frozen=True)
class Message:
    id: str
    ticket_id: str
    seq: int
    kind: MessageKind
    author_type: AuthorType
    author_id: str | None
    body: str
    channel: str
    created_at: datetime
    attachments: tuple[Attachment, ...] = ()
    # For mail: where the original is kept, and which threading rule placed it here.
    source_key: str | None = None
    thread_rule: str | None = None
    html_key: str | None = None  # the mail's HTML, sanitised, when it had any
    # A mail too long for a message item: ``body`` is an excerpt, the whole text is here.
    text_key: str | None = None
    # An agent's reply that goes out by mail: pending until sent, retrying after a failure,
    # failed once the retries are used up (an admin can replay it); None when nothing is mailed.
    delivery: str | None = None
    delivery_error: str | None = None
    # An automatic answer this (inbound) message gets by mail, decided when it was stored:
    # "acknowledgement" or "away_notice", to ``auto_reply_to``.
    auto_reply: str | None = None
    auto_reply_to: str | None = None
    opening: bool = False  # written with its ticket: part of ticket.opened, not a message.created
    # The FAQ bot's answer: the articles it offers, as (slug, title, url) - its words are in body.
    articles: tuple[tuple[str, str, str], ...] = ()
    marker: str | None = None  # what an automatic message marks: "handoff" (a person has it now)

    @property
    def public(self) -> bool:
        return self.kind == MessageKind.REPLY


# Channels whose customer is answered by mail: every one but live chat (whose answers reach the
# widget, and a visitor who left by mail when they gave an address: services/chat). A ticket an
# agent opened through the API, the web form or after a call has no other way to its customer.
MAIL_CHANNELS = frozenset({"email", "api", "web", "phone"})


def mails_out(ticket: Ticket, kind: MessageKind, author_type: AuthorType) -> bool:
    """Whether a new message goes to the customer by mail: an agent's public reply on a
    ticket of any channel but chat."""
    return kind == MessageKind.REPLY and author_type == AuthorType.AGENT and ticket.channel in MAIL_CHANNELS


def record_message(
    ticket: Ticket,
    *,
    kind: MessageKind,
    author_type: AuthorType,
    now: datetime,
    status: Status | None = None,
    author_id: str | None = None,
) -> Ticket:
    """The ticket after a message is added to it.

    A customer writing in reopens a pending or solved ticket. An agent's first public reply
    opens a new ticket unless the agent chose a status (e.g. 'reply and set pending').
    A note never changes the status by itself. An agent's public reply on an unassigned
    ticket makes it theirs; it never takes a ticket someone else holds.
    """
    if ticket.status == Status.CLOSED:
        raise UnprocessableError(
            "A closed ticket cannot take new messages; open a follow-up ticket instead.",
            code="ticket_closed",
        )
    if status is not None and author_type != AuthorType.AGENT:
        raise UnprocessableError("Only agents set a status with a message.", code="status_not_allowed")

    target: Status = ticket.status
    if status is not None:
        target = status
    elif author_type == AuthorType.CUSTOMER and ticket.status in (Status.PENDING, Status.SOLVED):
        target = Status.OPEN
    elif (
        author_type == AuthorType.AGENT
        and kind == MessageKind.REPLY
        and ticket.status == Status.NEW
    ):
        target = Status.OPEN

    updated = _with_status(ticket, target, now)
    if author_type == AuthorType.AGENT and kind == MessageKind.REPLY and author_id and ticket.assignee_id is None:
        updated = dataclasses.replace(updated, assignee_id=author_id)
    return dataclasses.replace(
        updated,
        message_count=ticket.message_count + 1,
        last_activity_at=now,
        updated_at=now if (updated.status, updated.assignee_id) != (ticket.status, ticket.assignee_id)
        else ticket.updated_at,
    )


@dataclass(frozen=True)
class TicketFilter:
    """A ticket list request. ``assignee_id``/``team`` may be ``NONE`` for 'unassigned'/'no team'."""

    status: Status | None = None
    priority: Priority | None = None
    assignee_id: str | None = None
    team: str | None = None
    tag: str | None = None
    customer_id: str | None = None
    channel: str | None = None

    NONE = "none"
