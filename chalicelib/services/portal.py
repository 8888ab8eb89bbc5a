"""The customer portal: the public web form that opens a ticket, one-time sign-in links by
mail, and a signed-in customer's own tickets across channels (read, reply, solve).

Who a customer is here: the owner of an e-mail address, proven by a link mailed to it. Their
tickets are those of the customer the address finds (mail, the web form, the API) and of the
customers the business proved the address for (signed-in users of its site who chatted):
``CustomerService.ids_for_address``. The rules of the form's spam checks and of the links are
in ``domain/portal.py``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain import portal as rules
from ..domain.chat import ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, safe_filename
from ..domain.clock import utcnow
from ..domain.errors import (
    AuthenticationError,
    ConflictError,
    DeskError,
    NotFoundError,
    UnprocessableError,
)
from ..domain.events import PortalLinkRequested
from ..domain.keys import signing_key
from ..domain.people import mail_address, normalise_email
from ..domain.phrases import language_or_default
from ..domain.storage import attachment_key, attachment_prefix
from ..domain.tickets import Attachment, AuthorType, Message, MessageKind, Ticket, TicketFilter
from ..observability import logger
from .customers import CustomerService
from .ports import Mailer, PortalFiles, PortalLinkStore, PortalSessionIssuer
from .rate_limits import RateLimiter
from .tickets import OpenTicket, PostMessage, TicketService
from .uploads import uploaded_attachments

WEB_CHANNEL = "web"
UPLOADER = "web"  # the web form's files: attachments/<ticket id>/web/... (before a customer exists)
MAX_TICKETS_PER_CUSTOMER = 100


class LinkRefusedError(DeskError):
    """A sign-in link that was used, has expired or never existed: 410, with which it is."""

    status = 410
    code = "link_invalid"


@dataclass(frozen=True)
class PortalCustomer:
    """A signed-in customer: the address they proved, and every customer id it stands for."""

    email: str
    customer_ids: tuple[str, ...]


class PortalService:
    def __init__(
        self,
        *,
        tickets: TicketService,
        customers: CustomerService,
        links: PortalLinkStore,
        sessions: PortalSessionIssuer,
        files: PortalFiles,
        mailer: Mailer,
        limits: RateLimiter,
        secret: str,
        public_url: str,
        suppressed: Callable[[str], bool] = lambda address: False,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.tickets = tickets
        self.customers = customers
        self.links = links
        self.sessions = sessions
        self.files = files
        self.mailer = mailer
        self.limits = limits
        self.secret = secret
        self.public_url = public_url
        self.suppressed = suppressed  # addresses that bounced or complained: never mailed
        self.clock = clock

    # ------------------------------------------------------------------ the web form

    def new_form(self) -> dict[str, Any]:
        """A form to fill in: its token (a reserved ticket id, signed with when it was served)."""
        from ..domain import ids

        return {
            "form_token": rules.form_token(self._key("form"), ids.ticket_id(), self._now()),
            "min_seconds": rules.FORM_MIN_SECONDS,
            "max_files": MAX_ATTACHMENTS,
            "max_bytes": MAX_ATTACHMENT_BYTES,
            "content_types": sorted(ATTACHMENT_TYPES),
        }

    def upload(self, form_token: str, filename: str, content_type: str) -> dict[str, Any]:
        """A pre-signed POST for one file of a form: only into its reserved ticket's folder,
        of an allowed type and size (S3 enforces both)."""
        form = self._form(form_token)
        return self._presign(form.ticket_id, UPLOADER, filename, content_type)

    def _presign(self, ticket_id: str, uploader: str, filename: str, content_type: str) -> dict[str, Any]:
        if content_type not in ATTACHMENT_TYPES:
            raise UnprocessableError("That type of file is not taken.", code="attachment_refused")
        key = attachment_key(ticket_id, uploader, uuid.uuid4().hex, safe_filename(filename))
        post = self.files.presign_upload(key, content_type, MAX_ATTACHMENT_BYTES)
        return {"key": key, "url": post["url"], "fields": post["fields"], "max_bytes": MAX_ATTACHMENT_BYTES}

    def submit(self, body: dict[str, Any], base_url: str | None = None) -> Ticket:
        """Open a ticket from the web form, channel ``web``, for the customer the address
        finds (or a new one). Its acknowledgement, with a sign-in link, goes out from the
        table's stream (``on_web_ticket_opened``); ``base_url`` (where the request reached the
        desk) is kept on the ticket for that link."""
        form = rules.read_form_token(self._key("form"), body["form_token"])
        refusal = rules.form_refusal(form, body.get("website"), self._now())
        if refusal is not None or form is None:
            raise UnprocessableError(_FORM_REFUSALS[refusal or "form_invalid"], code=refusal or "form_invalid")
        address = normalise_email(body["email"])
        self.limits.hit("portal_form_email", address)
        attachments = self._attachments(form.ticket_id, body.get("attachments", []))
        command = OpenTicket(
            subject=body["subject"], customer_email=address, customer_name=body.get("name"), channel=WEB_CHANNEL,
            language=language_or_default(body.get("language")), ticket_id=form.ticket_id,
            first=PostMessage(body=body["body"], attachments=attachments), public_url=base_url,
        )
        try:
            ticket, _ = self.tickets.open(command, None)
        except ConflictError:
            raise ConflictError("This form was sent already.", code="form_used") from None
        return ticket

    def _attachments(self, ticket_id: str, keys: list[str], uploader: str = UPLOADER) -> tuple[Attachment, ...]:
        """The files of a message, each checked again where it is (its ticket's and uploader's
        folder), and its size and type."""
        return uploaded_attachments(
            self.files.describe, keys, attachment_prefix(ticket_id, uploader), "the form's file field")

    def _form(self, token: str) -> rules.FormToken:
        form = rules.read_form_token(self._key("form"), token)
        if form is None or self._now() - form.issued_at > rules.FORM_MAX_AGE_SECONDS:
            raise UnprocessableError(_FORM_REFUSALS["form_expired"], code="form_expired")
        return form

    def on_web_ticket_opened(self, event: Any) -> None:
        """The web form's acknowledgement (reaction to ticket.opened on channel web): fixed
        text, the ticket's number and a sign-in link, to the address the form named. The link's
        token derives from the event, so a retry mails the link it stored the first time."""
        ticket: Ticket = event.ticket
        try:
            customer = self.customers.get(ticket.customer_id)
        except NotFoundError:
            return  # erased meanwhile: no one to tell
        address = mail_address(customer.email) if customer.email else None
        if address is None or self.suppressed(address):
            return
        token = rules.derived_link_token(self._key("link"), event.event_id or ticket.id)
        self.links.add(rules.link_digest(token), address, self._now() + rules.LINK_SECONDS)
        subject, text = rules.acknowledgement_mail(ticket.language, ticket.number,
                                                   self._link_url(token, ticket.public_url))
        self.mailer.send_text(to=address, subject=subject, text=text)

    # ------------------------------------------------------------------ signing in

    def send_link(self, email: str, language: str | None, base_url: str | None) -> None:
        """A sign-in link for an address the desk knows; for any other, nothing. The caller
        answers the same either way, so the answer does not tell who is a customer. The link
        is stored with what its mail needs but the token (a nonce it derives from with the
        desk's key); the mail goes out from the table's stream (``on_link_requested``), so a
        refusal by SES is retried, not lost, and a retry mails the same link."""
        address = mail_address(normalise_email(email))
        if address is None:
            return
        self.limits.hit("portal_links_email", address)  # counted for known and unknown alike
        if not self.customers.ids_for_address(address) or self.suppressed(address):
            return
        nonce = secrets.token_urlsafe(24)
        token = self._requested_token(nonce)
        self.links.add(rules.link_digest(token), address, self._now() + rules.LINK_SECONDS, nonce=nonce,
                       language=language_or_default(language), base_url=base_url)

    def on_link_requested(self, event: PortalLinkRequested) -> None:
        """Mail a link someone asked for (reaction to portal.link_requested). A failure
        raises: the stream tries again, then parks it for an admin."""
        if event.used or event.valid_until <= self._now():
            return  # used (so it arrived) or expired: a mail now would only disappoint
        token = self._requested_token(event.nonce)
        if rules.link_digest(token) != event.digest:
            logger.warning("portal link's nonce does not give its digest", digest=event.digest)
            return
        address = mail_address(event.email)
        if address is None or self.suppressed(address):
            return
        subject, text = rules.link_mail(event.language, self._link_url(token, event.base_url))
        self.mailer.send_text(to=address, subject=subject, text=text)

    def sign_in(self, token: str) -> dict[str, Any]:
        """Use a link (once): a session token for the address it was mailed to."""
        state, email = self.links.use(rules.link_digest(token), self._now())
        if state != rules.LinkState.VALID or email is None:
            raise LinkRefusedError(_LINK_REFUSALS[state], code=state)
        return self._session(email)

    def _session(self, email: str) -> dict[str, Any]:
        token = self.sessions.issue(email, self._now(), rules.SESSION_SECONDS)
        return {"token": token, "expires_in": rules.SESSION_SECONDS, "email": email}

    def customer(self, authorization: str | None) -> PortalCustomer:
        """Who a request's ``Authorization: Bearer <session>`` speaks for."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationError("Sign in first.", code="missing_token")
        email = self.sessions.verify(token.strip(), self._now())
        return PortalCustomer(email, tuple(self.customers.ids_for_address(email)))

    # ------------------------------------------------------------------ a customer's tickets

    def tickets_of(self, who: PortalCustomer) -> list[Ticket]:
        """Their tickets on every channel, newest activity first (a Query per customer id)."""
        found: list[Ticket] = []
        for customer_id in who.customer_ids:
            page = self.tickets.list(TicketFilter(customer_id=customer_id), limit=MAX_TICKETS_PER_CUSTOMER, cursor=None)
            found += page.items
        return sorted(found, key=lambda t: t.last_activity_at, reverse=True)

    def ticket(self, who: PortalCustomer, number: str) -> Ticket:
        """One of their tickets by number; anyone else's is as unknown as one that is not."""
        try:
            ticket = self.tickets.get(number)
        except NotFoundError:
            ticket = None
        if ticket is None or ticket.customer_id not in who.customer_ids:
            raise NotFoundError(f"You have no request #{number}.", code="ticket_not_found")
        return ticket

    def messages(self, ticket: Ticket) -> list[Message]:
        """What the customer may read: the public messages, never the internal notes."""
        return [m for m in self.tickets.history(ticket.id, 0, include_notes=False) if m.kind == MessageKind.REPLY]

    def reply_upload(self, who: PortalCustomer, number: str, filename: str, content_type: str) -> dict[str, Any]:
        """A pre-signed POST for a file of a reply: into the ticket's folder of its customer,
        of an allowed type and size (S3 enforces both; the reply checks them again)."""
        ticket = self.ticket(who, number)
        return self._presign(ticket.id, ticket.customer_id, filename, content_type)

    def reply(
        self, who: PortalCustomer, number: str, text: str, attachment_keys: list[str] | None = None
    ) -> tuple[Ticket, Message]:
        """The customer's message on their ticket (a solved or pending one opens again), with
        the files they uploaded for it."""
        ticket = self.ticket(who, number)
        attachments = self._attachments(ticket.id, attachment_keys or [], ticket.customer_id)
        return self.tickets.post_message(
            ticket.id, PostMessage(body=text, attachments=attachments), author_type=AuthorType.CUSTOMER,
            author_id=ticket.customer_id, ticket=ticket,
        )

    def solve(self, who: PortalCustomer, number: str) -> Ticket:
        """The customer closes their request: it is solved (an agent may still close it)."""
        return self.tickets.solve_for_customer(self.ticket(who, number))

    def download_url(self, key: str, filename: str) -> str:
        return self.files.download_url(key, filename)

    # ------------------------------------------------------------------ helpers

    def _link_url(self, token: str, base_url: str | None) -> str:
        """The link in a mail: at ``DESK_PUBLIC_URL`` when the operator set one (a domain of
        their own in front, as for every link the desk mails), else at the address the
        customer's request reached the desk."""
        base = (self.public_url or base_url or "").rstrip("/")
        return f"{base}/portal#link={token}"

    def _requested_token(self, nonce: str) -> str:
        return rules.derived_link_token(self._key("link"), f"requested:{nonce}")

    def _now(self) -> int:
        return int(self.clock().timestamp())

    def _key(self, purpose: str) -> bytes:
        # One secret (the widget's), a key of its own for each use.
        return hmac.new(signing_key(self.secret, "widget"), f"desk portal {purpose}".encode(), hashlib.sha256).digest()


_FORM_REFUSALS = {
    "form_invalid": "This form is not valid; load the page again.",
    "form_refused": "This form cannot be sent.",
    "form_expired": "This form is too old; load the page again.",
    "form_too_fast": "That was quick: wait a few seconds, then send again.",
}
_LINK_REFUSALS = {
    rules.LinkState.USED: "This sign-in link has already been used.",
    rules.LinkState.EXPIRED: "This sign-in link has expired.",
    rules.LinkState.UNKNOWN: "This sign-in link is not valid.",
}
