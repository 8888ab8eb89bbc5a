"""Use cases of tickets: open, read, list, edit, and add messages."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from ..domain import ids
from ..domain.clock import utcnow
from ..domain.errors import ConflictError, NotFoundError, UnprocessableError
from ..domain.events import MessageCreated, MessageDeliveryChanged, TicketChanged, TicketOpened
from ..domain.people import Principal
from ..domain.tickets import (
    Attachment,
    AuthorType,
    Delivery,
    Message,
    MessageKind,
    Priority,
    Rating,
    Status,
    Ticket,
    TicketChanges,
    TicketFilter,
    apply_changes,
    mails_out,
    open_ticket,
    rating_for,
    record_message,
)
from .customers import CustomerService
from .events import EventBus
from .ports import AgentLookup, Page, TicketRepository


@dataclass(frozen=True)
class OpenTicket:
    """Open a ticket for a customer given by e-mail (found or created) or by id."""

    subject: str
    customer_email: str | None = None
    customer_id: str | None = None
    customer_name: str | None = None
    body: str | None = None
    channel: str = "api"
    priority: Priority = Priority.NORMAL
    status: Status | None = None
    assignee_id: str | None = None
    team: str | None = None
    tags: Sequence[str] = ()
    language: str | None = None
    customer_timezone: str | None = None  # a chat visitor's (IANA), for notices in their time
    # A mail's ticket: its id, derived from the mail (a retry finds what the first attempt
    # stored), and its first message in full (files, the original, an automatic answer),
    # written with the ticket and, unlike a description, a message.created of its own.
    ticket_id: str | None = None
    first: PostMessage | None = None
    mail_refs: Sequence[str] = ()  # the mail's Message-ID, the start of the ticket's mail thread
    public_url: str | None = None  # where the request that opened it reached the desk (the web form)
    bot: str | None = None  # a chat the FAQ bot may answer first (domain/bot.py: active)


@dataclass(frozen=True)
class PostMessage:
    body: str
    kind: MessageKind = MessageKind.REPLY
    status: Status | None = None
    attachments: tuple[Attachment, ...] = ()
    source_key: str | None = None  # the original mail in S3
    thread_rule: str | None = None
    html_key: str | None = None  # its HTML, sanitised
    text_key: str | None = None  # its whole text, when ``body`` is an excerpt
    auto_reply: str | None = None  # an inbound mail's automatic answer (see Message)
    auto_reply_to: str | None = None
    articles: tuple[tuple[str, str, str], ...] = ()  # the FAQ bot's answer: (slug, title, url)
    marker: str | None = None  # an automatic message's meaning ("handoff")


class TicketService:
    """Opens, reads, edits and lists tickets and their messages."""

    # Retries when the ticket's status changes between reading it and adding a message.
    APPEND_ATTEMPTS = 8

    def __init__(
        self,
        tickets: TicketRepository,
        customers: CustomerService,
        agents: AgentLookup,
        clock: Callable[[], datetime] = utcnow,
        events: EventBus | None = None,
    ) -> None:
        self.tickets = tickets
        self.customers = customers
        self.agents = agents
        self.clock = clock
        self.events = events or EventBus()

    def open(
        self, command: OpenTicket, by: Principal | None, *, origin: str | None = None
    ) -> tuple[Ticket, Message | None]:
        """Open a ticket for a customer (found or created by e-mail), with its first message."""
        if command.assignee_id:
            self._require_agent(command.assignee_id)
        if command.customer_id is not None:
            customer = self.customers.get(command.customer_id)
        elif command.customer_email is not None:
            customer = self.customers.find_or_create(command.customer_email, command.customer_name)
        else:
            raise ValueError("OpenTicket needs a customer e-mail address or id")
        now = self.clock()
        ticket = open_ticket(
            ticket_id=command.ticket_id or ids.ticket_id(),
            number=self.tickets.next_number(),
            subject=command.subject,
            customer_id=customer.id,
            channel=command.channel,
            now=now,
            priority=command.priority,
            status=command.status,
            assignee_id=command.assignee_id,
            team=command.team,
            tags=command.tags,
            language=command.language,
            customer_timezone=command.customer_timezone,
            public_url=command.public_url,
            bot=command.bot,
        )
        message = None
        if command.first is not None:
            first = command.first
            ticket = replace(ticket, message_count=1)
            message = Message(
                id=ids.message_id(), ticket_id=ticket.id, seq=1, kind=MessageKind.REPLY,
                author_type=AuthorType.CUSTOMER, author_id=customer.id, body=first.body,
                channel=command.channel, created_at=now, attachments=first.attachments,
                source_key=first.source_key, thread_rule=first.thread_rule, html_key=first.html_key,
                text_key=first.text_key, auto_reply=first.auto_reply, auto_reply_to=first.auto_reply_to,
            )
        elif command.body:
            # The description is the customer's words, whoever typed it in.
            ticket = replace(ticket, message_count=1)
            message = Message(
                id=ids.message_id(),
                ticket_id=ticket.id,
                seq=1,
                kind=MessageKind.REPLY,
                author_type=AuthorType.CUSTOMER,
                author_id=customer.id,
                body=command.body,
                channel=command.channel,
                created_at=now,
                opening=True,
            )
        by_agent = by.agent_id if by else None
        self.tickets.add(ticket, message, by=by_agent, mail_refs=command.mail_refs)
        if message is not None and not message.opening:
            self.events.publish(TicketOpened(ticket, None, origin, by=by_agent))
            self.events.publish(MessageCreated(ticket, message, origin))
        else:
            self.events.publish(TicketOpened(ticket, message, origin, by=by_agent))
        return ticket, message

    def get(self, reference: str) -> Ticket:
        """A ticket by its id, or by its number (``1001`` or ``#1001``)."""
        ticket = None
        digits = reference.lstrip("#")
        if digits.isdigit() and len(digits) <= 12:
            ticket = self.tickets.get_by_number(int(digits))
        elif reference.startswith("tkt_"):
            ticket = self.tickets.get(reference)
        if ticket is None:
            raise NotFoundError(f"No ticket {reference!r}.", code="ticket_not_found")
        return ticket

    def list(self, query: TicketFilter, *, limit: int, cursor: str | None) -> Page[Ticket]:
        return self.tickets.list(query, limit=limit, cursor=cursor)

    def update(
        self, reference: str, changes: TicketChanges, expected_version: int, by: Principal
    ) -> Ticket:
        """Apply an edit made against ``expected_version``; a stale edit is refused (409)."""
        ticket = self.get(reference)
        if ticket.version != expected_version:
            raise ConflictError(
                "The ticket was changed by someone else; reload it and try again.",
                code="version_conflict",
                details={"current_version": ticket.version},
            )
        if isinstance(changes.assignee_id, str):
            self._require_agent(changes.assignee_id)
        updated, diff = apply_changes(ticket, changes, self.clock())
        if not diff:
            return ticket
        stored = self.tickets.update(ticket, updated, by=by.agent_id)
        self.events.publish(TicketChanged(stored, diff, by=by.agent_id))
        return stored

    def post_message(
        self,
        reference: str,
        command: PostMessage,
        by: Principal | None = None,
        *,
        author_type: AuthorType = AuthorType.AGENT,
        author_id: str | None = None,
        ticket: Ticket | None = None,
        origin: str | None = None,
    ) -> tuple[Ticket, Message]:
        """Add a message: an agent's public reply or internal note (possibly setting a status
        with it), or a customer's words (which reopen a pending or solved ticket).

        The message is numbered by the ticket's atomic counter, then stored; it is in the
        table before anyone is told about it."""
        if by is not None:
            author_id = by.agent_id
        by_agent = author_id if author_type == AuthorType.AGENT else None
        ticket = ticket or self.get(reference)
        for _ in range(self.APPEND_ATTEMPTS):
            now = self.clock()
            decided = record_message(
                ticket, kind=command.kind, author_type=author_type, now=now, status=command.status,
                author_id=by_agent,
            )
            stored = self.tickets.reserve_message(ticket, decided, by=by_agent)
            if stored is None:  # status or assignee changed under us: decide again on the new state
                ticket = self.get(ticket.id)
                continue
            message = Message(
                id=ids.message_id(),
                ticket_id=ticket.id,
                seq=stored.message_count,
                kind=command.kind,
                author_type=author_type,
                author_id=author_id,
                body=command.body,
                channel=ticket.channel,
                created_at=now,
                attachments=command.attachments,
                source_key=command.source_key,
                thread_rule=command.thread_rule,
                html_key=command.html_key,
                text_key=command.text_key,
                delivery=Delivery.PENDING if mails_out(ticket, command.kind, author_type) else None,
                auto_reply=command.auto_reply,
                auto_reply_to=command.auto_reply_to,
                articles=command.articles,
                marker=command.marker,
            )
            self.tickets.put_message(message)
            self.events.publish(MessageCreated(stored, message, origin))
            changes: dict[str, list[str | None]] = {}
            if stored.status != ticket.status:
                changes["status"] = [ticket.status.value, stored.status.value]
            if stored.assignee_id != ticket.assignee_id:
                changes["assignee_id"] = [ticket.assignee_id, stored.assignee_id]
            if changes:
                self.events.publish(TicketChanged(stored, changes, by=by_agent))
            return stored, message
        raise ConflictError("The ticket's status keeps changing; try again.", code="ticket_busy")

    def set_bot(self, ticket: Ticket, expected: str | None, state: str) -> Ticket | None:
        """Move the FAQ bot's part in a chat (domain/bot.py) if it is still ``expected``:
        agents hear of it as a change ``{"bot": [old, new]}``. None if it moved on already."""
        stored = self.tickets.set_bot(ticket.id, expected, state)
        if stored is None:
            return None
        before, after = stored
        self.events.publish(TicketChanged(after, {"bot": [before.bot, after.bot]}))
        return after

    def solve_for_customer(self, ticket: Ticket) -> Ticket:
        """The customer says their request is done: the ticket is solved (their next message
        reopens it, as any of theirs does). The change is the customer's (``changed_by`` is
        their id), so the audit log records who closed it."""
        updated, diff = apply_changes(ticket, TicketChanges(status=Status.SOLVED), self.clock())
        if not diff:
            return ticket
        stored = self.tickets.update(ticket, updated, by=ticket.customer_id)
        self.events.publish(TicketChanged(stored, diff, by=ticket.customer_id))
        return stored

    def set_delivery(
        self, ticket: Ticket, seq: int, state: Delivery, *, error: str | None = None, mail_id: str | None = None
    ) -> Message | None:
        """Record where a reply by mail stands; agents watching the ticket see it at once."""
        message = self.tickets.set_delivery(ticket.id, seq, state, error=error, mail_id=mail_id)
        if message is not None:
            self.events.publish(MessageDeliveryChanged(ticket, message))
        return message

    def mark_read(self, ticket_id: str, reader_role: str, seq: int) -> None:
        """How far a side (``agent`` or ``visitor``) has read a conversation."""
        self.tickets.mark_read(ticket_id, reader_role, seq)

    def rate(self, ticket: Ticket, score: int, comment: str | None) -> Rating:
        """The customer rates their solved (or closed) conversation; rating again replaces
        the rating. Agents hear of it as a change ``{"csat": [old, new]}``."""
        for _ in range(3):
            rating = rating_for(ticket, score, comment, self.clock())
            stored = self.tickets.rate(ticket.id, rating)
            if stored is not None:
                before, after = stored
                old = before.csat.as_dict() if before.csat else None
                self.events.publish(TicketChanged(after, {"csat": [old, rating.as_dict()]}))
                return rating
            ticket = self.get(ticket.id)  # reopened meanwhile (or gone): decide on what is stored
        raise ConflictError("The ticket's status keeps changing; try again.", code="ticket_busy")

    def messages(
        self, reference: str, *, after_seq: int, limit: int, include_notes: bool = True
    ) -> tuple[Ticket, builtins.list[Message], int | None]:
        ticket = self.get(reference)
        messages, next_after = self.tickets.list_messages(
            ticket.id, after_seq=after_seq, limit=limit, include_notes=include_notes
        )
        return ticket, messages, next_after

    def message(self, reference: str, seq: int) -> tuple[Ticket, Message]:
        """One message of a ticket, by its number."""
        ticket = self.get(reference)
        message = self.tickets.get_message(ticket.id, seq)
        if message is None:
            raise NotFoundError(f"Ticket #{ticket.number} has no message {seq}.", code="message_not_found")
        return ticket, message

    def message_of(self, ticket: Ticket, seq: int) -> Message | None:
        """A message of a ticket as stored now (None if it is gone)."""
        return self.tickets.get_message(ticket.id, seq)

    def history(self, ticket_id: str, after: int, *, include_notes: bool) -> Iterator[Message]:
        """A ticket's messages after ``after``, in order, a page at a time."""
        while True:
            page, next_after = self.tickets.list_messages(
                ticket_id, after_seq=after, limit=100, include_notes=include_notes
            )
            yield from page
            if next_after is None:
                return
            after = next_after

    def _require_agent(self, agent_id: str) -> None:
        found = self.agents.get(agent_id)
        if found is None or not found.active:
            raise UnprocessableError(
                f"No agent {agent_id!r} to assign the ticket to.",
                code="unknown_assignee",
                details={"assignee_id": agent_id},
            )

