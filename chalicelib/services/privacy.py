"""A customer's data on request, and the end of it: export everything the desk keeps about
a customer, erase them, and let closed tickets expire after the retention period.

Erasing deletes the customer's tickets entirely (as a help desk's "permanently delete the end
user and their tickets" does): the ticket, every message and note, their files, the mail
references and links that lead to them. What the customer wrote on someone else's ticket (as
a person copied in) stays as a placeholder in that conversation, without their words, files
or id. Every step finds what it removes by key; the customer item goes last, so an erasure
cut short (a timeout) can simply be run again. What remains is the audit entry: who erased
which customer id, when, why, and how many of each thing went.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from ..domain import ids
from ..domain.clock import from_iso, to_iso, utcnow
from ..domain.errors import NotFoundError, UnprocessableError
from ..domain.events import MessageCreated, TicketChanged
from ..domain.privacy import (
    ERASED_ADDRESS,
    ERASED_BODY,
    EXPORT_FORMAT,
    MAIL_FILE_FIELDS,
    RETENTION_TAG,
    expiry,
    export_customer,
    export_message,
    export_ticket,
    hours_around,
    message_files,
    retention_move,
    ticket_file_prefixes,
)
from ..domain.tickets import AuthorType
from ..observability import logger
from .audit import AuditLog
from .customers import email_claim, external_claim
from .ports import PrivacyFiles, PrivacyRequestStore, PrivacyStore, StoredCustomer


class PrivacyService:
    def __init__(
        self,
        *,
        store: PrivacyStore,
        files: PrivacyFiles,
        audit: AuditLog,
        close_connection: Callable[[str], None],
        retention_days: int = 0,
        clock: Callable[[], datetime] = utcnow,
        retention_for: Callable[[str | None], int] | None = None,
        requests: PrivacyRequestStore | None = None,
    ) -> None:
        self.store = store
        self.files = files
        self.audit = audit
        self.close_connection = close_connection
        self.retention_days = retention_days
        self.clock = clock
        # The console's setting (days by channel) when there is one, else the deploy's number.
        self.retention_for = retention_for or (lambda channel: self.retention_days)
        self.requests = requests

    # ------------------------------------------------------------------ export

    def export(self, customer_id: str, by: str) -> dict[str, Any]:
        """Everything about a customer as one JSON document: their profile, every ticket
        (any channel) with every message and internal note, the files as download links
        valid for ``files.DOWNLOAD_SECONDS``, the people copied, the SLA state; what they
        wrote on other people's tickets (only their own messages); whether mail to them is
        suppressed."""
        stored = self._customer(customer_id)
        now = self.clock()
        url_for = self.files.download_url
        tickets = []
        for ticket_id in self.store.ticket_ids(customer_id):
            ticket = self.store.ticket(ticket_id)
            if ticket is None:  # deleted since the index was read
                continue
            tickets.append({
                **export_ticket(ticket.attributes),
                "messages": [export_message(msg, url_for) for msg in ticket.messages],
            })
        elsewhere = []
        for ticket_id in stored.written_on:
            ticket = self.store.ticket(ticket_id)
            mine = [msg for msg in ticket.messages if msg.get("author_id") == customer_id] if ticket else []
            if ticket and mine:
                elsewhere.append({
                    "ticket_id": ticket_id,
                    "number": ticket.attributes.get("number"),
                    "messages": [export_message(msg, url_for) for msg in mine],
                })
        address = self._own_address(customer_id, stored.profile.get("email"))
        suppressed = self.store.suppression(address) if address else None
        typed = _address(stored.profile)
        proven = [typed] if typed and self.store.proven_address(typed, customer_id) else []
        entry = self.audit.record(
            by, "customer.exported", "customer", customer_id,
            tickets=len(tickets), messages=sum(len(t["messages"]) for t in tickets),
        )
        self._request(entry.id, "export", customer_id, by, now, "completed", audit_id=entry.id,
                      counts={"tickets": len(tickets)})
        return {
            "format": EXPORT_FORMAT,
            "exported_at": to_iso(now),
            "links_expire_at": to_iso(now + timedelta(seconds=self.files.DOWNLOAD_SECONDS)),
            "audit_id": entry.id,
            "customer": export_customer(stored.profile),
            "tickets": tickets,
            "messages_on_other_tickets": elsewhere,
            "mail_suppression": suppressed,
            "proven_addresses": proven,
            "portal_sign_in_links": self.store.portal_links(address or proven[0]) if address or proven else [],
        }

    # ------------------------------------------------------------------ erasure

    def erase(self, customer_id: str, *, confirm: str, reason: str, by: str) -> dict[str, Any]:
        """Permanently delete a customer and their tickets (see the module's docstring).
        ``confirm`` must repeat the customer's id."""
        stored = self._customer(customer_id)
        if confirm != customer_id:
            raise UnprocessableError(
                "To erase a customer, repeat their id in 'confirm'.", code="confirmation_mismatch",
                details={"customer_id": customer_id},
            )
        removed: Counter[str] = Counter()
        profile = stored.profile
        address, external_id = self._own_address(customer_id, profile.get("email")), profile.get("external_id")
        started = self.clock()
        request_id = ids.new_id("prq")
        self._request(request_id, "erasure", customer_id, by, started, "in_progress", reason=reason)
        # Before anything else, the customer is no one's to find: a widget renewing its session
        # while its connection is closed below gets a 404, and opens nothing new to miss.
        self.store.begin_erasure(customer_id, to_iso(self.clock()))

        # First nothing new may reach this customer: their address and user id claim nobody.
        if address and self.store.delete_claim(email_claim(address), customer_id):
            removed["claims"] += 1
        if external_id and self.store.delete_claim(external_claim(external_id), customer_id):
            removed["claims"] += 1
        typed = _address(profile)
        if typed:  # the portal's note that the business proved this address theirs, its sign-in links
            self.store.unlink_address(typed, customer_id)
            removed["portal_sign_in_links"] += self.store.delete_portal_links(typed)
        closed: set[str] = set()
        for connection_id in stored.connection_ids:
            self._disconnect(customer_id, connection_id, closed)

        mail_received: list[datetime] = []
        for ticket_id in self.store.ticket_ids(customer_id):
            ticket = self.store.ticket(ticket_id)
            if ticket is None:
                continue
            for sub in ticket.subscriptions:
                if sub.get("role") == "visitor" and sub.get("principal_id") == customer_id:
                    self._disconnect(customer_id, str(sub["connection_id"]), closed)
            mail_received += _mail_from(ticket.messages, customer_id)
            files = [key for msg in ticket.messages for key in message_files(msg)]
            for prefix in ticket_file_prefixes(ticket_id):  # uploads never sent are there too
                files += self.files.keys(prefix)
            removed["files"] += self.files.delete(files)  # first: the ticket is what leads to them
            self.store.delete_ticket(ticket)
            removed["tickets"] += 1
            removed["messages"] += len(ticket.messages)

        for ticket_id in stored.written_on:
            ticket = self.store.ticket(ticket_id)
            if ticket is not None:
                mine = {int(msg["seq"]) for msg in ticket.messages if msg.get("author_id") == customer_id}
                mail_received += _mail_from(ticket.messages, customer_id)
                removed["files"] += self.files.delete(self.store.erase_messages(ticket, mine, ERASED_BODY))
                removed["messages_on_other_tickets"] += len(mine)
            self.store.unlink_written_on(customer_id, ticket_id)

        if address:
            for ticket_id in self.store.copied_on(address):
                # Someone else's ticket: it keeps its mail, without this person's address.
                self.store.uncopy(ticket_id, address)
                removed["copied_on_tickets"] += 1
                ticket = self.store.ticket(ticket_id)
                for msg in ticket.messages if ticket else ():
                    for key in (msg.get(name) for name in MAIL_FILE_FIELDS):
                        if key and self.files.scrub(key, address, ERASED_ADDRESS, RETENTION_TAG):
                            removed["addresses_scrubbed_from_other_mail"] += 1
            if self.store.delete_suppression(address):
                removed["mail_suppressions"] += 1
            self.store.delete_ack_counters(address, hours_around(mail_received))
        removed["chat_dedupe_records"] += self.store.delete_dedupe_records(customer_id)
        for campaign_id in stored.campaign_ids:  # greeted (and answered) by a campaign
            self.store.delete_campaign_marks(customer_id, campaign_id)
            removed["campaign_greetings"] += 1
        removed["live_connections"] = len(closed)
        # Last: until the customer item goes, an erasure cut short finds everything again.
        self.store.delete_customer(customer_id)
        removed["customers"] = 1
        counts = {name: removed[name] for name in sorted(removed)}
        entry = self.audit.record(by, "customer.erased", "customer", customer_id, reason=reason, removed=counts)
        self._request(request_id, "erasure", customer_id, by, started, "completed", reason=reason,
                      audit_id=entry.id, counts=counts)
        return {"customer_id": customer_id, "erased_at": to_iso(entry.at), "audit_id": entry.id, "removed": counts}

    # ------------------------------------------------------------------ listeners

    def on_message_created(self, event: MessageCreated) -> None:
        """A customer wrote on someone else's ticket (copied on its mail): link them to it,
        so that erasing them finds their words there by key."""
        message = event.message
        if (
            message.author_type == AuthorType.CUSTOMER and message.author_id
            and message.author_id != event.ticket.customer_id
        ):
            self.store.note_written_on(message.author_id, event.ticket.id)

    def on_ticket_changed(self, event: TicketChanged) -> None:
        """Retention: a ticket that is closed expires ``retention_days`` later, with its
        messages, mail references and files (DynamoDB's TTL; the files are tagged for the
        bucket's lifecycle rule); a ticket that leaves closed is kept again."""
        move = retention_move(event.changes)
        days = self.retention_for(event.ticket.channel)
        if move is None or (move == "expire" and days <= 0):
            return
        ticket = self.store.ticket(event.ticket.id)
        if ticket is None:
            return
        at = None
        if move == "expire":
            closed_at = ticket.attributes.get("closed_at")
            at = expiry(from_iso(closed_at) if closed_at else self.clock(), days)
        self.store.expire(ticket, at)
        files = [key for msg in ticket.messages for key in message_files(msg)]
        for prefix in ticket_file_prefixes(ticket.id):
            files += self.files.keys(prefix)
        for key in dict.fromkeys(files):
            if at is None:
                self.files.untag(key)
            else:
                self.files.tag_for_expiry(key, RETENTION_TAG)

    # ------------------------------------------------------------------ requests

    def _request(
        self, request_id: str, kind: str, customer_id: str, by: str, requested_at: datetime, state: str,
        **details: Any,
    ) -> None:
        """Keep the request's record: an erasure is 'in_progress' until its last step, so one
        cut short (a timeout) shows as such until it is run again."""
        if self.requests is None:
            return
        record = {"id": request_id, "kind": kind, "customer_id": customer_id, "by": by,
                  "requested_at": to_iso(requested_at), "state": state,
                  "completed_at": to_iso(self.clock()) if state == "completed" else None, **details}
        self.requests.put_request(record)

    def request_log(self, limit: int = 50) -> list[dict[str, Any]]:
        """The latest export and erasure requests, newest first."""
        return self.requests.requests(limit) if self.requests is not None else []

    # ------------------------------------------------------------------ helpers

    def _customer(self, customer_id: str) -> StoredCustomer:
        stored = self.store.customer(customer_id)
        if stored is None:
            raise NotFoundError(f"No customer {customer_id!r}.", code="customer_not_found")
        return stored

    def _own_address(self, customer_id: str, email: str | None) -> str | None:
        """The customer's address if it is theirs, else None: a chat visitor's typed address
        claims nothing, and may be someone else's (whose records must not be touched)."""
        if email and self.store.claim_owner(email_claim(email)) == customer_id:
            return email
        return None

    def _disconnect(self, customer_id: str, connection_id: str, closed: set[str]) -> None:
        if connection_id in closed:
            return
        try:
            self.close_connection(connection_id)
        except Exception:  # forgotten below all the same: its frames then find no visitor
            logger.exception("closing an erased visitor's connection failed", connection_id=connection_id)
        self.store.forget_connection(customer_id, connection_id)
        closed.add(connection_id)


def _address(profile: dict[str, Any]) -> str | None:
    """The address on a customer's profile, as the portal keys it."""
    return str(profile["email"]).strip().lower() if profile.get("email") else None


def _mail_from(messages: list[dict[str, Any]], customer_id: str) -> list[datetime]:
    """When this customer's mail arrived (its acknowledgement counters are keyed by the hour)."""
    return [
        from_iso(msg["created_at"]) for msg in messages
        if msg.get("author_id") == customer_id and msg.get("source_key") and msg.get("created_at")
    ]
