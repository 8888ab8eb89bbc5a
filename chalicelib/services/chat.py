"""Live chat over websockets: connecting, the frames a client sends, and delivery.

A conversation is a ticket with channel ``chat``. Every message is numbered by the ticket's
atomic counter and stored before it is delivered; delivery goes only to the connections
subscribed to the conversation (a Query on the ticket's partition), in parallel, and a
connection that is gone (410) is removed. A client that reconnects sends ``resume`` with the
last sequence number it has and gets exactly what it missed, in order; a message frame sent
again with the same ``client_id`` is stored once.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any, Protocol

from ..domain.chat import (
    AGENT_RATE_LIMIT_FRAMES,
    ATTACHMENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    RATE_LIMIT_FRAMES,
    RATE_WINDOW_SECONDS,
    Participant,
    ParticipantRole,
    agents_topic,
    attachment_prefix,
    conversation_topic,
    safe_filename,
)
from ..domain.clock import to_iso, utcnow
from ..domain.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    UnprocessableError,
)
from ..domain.events import (
    AgentProfileChanged,
    MessageCreated,
    MessageDeliveryChanged,
    SlaClocksChanged,
    TicketChanged,
    TicketOpened,
)
from ..domain.people import Agent, VisitedPage
from ..domain.storage import attachment_key
from ..domain.tickets import Attachment, AuthorType, Message, MessageKind, Ticket
from .agents import AgentService
from .customers import CustomerService
from .events import EventBus
from .tickets import OpenTicket, PostMessage, TicketService

# API Gateway answers 410 for a connection still in its $connect (up to the 29 s integration
# timeout): a 410 removes only a connection older than that.
CONNECT_WINDOW = timedelta(seconds=30)
# How long a container trusts the agent profiles it has read (name, title, photo, time zone):
# an edit made through another function instance shows in frames within this long.
AGENT_CARD_SECONDS = 30


Frame = dict[str, Any]


class Broadcaster(Protocol):
    def send(self, connection_ids: Iterable[str], payload: bytes) -> list[str]: ...
    def alive(self, connection_id: str) -> bool: ...
    def close(self, connection_id: str) -> None: ...


class Frames(Protocol):
    """The frames chat sends, built at the edge (``entrypoints.frames.ChatFrames``)."""

    def pong(self, who: Participant, available: bool) -> Frame: ...
    def ack(self, client_id: str, ticket_id: str, message: Message, *, duplicate: bool = False) -> Frame: ...
    def upload(self, ticket_id: str, key: str, post: dict[str, Any], max_bytes: int) -> Frame: ...
    def joined(self, ticket: Ticket) -> Frame: ...
    def left(self, conversation_id: str) -> Frame: ...
    def history(self, ticket_id: str, messages: Iterable[Message]) -> Iterator[Frame]: ...
    def resumed(self, ticket: Ticket, last_seq: int) -> Frame: ...
    def transcript_sent(self, ticket_id: str, to: str) -> Frame: ...
    def rated(self, ticket_id: str, score: int, client_id: str | None) -> Frame: ...
    def agent_joined(self, ticket_id: str, agent_id: str) -> Frame: ...
    def typing(self, conversation_id: str, who: Participant, state: bool) -> Frame: ...
    def read(self, conversation_id: str, who: Participant, seq: int) -> Frame: ...
    def presence(self, agent_id: str, status: str) -> Frame: ...
    def visitor_page(self, customer_id: str, page: VisitedPage) -> Frame: ...
    def conversation_created(self, ticket: Ticket, message: Message | None) -> Frame: ...
    def message_created(self, ticket_id: str, message: Message) -> Frame: ...
    def message_updated(self, ticket_id: str, message: Message) -> Frame: ...
    def conversation_updated(self, ticket: Ticket, changes: dict[str, Any]) -> Frame: ...
    def status_updated(self, ticket: Ticket, changes: dict[str, Any]) -> Frame: ...
    def sla_updated(self, ticket_id: str) -> Frame: ...


class AgentCards:
    """The agents as chat shows them (name, title, photo, time zone): at most one GetItem
    per agent, then trusted for AGENT_CARD_SECONDS."""

    def __init__(self, agents: Any) -> None:
        self.agents = agents
        self._cached: dict[str, tuple[float, Agent | None]] = {}

    def get(self, agent_id: str) -> Agent | None:
        cached = self._cached.get(agent_id)
        if cached is not None and time.monotonic() - cached[0] < AGENT_CARD_SECONDS:
            return cached[1]
        agent = self.agents.get(agent_id)
        self._cached[agent_id] = (time.monotonic(), agent)
        return agent

    def name(self, agent_id: str) -> str:
        agent = self.get(agent_id)
        return agent.name if agent else "Support"

    def on_agent_profile_changed(self, event: AgentProfileChanged) -> None:
        """This container shows the new profile at once (others within AGENT_CARD_SECONDS)."""
        self._cached.pop(event.agent.id, None)


class ChatService:
    def __init__(
        self,
        *,
        tickets: TicketService,
        customers: CustomerService,
        agents: AgentService,
        agent_repo: Any,
        connections: Any,
        dedupe: Any,
        broadcaster: Broadcaster,
        visitor_tokens: Any,
        frames: Frames,
        cards: AgentCards,
        mailer: Any = None,
        files: Any = None,
        events: EventBus | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.tickets = tickets
        self.customers = customers
        self.agents = agents
        self.agent_repo = agent_repo
        self.connections = connections
        self.dedupe = dedupe
        self.broadcaster = broadcaster
        self.visitor_tokens = visitor_tokens
        self.frames = frames
        self.cards = cards
        self.mailer = mailer
        self.files = files
        self.clock = clock
        self.events = events or tickets.events

    # ------------------------------------------------------------- connection lifecycle

    def connect(self, connection_id: str, query: dict[str, str]) -> Participant:
        """Authenticate a new connection from its query string (``token`` for an agent's ID
        token, ``visitor`` for a visitor token) and remember it."""
        if query.get("token"):
            principal = self.agents.authenticate(f"Bearer {query['token']}")
            participant = Participant(ParticipantRole.AGENT, principal.agent_id, connection_id)
        elif query.get("visitor"):
            customer_id = self.visitor_tokens.verify(query["visitor"])
            participant = Participant(ParticipantRole.VISITOR, customer_id, connection_id)
        else:
            raise AuthenticationError(
                "Connect with ?token=<agent token> or ?visitor=<visitor token>.", code="missing_token"
            )
        limit = AGENT_RATE_LIMIT_FRAMES if participant.is_agent else RATE_LIMIT_FRAMES
        self.connections.add(participant, to_iso(self.clock()), limit)
        if participant.is_agent:
            self.connections.subscribe(participant, agents_topic())
            self.agent_repo.count_connection(participant.id, +1)
        return participant

    def disconnect(self, connection_id: str) -> None:
        self._forget(connection_id)

    def _forget(self, connection_id: str, *, connected_before: datetime | None = None) -> None:
        gone = self.connections.remove(
            connection_id, connected_before=to_iso(connected_before) if connected_before else None
        )
        if gone is not None and gone.is_agent:
            self.agent_repo.count_connection(gone.id, -1)

    # ------------------------------------------------------------- frames

    def admit(self, connection_id: str) -> Any:
        """Who sent a frame (and the rate limit): one write per frame."""
        window = int(time.time()) // RATE_WINDOW_SECONDS
        live = self.connections.admit_frame(connection_id, window)
        if live is None:
            raise AuthenticationError("This connection is not known; connect again.", code="unknown_connection")
        return live

    def handle(self, live: Any, frame: dict[str, Any]) -> None:
        """Carry out one validated frame from a connection."""
        handler = getattr(self, f"_on_{frame['action']}")
        handler(live.participant, live.topics, frame)

    def reply(self, connection_id: str, frame: dict[str, Any]) -> None:
        """Send one frame to one connection (an answer, or an error)."""
        self._deliver([connection_id], frame)

    def _on_ping(self, who: Participant, topics: frozenset[str], frame: dict) -> None:
        self.reply(who.connection_id, self.frames.pong(who, self.available()))

    def available(self) -> bool:
        """Whether an agent is online and connected now (the widget's 'we're here')."""
        return any(agent.available for agent in self.agent_repo.list())

    def _on_send(self, who: Participant, topics: frozenset[str], frame: dict) -> None:
        kind = MessageKind(frame.get("kind", "reply"))
        if kind == MessageKind.NOTE and not who.is_agent:
            raise PermissionDeniedError("Visitors cannot write internal notes.", code="notes_are_for_agents")
        if "conversation_id" not in frame and who.is_agent:
            raise UnprocessableError("Say which conversation: conversation_id.", code="conversation_required")
        client_id = frame["client_id"]
        new, ticket_id, seq = self.dedupe.claim(who.id, client_id)
        if not new:
            self._ack_again(who, client_id, ticket_id, seq)
            return
        # The sender hears first: the ack goes as soon as the message is stored, then the others'
        # pushes; everything else (notices, mail, clocks) follows from the table's stream.
        with self.events.holding() as held:
            try:
                ticket, message, created = self._store(who, frame, kind)
            except Exception:
                self.dedupe.release(who.id, client_id)
                raise
        self.dedupe.record(who.id, client_id, ticket.id, message.seq)
        topic = conversation_topic(ticket.id)
        if topic not in topics:
            self.connections.subscribe(who, topic)
        self.reply(who.connection_id, self.frames.ack(client_id, ticket.id, message))
        self.events.release(held)

    def _store(self, who: Participant, frame: dict, kind: MessageKind) -> tuple[Ticket, Message, bool]:
        text = frame["text"]
        if "conversation_id" not in frame:
            subject = " ".join(text.split())[:80]
            ticket, message = self.tickets.open(
                OpenTicket(subject=subject, customer_id=who.id, body=text, channel="chat",
                           customer_timezone=_zone(frame.get("timezone"))),
                None, origin=who.connection_id,
            )
            assert message is not None
            return ticket, message, True
        ticket = self._conversation(who, frame["conversation_id"])
        author = AuthorType.AGENT if who.is_agent else AuthorType.CUSTOMER
        attachments = self._attachments(who, ticket.id, frame.get("attachments", []))
        ticket, message = self.tickets.post_message(
            ticket.id, PostMessage(body=text, kind=kind, attachments=attachments), author_type=author,
            author_id=who.id, ticket=ticket, origin=who.connection_id,
        )
        return ticket, message, False

    def _attachments(self, who: Participant, ticket_id: str, keys: list[str]) -> tuple[Attachment, ...]:
        """Files this participant uploaded to this conversation, checked as stored in S3:
        the upload's policy limits size and type, and they are checked again here."""
        if keys and self.files is None:
            raise UnprocessableError("Attachments are not set up on this desk.", code="attachments_unavailable")
        found = []
        prefix = attachment_prefix(ticket_id, who.id)
        for key in keys:
            described = self.files.describe(key) if key.startswith(prefix) else None
            if described is None:
                raise UnprocessableError("Upload the file first (an upload frame), then send.",
                                         code="attachment_not_found", details={"key": key})
            size, content_type = described
            if size > MAX_ATTACHMENT_BYTES or content_type not in ATTACHMENT_TYPES:
                raise UnprocessableError("That file is too large or of a type the chat does not take.",
                                         code="attachment_refused", details={"key": key})
            found.append(Attachment(key, key.rsplit("/", 1)[-1], content_type, size))
        return tuple(found)

    def _on_upload(self, who: Participant, topics: frozenset[str], frame: dict) -> None:
        """A pre-signed POST for one file (type and size from the allow-list)."""
        if self.files is None:
            raise UnprocessableError("Attachments are not set up on this desk.", code="attachments_unavailable")
        ticket = self._conversation(who, frame["conversation_id"])
        key = attachment_key(ticket.id, who.id, uuid.uuid4().hex, safe_filename(frame["filename"]))
        post = self.files.presign_upload(key, frame["content_type"], MAX_ATTACHMENT_BYTES)
        self.reply(who.connection_id, self.frames.upload(ticket.id, key, post, MAX_ATTACHMENT_BYTES))

    def _ack_again(self, who: Participant, client_id: str, ticket_id: str | None, seq: int | None) -> None:
        """The same frame came again (a reconnect before the ack arrived): answer with what was
        stored the first time, deliver nothing twice."""
        if ticket_id is None or seq is None:
            raise ConflictError("This message is still being stored; wait for its ack.", code="send_in_progress")
        try:
            _, message = self.tickets.message(ticket_id, seq)
        except NotFoundError:
            raise ConflictError("This message is still being stored; wait for its ack.", code="send_in_progress") from None
        self.reply(who.connection_id, self.frames.ack(client_id, ticket_id, message, duplicate=True))

    def _on_join(self, who: Participant, topics: frozenset[str], frame: dict) -> None:
        ticket = self._conversation(who, frame["conversation_id"])
        topic = conversation_topic(ticket.id)
        if topic not in topics:
            self.connections.subscribe(who, topic)
        self.reply(who.connection_id, self.frames.joined(ticket))
        if who.is_agent:
            self._publish(topic, self.frames.agent_joined(ticket.id, who.id), exclude=who.connection_id)

    def _on_leave(self, who: Participant, topics: frozenset[str], frame: dict) -> None:
        topic = conversation_topic(frame["conversation_id"])
        if topic in topics:
            self.connections.unsubscribe(who.connection_id, topic)
        self.reply(who.connection_id, self.frames.left(frame["conversation_id"]))

    def _on_resume(self, who: Participant, topics: frozenset[str], frame: dict) -> None:
        """Subscribe first, then read the history: a message stored in between arrives both
        ways, and clients keep one copy per sequence number; none can fall in a gap."""
        ticket = self._conversation(who, frame["conversation_id"])
        topic = conversation_topic(ticket.id)
        if topic not in topics:
            self.connections.subscribe(who, topic)
        last = frame["after_seq"]

        def missed() -> Iterator[Message]:
            nonlocal last
            for message in self._history(ticket.id, frame["after_seq"], include_notes=who.is_agent):
                last = max(last, message.seq)
                yield message

        for history in self.frames.history(ticket.id, missed()):
            self.reply(who.connection_id, history)
        self.reply(who.connection_id, self.frames.resumed(ticket, last))

    def _on_typing(self, who: Participant, topics: frozenset[str], frame: dict) -> None:
        topic = self._subscribed(topics, frame["conversation_id"])
        self._publish(topic, self.frames.typing(frame["conversation_id"], who, frame["state"]),
                      exclude=who.connection_id)

    def _on_read(self, who: Participant, topics: frozenset[str], frame: dict) -> None:
        topic = self._subscribed(topics, frame["conversation_id"])
        self.tickets.mark_read(frame["conversation_id"], who.role.value, frame["seq"])
        self._publish(topic, self.frames.read(frame["conversation_id"], who, frame["seq"]),
                      exclude=who.connection_id)

    def _on_presence(self, who: Participant, topics: frozenset[str], frame: dict) -> None:
        if not who.is_agent:
            raise PermissionDeniedError("Only agents set a presence.", code="agents_only")
        self.agent_repo.set_presence(who.id, frame["status"])
        self._publish(agents_topic(), self.frames.presence(who.id, frame["status"]))

    def _on_transcript(self, who: Participant, topics: frozenset[str], frame: dict) -> None:
        ticket = self._conversation(who, frame["conversation_id"])
        customer = self.customers.get(ticket.customer_id)
        to = frame.get("email") if who.is_agent else (customer.email or frame.get("email"))
        to = to or customer.email
        if not to:
            raise UnprocessableError("Which address should the transcript go to? Send 'email'.", code="email_required")
        if self.mailer is None:
            raise UnprocessableError("E-mail is not set up on this desk.", code="mail_unavailable")
        lines = [f"Transcript of your conversation #{ticket.number}: {ticket.subject}", ""]
        for message in self._history(ticket.id, 0, include_notes=False):
            speaker = "You" if message.author_type == AuthorType.CUSTOMER else self.cards.name(message.author_id or "")
            lines.append(f"[{to_iso(message.created_at)[:16].replace('T', ' ')} UTC] {speaker}: {message.body}")
        self.mailer.send_text(to=to, subject=f"Your conversation #{ticket.number}", text="\n".join(lines))
        self.reply(who.connection_id, self.frames.transcript_sent(ticket.id, to))

    def _on_rate(self, who: Participant, topics: frozenset[str], frame: dict) -> None:
        """The visitor rates their solved conversation (CSAT); agents watching it hear of it."""
        if who.is_agent:
            raise PermissionDeniedError("Only the conversation's visitor rates it.", code="visitors_only")
        ticket = self._conversation(who, frame["conversation_id"])
        rating = self.tickets.rate(ticket, frame["score"], frame.get("comment"))
        self.reply(who.connection_id, self.frames.rated(ticket.id, rating.score, frame.get("client_id")))

    def _on_page(self, who: Participant, topics: frozenset[str], frame: dict) -> None:
        """A page of the business's site the visitor opened: kept on the customer, and shown
        to agents at once (the console's 'current page')."""
        if who.is_agent:
            raise PermissionDeniedError("Only visitors report the pages they open.", code="visitors_only")
        page = self.customers.record_page(who.id, frame["url"], frame.get("title"), frame.get("seen_at"))
        self._publish(agents_topic(), self.frames.visitor_page(who.id, page))

    # ------------------------------------------------------------- listeners

    def on_ticket_opened(self, event: TicketOpened) -> None:
        """A new ticket (any channel) appears in every agent's inbox at once."""
        self._publish(agents_topic(), self.frames.conversation_created(event.ticket, event.message),
                      exclude=event.origin)

    def on_message_created(self, event: MessageCreated) -> None:
        """Deliver a stored message to the conversation's connections (not its sender's);
        internal notes reach agents only."""
        frame = self.frames.message_created(event.ticket.id, event.message)
        message = event.message
        subscribers = self.connections.subscribers(conversation_topic(event.ticket.id))
        self._deliver(
            [s.connection_id for s in subscribers
             if s.connection_id != event.origin and (message.public or s.role == ParticipantRole.AGENT)],
            frame,
        )

    def on_message_delivery_changed(self, event: MessageDeliveryChanged) -> None:
        """Agents watching a ticket see a reply's mail go out (or wait to be sent again)."""
        subscribers = self.connections.subscribers(conversation_topic(event.ticket.id))
        self._deliver([s.connection_id for s in subscribers if s.role == ParticipantRole.AGENT],
                      self.frames.message_updated(event.ticket.id, event.message))

    def on_sla_clocks_changed(self, event: SlaClocksChanged) -> None:
        """Agents watching the ticket refresh its SLA badges."""
        subscribers = self.connections.subscribers(conversation_topic(event.ticket_id))
        self._deliver([s.connection_id for s in subscribers if s.role == ParticipantRole.AGENT],
                      self.frames.sla_updated(event.ticket_id))

    def visitor_is_here(self, ticket_id: str) -> bool:
        """Whether the conversation's visitor has a live connection on it now (a connection
        the gateway no longer knows is forgotten on the way)."""
        here = False
        for s in self.connections.subscribers(conversation_topic(ticket_id)):
            if s.role != ParticipantRole.VISITOR:
                continue
            if self.broadcaster.alive(s.connection_id):
                here = True
            else:
                self._forget(s.connection_id, connected_before=self.clock() - CONNECT_WINDOW)
        return here

    def on_ticket_changed(self, event: TicketChanged) -> None:
        """Agents watching see every change; the visitor sees only its status."""
        subscribers = self.connections.subscribers(conversation_topic(event.ticket.id))
        agents = [s.connection_id for s in subscribers if s.role == ParticipantRole.AGENT]
        visitors = [s.connection_id for s in subscribers if s.role == ParticipantRole.VISITOR]
        self._deliver(agents, self.frames.conversation_updated(event.ticket, event.changes))
        if "status" in event.changes:
            self._deliver(visitors, self.frames.status_updated(event.ticket, event.changes))

    def notify_agents(self, frame: dict[str, Any], agent_ids: set[str] | None = None) -> None:
        """A desk-wide notice (an SLA alert) to the given agents' live connections, or to
        every agent online."""
        targets = [
            s.connection_id
            for s in self.connections.subscribers(agents_topic())
            if agent_ids is None or s.principal_id in agent_ids
        ]
        self._deliver(targets, frame)

    # ------------------------------------------------------------- helpers

    def _history(self, ticket_id: str, after: int, *, include_notes: bool) -> Iterator[Message]:
        return self.tickets.history(ticket_id, after, include_notes=include_notes)

    def _conversation(self, who: Participant, conversation_id: str) -> Ticket:
        """The ticket, if this participant may see it. A visitor asking for someone else's gets
        the same answer as for one that does not exist."""
        try:
            ticket = self.tickets.get(conversation_id)
        except NotFoundError:
            ticket = None
        if ticket is None or (not who.is_agent and ticket.customer_id != who.id):
            raise NotFoundError("No such conversation.", code="conversation_not_found")
        return ticket

    @staticmethod
    def _subscribed(topics: frozenset[str], conversation_id: str) -> str:
        topic = conversation_topic(conversation_id)
        if topic not in topics:
            raise UnprocessableError("Join the conversation first.", code="not_joined")
        return topic

    def _publish(self, topic: str, frame: dict, *, exclude: str | None = None, agents_only: bool = False) -> None:
        targets = [
            s.connection_id
            for s in self.connections.subscribers(topic)
            if s.connection_id != exclude and (not agents_only or s.role == ParticipantRole.AGENT)
        ]
        self._deliver(targets, frame)

    def _deliver(self, connection_ids: list[str], frame: dict) -> list[str]:
        """Post a frame; returns the connections that were gone (410)."""
        payload = json.dumps(frame, separators=(",", ":")).encode()
        gone_ids = list(self.broadcaster.send(connection_ids, payload))
        for gone in gone_ids:
            # A 410 removes that connection and nothing else - unless it is still connecting.
            self._forget(gone, connected_before=self.clock() - CONNECT_WINDOW)
        return gone_ids


def _zone(name: Any) -> str | None:
    """A visitor's time zone as the widget reports it, if it is one the desk knows."""
    if not isinstance(name, str) or not name:
        return None
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return None
    return name


class ChatRepliesByMail:
    """An agent answered a chat the visitor has left: the answer goes to their mail (when
    they gave an address), threaded so that a reply by mail lands on the same ticket."""

    def __init__(self, chat: ChatService, mail: Callable[[], Any]) -> None:
        self.chat = chat
        self.mail = mail

    def on_message_created(self, event: MessageCreated) -> None:
        if not self.chat.visitor_is_here(event.ticket.id):
            self.mail().mail_chat_reply(event.ticket, event.message)
