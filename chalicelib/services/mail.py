"""Mail in: from the raw message in S3 to a ticket (new, or the one it replies to), with an
acknowledgement for a new ticket. Nothing is lost: the raw message stays in S3 whatever
happens, and a message that cannot be ticketed is logged with the reason."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid
from html import escape
from typing import Any

from ..domain.chat import safe_filename
from ..domain.clock import utcnow
from ..domain.errors import NotFoundError
from ..domain.events import MessageCreated
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
from ..domain.phrases import RIGHT_TO_LEFT, acknowledgement, language_or_default
from ..domain.tickets import Attachment, AuthorType, Message, Ticket
from ..observability import logger
from .customers import CustomerService
from .tickets import OpenTicket, PostMessage, TicketService

MAX_RAW_BYTES = 40 * 1024 * 1024  # what SES stores for one message
MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
MAX_REFERENCES_CHECKED = 20
ACKS_PER_SENDER_PER_HOUR = 3  # a flood from one address gets a few answers, not a storm


@dataclass(frozen=True)
class Ingested:
    outcome: str  # ticketed, threaded, duplicate, quarantined, rejected
    ticket_id: str | None = None
    rule: str | None = None
    reason: str | None = None
    acknowledged: bool = False


class MailService:
    def __init__(
        self,
        *,
        tickets: TicketService,
        customers: CustomerService,
        refs: Any,
        limits: Any,
        files: Any,
        mailer: Any,
        support_address: str,
        secret: str,
        agent_names: Callable[[str], str] = lambda agent_id: "Support",
        detect_language: Callable[[str, str | None], str | None] = lambda text, declared: None,
        sanitise_html: Callable[[str], str] | None = None,
        expected_response_minutes: Callable[[Ticket], int] = lambda ticket: 24 * 60,
        out_of_hours: Callable[[Ticket], Any] = lambda ticket: None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.tickets = tickets
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
            self.files.copy(key, f"mail/quarantine/{key.rsplit('/', 1)[-1]}")
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

        claims = [f"ses:{ses_message_id}"] if ses_message_id else []
        if mail.message_id:
            claims.append(mail.message_id)
        taken = []
        for claim in claims:
            if not self.refs.claim(claim):
                for earlier in taken:
                    self.refs.release(earlier)
                logger.info("mail duplicate", key=key)
                return Ingested("duplicate", reason=f"already stored ({claim})")
            taken.append(claim)
        try:
            result = self._store(mail, key, recipients or [])
        except Exception:
            for claim in taken:
                self.refs.release(claim)  # let a retry store it
            raise
        ticket_id, seq = result[0].id, result[1]
        for claim in taken:
            self.refs.record(claim, ticket_id, seq, "in")
        if mail.message_id:
            self.tickets.tickets.add_mail_ref(ticket_id, mail.message_id)
        acknowledged = False
        if result[2] == ThreadRule.NEW_TICKET:
            acknowledged = self._acknowledge(result[0], mail)
        else:
            acknowledged = self._away_notice(result[0], mail)
        logger.info("mail stored", key=key, ticket_id=ticket_id, rule=result[2].value, acknowledged=acknowledged)
        return Ingested(
            "ticketed" if result[2] == ThreadRule.NEW_TICKET else "threaded",
            ticket_id, result[2].value, acknowledged=acknowledged,
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
            if requester.email == mail.sender.email or mail.sender.email in self.tickets.tickets.ccs(ticket.id):
                return ticket, ThreadRule.SUBJECT_TAG
        return None, ThreadRule.NEW_TICKET

    def _ticket(self, reference: str) -> Ticket | None:
        try:
            ticket = self.tickets.get(reference)
        except NotFoundError:
            return None
        return None if ticket.status.value == "closed" else ticket

    # ------------------------------------------------------------------ storing

    def _store(self, mail: ParsedMail, key: str, recipients: list[str]) -> tuple[Ticket, int, ThreadRule]:
        assert mail.sender is not None
        text = visible_text(mail.text) if mail.text.strip() else visible_text(
            html_to_text(mail.html or "", drop_quotes=True)
        )
        ticket, rule = self._thread(mail, recipients)
        if ticket is None:
            customer = self.customers.find_or_create(mail.sender.email, mail.sender.name)
            language = self.detect_language(f"{mail.subject}\n{text}", mail.header("content-language") or None)
            ticket, message = self.tickets.open(
                OpenTicket(
                    subject=mail.subject or "(no subject)", customer_id=customer.id, channel="email",
                    language=language,
                ),
                None,
            )
            owner = customer.id
        else:
            owner = ticket.customer_id
        # The author is whoever wrote, the requester or someone copied in.
        if rule == ThreadRule.NEW_TICKET:
            author = owner
        else:
            author = self.customers.find_or_create(mail.sender.email, mail.sender.name).id
        copied = {a.email for a in mail.to + mail.cc} - {mail.sender.email, self.support_address}
        copied = {a for a in copied if ticket_from_address(self.secret, self.support_address, a) is None}
        self.tickets.tickets.add_ccs(ticket.id, copied)
        attachments, skipped = self._attachments(mail, ticket.id, owner)
        if skipped:
            text = f"{text}\n\n[Not attached, over {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB: {', '.join(skipped)}]".strip()
        html_key = None
        if mail.html and self.sanitise_html is not None:
            # Kept beside the original so the timeline item stays small (DynamoDB's 400 KB).
            html_key = f"mail/html/{ticket.id}/{uuid.uuid4().hex}.html"
            self.files.put_bytes(html_key, self.sanitise_html(mail.html).encode(), "text/html; charset=utf-8")
        ticket, message = self.tickets.post_message(
            ticket.id,
            PostMessage(
                body=text, attachments=attachments, source_key=key, thread_rule=rule.value, html_key=html_key
            ),
            author_type=AuthorType.CUSTOMER,
            author_id=author,
            ticket=ticket,
        )
        return ticket, message.seq, rule

    def _attachments(self, mail: ParsedMail, ticket_id: str, owner: str) -> tuple[tuple[Attachment, ...], list[str]]:
        stored, skipped = [], []
        for part in mail.attachments:
            name = safe_filename(part.filename)
            if len(part.content) > MAX_ATTACHMENT_BYTES:
                skipped.append(name)
                continue
            key = f"attachments/{ticket_id}/{owner}/{uuid.uuid4().hex}/{name}"
            self.files.put_bytes(key, part.content, part.content_type)
            stored.append(
                Attachment(key, name, part.content_type, len(part.content), part.inline, part.content_id)
            )
        return tuple(stored), skipped

    def message_html(self, message: Message, url_for: Callable[[str, str], str]) -> str:
        """The sanitised HTML of a mail, its inline images pointed at their stored copies."""
        if message.html_key is None:
            raise NotFoundError("This message has no HTML; its text is the whole of it.", code="no_html")
        html = self.files.get_bytes(message.html_key).decode("utf-8", "replace")
        for attachment in message.attachments:
            if attachment.content_id:
                url = url_for(attachment.key, attachment.filename)
                for quote in ('"', "'"):
                    html = html.replace(
                        f"{quote}cid:{attachment.content_id}{quote}", f"{quote}{escape(url)}{quote}"
                    )
        return html

    # ------------------------------------------------------------------ acknowledgement

    def _auto_reply_to(self, ticket: Ticket, mail: ParsedMail) -> str | None:
        """Where an automatic answer may go: never to a robot, a list or ourselves, and only
        a few an hour to one address."""
        reason = no_auto_reply_reason(mail, frozenset({self.support_address}))
        if reason is not None:
            logger.info("no automatic answer", ticket_id=ticket.id, reason=reason)
            return None
        assert mail.sender is not None
        to = mail.return_path or mail.sender.email  # RFC 3834: answer the Return-Path
        hour = self.clock().strftime("%Y%m%d%H")
        if self.limits.count_ack(to, hour) > ACKS_PER_SENDER_PER_HOUR:
            logger.info("no automatic answer", ticket_id=ticket.id, reason="hourly cap for this sender")
            return None
        return to

    def _acknowledge(self, ticket: Ticket, mail: ParsedMail) -> bool:
        """Tell the customer we have their mail, and when the team is away, when it is back."""
        to = self._auto_reply_to(ticket, mail)
        if to is None:
            return False
        text = acknowledgement(
            ticket.language, number=ticket.number, subject=ticket.subject,
            expected_minutes=self.expected_response_minutes(ticket),
        )
        notice = self.out_of_hours(ticket)
        if notice is not None:  # before the sign-off
            body, _, signature = text.rstrip("\n").rpartition("\n\n")
            text = f"{body}\n\n{notice.text}\n\n{signature}\n"
        return self._send(ticket, to, text, sender_name="Support", automatic=True) is not None

    def _away_notice(self, ticket: Ticket, mail: ParsedMail) -> bool:
        """A customer writes again while the team is away: one notice per closed period."""
        if self.out_of_hours is None or mail.sender is None:
            return False
        requester = self.customers.get(ticket.customer_id)
        if requester.email != mail.sender.email:
            return False  # someone copied in: the requester is the one we keep informed
        to = self._auto_reply_to(ticket, mail)
        notice = self.out_of_hours(ticket) if to is not None else None
        if to is None or notice is None:
            return False
        return self._send(ticket, to, notice.text, sender_name="Support", automatic=True) is not None

    def on_message_created(self, event: MessageCreated) -> None:
        """An agent's public reply on an e-mail ticket goes to the customer by mail."""
        message, ticket = event.message, event.ticket
        if ticket.channel != "email" or not message.public or message.author_type != AuthorType.AGENT:
            return
        customer = self.customers.get(ticket.customer_id)
        if not customer.email:
            logger.warning("reply not mailed", ticket_id=ticket.id, reason="customer has no address")
            return
        agent = self.agent_names(message.author_id) if message.author_id else "Support"
        self._send(ticket, customer.email, message.body, sender_name=agent, automatic=False)

    def mail_chat_reply(self, ticket: Ticket, message: Message) -> str | None:
        """An agent answered a chat the visitor has left: the answer goes by mail when the
        visitor gave an address, threaded so that their mail reply lands on the same ticket."""
        customer = self.customers.get(ticket.customer_id)
        if not customer.email:
            logger.info("chat reply not mailed", ticket_id=ticket.id, reason="the visitor left no address")
            return None
        agent = self.agent_names(message.author_id) if message.author_id else "Support"
        return self._send(ticket, customer.email, message.body, sender_name=agent, automatic=False)

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
        chain = self.tickets.tickets.mail_refs(ticket.id)[-10:]
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
        self.tickets.tickets.add_mail_ref(ticket.id, f"{ses_id}@email.amazonses.com")
        return ses_id


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
