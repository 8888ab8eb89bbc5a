"""A conversation as its clients drive it: each frame a client sends (``send``, ``upload``,
``join``, ``leave``, ``resume``, ``typing``, ``read``, ``presence``, ``transcript``, ``rate``,
``page``, ``ping``), already admitted by ``Connections`` and validated against
``schemas/frames.py``.

A message is stored, numbered by the ticket's atomic counter, before anything is delivered;
its sender's ``ack`` goes as soon as it is stored, before the pushes to the others. A ``send``
that comes again with the same ``client_id`` is stored once. ``resume`` gives exactly what a
client missed, in order.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any
from zoneinfo import ZoneInfo

from ...domain import bot
from ...domain.chat import (
    MAX_ATTACHMENT_BYTES,
    LiveConnection,
    Participant,
    ParticipantRole,
    agents_topic,
    attachment_prefix,
    conversation_topic,
    safe_filename,
)
from ...domain.errors import ConflictError, NotFoundError, PermissionDeniedError, UnprocessableError
from ...domain.people import mail_address, normalise_email
from ...domain.storage import attachment_key
from ...domain.tickets import Attachment, AuthorType, Message, MessageKind, Ticket
from ..customers import CustomerService
from ..events import EventBus
from ..rate_limits import RateLimiter
from ..tickets import OpenTicket, PostMessage, TicketService
from ..uploads import uploaded_attachments
from .cards import AgentCards
from .confirmations import AddressConfirmations, Confirmation
from .connections import Connections
from .delivery import Delivery
from .ports import AttachmentFiles, Dedupe, Frames, Mailer


class Conversations:
    def __init__(
        self,
        *,
        tickets: TicketService,
        customers: CustomerService,
        connections: Connections,
        delivery: Delivery,
        dedupe: Dedupe,
        frames: Frames,
        cards: AgentCards,
        files: AttachmentFiles | None = None,
        mailer: Mailer | None = None,
        events: EventBus | None = None,
        limits: RateLimiter | None = None,
        greeting: Callable[[str, str], tuple[str, str] | None] | None = None,
        detect_language: Callable[[str, str | None], str | None] = lambda text, hint: None,
        business_zone: Callable[[Ticket], str | None] = lambda ticket: None,
        confirmations: AddressConfirmations | None = None,
        bot_available: Callable[[], bool] = lambda: False,
        hand_off: Callable[[Ticket], Any] | None = None,
    ) -> None:
        self.bot_available = bot_available  # does a new chat start with the FAQ bot
        self.hand_off = hand_off  # the FAQ bot gives a conversation to people (services/bot.py)
        self.greeting = greeting  # a campaign's greeting a visitor answers: (campaign, visitor) -> (text, agent)
        self.confirmations = confirmations  # proving an address a visitor typed
        self.business_zone = business_zone  # the zone of the ticket's business hours, if any
        self.detect_language = detect_language  # (text, the widget's language) -> ISO 639-1 or None
        self.tickets = tickets
        self.customers = customers
        self.connections = connections
        self.delivery = delivery
        self.dedupe = dedupe
        self.frames = frames
        self.cards = cards
        self.files = files
        self.mailer = mailer
        self.events = events or tickets.events
        self.limits = limits

    def handle(self, live: LiveConnection, frame: dict[str, Any]) -> None:
        """Carry out one validated frame from a connection."""
        if frame["action"] == "send":
            self._on_send(live, frame)
            return
        handler = getattr(self, f"_on_{frame['action']}")
        handler(live.participant, live.topics, frame)

    def _on_ping(self, who: Participant, topics: frozenset[str], frame: dict[str, Any]) -> None:
        self.delivery.reply(who.connection_id, self.frames.pong(who, self.connections.available()))

    def _on_send(self, live: LiveConnection, frame: dict[str, Any]) -> None:
        """Store a message, ack it, deliver it. API Gateway runs a connection's frames at the
        same time, so their order is the client's: with ``client_seq``, a message is stored
        only after the previous one from this connection, else refused with ``out_of_order``
        (nothing stored; the client sends it again after the one expected)."""
        who, topics = live.participant, live.topics
        order = frame.get("client_seq")
        if order is not None and order != live.sent_seq + 1:
            raise ConflictError(
                "A message before this one has not been stored yet: send them one at a time, each "
                "after the ack of the one before.", code="out_of_order",
                details={"expected_seq": live.sent_seq + 1, "client_seq": order},
            )
        kind = MessageKind(frame.get("kind", "reply"))
        if kind == MessageKind.NOTE and not who.is_agent:
            raise PermissionDeniedError("Visitors cannot write internal notes.", code="notes_are_for_agents")
        if "conversation_id" not in frame and who.is_agent:
            raise UnprocessableError("Say which conversation: conversation_id.", code="conversation_required")
        client_id = frame["client_id"]
        new, ticket_id, seq = self.dedupe.claim(who.id, client_id)
        if not new:
            self._ack_again(who, client_id, ticket_id, seq, order)
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
        if order is not None:  # before the ack: the client sends the next one when it has it
            self.connections.stored_in_order(who.connection_id, order)
        topic = conversation_topic(ticket.id)
        self.connections.subscribe(who, topic, topics)
        self.delivery.reply(who.connection_id, self.frames.ack(client_id, ticket.id, message))
        self.events.release(held)

    def _store(self, who: Participant, frame: dict[str, Any], kind: MessageKind) -> tuple[Ticket, Message, bool]:
        text = frame["text"]
        if "conversation_id" not in frame:
            subject = " ".join(text.split())[:80]
            greeting = None
            if "campaign_id" in frame and self.greeting is not None and not who.is_agent:
                greeting = self.greeting(frame["campaign_id"], who.id)
            if greeting is not None:
                return self._open_with_greeting(who, frame, subject, *greeting)
            ticket, message = self.tickets.open(
                OpenTicket(subject=subject, customer_id=who.id, body=text, channel="chat",
                           customer_timezone=_zone(frame.get("timezone")),
                           # What the visitor writes in, else what their widget speaks: the
                           # out-of-hours notice and the desk's other words follow it.
                           language=self.detect_language(text, frame.get("language")),
                           bot=bot.ACTIVE if not who.is_agent and self.bot_available() else None),
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

    def _open_with_greeting(
        self, who: Participant, frame: dict[str, Any], subject: str, greeting: str, agent_id: str
    ) -> tuple[Ticket, Message, bool]:
        """A visitor answers a campaign: the conversation starts with its greeting, from its
        agent (an automatic message: it neither opens the ticket nor meets an SLA), then theirs."""
        ticket, _ = self.tickets.open(
            OpenTicket(subject=subject, customer_id=who.id, channel="chat", customer_timezone=_zone(frame.get("timezone"))),
            None, origin=who.connection_id,
        )
        ticket, _ = self.tickets.post_message(
            ticket.id, PostMessage(body=greeting), author_type=AuthorType.SYSTEM, author_id=agent_id, ticket=ticket,
        )
        ticket, message = self.tickets.post_message(
            ticket.id, PostMessage(body=frame["text"]), author_type=AuthorType.CUSTOMER, author_id=who.id,
            ticket=ticket, origin=who.connection_id,
        )
        return ticket, message, True

    def _attachments(self, who: Participant, ticket_id: str, keys: list[str]) -> tuple[Attachment, ...]:
        """Files this participant uploaded to this conversation, checked as stored in S3:
        the upload's policy limits size and type, and they are checked again here."""
        if not keys:
            return ()
        files = self.files
        if files is None:
            raise UnprocessableError("Attachments are not set up on this desk.", code="attachments_unavailable")
        return uploaded_attachments(files.describe, keys, attachment_prefix(ticket_id, who.id), "an upload frame")

    def _on_upload(self, who: Participant, topics: frozenset[str], frame: dict[str, Any]) -> None:
        """A pre-signed POST for one file (type and size from the allow-list)."""
        if self.files is None:
            raise UnprocessableError("Attachments are not set up on this desk.", code="attachments_unavailable")
        ticket = self._conversation(who, frame["conversation_id"])
        key = attachment_key(ticket.id, who.id, uuid.uuid4().hex, safe_filename(frame["filename"]))
        post = self.files.presign_upload(key, frame["content_type"], MAX_ATTACHMENT_BYTES)
        self.delivery.reply(who.connection_id, self.frames.upload(ticket.id, key, post, MAX_ATTACHMENT_BYTES))

    def _ack_again(
        self, who: Participant, client_id: str, ticket_id: str | None, seq: int | None, order: int | None
    ) -> None:
        """The same frame came again (a reconnect before the ack arrived): answer with what was
        stored the first time, deliver nothing twice."""
        if ticket_id is None or seq is None:
            raise ConflictError("This message is still being stored; wait for its ack.", code="send_in_progress")
        try:
            _, message = self.tickets.message(ticket_id, seq)
        except NotFoundError:
            raise ConflictError("This message is still being stored; wait for its ack.", code="send_in_progress") from None
        if order is not None:
            self.connections.stored_in_order(who.connection_id, order)
        self.delivery.reply(who.connection_id, self.frames.ack(client_id, ticket_id, message, duplicate=True))

    def _on_join(self, who: Participant, topics: frozenset[str], frame: dict[str, Any]) -> None:
        ticket = self._conversation(who, frame["conversation_id"])
        topic = conversation_topic(ticket.id)
        self.connections.subscribe(who, topic, topics)
        self.delivery.reply(who.connection_id, self.frames.joined(ticket))
        if who.is_agent:
            self.delivery.publish(topic, self.frames.agent_joined(ticket.id, who.id), exclude=who.connection_id)
            self._tell_viewers(ticket.id)

    def _on_leave(self, who: Participant, topics: frozenset[str], frame: dict[str, Any]) -> None:
        topic = conversation_topic(frame["conversation_id"])
        self.connections.unsubscribe(who, topic, topics)
        self.delivery.reply(who.connection_id, self.frames.left(frame["conversation_id"]))
        if who.is_agent:
            self._tell_viewers(frame["conversation_id"])

    def _tell_viewers(self, ticket_id: str) -> None:
        """The agents who have a conversation open learn who else has (two agents about to
        answer one customer): a ``viewers`` frame to each, listing them all."""
        watching = [s for s in self.connections.subscribers(conversation_topic(ticket_id))
                    if s.role == ParticipantRole.AGENT]
        frame = self.frames.viewers(ticket_id, sorted({s.principal_id for s in watching}))
        self.delivery.deliver([s.connection_id for s in watching], frame)

    def _on_resume(self, who: Participant, topics: frozenset[str], frame: dict[str, Any]) -> None:
        """Subscribe first, then read the history: a message stored in between arrives both
        ways, and clients keep one copy per sequence number; none can fall in a gap."""
        ticket = self._conversation(who, frame["conversation_id"])
        topic = conversation_topic(ticket.id)
        self.connections.subscribe(who, topic, topics)
        last = frame["after_seq"]

        def missed() -> Iterator[Message]:
            nonlocal last
            for message in self._history(ticket.id, frame["after_seq"], include_notes=who.is_agent):
                last = max(last, message.seq)
                yield message

        for history in self.frames.history(ticket.id, missed()):
            self.delivery.reply(who.connection_id, history)
        self.delivery.reply(who.connection_id, self.frames.resumed(ticket, last))

    def _on_typing(self, who: Participant, topics: frozenset[str], frame: dict[str, Any]) -> None:
        topic = self._subscribed(topics, frame["conversation_id"])
        self.delivery.publish(topic, self.frames.typing(frame["conversation_id"], who, frame["state"]),
                              exclude=who.connection_id)

    def _on_read(self, who: Participant, topics: frozenset[str], frame: dict[str, Any]) -> None:
        topic = self._subscribed(topics, frame["conversation_id"])
        self.tickets.mark_read(frame["conversation_id"], who.role.value, frame["seq"])
        self.delivery.publish(topic, self.frames.read(frame["conversation_id"], who, frame["seq"]),
                              exclude=who.connection_id)

    def _on_presence(self, who: Participant, topics: frozenset[str], frame: dict[str, Any]) -> None:
        if not who.is_agent:
            raise PermissionDeniedError("Only agents set a presence.", code="agents_only")
        self.connections.set_presence(who.id, frame["status"])
        self.delivery.publish(agents_topic(), self.frames.presence(who.id, frame["status"]))

    def _on_transcript(self, who: Participant, topics: frozenset[str], frame: dict[str, Any]) -> None:
        """The conversation mailed as text. A visitor gets it only at an address proven theirs
        (``CustomerService.proven_email``), never at one they name: else the desk would mail
        anyone whatever an anonymous visitor typed. An agent names any well-formed address.
        Either way the address is one plain addr-spec, and each conversation gets a few an hour."""
        ticket = self._conversation(who, frame["conversation_id"])
        customer = self.customers.get(ticket.customer_id)
        asked = frame.get("email")
        if who.is_agent:
            to = mail_address(asked.strip()) if asked else self.customers.proven_email(customer)
            if asked and to is None:
                raise UnprocessableError("That is not an e-mail address.", code="invalid_email",
                                         details=[{"field": "email", "message": "not an e-mail address"}])
        else:
            to = self.customers.proven_email(customer)
            if asked and (to is None or normalise_email(asked) != normalise_email(to)):
                to = None
        if not to:
            raise UnprocessableError(
                "The transcript goes only to an e-mail address the desk knows is yours "
                "(sign in on the business's site first).", code="transcript_address_unverified",
            )
        if self.mailer is None:
            raise UnprocessableError("E-mail is not set up on this desk.", code="mail_unavailable")
        if self.limits is not None:
            self.limits.hit("transcripts", ticket.id)
        self.send_transcript(ticket, to, frame.get("timezone"))
        self.delivery.reply(who.connection_id, self.frames.transcript_sent(ticket.id, to))

    def _on_confirm_email(self, who: Participant, topics: frozenset[str], frame: dict[str, Any]) -> None:
        """A visitor without a proven address typed one for the transcript: a link to confirm
        it goes there (a fixed text, nothing they wrote); opening it sends the transcript."""
        if who.is_agent:
            raise PermissionDeniedError("Agents name the address in the transcript frame.", code="visitors_only")
        ticket = self._conversation(who, frame["conversation_id"])
        to = mail_address(frame["email"].strip())
        if to is None:
            raise UnprocessableError("That is not an e-mail address.", code="invalid_email",
                                     details=[{"field": "email", "message": "not an e-mail address"}])
        if self.confirmations is None:
            raise UnprocessableError("E-mail is not set up on this desk.", code="mail_unavailable")
        self.confirmations.request(Confirmation(who.id, ticket.id, normalise_email(to), _zone(frame.get("timezone"))))
        self.delivery.reply(who.connection_id, self.frames.confirmation_sent(ticket.id, to))

    def confirm_address(self, token: str, *, use: bool) -> tuple[Ticket, str]:
        """A confirmation link opened: when ``use``d, its address becomes the visitor's proven
        one and the conversation is mailed there. Raises for a forged, expired or used link."""
        if self.confirmations is None:
            raise UnprocessableError("E-mail is not set up on this desk.", code="mail_unavailable")
        confirmation = self.confirmations.verify(token, use=use)
        ticket = self.tickets.get(confirmation.ticket_id)
        if use:
            self.customers.prove_email(confirmation.customer_id, confirmation.address)
            if self.limits is not None:
                self.limits.hit("transcripts", ticket.id)
            self.send_transcript(ticket, confirmation.address, confirmation.zone)
        return ticket, confirmation.address

    def send_transcript(self, ticket: Ticket, to: str, zone: str | None = None) -> None:
        """Mail the conversation's public messages to ``to`` (already proven the visitor's),
        its times in ``zone`` when valid, else the visitor's from their first message, else
        the business's."""
        assert self.mailer is not None
        local_zone = _zone(zone) or ticket.customer_timezone or _zone(self.business_zone(ticket)) or "UTC"
        tz = ZoneInfo(local_zone)
        lines = [f"Transcript of your conversation #{ticket.number}: {ticket.subject}",
                 f"Times are {local_zone} time.", ""]
        for message in self._history(ticket.id, 0, include_notes=False):
            speaker = "You" if message.author_type == AuthorType.CUSTOMER else self.cards.name(message.author_id or "")
            lines.append(f"[{message.created_at.astimezone(tz):%Y-%m-%d %H:%M}] {speaker}: {message.body}")
        self.mailer.send_text(to=to, subject=f"Your conversation #{ticket.number}", text="\n".join(lines))

    def _on_handoff(self, who: Participant, topics: frozenset[str], frame: dict[str, Any]) -> None:
        """A visitor asks for a person: if the bot has the conversation, it goes to the agents
        (once, however often the button is pressed); the answer is the same either way."""
        if who.is_agent:
            raise PermissionDeniedError("Only the visitor asks for a person.", code="handoff_is_for_visitors")
        ticket = self._conversation(who, frame["conversation_id"])
        if ticket.bot == bot.ACTIVE and self.hand_off is not None:
            self.hand_off(ticket)
        self.delivery.reply(who.connection_id, self.frames.handed_off(ticket.id))

    def _on_rate(self, who: Participant, topics: frozenset[str], frame: dict[str, Any]) -> None:
        """The visitor rates their solved conversation (CSAT); agents watching it hear of it."""
        if who.is_agent:
            raise PermissionDeniedError("Only the conversation's visitor rates it.", code="visitors_only")
        ticket = self._conversation(who, frame["conversation_id"])
        rating = self.tickets.rate(ticket, frame["score"], frame.get("comment"))
        self.delivery.reply(who.connection_id, self.frames.rated(ticket.id, rating.score, frame.get("client_id")))

    def _on_page(self, who: Participant, topics: frozenset[str], frame: dict[str, Any]) -> None:
        """A page of the business's site the visitor opened: kept on the customer, and shown
        to agents at once (the console's 'current page')."""
        if who.is_agent:
            raise PermissionDeniedError("Only visitors report the pages they open.", code="visitors_only")
        page = self.customers.record_page(who.id, frame["url"], frame.get("title"), frame.get("seen_at"))
        self.delivery.publish(agents_topic(), self.frames.visitor_page(who.id, page))

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
