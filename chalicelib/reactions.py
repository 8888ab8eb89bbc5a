"""Every event and what it causes, in one table.

Where a reaction runs:

- ``REQUEST``: in the function that made the change, right after it is stored (and, for a
  chat message, after the sender's ``ack``). Only the live push to connected clients runs
  here: it is best effort, since a client that misses a frame gets it on ``resume``.
- ``STREAM``: in ``table_events``, the function on the table's DynamoDB stream, which derives
  the events from the changed items (``adapters/dynamodb/stream.py``). A change and its event
  are one write, so no event is lost when a request dies after its write. Delivery is at
  least once; each reaction runs once per event id (the ledger in the table, or its own
  conditional write where ``keyed`` says so).

``must_succeed``: a failing reaction is retried with its batch (the stream waits for it, in
order per item) up to ``MAX_ATTEMPTS`` times, then parked: kept with the event and the error
in the dead-letter queue and listed by ``GET /events/failed``, where an admin replays it.
A reaction that need not succeed is logged and dropped.

``when`` decides, from the event (and what the container knows without a request, such as a
cached calendar), whether the reaction has anything to do, so that an event costs no ledger
read or write for reactions it does not concern.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .domain import bot
from .domain.campaigns import CampaignReplied, CampaignShown
from .domain.events import (
    AgentDeparted,
    AgentInvited,
    AgentProfileChanged,
    KnowledgeBaseChanged,
    MessageCreated,
    MessageDeliveryChanged,
    PortalLinkRequested,
    SlaClocksChanged,
    SlaEscalated,
    TicketChanged,
    TicketOpened,
)
from .domain.privacy import retention_move
from .domain.tickets import AuthorType, Delivery

if TYPE_CHECKING:
    from .bootstrap import Container

REQUEST = "request"
STREAM = "stream"
MAX_ATTEMPTS = 3  # a reaction that fails this many times is parked


@dataclass(frozen=True)
class Reaction:
    name: str  # stable: it keys the ledger, the parked failures and the logs
    event: type
    runs: str  # REQUEST or STREAM
    handler: Callable[[Container], Callable[[Any], None]]  # picks the listener from the container
    must_succeed: bool = True
    when: Callable[[Any, Any], bool] = lambda event, container: True  # (event, container or None)
    keyed: bool = False  # idempotent by its own conditional write (or a put of the same item): no ledger entry
    on_parked: Callable[[Container], Callable[[Any, str], None]] | None = None  # given up on: (event, error)


def _public_by(event: Any, author: AuthorType) -> bool:
    return bool(event.message.public and event.message.author_type == author)


REACTIONS: tuple[Reaction, ...] = (
    # ---- ticket.opened
    Reaction("push.ticket_opened", TicketOpened, REQUEST, lambda c: c.chat.delivery.on_ticket_opened,
             must_succeed=False, when=lambda e, c: e.ticket.bot != bot.ACTIVE),  # the bot's: agents hear at hand-off
    Reaction("sla.start_clocks", TicketOpened, STREAM, lambda c: c.sla.on_ticket_opened,
             when=lambda e, c: e.ticket.bot != bot.ACTIVE),  # the bot's chat: its clocks start at hand-off
    Reaction("audit.ticket_opened", TicketOpened, STREAM, lambda c: c.audit.on_ticket_opened,
             when=lambda e, c: e.by is not None, keyed=True),
    Reaction("chat.out_of_hours_on_open", TicketOpened, STREAM, lambda c: c.out_of_hours.on_chat_opened,
             when=lambda e, c: e.ticket.channel == "chat" and e.ticket.bot != bot.ACTIVE
             and _closed(e, c, e.ticket.created_at)),
    Reaction("bot.answer_first", TicketOpened, STREAM, lambda c: c.bot.on_chat_opened,
             when=lambda e, c: e.ticket.bot == bot.ACTIVE),
    Reaction("portal.acknowledge", TicketOpened, STREAM, lambda c: c.portal.on_web_ticket_opened,
             when=lambda e, c: e.ticket.channel == "web"),
    # ---- portal.link_requested: a sign-in link a customer asked for, mailed (retried, never dropped)
    Reaction("mail.portal_link", PortalLinkRequested, STREAM, lambda c: c.portal.on_link_requested),
    # ---- message.created
    Reaction("push.message", MessageCreated, REQUEST, lambda c: c.chat.delivery.on_message_created,
             must_succeed=False),
    Reaction("sla.message_clocks", MessageCreated, STREAM, lambda c: c.sla.on_message_created,
             when=lambda e, c: e.ticket.sla is not None and e.message.public
             and e.message.author_type != AuthorType.SYSTEM),
    Reaction("mail.send_reply", MessageCreated, STREAM, lambda c: c.mail.on_message_created,
             when=lambda e, c: e.message.delivery == Delivery.PENDING, on_parked=lambda c: c.mail.on_reply_parked),
    Reaction("mail.auto_reply", MessageCreated, STREAM, lambda c: c.mail.on_auto_reply,
             when=lambda e, c: e.message.auto_reply is not None),
    Reaction("mail.chat_reply_to_absent_visitor", MessageCreated, STREAM,
             lambda c: c.chat_by_mail.on_message_created,
             when=lambda e, c: e.ticket.channel == "chat" and _public_by(e, AuthorType.AGENT)),
    Reaction("chat.out_of_hours_notice", MessageCreated, STREAM, lambda c: c.out_of_hours.on_chat_message,
             when=lambda e, c: e.ticket.channel == "chat" and e.message.author_type == AuthorType.CUSTOMER
             and e.ticket.bot != bot.ACTIVE and _closed(e, c, e.message.created_at)),
    # ---- the FAQ bot (services/bot.py): it answers a chat nobody has taken, or hands it off;
    # a person's message or solving it ends its part (conditional writes: a retry changes nothing)
    Reaction("bot.answer", MessageCreated, STREAM, lambda c: c.bot.on_customer_message,
             when=lambda e, c: e.ticket.bot == bot.ACTIVE and e.message.author_type == AuthorType.CUSTOMER),
    Reaction("kb.count_bot_answer", MessageCreated, STREAM, lambda c: c.kb_stats.on_bot_message,
             when=lambda e, c: e.message.author_type == AuthorType.BOT and bool(e.message.articles)),
    Reaction("bot.person_took_over", MessageCreated, STREAM, lambda c: c.bot.on_agent_message,
             when=lambda e, c: e.ticket.bot == bot.ACTIVE and e.message.author_type == AuthorType.AGENT, keyed=True),
    Reaction("audit.message", MessageCreated, STREAM, lambda c: c.audit.on_message_created,
             when=lambda e, c: e.message.author_type == AuthorType.AGENT and e.message.author_id is not None,
             keyed=True),
    Reaction("privacy.link_author", MessageCreated, STREAM, lambda c: c.privacy.on_message_created,
             when=lambda e, c: e.message.author_type == AuthorType.CUSTOMER
             and e.message.author_id not in (None, e.ticket.customer_id),
             keyed=True),
    # ---- ticket.changed
    Reaction("push.ticket_changed", TicketChanged, REQUEST, lambda c: c.chat.delivery.on_ticket_changed,
             must_succeed=False),
    Reaction("sla.ticket_changed", TicketChanged, STREAM, lambda c: c.sla.on_ticket_changed,
             when=lambda e, c: bool({"priority", "tags"} & set(e.changes))
             or ("status" in e.changes and e.ticket.sla is not None)),
    Reaction("audit.ticket_changed", TicketChanged, STREAM, lambda c: c.audit.on_ticket_changed,
             when=lambda e, c: e.by is not None, keyed=True),
    Reaction("privacy.retention", TicketChanged, STREAM, lambda c: c.privacy.on_ticket_changed,
             when=lambda e, c: retention_move(e.changes) is not None),
    Reaction("push.handed_off", TicketChanged, REQUEST, lambda c: c.chat.delivery.on_handed_off, must_succeed=False,
             when=lambda e, c: (e.changes.get("bot") or [None, None])[1] == bot.HANDED_OFF),
    Reaction("sla.start_clocks_at_handoff", TicketChanged, STREAM, lambda c: c.sla.on_handed_off,
             when=lambda e, c: (e.changes.get("bot") or [None, None])[1] == bot.HANDED_OFF),
    Reaction("kb.count_handoff", TicketChanged, STREAM, lambda c: c.kb_stats.on_handed_off,
             when=lambda e, c: (e.changes.get("bot") or [None, None])[1] == bot.HANDED_OFF),
    Reaction("bot.end_on_solve", TicketChanged, STREAM, lambda c: c.bot.on_solved, keyed=True,
             when=lambda e, c: e.ticket.bot == bot.ACTIVE and "status" in e.changes
             and e.changes["status"][1] in ("solved", "closed")),
    # ---- sla.escalated: what the policy says to do, each on its own so one failing
    # (a webhook whose server is down) neither repeats nor holds back the others
    Reaction("sla.change_ticket", SlaEscalated, STREAM, lambda c: c.sla.on_escalated_change_ticket),
    Reaction("sla.alert_agents", SlaEscalated, STREAM, lambda c: c.sla.on_escalated_alert, must_succeed=False),
    Reaction("sla.mail_agents", SlaEscalated, STREAM, lambda c: c.sla.on_escalated_mail),
    Reaction("sla.webhook", SlaEscalated, STREAM, lambda c: c.sla.on_escalated_webhook),
    # ---- pushes only
    Reaction("push.message_delivery", MessageDeliveryChanged, REQUEST,
             lambda c: c.chat.delivery.on_message_delivery_changed, must_succeed=False),
    Reaction("push.sla_clocks", SlaClocksChanged, REQUEST, lambda c: c.chat.delivery.on_sla_clocks_changed,
             must_succeed=False),
    Reaction("push.forget_agent_card", AgentProfileChanged, REQUEST, lambda c: c.chat.cards.on_agent_profile_changed,
             must_succeed=False),
    # ---- the team: an invitation's mail; a departed agent's open tickets back to the queue and
    # her open consoles' connections closed
    Reaction("mail.agent_invite", AgentInvited, STREAM, lambda c: c.team.on_invited),
    Reaction("team.unassign_departed", AgentDeparted, STREAM, lambda c: c.team.on_departed),
    # ---- proactive chat: the counts of visitors greeted and of those who answered
    Reaction("campaigns.count_shown", CampaignShown, STREAM, lambda c: c.campaigns.on_event),
    Reaction("campaigns.count_replied", CampaignReplied, STREAM, lambda c: c.campaigns.on_event),
    # ---- the search index (docs/search.md): puts of the same entries again on a redelivery,
    # so no ledger read or write (which would double what a chat message costs the stream)
    Reaction("search.index_ticket", TicketOpened, STREAM, lambda c: c.search.on_ticket_opened, keyed=True),
    Reaction("search.index_message", MessageCreated, STREAM, lambda c: c.search.on_message_created,
             keyed=True),
    Reaction("search.index_subject", TicketChanged, STREAM, lambda c: c.search.on_ticket_changed,
             when=lambda e, c: "subject" in e.changes, keyed=True),
    Reaction("chat.close_departed", AgentDeparted, STREAM, lambda c: c.chat.connections.on_agent_departed),
    # ---- the knowledge base: its search index built again from what is published (a build
    # that finds nothing new to readers stops there: a burst of saves builds once per change)
    Reaction("kb.rebuild_index", KnowledgeBaseChanged, STREAM, lambda c: c.kb.on_changed, keyed=True),
)


def reactions_to(event: Any, runs: str, container: Any = None) -> list[Reaction]:
    """The reactions of this event that run there and have something to do."""
    return [r for r in REACTIONS if r.runs == runs and isinstance(event, r.event) and r.when(event, container)]


def _closed(event: Any, container: Any, at: Any) -> bool:
    """Whether the ticket's team is away at ``at`` (from the cached calendar: no request)."""
    return container is None or container.out_of_hours.closed_until(event.ticket, at) is not None


def by_name(name: str) -> Reaction | None:
    return next((r for r in REACTIONS if r.runs == STREAM and r.name == name), None)
