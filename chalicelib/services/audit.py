"""The audit log of agents' actions: who did what, when, to which id.

Ticket work is recorded by listening to the ticket events (whoever made the change: the REST
API, the console's websocket, an SLA escalation); settings and team changes by the
operations that make them, which know the signed-in agent; exports and erasures by the
privacy service. Entries hold ids and field names, never what customers wrote or who they
are (``domain.audit``). Customers' own actions (their messages, a reopen by mail) are the
tickets' timeline, not the audit log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..domain import ids
from ..domain.audit import AuditEntry, ticket_change_details
from ..domain.clock import utcnow
from ..domain.events import MessageCreated, TicketChanged, TicketOpened
from ..domain.tickets import AuthorType, MessageKind
from .ports import AuditStore, Page


class AuditLog:
    def __init__(self, store: AuditStore, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.clock = clock

    def record(
        self, actor: str, action: str, target_type: str | None = None, target_id: str | None = None,
        **details: Any,
    ) -> AuditEntry:
        """Add an entry. ``details`` must hold ids, names of fields and counts only."""
        entry = AuditEntry(ids.new_id("aud"), self.clock(), actor, action, target_type, target_id, details)
        self.store.add(entry)
        return entry

    def _record_event(
        self, event: Any, at: datetime, actor: str, action: str, target_id: str, **details: Any
    ) -> None:
        """An entry for a stream event: its id and time come from the event, and it is
        written once, however often the event is delivered."""
        entry_id = "aud_" + hashlib.sha256(str(event.event_id).encode()).hexdigest()[:25]
        entry = AuditEntry(entry_id, at, actor, action, "ticket", target_id, details)
        self.store.add(entry, once=True)

    def month(self, month: str, *, limit: int, cursor: str | None, newest_first: bool = True) -> Page[AuditEntry]:
        """A month's entries (``YYYY-MM``), newest first unless asked otherwise."""
        return self.store.month(month, limit=limit, cursor=cursor, newest_first=newest_first)

    def target(
        self, target_id: str, *, limit: int, cursor: str | None, newest_first: bool = True
    ) -> Page[AuditEntry]:
        """The entries about one id (a ticket, customer, agent or calendar) in every month,
        newest first unless asked otherwise."""
        return self.store.target(target_id, limit=limit, cursor=cursor, newest_first=newest_first)

    # ------------------------------------------------------------------ listeners

    def on_ticket_opened(self, event: TicketOpened) -> None:
        """An agent opened a ticket (customers' mail and chats are not agents' actions)."""
        if event.by:
            self._record_event(event, event.ticket.created_at, event.by, "ticket.opened", event.ticket.id,
                               channel=event.ticket.channel)

    def on_ticket_changed(self, event: TicketChanged) -> None:
        if event.by:
            self._record_event(event, event.at, event.by, "ticket.changed", event.ticket.id,
                               **ticket_change_details(event.changes))

    def on_message_created(self, event: MessageCreated) -> None:
        """An agent's reply or note, by id: its words stay on the ticket."""
        message = event.message
        if message.author_type != AuthorType.AGENT or not message.author_id:
            return
        action = "note.added" if message.kind == MessageKind.NOTE else "message.replied"
        self._record_event(event, message.created_at, message.author_id, action, event.ticket.id,
                           message_id=message.id, seq=message.seq)
