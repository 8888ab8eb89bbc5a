"""What the services need from storage and from the world outside, as protocols.

Each protocol lists every method a service calls on it, so a service reaches storage only
through these: in AWS the adapters of ``chalicelib/adapters`` (DynamoDB, S3, SES), in the
unit tests the in-memory fakes of ``tests/unit/fakes.py``. mypy checks both against them
(``bootstrap.build`` passes the adapters in; the fakes are typed as these protocols).

Also here: the plain values the ports hand back (a page of a listing, a ticket's SLA record,
a customer's records as stored), which belong to no one adapter.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

from ..domain import sla
from ..domain.audit import AuditEntry
from ..domain.canned import CannedResponse
from ..domain.kb import Article, Category, Hit, IndexedArticle, IndexPointer, Revision
from ..domain.people import Agent, Customer, VisitedPage
from ..domain.privacy import inbound_delivery_ref, ses_ref
from ..domain.team import Invite, Team
from ..domain.tickets import Delivery, Message, Rating, Ticket, TicketFilter

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """A page of a listing, and the cursor of the next one (None: this is the last)."""

    items: list[T]
    cursor: str | None


# ---------------------------------------------------------------- tickets, customers, agents


class TicketRepository(Protocol):
    """Tickets and their messages (TicketService)."""

    def next_number(self) -> int: ...
    def add(
        self, ticket: Ticket, first_message: Message | None, *, by: str | None = None, mail_refs: Sequence[str] = ()
    ) -> None:
        """Store a new ticket and its first message together (both or neither). A first
        message marked ``opening`` is part of ticket.opened; one that is not (a mail's) is
        also a message.created, and its Message-ID starts the ticket's mail thread
        (``mail_refs``), there before anything answers the mail."""
    def get(self, ticket_id: str) -> Ticket | None: ...
    def get_by_number(self, number: int) -> Ticket | None: ...
    def list(self, query: TicketFilter, *, limit: int, cursor: str | None) -> Page[Ticket]: ...

    def update(self, before: Ticket, after: Ticket, *, by: str | None) -> Ticket:
        """Store an edit made on ``before`` (by an agent, or None: the customer);
        ConflictError if the ticket changed since."""

    def reserve_message(self, before: Ticket, after: Ticket, *, by: str | None = None) -> Ticket | None:
        """Take the next message number (``message_count`` of what is returned) and store
        ``after``'s activity, status and (when ``before`` had none) assignee; None when the
        status is no longer ``before``'s, or the ticket was assigned meanwhile."""

    def rate(self, ticket_id: str, rating: Rating) -> tuple[Ticket, Ticket] | None:
        """Store a rating if the ticket is solved or closed: (before, after), else None."""

    def set_bot(self, ticket_id: str, expected: str | None, state: str) -> tuple[Ticket, Ticket] | None:
        """Move the FAQ bot's part from ``expected`` to ``state``: (before, after), else None."""

    def mark_read(self, ticket_id: str, reader_role: str, seq: int) -> None: ...
    def put_message(self, message: Message) -> None: ...
    def get_message(self, ticket_id: str, seq: int) -> Message | None: ...

    def list_messages(
        self, ticket_id: str, *, after_seq: int, limit: int, include_notes: bool
    ) -> tuple[builtins.list[Message], int | None]: ...

    def set_delivery(
        self, ticket_id: str, seq: int, state: Delivery, *, error: str | None = None, mail_id: str | None = None
    ) -> Message | None:
        """Where a reply by mail stands; None if the message is gone, or if it was sent
        already and ``state`` is not SENT (a sent reply stays sent)."""


class MailThreads(Protocol):
    """The mail thread of a ticket: its Message-IDs and the people copied on it (MailService)."""

    def add_mail_ref(self, ticket_id: str, message_id: str) -> None: ...
    def mail_refs(self, ticket_id: str) -> list[str]: ...
    def add_ccs(self, ticket_id: str, addresses: set[str]) -> None: ...
    def ccs(self, ticket_id: str) -> set[str]: ...


class CustomerRepository(Protocol):
    """Customers, by id or by a unique claim (``EMAIL#address``, ``EXTUSER#id``)."""

    def get(self, customer_id: str) -> Customer | None: ...
    def get_by_claim(self, claim: str) -> Customer | None: ...

    def add(self, customer: Customer, claim: str | None) -> bool:
        """Store a new customer; False (and nothing stored) if ``claim`` is someone's."""

    def get_many(self, customer_ids: list[str]) -> dict[str, Customer]: ...
    def fill_in(self, customer_id: str, name: str | None, email: str | None) -> Customer | None: ...
    def prove_email(self, customer_id: str, email: str) -> bool:
        """The customer's address is now ``email``, proven theirs (a confirmation link); False: no such customer."""
        ...
    def add_visit_page(self, customer_id: str, page: VisitedPage) -> bool: ...

    def link_email(self, address: str, customer_id: str) -> None:
        """Note that another customer has this address, proven (the portal lists their tickets)."""

    def linked_customer_ids(self, address: str) -> list[str]: ...


class AgentLookup(Protocol):
    """Whether an agent exists (TicketService, before assigning a ticket)."""

    def get(self, agent_id: str) -> Agent | None: ...


class AgentRepository(AgentLookup, Protocol):
    """Agents' profiles (AgentService)."""

    def list(self) -> builtins.list[Agent]: ...
    def save(self, agent: Agent) -> None: ...
    def update_profile(self, agent_id: str, changes: dict[str, str | None]) -> Agent | None: ...

    def admin_update(
        self, agent_id: str, changes: dict[str, Any], *, by: str, keep_admin: str | None = None
    ) -> Agent | None:
        """Set role, status, teams, capacity or languages (empty: removed); None if no such
        agent. ``keep_admin``: only while that agent is an active admin (ConflictError
        ``last_admin`` otherwise), in the same write."""


# ---------------------------------------------------------------- the desk's configuration


class CalendarStore(Protocol):
    """Business-hours calendars as admins wrote them (CalendarService)."""

    def calendar(self, calendar_id: str) -> dict[str, Any] | None: ...
    def put_calendar(self, calendar_id: str, data: dict[str, Any]) -> None: ...
    def delete_calendar(self, calendar_id: str) -> bool: ...
    def calendars(self) -> dict[str, dict[str, Any]]: ...


class PolicyStore(Protocol):
    """SLA policies as admins wrote them, in order (SlaService)."""

    def policies(self) -> list[dict[str, Any]]: ...
    def put_policies(self, policies: list[dict[str, Any]]) -> None: ...


class CannedResponseStore(Protocol):
    """Saved replies (CannedResponseService)."""

    def canned_responses(self) -> list[CannedResponse]: ...
    def canned_response(self, canned_id: str) -> CannedResponse | None: ...
    def put_canned_response(self, canned_id: str, title: str, body: str) -> CannedResponse: ...
    def delete_canned_response(self, canned_id: str) -> bool: ...


# ---------------------------------------------------------------- SLA clocks and business hours


@dataclass(frozen=True)
class SlaRecord:
    """A ticket with its SLA clocks as stored: ``rev`` orders writers, ``fired`` holds the
    marks of the escalations that ran (``domain.sla.due`` skips them)."""

    ticket: Ticket
    state: sla.SlaState | None
    rev: int
    fired: frozenset[str]


class SlaStore(Protocol):
    """Tickets' SLA clocks and the index of those with a warning or breach to come."""

    def load(self, ticket_id: str) -> SlaRecord | None: ...

    def save(self, record: SlaRecord, state: sla.SlaState | None) -> bool:
        """Store new clocks unless another writer stored some since ``record`` (False)."""

    def fire(self, ticket_id: str, mark: str) -> bool:
        """Mark an escalation as run (its event, ``SlaEscalated``); False if it was already."""

    def due(self, now: datetime, limit: int) -> list[SlaRecord]:
        """Tickets whose next warning or breach is at or before ``now``, soonest first."""


class OutOfHoursClaims(Protocol):
    def claim_out_of_hours(self, ticket_id: str, period: str, claimant: str | None = None) -> bool:
        """True for the first claim of a conversation in a closed period (and for the same
        claimant again); False when it was told already."""


# ---------------------------------------------------------------- mail


class MailRefs(Protocol):
    """Message-IDs of mail in and out: which ticket a reply belongs to, and whether a mail
    was stored already."""

    def claim(self, ref: str) -> bool:
        """Claim an inbound reference for storing; False if it is (being) stored already."""

    def release(self, ref: str) -> None: ...
    def record(self, ref: str, ticket_id: str, seq: int | None, direction: str) -> None: ...
    def ticket_for(self, ref: str) -> str | None: ...


class MailLimits(Protocol):
    """Addresses not to mail (bounced, complained) and the per-sender acknowledgement cap."""

    def suppress(self, address: str, reason: str, at: str) -> None: ...
    def is_suppressed(self, address: str) -> bool: ...

    def count_ack(self, address: str, hour: str) -> int:
        """Count an acknowledgement to ``address`` in ``hour`` (``YYYYMMDDHH``): the count so far."""


class MailFiles(Protocol):
    """The bucket as mail uses it: the raw mail, its HTML, its attachments."""

    def get_bytes(self, key: str) -> bytes: ...
    def find_bytes(self, key: str) -> bytes | None: ...
    def put_bytes(self, key: str, data: bytes, content_type: str) -> None: ...
    def copy(self, key: str, new_key: str) -> None: ...


class Mailer(Protocol):
    """Outgoing mail (SES)."""

    def send_raw(self, mime: bytes, destinations: list[str]) -> str:
        """Send a complete MIME message; the id the mail service gave it."""

    def send_text(self, *, to: str, subject: str, text: str) -> str: ...


# ---------------------------------------------------------------- the audit log


class AuditStore(Protocol):
    def add(self, entry: AuditEntry, *, once: bool = False) -> None:
        """Store an entry; ``once``: an entry already stored under its id stays as it is."""

    def month(self, month: str, *, limit: int, cursor: str | None, newest_first: bool) -> Page[AuditEntry]: ...
    def target(self, target_id: str, *, limit: int, cursor: str | None, newest_first: bool) -> Page[AuditEntry]: ...


# ---------------------------------------------------------------- a customer's data


@dataclass
class StoredCustomer:
    profile: dict[str, Any]  # the customer item, as stored
    connection_ids: list[str]  # their live chat connections
    written_on: list[str]  # other people's tickets they wrote on
    campaign_ids: list[str] = field(default_factory=list)  # proactive chat campaigns that greeted them


@dataclass
class StoredTicket:
    """A ticket's partition, as stored."""

    id: str
    attributes: dict[str, Any]  # the ticket item
    messages: list[dict[str, Any]] = field(default_factory=list)
    subscriptions: list[dict[str, Any]] = field(default_factory=list)

    @property
    def customer_id(self) -> str:
        return str(self.attributes.get("customer_id", ""))

    @property
    def thread_refs(self) -> list[str]:
        return list(self.attributes.get("mail_refs") or [])

    def mail_ref_keys(self) -> set[str]:
        """Every MAILREF this ticket may have written: those it noted, and (for mail stored
        before it noted them) those its thread and its messages name."""
        refs = set(self.attributes.get("mailref_keys") or [])
        refs |= {ses_ref(ref) for ref in self.thread_refs}
        refs |= {ref for msg in self.messages if (ref := inbound_delivery_ref(msg.get("source_key")))}
        return refs

    def copied(self) -> list[str]:
        return list(self.attributes.get("cc_emails") or [])

    def other_authors(self) -> set[str]:
        """Customers other than the requester who wrote on this ticket (people copied in)."""
        return {
            str(msg["author_id"]) for msg in self.messages
            if msg.get("author_type") == "customer" and msg.get("author_id") and msg["author_id"] != self.customer_id
        }


class PrivacyStore(Protocol):
    """Everything kept about a customer, by key: for their export, their erasure and the
    retention of closed tickets (PrivacyService)."""

    def customer(self, customer_id: str) -> StoredCustomer | None: ...
    def ticket_ids(self, customer_id: str) -> list[str]: ...
    def ticket(self, ticket_id: str) -> StoredTicket | None: ...
    def claim_owner(self, claim: str) -> str | None: ...
    def suppression(self, address: str) -> dict[str, Any] | None: ...
    def copied_on(self, address: str) -> list[str]: ...
    def note_written_on(self, customer_id: str, ticket_id: str) -> None: ...
    def delete_claim(self, claim: str, customer_id: str) -> bool: ...
    def unlink_address(self, address: str, customer_id: str) -> None: ...
    def proven_address(self, address: str, customer_id: str) -> bool: ...
    def portal_links(self, address: str) -> list[dict[str, Any]]: ...
    def delete_portal_links(self, address: str) -> int: ...
    def delete_suppression(self, address: str) -> bool: ...
    def delete_ack_counters(self, address: str, hours: Iterable[str]) -> None: ...
    def delete_dedupe_records(self, who: str) -> int: ...
    def forget_connection(self, customer_id: str, connection_id: str) -> None: ...
    def delete_ticket(self, ticket: StoredTicket) -> None: ...
    def erase_messages(self, ticket: StoredTicket, seqs: set[int], body: str) -> list[str]: ...
    def uncopy(self, ticket_id: str, address: str) -> None: ...
    def unlink_written_on(self, customer_id: str, ticket_id: str) -> None: ...
    def delete_campaign_marks(self, customer_id: str, campaign_id: str) -> None: ...
    def begin_erasure(self, customer_id: str, at: str) -> None: ...
    def delete_customer(self, customer_id: str) -> None: ...
    def expire(self, ticket: StoredTicket, at: int | None) -> int: ...


class PrivacyFiles(Protocol):
    """The bucket as a customer's export, erasure and retention use it."""

    DOWNLOAD_SECONDS: int

    def download_url(self, key: str, filename: str) -> str: ...
    def keys(self, prefix: str) -> list[str]: ...
    def delete(self, keys: list[str]) -> int: ...
    def tag_for_expiry(self, key: str, tag: tuple[str, str]) -> bool: ...
    def untag(self, key: str) -> bool: ...
    def scrub(self, key: str, text: str, replacement: str, tag: tuple[str, str] | None = None) -> bool: ...


# ---------------------------------------------------------------- website visitors


class VisitorTokenIssuer(Protocol):
    """Tokens that say which customer a browser is (WidgetService)."""

    def issue(self, customer_id: str) -> tuple[str, int]:
        """A token for the customer, and how many seconds it is valid."""

    def verify(self, token: str) -> str:
        """The customer id the token speaks for (AuthenticationError if it is not valid)."""


# ---------------------------------------------------------------- the team: invitations, teams


class InviteStore(Protocol):
    """Invitations to join the team (InviteService)."""

    def get(self, invite_id: str) -> Invite | None: ...
    def list(self) -> builtins.list[Invite]: ...

    def put(self, invite: Invite) -> Invite:
        """Make or renew the invitation: its ``rev`` goes up by one (every earlier link dies),
        which the stream sees as ``agent.invited``. Returns it as stored."""

    def delete(self, invite_id: str, rev: int | None = None) -> bool:
        """Remove it (at revision ``rev`` only, when given); False if it was not there so."""


class TeamStore(Protocol):
    """Teams (TeamService); their members are on the agents."""

    def get(self, team_id: str) -> Team | None: ...
    def list(self) -> builtins.list[Team]: ...
    def put(self, team: Team) -> None: ...
    def delete(self, team_id: str) -> bool: ...
# ---------------------------------------------------------------- settings set in the console


class SettingStore(Protocol):
    """Settings an admin sets in the console, by name, as validated JSON."""

    def setting(self, name: str) -> dict[str, Any] | None: ...
    def put_setting(self, name: str, data: dict[str, Any]) -> None: ...


class SendingIdentityStatus(Protocol):
    """What SES reports of a domain (SES v2 ``GetEmailIdentity``: verification, DKIM and MAIL
    FROM attributes); empty when SES does not know it."""

    def identity(self, domain: str) -> dict[str, Any]: ...


class PrivacyRequestStore(Protocol):
    """Customers' export and erasure requests with their state, newest first."""

    def put_request(self, record: dict[str, Any]) -> None: ...
    def requests(self, limit: int) -> builtins.list[dict[str, Any]]: ...
# ---------------------------------------------------------------- the customer portal


class PortalLinkStore(Protocol):
    """One-time sign-in links of the customer portal, by their token's digest (PortalService)."""

    def add(
        self, digest: str, email: str, valid_until: int, *, nonce: str | None = None, language: str | None = None,
        base_url: str | None = None,
    ) -> bool:
        """Store a link; False if one with this digest exists (a retry's). With a ``nonce``
        (the token derives from it), the stream mails it: ``portal.link_requested``."""

    def use(self, digest: str, now: int) -> tuple[str, str | None]:
        """Use a link once: (``LinkState.VALID``, its address) or the reason it is refused."""


class PortalFiles(Protocol):
    """The bucket as the web form uses it: a browser's upload, checked after."""

    def presign_upload(self, key: str, content_type: str, max_bytes: int) -> dict[str, Any]: ...
    def describe(self, key: str) -> tuple[int, str] | None: ...
    def download_url(self, key: str, filename: str) -> str: ...


class PortalSessionIssuer(Protocol):
    """Signed, short-lived sessions of customers who proved an address (PortalService)."""

    def issue(self, email: str, now: int, seconds: int) -> str: ...

    def verify(self, token: str, now: int) -> str:
        """The address the session speaks for (AuthenticationError if it is not valid)."""
class WidgetSettingsStore(Protocol):
    """The widget's settings (adapters/dynamodb/campaigns.py)."""

    def widget_settings(self) -> dict[str, Any] | None: ...
    def put_widget_settings(self, data: dict[str, Any]) -> None: ...


class CampaignStore(WidgetSettingsStore, Protocol):
    """Proactive chat campaigns, who was greeted and who answered, and the counts."""

    def campaigns(self) -> list[dict[str, Any]]: ...
    def campaign(self, campaign_id: str) -> dict[str, Any] | None: ...
    def put_campaign(self, campaign_id: str, data: dict[str, Any]) -> None: ...
    def delete_campaign(self, campaign_id: str) -> bool: ...
    def counts(self, campaign_ids: list[str]) -> dict[str, dict[str, int]]: ...
    def count(self, campaign_id: str, what: str) -> None: ...
    def mark(self, campaign_id: str, customer_id: str, what: str) -> bool: ...
    def was_shown(self, campaign_id: str, customer_id: str) -> bool: ...


class KbStore(Protocol):
    """The knowledge base's articles, revisions, categories and index pointer
    (adapters/dynamodb/kb.py)."""

    def article(self, slug: str, locale: str) -> Article | None: ...
    def translations(self, slug: str) -> builtins.list[Article]: ...
    def articles(self) -> builtins.list[Article]: ...
    def save(self, article: Article, expected_rev: int) -> None: ...
    def delete(self, slug: str, locale: str) -> bool: ...
    def revisions(self, slug: str, locale: str) -> builtins.list[Revision]: ...
    def categories(self) -> builtins.list[Category]: ...
    def put_category(self, category: Category, at: datetime) -> None: ...
    def delete_category(self, slug: str) -> bool: ...
    def index_pointer(self) -> IndexPointer | None: ...
    def set_index_pointer(self, pointer: IndexPointer) -> bool: ...


class KbIndexFiles(Protocol):
    """Where built search indexes are kept (the bucket)."""

    def put_bytes(self, key: str, data: bytes, content_type: str) -> None: ...
    def find_bytes(self, key: str) -> bytes | None: ...
    def keys(self, prefix: str) -> builtins.list[str]: ...
    def delete(self, keys: builtins.list[str]) -> int: ...
    def presign_upload(self, key: str, content_type: str, max_bytes: int) -> dict[str, Any]: ...
    def view_url(self, key: str) -> str: ...


class KbSearchIndex(Protocol):
    """A loaded search index (adapters/kb_index.py)."""

    size_bytes: int
    default_locale: str

    def search(self, query: str, locale: str, *, limit: int = 10, prefix: bool = False) -> builtins.list[Hit]: ...
    def listing(self, locale: str) -> builtins.list[IndexedArticle]: ...
    def categories(self) -> builtins.list[Category]: ...
    def articles(self) -> int: ...
