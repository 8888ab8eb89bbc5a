"""Mail in: from the raw message in S3 to a ticket (new, or the one it replies to), with an
acknowledgement for a new ticket. Nothing is lost: the raw message stays in S3 whatever
happens, and a message that cannot be ticketed is logged with the reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from html import escape
from typing import Any, Protocol

from ..domain.chat import safe_filename
from ..domain.clock import utcnow
from ..domain.errors import NotFoundError
from ..domain.events import MessageCreated
from ..domain.ids import derived_id
from ..domain.mail.html_text import html_to_text
from ..domain.mail.loops import no_auto_reply_reason
from ..domain.mail.parse import ParsedMail, parse_mail
from ..domain.mail.threading import (
    ThreadRule,
    reply_address,
    subject_tag,
    tagged_subject,
    ticket_from_address,
)
from ..domain.mail.visible import visible_text
from ..domain.phrases import RIGHT_TO_LEFT, acknowledgement, article_suggestions, language_or_default
from ..domain.sending import MailIdentity
from ..domain.storage import attachment_key, mail_html_key, mail_text_key, quarantine_key
from ..domain.tickets import Attachment, AuthorType, Delivery, Message, Ticket
from ..observability import logger
from .customers import CustomerService
from .events import describe
from .out_of_hours import Notice
from .ports import Mailer, MailFiles, MailLimits, MailRefs, MailThreads
from .tickets import OpenTicket, PostMessage, TicketService

MAX_RAW_BYTES = 40 * 1024 * 1024  # what SES stores for one message
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
MAX_ATTACHMENTS = 500  # their names and keys share the message item (DynamoDB's 400 KB) with the body
# The body a message item keeps (an excerpt beyond this; the whole text is a file).
MAX_BODY_BYTES = 64 * 1024
LANGUAGE_SAMPLE_CHARS = 4000
# Defects of a mail whose structure was only partly read; the agent is told, the original kept.
UNREADABLE_STRUCTURE = ("unparsable", "nesting deeper")
STRUCTURE_NOTE = "[This mail's structure is broken: its text is shown as far as it could be read; the original is kept.]"
MAX_REFERENCES_CHECKED = 20
ACKS_PER_SENDER_PER_HOUR = 3  # a flood from one address gets a few answers, not a storm
AUTO_ACKNOWLEDGEMENT = "acknowledgement"
AUTO_AWAY_NOTICE = "away_notice"


@dataclass(frozen=True)
class Ingested:
    outcome: str  # ticketed, threaded, duplicate, quarantined, rejected
    ticket_id: str | None = None
    rule: str | None = None
    reason: str | None = None
    acknowledged: bool = False


class OutOfHours(Protocol):
    def closed_until(self, ticket: Ticket, at: datetime) -> datetime | None: ...
    def notice(self, ticket: Ticket, customer_zone: str | None = None, *, at: datetime | None = None,
               claimant: str | None = None) -> Notice | None: ...


class MailService:
    def __init__(
        self,
        *,
        tickets: TicketService,
        customers: CustomerService,
        refs: MailRefs,
        limits: MailLimits,
        files: MailFiles,
        mailer: Mailer,
        support_address: str,
        secret: str,
        agent_names: Callable[[str], str] = lambda agent_id: "Support",
        detect_language: Callable[[str, str | None], str | None] = lambda text, declared: None,
        sanitise_html: Callable[[str], str] | None = None,
        threads: MailThreads,
        expected_response_minutes: Callable[[Ticket], int] = lambda ticket: 24 * 60,
        out_of_hours: OutOfHours | None = None,
        clock: Callable[[], datetime] = utcnow,
        identity: Callable[[], MailIdentity] = MailIdentity,
        suggest_articles: Callable[[Ticket, str], list[tuple[str, str]]] = lambda ticket, text: [],
    ) -> None:
        self.suggest_articles = suggest_articles  # (ticket, its words) -> [(title, address)], at most 3
        self.tickets = tickets
        self.threads = threads
        self.customers = customers
        self.refs = refs
        self.limits = limits
        self.files = files
        self.mailer = mailer
        self.support_address = support_address.lower()
        self.secret = secret
        self.agent_names = agent_names
        self.detect_language = detect_language
        self.sanitise_html = sanitise_html
        self.expected_response_minutes = expected_response_minutes
        self.out_of_hours = out_of_hours
        self.clock = clock
        self.identity = identity  # the display name and signature admins set

    def ingest(
        self,
        key: str,
        *,
        recipients: list[str] | None = None,
        ses_message_id: str | None = None,
        verdicts: dict[str, str] | None = None,
    ) -> Ingested:
        """Turn the raw message stored at ``key`` into a ticket message. Idempotent: the same
        SES delivery, or the same Message-ID, is stored once."""
        failed = sorted(name for name, status in (verdicts or {}).items() if str(status).upper() == "FAIL")
        if failed:
            self.files.copy(key, quarantine_key(key))
            logger.warning("mail quarantined", key=key, verdicts=failed)
            return Ingested("quarantined", reason=f"{', '.join(failed)} verdict FAIL")
        raw = self.files.get_bytes(key)
        if len(raw) > MAX_RAW_BYTES:
            logger.warning("mail rejected", key=key, reason="too large")
            return Ingested("rejected", reason="larger than 40 MB")
        mail = parse_mail(raw)
        if mail.sender is None:
            logger.warning("mail rejected", key=key, reason="no sender")
            return Ingested("rejected", reason="no From address")
        if mail.sender.email == self.support_address:
            logger.info("mail ignored", key=key, reason="our own mail")
            return Ingested("rejected", reason="our own mail")

        # What names this mail's ticket and files: the same on every delivery of it.
        seed = mail.message_id or (f"ses:{ses_message_id}" if ses_message_id else key)
        claims = [f"ses:{ses_message_id}"] if ses_message_id else []
        if mail.message_id:
            claims.append(mail.message_id)
        taken: list[str] = []
        for claim in claims:
            if not self.refs.claim(claim):
                for earlier in taken:
                    self.refs.release(earlier)
                logger.info("mail duplicate", key=key)
                return Ingested("duplicate", reason=f"already stored ({claim})")
            taken.append(claim)
        try:
            ticket, message, rule = self._store(mail, key, recipients or [], seed)
        except Exception:
            for claim in taken:
                self.refs.release(claim)  # let a retry store it
            raise
        for claim in taken:
            self.refs.record(claim, ticket.id, message.seq, "in")
        acknowledged = message.auto_reply is not None  # it goes out from the table's stream
        logger.info("mail stored", key=key, ticket_id=ticket.id, rule=rule.value, auto_reply=message.auto_reply,
                    defects=list(mail.defects[:10]) or None)
        return Ingested(
            "ticketed" if rule == ThreadRule.NEW_TICKET else "threaded",
            ticket.id, rule.value, acknowledged=acknowledged,
        )

    # ------------------------------------------------------------------ threading

    def _thread(self, mail: ParsedMail, recipients: list[str]) -> tuple[Ticket | None, ThreadRule]:
        addresses = list(recipients) + [a.email for a in mail.to + mail.cc]
        for address in addresses:
            ticket_id = ticket_from_address(self.secret, self.support_address, address)
            if ticket_id and (ticket := self._ticket(ticket_id)) is not None:
                return ticket, ThreadRule.REPLY_ADDRESS
        referenced = list(mail.in_reply_to) + list(reversed(mail.references))
        for ref in list(dict.fromkeys(referenced))[:MAX_REFERENCES_CHECKED]:
            if ref.lower().endswith("amazonses.com"):
                ref = ref.split("@", 1)[0]  # SES's Message-ID is <the id it returned@...>
            ticket_id = self.refs.ticket_for(ref)
            if ticket_id and (ticket := self._ticket(ticket_id)) is not None:
                return ticket, ThreadRule.MESSAGE_ID
        number = subject_tag(mail.subject)
        if number is not None and (ticket := self._ticket(str(number))) is not None:
            requester = self.customers.get(ticket.customer_id)
            assert mail.sender is not None
            if requester.email == mail.sender.email or mail.sender.email in self.threads.ccs(ticket.id):
                return ticket, ThreadRule.SUBJECT_TAG
        return None, ThreadRule.NEW_TICKET

    def _ticket(self, reference: str) -> Ticket | None:
        try:
            ticket = self.tickets.get(reference)
        except NotFoundError:
            return None
        if ticket.merged_into:  # merged: its mail goes on in the ticket it went into
            return self._ticket(ticket.merged_into)
        return None if ticket.status.value == "closed" else ticket

    # ------------------------------------------------------------------ storing

    def _store(
        self, mail: ParsedMail, key: str, recipients: list[str], seed: str
    ) -> tuple[Ticket, Message, ThreadRule]:
        """Store the mail: its files first, under keys derived from the mail (``seed``), then
        its message. A new ticket is written with its first message in one go, so nobody sees
        (or answers) a ticket without the customer's mail; a retry of a mail whose ticket was
        stored finds that ticket (its id is derived from the mail too) and stores nothing more."""
        assert mail.sender is not None
        text = self._text(mail)
        ticket, rule = self._thread(mail, recipients)
        if ticket is None:
            ticket_id = derived_id("tkt", self.secret, seed)
            stored = self._stored_before(ticket_id)
            if stored is not None:  # what came after the ticket's write is done again
                self._copied(stored[0], mail)
                return stored[0], stored[1], ThreadRule.NEW_TICKET
            customer = self.customers.find_or_create(mail.sender.email, mail.sender.name)
            owner = author = customer.id
        else:
            ticket_id = ticket.id
            owner = ticket.customer_id
            # The author is whoever wrote, the requester or someone copied in.
            author = self.customers.find_or_create(mail.sender.email, mail.sender.name).id
        attachments, skipped = self._attachments(mail, ticket_id, owner, seed)
        if skipped:
            text = f"{text}\n\n{skipped}".strip()
        if any(d.startswith(UNREADABLE_STRUCTURE) for d in mail.defects):
            text = f"{text}\n\n{STRUCTURE_NOTE}".strip()
        html_key = None
        if mail.html and self.sanitise_html is not None:
            # Kept beside the original so the timeline item stays small (DynamoDB's 400 KB).
            html_key = mail_html_key(ticket_id, derived_id("html", self.secret, seed))
            self.files.put_bytes(html_key, self.sanitise_html(mail.html).encode(), "text/html; charset=utf-8")
        body, text_key = text, None
        if len(text.encode()) > MAX_BODY_BYTES:
            # The item keeps an excerpt; the whole text is a file beside the HTML.
            text_key = mail_text_key(ticket_id, derived_id("text", self.secret, seed))
            self.files.put_bytes(text_key, text.encode(), "text/plain; charset=utf-8")
            body = excerpt(text, MAX_BODY_BYTES)
        if ticket is None:
            auto_reply_to = self._auto_reply_to(ticket_id, mail)
            first = PostMessage(
                body=body, attachments=attachments, source_key=key, thread_rule=rule.value, html_key=html_key,
                text_key=text_key, auto_reply=AUTO_ACKNOWLEDGEMENT if auto_reply_to else None,
                auto_reply_to=auto_reply_to,
            )
            language = self.detect_language(
                f"{mail.subject}\n{body[:LANGUAGE_SAMPLE_CHARS]}", mail.header("content-language") or None
            )
            ticket, opened = self.tickets.open(
                OpenTicket(
                    subject=mail.subject or "(no subject)", customer_id=owner, channel="email",
                    language=language, ticket_id=ticket_id, first=first,
                    # In the thread before the acknowledgement (sent from the stream) reads it.
                    mail_refs=(mail.message_id,) if mail.message_id else (),
                ),
                None,
            )
            assert opened is not None
            message = opened
        else:
            if mail.message_id and mail.message_id not in self.threads.mail_refs(ticket.id):
                # In the thread before an away notice (sent from the stream) reads it.
                self.threads.add_mail_ref(ticket.id, mail.message_id)
            auto_reply, auto_reply_to = self._auto_reply(ticket, mail, rule)
            ticket, message = self.tickets.post_message(
                ticket.id,
                PostMessage(
                    body=body, attachments=attachments, source_key=key, thread_rule=rule.value, html_key=html_key,
                    text_key=text_key, auto_reply=auto_reply, auto_reply_to=auto_reply_to,
                ),
                author_type=AuthorType.CUSTOMER,
                author_id=author,
                ticket=ticket,
            )
        self._copied(ticket, mail)
        return ticket, message, rule

    def _copied(self, ticket: Ticket, mail: ParsedMail) -> None:
        """Remember who else the mail went to (they may write to the ticket by mail)."""
        assert mail.sender is not None
        copied = {a.email for a in mail.to + mail.cc} - {mail.sender.email, self.support_address}
        copied = {a for a in copied if ticket_from_address(self.secret, self.support_address, a) is None}
        self.threads.add_ccs(ticket.id, copied)

    @staticmethod
    def _text(mail: ParsedMail) -> str:
        if mail.text.strip():
            return visible_text(mail.text)
        return visible_text(html_to_text(mail.html or "", drop_quotes=True))

    def _stored_before(self, ticket_id: str) -> tuple[Ticket, Message] | None:
        """The ticket (and first message) an earlier attempt at this mail stored, if any."""
        try:
            ticket = self.tickets.get(ticket_id)
        except NotFoundError:
            return None
        message = self.tickets.message_of(ticket, 1)
        if message is None:  # not reached: a ticket and its first message are written together
            return None
        logger.info("mail stored before", ticket_id=ticket_id)
        return ticket, message

    def _attachments(
        self, mail: ParsedMail, ticket_id: str, owner: str, seed: str
    ) -> tuple[tuple[Attachment, ...], str]:
        """The mail's files, stored; and a note of those left in the original only."""
        stored: list[Attachment] = []
        too_large: list[str] = []
        more = 0
        for index, part in enumerate(mail.attachments):
            name = safe_filename(part.filename)
            if len(part.content) > MAX_ATTACHMENT_BYTES:
                too_large.append(name)
                continue
            if len(stored) >= MAX_ATTACHMENTS:
                more += 1
                continue
            # Named by the mail and the part's place in it: a retry writes the same keys again.
            key = attachment_key(ticket_id, owner, derived_id("f", self.secret, f"{seed}:{index}"), name)
            self.files.put_bytes(key, part.content, part.content_type)
            stored.append(
                Attachment(key, name, part.content_type, len(part.content), part.inline, part.content_id)
            )
        notes = []
        if too_large:
            notes.append(f"[Not attached, over {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB: {', '.join(too_large)}]")
        if more:
            notes.append(f"[Not attached, over {MAX_ATTACHMENTS} files: {more} more, in the original mail]")
        return tuple(stored), "\n".join(notes)

    def message_text(self, message: Message) -> str:
        """The whole text of a mail whose body is an excerpt (``text_key``); else the body."""
        if message.text_key is None:
            return message.body
        whole = self.files.find_bytes(message.text_key)
        if whole is None:
            raise NotFoundError("This mail's whole text is no longer kept; its excerpt is the message's body.",
                                code="text_not_found")
        return whole.decode("utf-8", "replace")

    def message_html(self, message: Message, url_for: Callable[[str, str], str]) -> str:
        """The sanitised HTML of a mail, its inline images pointed at their stored copies."""
        if message.html_key is None:
            raise NotFoundError("This message has no HTML; its text is the whole of it.", code="no_html")
        stored = self.files.find_bytes(message.html_key)
        if stored is None:
            raise NotFoundError("This mail's HTML is no longer kept; its text is the message's body.",
                                code="html_not_found")
        html = stored.decode("utf-8", "replace")
        for attachment in message.attachments:
            if attachment.content_id:
                url = url_for(attachment.key, attachment.filename)
                for quote in ('"', "'"):
                    html = html.replace(
                        f"{quote}cid:{attachment.content_id}{quote}", f"{quote}{escape(url)}{quote}"
                    )
        return html

    # ------------------------------------------------------------------ automatic answers

    def _auto_reply(self, ticket: Ticket, mail: ParsedMail, rule: ThreadRule) -> tuple[str | None, str | None]:
        """Which automatic answer the mail gets (sent from the table's stream, with the
        message as its event): an acknowledgement for a new ticket; for a follow-up from the
        requester while the team is away, a notice of when it is back."""
        if rule != ThreadRule.NEW_TICKET:
            assert mail.sender is not None
            requester = self.customers.get(ticket.customer_id)
            if requester.email != mail.sender.email:
                return None, None  # someone copied in: the requester is the one we keep informed
            if self.out_of_hours is None or self.out_of_hours.closed_until(ticket, self.clock()) is None:
                return None, None
        to = self._auto_reply_to(ticket.id, mail)
        if to is None:
            return None, None
        return (AUTO_ACKNOWLEDGEMENT if rule == ThreadRule.NEW_TICKET else AUTO_AWAY_NOTICE), to

    def _auto_reply_to(self, ticket_id: str, mail: ParsedMail) -> str | None:
        """Where an automatic answer may go: never to a robot, a list or ourselves, and only
        a few an hour to one address."""
        reason = no_auto_reply_reason(mail, frozenset({self.support_address}))
        if reason is not None:
            logger.info("no automatic answer", ticket_id=ticket_id, reason=reason)
            return None
        assert mail.sender is not None
        to = mail.return_path or mail.sender.email  # RFC 3834: answer the Return-Path
        hour = self.clock().strftime("%Y%m%d%H")
        if self.limits.count_ack(to, hour) > ACKS_PER_SENDER_PER_HOUR:
            logger.info("no automatic answer", ticket_id=ticket_id, reason="hourly cap for this sender")
            return None
        return to

    def on_auto_reply(self, event: MessageCreated) -> None:
        """Send the automatic answer decided when the mail was stored: the acknowledgement
        (with when the team is back, if it is away), or the away notice."""
        ticket, message = event.ticket, event.message
        if message.auto_reply_to is None:
            return
        notice = None
        if self.out_of_hours is not None:
            notice = self.out_of_hours.notice(ticket, at=message.created_at, claimant=event.event_id)
        if message.auto_reply == AUTO_ACKNOWLEDGEMENT:
            text = acknowledgement(
                ticket.language, number=ticket.number, subject=ticket.subject,
                expected_minutes=self.expected_response_minutes(ticket),
            )
            extra = [notice.text] if notice is not None else []
            articles = self.suggest_articles(ticket, f"{ticket.subject}\n{message.body}")
            if articles:
                extra.append(article_suggestions(ticket.language, articles))
            if extra:  # before the sign-off
                body, _, signature = text.rstrip("\n").rpartition("\n\n")
                text = "\n\n".join([body, *extra, signature]) + "\n"
        elif message.auto_reply == AUTO_AWAY_NOTICE and notice is not None:
            text = notice.text
        else:
            return  # open again by now, or told already in this closed period
        self._send(ticket, message.auto_reply_to, text, sender_name=self.identity().sender_name(None),
                   automatic=True)

    # ------------------------------------------------------------------ agents' replies

    def on_message_created(self, event: MessageCreated) -> None:
        """An agent's public reply on an e-mail ticket goes to the customer by mail. Its
        delivery is kept on the message (the console shows it): sent, or retrying with the
        reason (the error is raised again, so the reaction is retried, then parked)."""
        message, ticket = event.message, event.ticket
        current = self.tickets.message_of(ticket, message.seq)
        if current is None or current.delivery == Delivery.SENT:
            return  # deleted (an erasure), or sent by an earlier delivery of this event
        customer = self.customers.get(ticket.customer_id)
        if not customer.email:
            self.tickets.set_delivery(ticket, message.seq, Delivery.FAILED, error="The customer has no e-mail address.")
            return
        agent = self.agent_names(message.author_id) if message.author_id else None
        identity = self.identity()
        try:
            mail_id = self._send(ticket, customer.email, identity.signed(message.body, agent),
                                 sender_name=identity.sender_name(agent), automatic=False)
        except Exception as error:
            self.tickets.set_delivery(ticket, message.seq, Delivery.RETRYING, error=describe(error))
            raise
        if mail_id is None:
            self.tickets.set_delivery(
                ticket, message.seq, Delivery.FAILED,
                error="Not sent: mail to this address bounced or was marked as spam before.",
            )
        else:
            self.tickets.set_delivery(ticket, message.seq, Delivery.SENT, mail_id=mail_id)

    def on_reply_parked(self, event: MessageCreated, error: str) -> None:
        """The reply could not be sent after every attempt: the console says so, and an admin
        can send it again from the failed events."""
        self.tickets.set_delivery(event.ticket, event.message.seq, Delivery.FAILED, error=error)

    def mail_chat_reply(self, ticket: Ticket, message: Message) -> str | None:
        """An agent answered a chat the visitor has left: the answer goes by mail when the
        visitor gave an address, threaded so that their mail reply lands on the same ticket."""
        customer = self.customers.get(ticket.customer_id)
        if not customer.email:
            logger.info("chat reply not mailed", ticket_id=ticket.id, reason="the visitor left no address")
            return None
        agent = self.agent_names(message.author_id) if message.author_id else None
        identity = self.identity()
        return self._send(ticket, customer.email, identity.signed(message.body, agent),
                          sender_name=identity.sender_name(agent), automatic=False)

    def on_feedback(self, notification: dict[str, Any]) -> list[str]:
        """SES bounce and complaint notifications: addresses that bounced for good or
        complained are not mailed again. Returns the addresses suppressed."""
        kind = notification.get("notificationType")
        at = self.clock().isoformat()
        suppressed = []
        if kind == "Bounce" and (notification.get("bounce") or {}).get("bounceType") == "Permanent":
            for recipient in notification["bounce"].get("bouncedRecipients", []):
                suppressed.append(recipient.get("emailAddress", ""))
        elif kind == "Complaint":
            for recipient in (notification.get("complaint") or {}).get("complainedRecipients", []):
                suppressed.append(recipient.get("emailAddress", ""))
        suppressed = [a for a in suppressed if "@" in a]
        for address in suppressed:
            self.limits.suppress(address, kind or "", at)
        logger.info("mail feedback", kind=kind, suppressed=len(suppressed))
        return suppressed

    def _send(self, ticket: Ticket, to: str, text: str, *, sender_name: str, automatic: bool) -> str | None:
        """Mail about a ticket, threaded: Reply-To is the ticket's signed address, the subject
        carries its tag, and In-Reply-To / References continue the customer's thread. Nothing
        goes to an address on the suppression list (None)."""
        if self.limits.is_suppressed(to):
            logger.warning("mail not sent", ticket_id=ticket.id, reason="address suppressed")
            return None
        chain = self.threads.mail_refs(ticket.id)[-10:]
        out = EmailMessage()
        out["From"] = formataddr((sender_name, self.support_address))
        out["To"] = to
        out["Reply-To"] = reply_address(self.secret, self.support_address, ticket.id)
        out["Subject"] = tagged_subject(f"Re: {ticket.subject}", ticket.number)
        out["Date"] = format_datetime(self.clock())
        out["Message-ID"] = make_msgid(domain=self.support_address.split("@", 1)[1])
        out["X-Desk-Ticket"] = str(ticket.number)
        if automatic:
            out["Auto-Submitted"] = "auto-replied"
        if chain:
            out["In-Reply-To"] = f"<{chain[-1]}>"
            out["References"] = " ".join(f"<{ref}>" for ref in chain)
        # Quoted-printable keeps the message 7-bit: not every hop on the way speaks 8BITMIME.
        out.set_content(text, cte="quoted-printable")
        out.add_alternative(_html(text, ticket.language), subtype="html", cte="quoted-printable")
        ses_id = self.mailer.send_raw(out.as_bytes(), [to])
        # Replies name the id SES gives our mail (it replaces our Message-ID on the way out).
        self.refs.record(ses_id, ticket.id, None, "out")
        self.refs.record(str(out["Message-ID"]).strip("<>"), ticket.id, None, "out")
        self.threads.add_mail_ref(ticket.id, f"{ses_id}@email.amazonses.com")
        return ses_id


def excerpt(text: str, max_bytes: int) -> str:
    """The start of ``text`` in at most ``max_bytes`` of UTF-8, ended at a line (or word)
    break when one is near."""
    cut = text.encode()[:max_bytes].decode("utf-8", "ignore")
    for breaker in ("\n", " "):
        at = cut.rfind(breaker)
        if at > len(cut) * 0.9:
            return cut[:at].rstrip()
    return cut


def _html(text: str, language: str | None = None) -> str:
    import html

    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    body = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs)
    lang = language_or_default(language)
    direction = "rtl" if lang in RIGHT_TO_LEFT else "ltr"
    return (
        f'<!doctype html><html lang="{lang}" dir="{direction}">'
        f'<body style="font-family:sans-serif">{body}</body></html>'
    )
