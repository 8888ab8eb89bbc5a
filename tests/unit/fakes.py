"""In-memory stand-ins for the adapters, satisfying the same protocols as the DynamoDB, S3 and
SES ones (``chalicelib/services/ports.py``, and the event backbone's in ``services/events.py``),
so that services are tested in milliseconds (the integration and end-to-end tiers run the real
adapters against the emulators). mypy checks every fake against its protocol
(``pyproject.toml`` names this module; see ``_conforms`` at the end).

``Desk`` wires the services over the fakes as ``chalicelib.bootstrap.build`` wires them over
AWS, and plays the table's stream: the ticket fakes derive events from their changes as
``adapters/dynamodb/stream.py`` derives them from the table's, and ``Desk.deliver`` runs the
reactions of ``chalicelib.reactions`` to them.
"""

from __future__ import annotations

import builtins
import email
import email.policy
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.dynamodb.stream import ticket_changes
from chalicelib.domain import sla
from chalicelib.domain.audit import AuditEntry
from chalicelib.domain.canned import CannedResponse
from chalicelib.domain.errors import AuthenticationError, ConflictError
from chalicelib.domain.events import MessageCreated, SlaEscalated, TicketChanged, TicketOpened
from chalicelib.domain.kb import Article, Category, IndexPointer, Revision
from chalicelib.domain.people import Agent, Customer, Role, VisitedPage
from chalicelib.domain.storage import inbound_mail_key
from chalicelib.domain.team import Invite, Team
from chalicelib.domain.tickets import (
    RATABLE_STATUSES,
    AuthorType,
    Delivery,
    Message,
    Rating,
    Ticket,
    TicketFilter,
)
from chalicelib.reactions import MAX_ATTEMPTS, Reaction
from chalicelib.services.audit import AuditLog
from chalicelib.services.customers import CustomerService
from chalicelib.services.events import (
    DeadLetters,
    EventBus,
    EventSource,
    FailedReaction,
    LedgerEntry,
    ReactionLedger,
    ReactionsPending,
    TableEvents,
)
from chalicelib.services.hours import CalendarService
from chalicelib.services.mail import Ingested, MailService
from chalicelib.services.out_of_hours import OutOfHoursService
from chalicelib.services.ports import (
    AgentRepository,
    AuditStore,
    CalendarStore,
    CampaignStore,
    CannedResponseStore,
    CustomerRepository,
    Mailer,
    MailFiles,
    MailLimits,
    MailRefs,
    MailThreads,
    OutOfHoursClaims,
    Page,
    PolicyStore,
    PrivacyFiles,
    SettingStore,
    SlaRecord,
    SlaStore,
    TicketRepository,
)
from chalicelib.services.search import SearchService
from chalicelib.services.sla import SlaService
from chalicelib.services.tickets import PostMessage, TicketService

START = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)  # a Monday morning


class FakeClock:
    """The services' ``clock``: now is what the test says."""

    def __init__(self, now: datetime = START) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def _page(items: list[Any], limit: int, cursor: str | None) -> Page[Any]:
    """A page of ``items`` from an offset cursor (the fakes' cursors are offsets)."""
    start = int(cursor) if cursor else 0
    end = start + limit
    return Page(items[start:end], str(end) if end < len(items) else None)


# ---------------------------------------------------------------- tickets and their stream


class FakeTickets:
    """Tickets, messages and mail threads (TicketRepository, MailThreads) in dicts, with the
    conditions the DynamoDB adapter writes under: a stale edit is a conflict, a message number
    is reserved only while the status is what the caller decided on, a sent reply stays sent.

    ``stream`` holds the events the table's stream would carry for these changes, each with
    its id: ticket.opened for a new ticket, ticket.changed for a change of the fields a person
    changes, message.created for a message after the first."""

    def __init__(self) -> None:
        self.tickets: dict[str, Ticket] = {}
        self.messages: dict[str, dict[int, Message]] = {}
        self.thread: dict[str, list[str]] = {}
        self.copied: dict[str, set[str]] = {}
        self.read: dict[tuple[str, str], int] = {}
        self.mail_ids: dict[tuple[str, int], str] = {}
        self.stream: list[Any] = []
        self._numbers = 0
        self._events = 0

    def record(self, event: Any) -> None:
        self._events += 1
        self.stream.append(replace(event, event_id=f"evt-{self._events:06d}"))

    # TicketRepository

    def next_number(self) -> int:
        self._numbers += 1
        return 1000 + self._numbers

    def add(
        self, ticket: Ticket, first_message: Message | None, *, by: str | None = None, mail_refs: Sequence[str] = ()
    ) -> None:
        if ticket.id in self.tickets:
            raise ConflictError("A ticket with this id exists.", code="ticket_exists")  # the transaction's condition
        self.messages[ticket.id] = {}
        if mail_refs:
            self.thread[ticket.id] = builtins.list(mail_refs)
        if first_message is not None:
            self.messages[ticket.id][first_message.seq] = first_message
        self.tickets[ticket.id] = ticket
        self.record(TicketOpened(ticket, None, by=by))
        if first_message is not None and not first_message.opening:
            self.record(MessageCreated(ticket, first_message))

    def get(self, ticket_id: str) -> Ticket | None:
        return self.tickets.get(ticket_id)

    def get_by_number(self, number: int) -> Ticket | None:
        return next((t for t in self.tickets.values() if t.number == number), None)

    def list(self, query: TicketFilter, *, limit: int, cursor: str | None) -> Page[Ticket]:
        def matches(t: Ticket) -> bool:
            none = TicketFilter.NONE
            return (
                (query.status is None or t.status == query.status)
                and (query.priority is None or t.priority == query.priority)
                and (query.assignee_id is None or t.assignee_id == (None if query.assignee_id == none
                                                                    else query.assignee_id))
                and (query.team is None or t.team == (None if query.team == none else query.team))
                and (query.tag is None or query.tag in t.tags)
                and (query.customer_id is None or t.customer_id == query.customer_id)
                and (query.channel is None or t.channel == query.channel)
            )

        found = sorted((t for t in self.tickets.values() if matches(t)),
                       key=lambda t: (t.last_activity_at, t.id), reverse=True)
        return _page(found, limit, cursor)

    def update(self, before: Ticket, after: Ticket, *, by: str | None) -> Ticket:
        current = self.tickets.get(before.id)
        if current is None or current.version != before.version:
            raise ConflictError("The ticket was changed by someone else; reload it and try again.",
                                code="version_conflict")
        stored = replace(
            current, subject=after.subject, status=after.status, priority=after.priority,
            assignee_id=after.assignee_id, team=after.team, tags=after.tags, updated_at=after.updated_at,
            last_activity_at=after.last_activity_at, solved_at=after.solved_at, closed_at=after.closed_at,
            version=before.version + 1,
        )
        self._change(current, stored, by)
        return stored

    def reserve_message(self, before: Ticket, after: Ticket, *, by: str | None = None) -> Ticket | None:
        current = self.tickets.get(before.id)
        assigns = after.assignee_id != before.assignee_id
        if current is None or current.status != before.status or (assigns and current.assignee_id is not None):
            return None
        stored = replace(current, message_count=current.message_count + 1,
                         last_activity_at=after.last_activity_at, updated_at=after.updated_at)
        if after.status != before.status or assigns:
            stored = replace(stored, version=current.version + 1)
        if after.status != before.status:
            stored = replace(stored, status=after.status, solved_at=after.solved_at)
        if assigns:
            stored = replace(stored, assignee_id=after.assignee_id)
        self._change(current, stored, by)
        return stored

    def rate(self, ticket_id: str, rating: Rating) -> tuple[Ticket, Ticket] | None:
        current = self.tickets.get(ticket_id)
        if current is None or current.status not in RATABLE_STATUSES:
            return None
        stored = replace(current, csat=rating)
        self._change(current, stored, None)
        return current, stored

    def set_bot(self, ticket_id: str, expected: str | None, state: str) -> tuple[Ticket, Ticket] | None:
        current = self.tickets.get(ticket_id)
        if current is None or current.bot != expected:
            return None
        stored = replace(current, bot=state)
        self._change(current, stored, None)
        return current, stored

    def _change(self, before: Ticket, after: Ticket, by: str | None) -> None:
        self.tickets[after.id] = after
        changes = ticket_changes(before, after)
        if changes:
            self.record(TicketChanged(after, changes, by=by))

    def mark_read(self, ticket_id: str, reader_role: str, seq: int) -> None:
        key = (ticket_id, reader_role)
        self.read[key] = max(seq, self.read.get(key, 0))

    def put_message(self, message: Message) -> None:
        thread = self.messages.setdefault(message.ticket_id, {})
        assert message.seq not in thread, "a message number is used once"
        thread[message.seq] = message
        ticket = self.tickets.get(message.ticket_id)
        if ticket is not None and not message.opening:
            self.record(MessageCreated(ticket, message))

    def get_message(self, ticket_id: str, seq: int) -> Message | None:
        return self.messages.get(ticket_id, {}).get(seq)

    def list_messages(
        self, ticket_id: str, *, after_seq: int, limit: int, include_notes: bool
    ) -> tuple[builtins.list[Message], int | None]:
        found = [m for seq, m in sorted(self.messages.get(ticket_id, {}).items())
                 if seq > after_seq and (include_notes or m.public)]
        page = found[:limit]
        return page, (page[-1].seq if len(page) == limit else None)

    def set_delivery(
        self, ticket_id: str, seq: int, state: Delivery, *, error: str | None = None, mail_id: str | None = None
    ) -> Message | None:
        message = self.get_message(ticket_id, seq)
        if message is None or (state != Delivery.SENT and message.delivery == Delivery.SENT):
            return None
        message = replace(message, delivery=state, delivery_error=error)
        self.messages[ticket_id][seq] = message
        if mail_id:
            self.mail_ids[(ticket_id, seq)] = mail_id
        return message

    # MailThreads

    def add_mail_ref(self, ticket_id: str, message_id: str) -> None:
        self.thread.setdefault(ticket_id, []).append(message_id)

    def mail_refs(self, ticket_id: str) -> builtins.list[str]:
        return builtins.list(self.thread.get(ticket_id, []))

    def add_ccs(self, ticket_id: str, addresses: set[str]) -> None:
        self.copied.setdefault(ticket_id, set()).update(addresses)

    def ccs(self, ticket_id: str) -> set[str]:
        return set(self.copied.get(ticket_id, set()))


class FakeSlaStore:
    """SLA clocks (SlaStore) and out-of-hours claims (OutOfHoursClaims) on the tickets of a
    FakeTickets, as the DynamoDB store keeps them on the ticket items: the clocks are the
    ticket's ``sla``, saved under a revision; a fired mark is an escalation's event."""

    def __init__(self, tickets: FakeTickets) -> None:
        self.tickets = tickets
        self.rev: dict[str, int] = {}
        self.fired: dict[str, frozenset[str]] = {}
        self.timer: dict[str, datetime] = {}
        self.out_of_hours: dict[str, tuple[str, str | None]] = {}

    def load(self, ticket_id: str) -> SlaRecord | None:
        ticket = self.tickets.get(ticket_id)
        if ticket is None:
            return None
        return SlaRecord(ticket, ticket.sla, self.rev.get(ticket_id, 0), self.fired.get(ticket_id, frozenset()))

    def save(self, record: SlaRecord, state: sla.SlaState | None) -> bool:
        ticket_id = record.ticket.id
        current = self.tickets.get(ticket_id)
        if current is None or self.rev.get(ticket_id, 0) != record.rev:
            return False
        self.tickets.tickets[ticket_id] = replace(current, sla=state)
        self.rev[ticket_id] = record.rev + 1
        timer = sla.next_timer(state, record.fired) if state is not None else None
        if timer is None:
            self.timer.pop(ticket_id, None)
        else:
            self.timer[ticket_id] = timer
        return True

    def fire(self, ticket_id: str, mark: str) -> bool:
        ticket = self.tickets.get(ticket_id)
        fired = self.fired.get(ticket_id, frozenset())
        if ticket is None or mark in fired:
            return False
        self.fired[ticket_id] = fired | {mark}
        metric, level = sla.parse_mark(mark)
        clock = ticket.sla.clocks.get(sla.Metric(metric)) if ticket.sla is not None else None
        due_at = clock.due_at if clock is not None and clock.due_at is not None else ticket.updated_at
        self.tickets.record(SlaEscalated(ticket, metric, level, due_at, mark))
        return True

    def due(self, now: datetime, limit: int) -> list[SlaRecord]:
        soonest = sorted((at, ticket_id) for ticket_id, at in self.timer.items() if at <= now)
        return [record for _, ticket_id in soonest[:limit] if (record := self.load(ticket_id)) is not None]

    def claim_out_of_hours(self, ticket_id: str, period: str, claimant: str | None = None) -> bool:
        if ticket_id not in self.tickets.tickets:
            return False
        told = self.out_of_hours.get(ticket_id)
        if told is not None and told[0] == period and not (claimant and told[1] == claimant):
            return False
        self.out_of_hours[ticket_id] = (period, claimant)
        return True


# ---------------------------------------------------------------- people


class FakeCustomers:
    """CustomerRepository: customers by id, and the claims (e-mail, external id) that find them."""

    def __init__(self) -> None:
        self.customers: dict[str, Customer] = {}
        self.claims: dict[str, str] = {}
        self.links: dict[str, list[str]] = {}

    def get(self, customer_id: str) -> Customer | None:
        return self.customers.get(customer_id)

    def get_by_claim(self, claim: str) -> Customer | None:
        owner = self.claims.get(claim)
        return self.customers.get(owner) if owner else None

    def add(self, customer: Customer, claim: str | None) -> bool:
        if claim is not None and claim in self.claims:
            return False
        self.customers[customer.id] = customer
        if claim is not None:
            self.claims[claim] = customer.id
        return True

    def get_many(self, customer_ids: list[str]) -> dict[str, Customer]:
        return {cid: self.customers[cid] for cid in customer_ids if cid in self.customers}

    def fill_in(self, customer_id: str, name: str | None, email: str | None) -> Customer | None:
        customer = self.customers.get(customer_id)
        if customer is None:
            return None
        customer = replace(customer, name=customer.name or name, email=customer.email or email)
        self.customers[customer_id] = customer
        return customer

    def prove_email(self, customer_id: str, email: str) -> bool:
        customer = self.customers.get(customer_id)
        if customer is None:
            return False
        self.customers[customer_id] = replace(customer, email=email, email_proven=True)
        return True

    def add_visit_page(self, customer_id: str, page: VisitedPage) -> bool:
        customer = self.customers.get(customer_id)
        if customer is None:
            return False
        self.customers[customer_id] = replace(customer, visit_pages=(*customer.visit_pages, page))
        return True

    def link_email(self, address: str, customer_id: str) -> None:
        self.links.setdefault(address, [])
        if customer_id not in self.links[address]:
            self.links[address].append(customer_id)

    def linked_customer_ids(self, address: str) -> list[str]:
        return list(self.links.get(address, []))


class FakeAgents:
    """AgentRepository: agents' profiles by id."""

    def __init__(self, *agents: Agent) -> None:
        self.agents: dict[str, Agent] = {a.id: a for a in agents}

    def get(self, agent_id: str) -> Agent | None:
        return self.agents.get(agent_id)

    def list(self) -> builtins.list[Agent]:
        return builtins.list(self.agents.values())

    def available_agents(self) -> builtins.list[Agent]:
        return [a for a in self.agents.values() if a.available]

    def save(self, agent: Agent) -> None:
        self.agents[agent.id] = agent

    def update_profile(self, agent_id: str, changes: dict[str, str | None]) -> Agent | None:
        agent = self.agents.get(agent_id)
        if agent is None:
            return None
        agent = replace(
            agent, name=changes.get("name") or agent.name, title=changes.get("title", agent.title),
            avatar_url=changes.get("avatar_url", agent.avatar_url), timezone=changes.get("timezone", agent.timezone),
            language=changes.get("language", agent.language),
        )
        self.agents[agent_id] = agent
        return agent

    def admin_update(
        self, agent_id: str, changes: dict[str, Any], *, by: str, keep_admin: str | None = None
    ) -> Agent | None:
        agent = self.agents.get(agent_id)
        if agent is None:
            return None
        if keep_admin is not None:
            other = self.agents.get(keep_admin)
            if other is None or other.role != Role.ADMIN or not other.active:
                raise ConflictError("The desk must keep at least one active admin.", code="last_admin")
        fields: dict[str, Any] = {}
        for name, value in changes.items():
            if name == "role":
                fields["role"] = Role(value)
            elif name in ("teams", "languages"):
                fields[name] = tuple(value or ())
            elif name == "status":
                fields["status"] = value or "active"
            else:
                fields[name] = value
        agent = replace(agent, **fields)
        self.agents[agent_id] = agent
        return agent


# ---------------------------------------------------------------- configuration


class FakeDeskConfig:
    """Calendars, SLA policies and canned responses (CalendarStore, PolicyStore,
    CannedResponseStore), kept as written."""

    def __init__(self, clock: Callable[[], datetime] = FakeClock()) -> None:
        self.clock = clock
        self.stored_calendars: dict[str, dict[str, Any]] = {}
        self.stored_policies: list[dict[str, Any]] = []
        self.canned: dict[str, CannedResponse] = {}
        self.stored_settings: dict[str, dict[str, Any]] = {}

    def calendar(self, calendar_id: str) -> dict[str, Any] | None:
        return self.stored_calendars.get(calendar_id)

    def put_calendar(self, calendar_id: str, data: dict[str, Any]) -> None:
        self.stored_calendars[calendar_id] = dict(data)

    def delete_calendar(self, calendar_id: str) -> bool:
        return self.stored_calendars.pop(calendar_id, None) is not None

    def calendars(self) -> dict[str, dict[str, Any]]:
        return dict(self.stored_calendars)

    def policies(self) -> list[dict[str, Any]]:
        return list(self.stored_policies)

    def put_policies(self, policies: list[dict[str, Any]]) -> None:
        self.stored_policies = list(policies)

    def canned_responses(self) -> list[CannedResponse]:
        return [self.canned[k] for k in sorted(self.canned)]

    def canned_response(self, canned_id: str) -> CannedResponse | None:
        return self.canned.get(canned_id)

    def put_canned_response(self, canned_id: str, title: str, body: str) -> CannedResponse:
        self.canned[canned_id] = CannedResponse(canned_id, title, body, self.clock())
        return self.canned[canned_id]

    def delete_canned_response(self, canned_id: str) -> bool:
        return self.canned.pop(canned_id, None) is not None

    def setting(self, name: str) -> dict[str, Any] | None:
        return self.stored_settings.get(name)

    def put_setting(self, name: str, data: dict[str, Any]) -> None:
        self.stored_settings[name] = dict(data)


# ---------------------------------------------------------------- mail


class FakeMailRefs:
    """MailRefs: Message-IDs claimed while a mail is stored, then pointing at its ticket."""

    def __init__(self) -> None:
        self.refs: dict[str, dict[str, Any]] = {}

    def claim(self, ref: str) -> bool:
        if ref in self.refs:
            return False
        self.refs[ref] = {"state": "pending"}
        return True

    def release(self, ref: str) -> None:
        self.refs.pop(ref, None)

    def record(self, ref: str, ticket_id: str, seq: int | None, direction: str) -> None:
        self.refs[ref] = {"state": "done", "ticket_id": ticket_id, "seq": seq, "direction": direction}

    def ticket_for(self, ref: str) -> str | None:
        found = self.refs.get(ref)
        return found["ticket_id"] if found and found["state"] == "done" else None


class FakeMailLimits:
    """MailLimits: the suppression list and the acknowledgements counted per sender and hour."""

    def __init__(self) -> None:
        self.suppressed: dict[str, tuple[str, str]] = {}
        self.acks: dict[tuple[str, str], int] = {}

    def suppress(self, address: str, reason: str, at: str) -> None:
        self.suppressed[address.lower()] = (reason, at)

    def is_suppressed(self, address: str) -> bool:
        return address.lower() in self.suppressed

    def count_ack(self, address: str, hour: str) -> int:
        key = (address.lower(), hour)
        self.acks[key] = self.acks.get(key, 0) + 1
        return self.acks[key]


class FakeFiles:
    """The bucket (MailFiles, PrivacyFiles): objects by key, with their content type and tags."""

    DOWNLOAD_SECONDS = 3600

    def __init__(self) -> None:
        self.objects: dict[str, tuple[bytes, str]] = {}
        self.tags: dict[str, tuple[str, str]] = {}

    def get_bytes(self, key: str) -> bytes:
        return self.objects[key][0]

    def find_bytes(self, key: str) -> bytes | None:
        found = self.objects.get(key)
        return found[0] if found else None

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None:
        self.objects[key] = (data, content_type)

    def copy(self, key: str, new_key: str) -> None:
        self.objects[new_key] = self.objects[key]

    def download_url(self, key: str, filename: str) -> str:
        return f"https://files.example/{key}?as={filename}"

    def view_url(self, key: str) -> str:
        return f"https://files.example/{key}"

    def presign_upload(self, key: str, content_type: str, max_bytes: int) -> dict[str, Any]:
        return {"url": "https://files.example/upload", "fields": {"key": key, "Content-Type": content_type}}

    def keys(self, prefix: str) -> list[str]:
        return sorted(k for k in self.objects if k.startswith(prefix))

    def delete(self, keys: list[str]) -> int:
        unique = list(dict.fromkeys(keys))
        for key in unique:
            self.objects.pop(key, None)
            self.tags.pop(key, None)
        return len(unique)

    def tag_for_expiry(self, key: str, tag: tuple[str, str]) -> bool:
        if key not in self.objects:
            return False
        self.tags[key] = tag
        return True

    def untag(self, key: str) -> bool:
        if key not in self.objects:
            return False
        self.tags.pop(key, None)
        return True

    def scrub(self, key: str, text: str, replacement: str, tag: tuple[str, str] | None = None) -> bool:
        if key not in self.objects:
            return False
        data, content_type = self.objects[key]
        scrubbed = data.replace(text.encode(), replacement.encode())
        if scrubbed == data:
            return False
        self.objects[key] = (scrubbed, content_type)
        return True


@dataclass(frozen=True)
class SentMail:
    id: str  # what SES would answer: also the Message-ID the recipient sees (<id@email.amazonses.com>)
    to: list[str]
    message: EmailMessage  # as the recipient reads it

    @property
    def text(self) -> str:
        body = self.message.get_body(("plain",))
        assert isinstance(body, EmailMessage)
        return str(body.get_content())

    @property
    def threading_id(self) -> str:
        """What a reply to this mail names in In-Reply-To (SES replaces our Message-ID)."""
        return f"<{self.id}@email.amazonses.com>"


class FakeMailer:
    """Mailer: records what was sent, as the recipients get it. ``failures``: how many of the
    next sends fail (SES down)."""

    def __init__(self) -> None:
        self.sent: list[SentMail] = []
        self.failures = 0

    def send_raw(self, mime: bytes, destinations: list[str]) -> str:
        if self.failures:
            self.failures -= 1
            raise ConnectionError("SES is unreachable")
        message = email.message_from_bytes(mime, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        sent = SentMail(f"ses-{len(self.sent) + 1:06d}", list(destinations), message)
        self.sent.append(sent)
        return sent.id

    def send_text(self, *, to: str, subject: str, text: str) -> str:
        message = EmailMessage()
        message["To"], message["Subject"] = to, subject
        message.set_content(text)
        return self.send_raw(message.as_bytes(), [to])

    def to(self, address: str) -> list[SentMail]:
        return [m for m in self.sent if address in m.to]


# ---------------------------------------------------------------- the audit log


class FakeAuditStore:
    """AuditStore: entries by id; an entry written ``once`` keeps its first version."""

    def __init__(self) -> None:
        self.entries: dict[str, AuditEntry] = {}

    def add(self, entry: AuditEntry, *, once: bool = False) -> None:
        if once and entry.id in self.entries:
            return
        self.entries[entry.id] = entry

    def month(self, month: str, *, limit: int, cursor: str | None, newest_first: bool) -> Page[AuditEntry]:
        return self._listing([e for e in self.entries.values() if e.month == month], limit, cursor, newest_first)

    def target(self, target_id: str, *, limit: int, cursor: str | None, newest_first: bool) -> Page[AuditEntry]:
        return self._listing([e for e in self.entries.values() if e.target_id == target_id], limit, cursor,
                             newest_first)

    @staticmethod
    def _listing(entries: list[AuditEntry], limit: int, cursor: str | None, newest_first: bool) -> Page[AuditEntry]:
        return _page(sorted(entries, key=lambda e: (e.at, e.id), reverse=newest_first), limit, cursor)


# ---------------------------------------------------------------- the event backbone


class FakeLedger:
    """services.events.ReactionLedger in a dict: event id -> reaction -> entry."""

    def __init__(self) -> None:
        self.events: dict[str, dict[str, LedgerEntry]] = {}
        self.writes = 0

    def entries(self, event_id: str) -> dict[str, LedgerEntry]:
        return dict(self.events.get(event_id, {}))

    def write(self, event_id: str, entries: dict[str, LedgerEntry]) -> None:
        self.writes += 1
        self.events[event_id] = dict(entries)


class FakeDeadLetters:
    """services.events.DeadLetters in a dict, newest first like the table's listing."""

    def __init__(self) -> None:
        self.failures: dict[str, FailedReaction] = {}
        self._next = 0

    def park(self, reaction: str, envelope: dict[str, Any], error: str, attempts: int, at: datetime) -> str:
        self._next += 1
        failure_id = f"evf_{self._next:014d}"
        self.failures[failure_id] = FailedReaction(failure_id, reaction, envelope, error, attempts, at)
        return failure_id

    def list(self, *, limit: int, cursor: str | None) -> Page[FailedReaction]:
        return _page(sorted(self.failures.values(), key=lambda f: f.id, reverse=True), limit, cursor)

    def get(self, failure_id: str) -> FailedReaction | None:
        return self.failures.get(failure_id)

    def update(self, failure_id: str, error: str, attempts: int) -> None:
        self.failures[failure_id] = replace(self.failures[failure_id], error=error, attempts=attempts)

    def remove(self, failure_id: str) -> None:
        self.failures.pop(failure_id, None)


class FakeEventSource:
    """services.events.EventSource: records are {"events": [...]} and envelopes name an
    event kept here by id (what the DynamoDB source reads back from the table)."""

    def __init__(self) -> None:
        self.known: dict[str, Any] = {}

    def events(self, record: dict[str, Any]) -> list[Any]:
        for event in record["events"]:
            self.known[event.event_id] = event
        return list(record["events"])

    def envelope(self, event: Any) -> dict[str, Any]:
        return {"event": event.name, "event_id": event.event_id, "ticket_id": event.ticket.id}

    def event(self, envelope: dict[str, Any]) -> Any | None:
        return self.known.get(envelope["event_id"])


# ---------------------------------------------------------------- the search index


class FakeSearchIndex:
    """The search index in memory: term -> {ticket number: ticket id}."""

    def __init__(self, tickets: FakeTickets) -> None:
        self.entries: dict[str, dict[int, str]] = {}
        self.store = tickets

    def add(self, ticket: Ticket, terms: Iterable[str]) -> int:
        count = 0
        for term in set(terms):
            self.entries.setdefault(term, {})[ticket.number] = ticket.id
            count += 1
        return count

    def numbers(self, term: str, *, below: int | None, limit: int) -> dict[int, str]:
        found = sorted((n for n in self.entries.get(term, {}) if below is None or n < below), reverse=True)
        return {n: self.entries[term][n] for n in found[:limit]}

    def tickets(self, ticket_ids: list[str]) -> dict[str, Ticket]:
        return {t.id: t for tid in ticket_ids if (t := self.store.get(tid)) is not None}


# ---------------------------------------------------------------- the desk over the fakes


class Desk:
    """The services over the fakes, wired as ``bootstrap.build`` wires them over AWS: tickets,
    customers, mail, business hours and out-of-hours notices, SLA clocks and escalations, and
    the audit log. Chat and privacy are not built: their stream reactions are recorded in
    ``not_run`` instead of run. What agents would be alerted of, mailed and what webhooks would
    get is kept in ``alerts``, ``agent_mail`` and ``webhooks``."""

    SUPPORT = "support@desk.example"
    MAIL_SECRET = "unit-tests-mail-secret-0123456789abcdef"
    WEBHOOK_SECRET = "unit-tests-webhook-secret-0123456789ab"
    UNBUILT = ("privacy.", "mail.chat_reply_to_absent_visitor")

    def __init__(self, now: datetime = START, agents: Iterable[Agent] = ()) -> None:
        self.clock = FakeClock(now)
        self.store = FakeTickets()
        self.sla_store = FakeSlaStore(self.store)
        self.customer_store = FakeCustomers()
        self.agent_store = FakeAgents(*agents)
        self.config = FakeDeskConfig(self.clock)
        self.refs = FakeMailRefs()
        self.limits = FakeMailLimits()
        self.files = FakeFiles()
        self.mailer = FakeMailer()
        self.audit_store = FakeAuditStore()
        self.ledger = FakeLedger()
        self.dead_letters = FakeDeadLetters()
        self.alerts: list[tuple[dict[str, Any], set[str] | None]] = []
        self.agent_mail: list[tuple[Ticket, str, set[str] | None]] = []
        self.webhooks: list[tuple[str, bytes, dict[str, str]]] = []
        self.webhook_status = 200
        self.not_run: list[tuple[str, Any]] = []

        self.events = EventBus()  # the live pushes: no websocket here
        self.customers = CustomerService(self.customer_store, clock=self.clock)
        self.tickets = TicketService(self.store, self.customers, self.agent_store, clock=self.clock,
                                     events=self.events)
        self.calendars = CalendarService(self.config, clock=self.clock)
        self.out_of_hours = OutOfHoursService(
            self.calendars, self.sla_store, clock=self.clock,
            post_notice=lambda ticket, text: self.tickets.post_message(
                ticket.id, PostMessage(body=text), author_type=AuthorType.SYSTEM, ticket=ticket
            ),
        )
        self.sla = SlaService(
            store=self.sla_store, config=self.config, calendars=self.calendars, tickets=self.tickets,
            notify_agents=lambda frame, to: self.alerts.append((frame, to)),
            mail_agents=lambda ticket, text, to: self.agent_mail.append((ticket, text, to)),
            post_webhook=self._post_webhook, webhook_secret=self.WEBHOOK_SECRET, clock=self.clock,
            events=self.events,
        )
        self.mail = MailService(
            tickets=self.tickets, customers=self.customers, refs=self.refs, limits=self.limits,
            files=self.files, mailer=self.mailer, support_address=self.SUPPORT, secret=self.MAIL_SECRET,
            threads=self.store, agent_names=self._agent_name,
            expected_response_minutes=lambda ticket: self.sla.expected_first_response(ticket) or 24 * 60,
            out_of_hours=self.out_of_hours, clock=self.clock,
        )
        self.audit = AuditLog(self.audit_store, clock=self.clock)
        self.search_index = FakeSearchIndex(self.store)
        self.search = SearchService(self.search_index, self.tickets, self.customers)
        from chalicelib.adapters import kb_index
        from chalicelib.adapters.markdown import render
        from chalicelib.services.bot import FaqBot
        from chalicelib.services.kb import KnowledgeBase

        self.kb_store = FakeKbStore()
        self.kb = KnowledgeBase(
            self.kb_store, self.files, FakeDeskConfig(self.clock), render=render, build_index=kb_index.build,
            load_index=kb_index.KbIndex, clock=self.clock, check_seconds=0,
        )
        self.bot = FaqBot(tickets=self.tickets, kb=self.kb, out_of_hours=self.out_of_hours, clock=self.clock)
        from chalicelib.services.kb_stats import KbStats

        self.kb_stats_store = FakeKbStats()
        self.kb_stats = KbStats(self.kb_stats_store, self.tickets, clock=self.clock)
        self.stream = TableEvents(
            source=FakeEventSource(), ledger=self.ledger, dead_letters=self.dead_letters,
            resolve=self._listener, resolve_parked=self._parked_listener, clock=self.clock, container=self,
        )
        self._received = 0

    def _agent_name(self, agent_id: str) -> str:
        agent = self.agent_store.get(agent_id)
        return agent.name if agent else "Support"

    def _post_webhook(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        self.webhooks.append((url, body, headers))
        return self.webhook_status

    def _listener(self, reaction: Reaction) -> Callable[[Any], None]:
        if reaction.name.startswith(self.UNBUILT):
            return lambda event: self.not_run.append((reaction.name, event))
        handler: Callable[[Any], Callable[[Any], None]] = reaction.handler  # this desk stands in for the Container
        return handler(self)

    def _parked_listener(self, reaction: Reaction) -> Callable[[Any, str], None]:
        assert reaction.on_parked is not None
        handler: Callable[[Any], Callable[[Any, str], None]] = reaction.on_parked
        return handler(self)

    def deliver(self) -> list[Any]:
        """Run the table's stream to its end: every event the changes so far caused, and the
        events their reactions cause, in order. A record whose reactions must be tried again
        is delivered again, as Lambda does, until they succeed or are parked. Returns the
        events delivered."""
        delivered = []
        while self.store.stream:
            event = self.store.stream.pop(0)
            for _ in range(MAX_ATTEMPTS):
                try:
                    self.stream.run(event)
                    break
                except ReactionsPending:
                    continue
            delivered.append(event)
        return delivered

    def receive(
        self, message: EmailMessage, *, recipients: list[str] | None = None, verdicts: dict[str, str] | None = None
    ) -> Ingested:
        """Mail arriving as SES delivers it (each delivery with an id of its own): stored in
        the bucket, ingested, its stream run."""
        self._received += 1
        ses_id = f"inbound-{self._received:06d}"
        key = inbound_mail_key(ses_id)
        self.files.put_bytes(key, message.as_bytes(), "message/rfc822")
        ingested = self.mail.ingest(key, recipients=recipients or [self.SUPPORT], ses_message_id=ses_id,
                                    verdicts=verdicts)
        self.deliver()
        return ingested

    def tick(self, at: datetime | None = None) -> list[Any]:
        """The minute schedule: the SLA tick at ``at`` (default now), then the stream."""
        if at is not None:
            self.clock.now = at
        self.sla.tick()
        return self.deliver()


def agent(agent_id: str = "agt_alex", name: str = "Alex Agent", role: Role = Role.AGENT) -> Agent:
    return Agent(agent_id, f"{agent_id}@desk.example", name, role, START)


if TYPE_CHECKING:  # mypy checks that each fake is what it stands in for (the Desk's wiring checks most again)
    _tickets: TicketRepository = FakeTickets()
    _threads: MailThreads = FakeTickets()
    _sla_store: SlaStore = FakeSlaStore(FakeTickets())
    _claims: OutOfHoursClaims = FakeSlaStore(FakeTickets())
    _customers: CustomerRepository = FakeCustomers()
    _agents: AgentRepository = FakeAgents()
    _calendars: CalendarStore = FakeDeskConfig()
    _policies: PolicyStore = FakeDeskConfig()
    _canned: CannedResponseStore = FakeDeskConfig()
    _settings: SettingStore = FakeDeskConfig()
    _refs: MailRefs = FakeMailRefs()
    _limits: MailLimits = FakeMailLimits()
    _mailer: Mailer = FakeMailer()
    _mail_files: MailFiles = FakeFiles()
    _privacy_files: PrivacyFiles = FakeFiles()
    _audit: AuditStore = FakeAuditStore()
    _ledger: ReactionLedger = FakeLedger()
    _dead_letters: DeadLetters = FakeDeadLetters()
    _source: EventSource = FakeEventSource()


# ---------------------------------------------------------------- the team


class FakeInvites:
    """InviteStore: invitations by id, each ``put`` one revision up."""

    def __init__(self) -> None:
        self.invites: dict[str, Invite] = {}

    def get(self, invite_id: str) -> Invite | None:
        return self.invites.get(invite_id)

    def list(self) -> builtins.list[Invite]:
        return builtins.list(self.invites.values())

    def put(self, invite: Invite) -> Invite:
        before = self.invites.get(invite.id)
        stored = replace(invite, rev=(before.rev if before else 0) + 1)
        self.invites[invite.id] = stored
        return stored

    def delete(self, invite_id: str, rev: int | None = None) -> bool:
        found = self.invites.get(invite_id)
        if found is None or (rev is not None and found.rev != rev):
            return False
        del self.invites[invite_id]
        return True


class FakeTeams:
    """TeamStore: teams by slug."""

    def __init__(self) -> None:
        self.teams: dict[str, Team] = {}

    def get(self, team_id: str) -> Team | None:
        return self.teams.get(team_id)

    def list(self) -> builtins.list[Team]:
        return builtins.list(self.teams.values())

    def put(self, team: Team) -> None:
        self.teams[team.id] = team

    def delete(self, team_id: str) -> bool:
        return self.teams.pop(team_id, None) is not None


class FakeDirectory:
    """The user pool (AccountDirectory): accounts by address, with password, group, enabled."""

    def __init__(self) -> None:
        self.accounts: dict[str, dict[str, Any]] = {}

    def create_user(self, *, email: str, name: str, password: str, role: Role) -> str:
        if email in self.accounts:
            raise ConflictError("An agent with this e-mail address already exists.", code="agent_exists")
        self.accounts[email] = {"sub": f"sub-{len(self.accounts) + 1}", "password": password, "group": role,
                                "enabled": True, "name": name}
        return str(self.accounts[email]["sub"])

    def sign_in(self, email: str, password: str) -> dict[str, Any]:
        account = self.accounts.get(email)
        if account is None or account["password"] != password or not account["enabled"]:
            raise AuthenticationError("The e-mail address or password is not right.", code="invalid_credentials")
        return {"IdToken": f"id-{account['sub']}", "AccessToken": "access", "ExpiresIn": 3600}

    def refresh(self, refresh_token: str) -> dict[str, Any]:
        raise AuthenticationError("No refresh here.", code="invalid_token")

    def set_role(self, email: str, role: Role) -> None:
        self.accounts[email]["group"] = role

    def disable(self, email: str) -> None:
        self.accounts[email]["enabled"] = False

    def enable(self, email: str) -> None:
        self.accounts[email]["enabled"] = True

    def delete(self, email: str) -> None:
        self.accounts.pop(email, None)


if TYPE_CHECKING:
    from chalicelib.services.ports import InviteStore, TeamStore
    from chalicelib.services.team import AccountDirectory

    _invites: InviteStore = FakeInvites()
    _teams: TeamStore = FakeTeams()
    _directory: AccountDirectory = FakeDirectory()
class FakeCampaignStore:
    """The widget's settings and campaigns in memory (adapters/dynamodb/campaigns.py)."""

    def __init__(self) -> None:
        self.settings: dict[str, Any] | None = None
        self.items: dict[str, dict[str, Any]] = {}
        self.marks: set[tuple[str, str, str]] = set()
        self.counted: dict[str, dict[str, int]] = {}

    def widget_settings(self) -> dict[str, Any] | None:
        return self.settings

    def put_widget_settings(self, data: dict[str, Any]) -> None:
        self.settings = dict(data)

    def campaigns(self) -> list[dict[str, Any]]:
        return [{**c, "id": cid} for cid, c in self.items.items()]

    def campaign(self, campaign_id: str) -> dict[str, Any] | None:
        found = self.items.get(campaign_id)
        return None if found is None else {**found, "id": campaign_id}

    def put_campaign(self, campaign_id: str, data: dict[str, Any]) -> None:
        self.items[campaign_id] = dict(data)

    def delete_campaign(self, campaign_id: str) -> bool:
        return self.items.pop(campaign_id, None) is not None

    def counts(self, campaign_ids: list[str]) -> dict[str, dict[str, int]]:
        return {cid: {"shown": 0, "replied": 0, **self.counted.get(cid, {})} for cid in campaign_ids}

    def count(self, campaign_id: str, what: str) -> None:
        mine = self.counted.setdefault(campaign_id, {})
        mine[what] = mine.get(what, 0) + 1

    def mark(self, campaign_id: str, customer_id: str, what: str) -> bool:
        key = (campaign_id, customer_id, what)
        if key in self.marks:
            return False
        self.marks.add(key)
        return True

    def was_shown(self, campaign_id: str, customer_id: str) -> bool:
        return (campaign_id, customer_id, "shown") in self.marks


if TYPE_CHECKING:
    _campaigns: CampaignStore = FakeCampaignStore()


class FakeKbStore:
    """The knowledge base's items (KbStore): articles by (slug, locale), revisions, categories,
    the index pointer, with the same conditions as the table's writes."""

    def __init__(self) -> None:
        self.stored: dict[tuple[str, str], Article] = {}
        self.history: dict[tuple[str, str], list[Revision]] = {}
        self.stored_categories: dict[str, Category] = {}
        self.pointer: IndexPointer | None = None
        self.reads = 0  # Queries of every article (what a build costs)

    def article(self, slug: str, locale: str) -> Article | None:
        return self.stored.get((slug, locale))

    def translations(self, slug: str) -> builtins.list[Article]:
        return [a for (s, _), a in sorted(self.stored.items()) if s == slug]

    def articles(self) -> builtins.list[Article]:
        self.reads += 1
        return [a for _, a in sorted(self.stored.items())]

    def save(self, article: Article, expected_rev: int) -> None:
        current = self.stored.get((article.slug, article.locale))
        if (current.rev if current else 0) != expected_rev:
            raise ConflictError("changed", code="article_changed")
        self.stored[(article.slug, article.locale)] = article
        self.history.setdefault((article.slug, article.locale), []).append(Revision(
            article.slug, article.locale, article.rev, article.title, article.body, article.category,
            article.keywords, article.status, article.updated_at, article.updated_by))

    def delete(self, slug: str, locale: str) -> bool:
        self.history.pop((slug, locale), None)
        return self.stored.pop((slug, locale), None) is not None

    def revisions(self, slug: str, locale: str) -> builtins.list[Revision]:
        return list(reversed(self.history.get((slug, locale), [])))

    def categories(self) -> builtins.list[Category]:
        return list(self.stored_categories.values())

    def put_category(self, category: Category, at: datetime) -> None:
        self.stored_categories[category.slug] = category

    def delete_category(self, slug: str) -> bool:
        return self.stored_categories.pop(slug, None) is not None

    def index_pointer(self) -> IndexPointer | None:
        return self.pointer

    def set_index_pointer(self, pointer: IndexPointer) -> bool:
        if self.pointer is not None and self.pointer.version >= pointer.version:
            return False
        self.pointer = pointer
        return True


if TYPE_CHECKING:
    from chalicelib.services.ports import KbIndexFiles, KbStore

    _kb: KbStore = FakeKbStore()
    _kb_files: KbIndexFiles = FakeFiles()


class FakeKbStats:
    """The knowledge base's counters (services/kb_stats.KbStatsStore) in memory."""

    def __init__(self) -> None:
        self.counters: dict[tuple[int, int], dict[str, dict[str, int]]] = {}
        self.due: dict[str, tuple[str, str]] = {}

    def count(self, day: date, counts: dict[str, int], article: tuple[str, str] | None = None) -> None:
        keys = [f"{day:%d}"] + ([f"{day:%d}#A#{article[0]}#{article[1]}"] if article else [])
        for key in keys:
            mine = self.counters.setdefault((day.year, day.month), {}).setdefault(key, {})
            for name, n in counts.items():
                mine[name] = mine.get(name, 0) + n

    def count_unanswered(self, day: date, words: str) -> None:
        mine = self.counters.setdefault((day.year, day.month), {}).setdefault(f"{day:%d}#Q#{words}", {})
        mine["times"] = mine.get("times", 0) + 1

    def month(self, year: int, month: int) -> Iterator[tuple[str, dict[str, int]]]:
        yield from sorted(self.counters.get((year, month), {}).items())

    def remember_bot_answer(self, ticket_id: str, due: datetime, answered_on: date) -> None:
        self.due[f"{due.isoformat()}#{ticket_id}"] = (ticket_id, answered_on.isoformat())

    def due_bot_answers(self, now: datetime, limit: int = 100) -> list[tuple[str, str, str]]:
        return [(k, *v) for k, v in sorted(self.due.items()) if k <= f"{now.isoformat()}~"][:limit]

    def forget_bot_answer(self, key: str) -> None:
        self.due.pop(key, None)


if TYPE_CHECKING:
    from chalicelib.services.kb_stats import KbStatsStore

    _kb_stats: KbStatsStore = FakeKbStats()
