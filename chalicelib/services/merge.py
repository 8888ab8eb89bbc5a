"""Merging two tickets of one customer, and changing several tickets at once (the console's
daily work)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

from ..domain import ids
from ..domain.clock import to_iso, utcnow
from ..domain.errors import ConflictError, DeskError, UnprocessableError
from ..domain.events import TicketChanged
from ..domain.people import Principal
from ..domain.tickets import (
    UNSET,
    AuthorType,
    Message,
    MessageKind,
    Priority,
    Status,
    Ticket,
    TicketChanges,
)
from .events import EventBus
from .tickets import TicketService


class TicketMerges(Protocol):
    def merge(self, source: Ticket, target: Ticket, messages: list[Message], *, by: str, at: str) -> bool: ...
    def get(self, ticket_id: str) -> Ticket | None: ...


@dataclass(frozen=True)
class Merged:
    source: Ticket  # closed, ``merged_into`` the target
    target: Ticket
    copied: int  # messages copied over (the source's, after a note saying where they came from)


class TicketMerger:
    """Merges a ticket into another of the same customer: its messages are appended to the
    target's timeline in their order (after a note naming the source), the source is closed
    with ``merged_into`` pointing at the target, and mail that answers either thread lands
    in the target (mail threading follows ``merged_into``). All of it one transaction, so a
    merge happens whole or not at all."""

    MAX_MESSAGES = 90  # a transaction holds 100 writes: the copies, a note, the two tickets
    MAX_BYTES = 3_000_000  # and 4 MB: a source with more is refused, not half merged
    ATTEMPTS = 3

    def __init__(
        self, tickets: TicketService, store: TicketMerges, events: EventBus,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.tickets = tickets
        self.store = store
        self.events = events
        self.clock = clock

    def merge(self, source_ref: str, target_ref: str, by: Principal, expected_version: int | None = None) -> Merged:
        source, target = self.tickets.get(source_ref), self.tickets.get(target_ref)
        for _ in range(self.ATTEMPTS):
            self._check(source, target, expected_version)
            messages = list(self.tickets.history(source.id, 0, include_notes=True))
            size = sum(len(msg.body.encode()) for msg in messages)
            if len(messages) > self.MAX_MESSAGES or size > self.MAX_BYTES:
                raise UnprocessableError(
                    f"#{source.number} is too long to merge ({len(messages)} messages): at most "
                    f"{self.MAX_MESSAGES} messages and {self.MAX_BYTES // 1_000_000} MB of text.",
                    code="too_long_to_merge", details={"messages": len(messages), "bytes": size},
                )
            now = self.clock()
            note = Message(
                id=ids.message_id(), ticket_id=target.id, seq=0, kind=MessageKind.NOTE,
                author_type=AuthorType.SYSTEM, author_id=None, channel=target.channel, created_at=now,
                body=f"Merged from #{source.number} “{source.subject}”: its {len(messages)} "
                     f"message{'s' if len(messages) != 1 else ''} follow, in their order.",
            )
            copies = [note] + [replace(msg, id=ids.message_id()) for msg in messages]
            if self.store.merge(source, target, copies, by=by.agent_id, at=to_iso(now)):
                merged_source, merged_target = self.store.get(source.id), self.store.get(target.id)
                assert merged_source is not None and merged_target is not None
                self.events.publish(TicketChanged(
                    merged_source, {"status": [source.status.value, "closed"], "merged_into": [None, target.id]},
                    by=by.agent_id,
                ))
                self.events.publish(TicketChanged(merged_target, {"merged_from": [None, source.id]}, by=by.agent_id))
                return Merged(merged_source, merged_target, len(messages))
            source, target = self.tickets.get(source.id), self.tickets.get(target.id)
            expected_version = None  # it was checked once; what changed since is ours to retry
        raise ConflictError("The tickets keep changing; try the merge again.", code="ticket_busy")

    @staticmethod
    def _check(source: Ticket, target: Ticket, expected_version: int | None) -> None:
        if source.id == target.id:
            raise UnprocessableError("A ticket cannot be merged into itself.", code="same_ticket")
        if source.customer_id != target.customer_id:
            raise UnprocessableError(
                f"#{source.number} and #{target.number} belong to different customers: only tickets of "
                "one customer are merged.", code="different_customers",
                details={"source_customer": source.customer_id, "target_customer": target.customer_id},
            )
        for ticket, role in ((source, "merged"), (target, "merged into")):
            if ticket.merged_into:
                raise UnprocessableError(f"#{ticket.number} was merged already.", code="already_merged",
                                         details={"ticket": ticket.id, "merged_into": ticket.merged_into})
            if ticket.status == Status.CLOSED:
                raise UnprocessableError(f"#{ticket.number} is closed and cannot be {role}.", code="ticket_closed",
                                         details={"ticket": ticket.id})
        if expected_version is not None and source.version != expected_version:
            raise ConflictError("The ticket was changed by someone else; reload it and try again.",
                                code="version_conflict", details={"current_version": source.version})


# ---------------------------------------------------------------- bulk changes


@dataclass(frozen=True)
class BulkChange:
    """What to change on each ticket; tags are added and removed, not replaced."""

    status: Status | None = None
    priority: Priority | None = None
    assignee_id: Any = UNSET  # an agent id, None (unassign) or UNSET
    team: Any = UNSET
    add_tags: Sequence[str] = ()
    remove_tags: Sequence[str] = ()


@dataclass(frozen=True)
class BulkOutcome:
    reference: str
    ticket: Ticket | None = None  # as stored after the change (or unchanged)
    error: DeskError | None = None


class BulkTickets:
    """Applies one change to several tickets, each on its own conditional write: one that
    fails (changed meanwhile, a status it cannot move to) fails alone, and says why."""

    MAX_TICKETS = 50

    def __init__(self, tickets: TicketService) -> None:
        self.tickets = tickets

    def apply(self, targets: Sequence[tuple[str, int | None]], change: BulkChange, by: Principal) -> list[BulkOutcome]:
        """``targets``: (id or number, the version the agent saw or None for the current)."""
        outcomes = []
        for reference, version in targets:
            try:
                outcomes.append(BulkOutcome(reference, self._one(reference, version, change, by)))
            except DeskError as error:
                outcomes.append(BulkOutcome(reference, error=error))
        return outcomes

    def _one(self, reference: str, version: int | None, change: BulkChange, by: Principal) -> Ticket:
        ticket = self.tickets.get(reference)
        tags = None
        if change.add_tags or change.remove_tags:
            kept = [t for t in ticket.tags if t not in change.remove_tags]
            tags = kept + [t for t in dict.fromkeys(change.add_tags) if t not in kept]
        changes = TicketChanges(
            status=change.status if change.status != ticket.status else None,
            priority=change.priority, assignee_id=change.assignee_id, team=change.team, tags=tags,
        )
        return self.tickets.update(ticket.id, changes, ticket.version if version is None else version, by)
