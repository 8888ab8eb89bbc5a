"""Proving an address a visitor typed before the desk mails them anything there.

Since an anonymous visitor's word proves nothing, "Email me this conversation" without a
proven address sends a confirmation link instead: a fixed text and the link, nothing the
visitor wrote, so the desk cannot be used to carry anyone's words to a stranger. The link is
signed, short-lived and single-use; requests are limited per visitor and per address. Opened,
it proves the address for that visitor (``CustomerService.prove_email``) and the transcript
goes out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from ...domain.clock import utcnow
from ...domain.errors import UnprocessableError
from ...domain.keys import signing_key
from ..rate_limits import RateCounters, RateLimiter
from .ports import Mailer

LINK_SECONDS = 30 * 60  # how long a confirmation link works
# Named limits of the RateLimiter this service is given (see bootstrap): requests per visitor
# and per address, whoever asks for it.
PER_VISITOR = "address_confirmations_per_visitor"
PER_ADDRESS = "address_confirmations_per_address"
CONFIRM_PATH = "/widget/transcripts/confirm"

SUBJECT = "Confirm your e-mail address"
TEXT = (
    "Hello,\n\n"
    "Someone asked, in the chat on our website, for a copy of a conversation to be sent to this address.\n\n"
    "If that was you, open this link within 30 minutes to confirm the address and get the conversation:\n"
    "{link}\n\n"
    "If it was not you, ignore this mail: nothing more will be sent to you.\n\n"
    "Your support team\n"
)


@dataclass(frozen=True)
class Confirmation:
    customer_id: str
    ticket_id: str
    address: str
    zone: str | None


class LinkError(UnprocessableError):
    """A confirmation link that is not (or no longer) good."""


class AddressConfirmations:
    def __init__(
        self, *, mailer: Mailer, limits: RateLimiter, used: RateCounters, secret: str, public_url: str,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.mailer = mailer
        self.limits = limits
        self.used = used  # an atomic counter per link: the first to count it uses it
        self.secret = secret
        self.public_url = public_url
        self.clock = clock

    def request(self, confirmation: Confirmation) -> None:
        """Mail the confirmation link to the address (limits first: a refused request mails nothing)."""
        if not self.public_url:
            raise UnprocessableError("This desk cannot send confirmation links (its public address is not set).",
                                     code="confirmation_unavailable")
        self.limits.hit(PER_VISITOR, confirmation.customer_id)
        self.limits.hit(PER_ADDRESS, confirmation.address)
        link = f"{self.public_url}{CONFIRM_PATH}?token={quote(self._token(confirmation))}"
        self.mailer.send_text(to=confirmation.address, subject=SUBJECT, text=TEXT.format(link=link))

    def verify(self, token: str, *, use: bool) -> Confirmation:
        """What a link confirms, if it is genuine and in time; ``use``: spend it (once only)."""
        body, _, signature = token.partition(".")
        if not hmac.compare_digest(signature, self._sign(body)):
            raise LinkError("This link is not one of ours.", code="invalid_link")
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        if data["e"] < self.clock().timestamp():
            raise LinkError("This link has expired: ask for the conversation again in the chat.",
                            code="link_expired")
        if use and self.used.increment(f"used#{data['n']}", expires_at=data["e"] + 3600) > 1:
            raise LinkError("This link was used already.", code="link_used")
        return Confirmation(data["c"], data["t"], data["a"], data.get("z"))

    def _token(self, c: Confirmation) -> str:
        data = {"c": c.customer_id, "t": c.ticket_id, "a": c.address, "z": c.zone,
                "e": int(self.clock().timestamp()) + LINK_SECONDS, "n": secrets.token_urlsafe(12)}
        body = base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")
        return f"{body}.{self._sign(body)}"

    def _sign(self, body: str) -> str:
        key = signing_key(self.secret, "widget")
        digest = hmac.new(key, b"address-confirmation:" + body.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")
