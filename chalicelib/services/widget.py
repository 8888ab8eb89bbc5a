"""The chat widget's visitor sessions: who a browser speaks for."""

from __future__ import annotations

import hmac
from typing import Any

from ..domain.chat import verify_email_hash, verify_user_hash
from ..domain.errors import AuthenticationError
from .customers import CustomerService
from .ports import VisitorTokenIssuer


class WidgetService:
    def __init__(
        self, customers: CustomerService, visitor_tokens: VisitorTokenIssuer, identity_secret: str, widget_key: str = ""
    ) -> None:
        self.customers = customers
        self.visitor_tokens = visitor_tokens
        self.identity_secret = identity_secret
        self.widget_key = widget_key

    def key_valid(self, key: str | None) -> bool:
        """Is ``key`` the desk's public widget key (any key is, while the desk has none)."""
        if not self.widget_key:
            return True
        return key is not None and hmac.compare_digest(key.encode(), self.widget_key.encode())

    def start(self, body: dict[str, Any]) -> dict[str, Any]:
        """A visitor token for this browser.

        - ``user_id`` + ``user_hash``: a user the business signed in; the hash proves it.
          Their ``email`` is theirs (transcripts may go there) only with ``email_hash``.
        - ``token``: the visitor this browser already was (renewed).
        - neither: a new anonymous visitor (name and e-mail kept as given, trusted for nothing).

        ``key``, the snippet's public key, must be the desk's when given; a snippet without
        one (pasted before keys existed) is still served.
        """
        if "key" in body and not self.key_valid(body["key"]):
            raise AuthenticationError(
                "This widget key is not this desk's: copy the snippet again from the desk.",
                code="unknown_widget_key",
            )
        if "user_id" in body:
            if not verify_user_hash(self.identity_secret, body["user_id"], body["user_hash"]):
                raise AuthenticationError(
                    "user_hash does not match user_id: compute it on your server with the desk's "
                    "identity secret.",
                    code="invalid_user_hash",
                )
            email_proven = False
            if "email_hash" in body:
                if not body.get("email") or not verify_email_hash(self.identity_secret, body["email"], body["email_hash"]):
                    raise AuthenticationError(
                        "email_hash does not match email: compute it on your server with the desk's "
                        "identity secret, over 'email:' and the address in lower case.",
                        code="invalid_email_hash",
                    )
                email_proven = True
            customer = self.customers.find_or_create_identified(
                body["user_id"], body.get("email"), body.get("name"), email_proven=email_proven
            )
        elif "token" in body:
            customer = self.customers.fill_in(
                self.visitor_tokens.verify(body["token"]), body.get("name"), body.get("email")
            )
        else:
            customer = self.customers.create_anonymous(body.get("name"), body.get("email"))
        token, expires_in = self.visitor_tokens.issue(customer.id)
        return {"token": token, "customer_id": customer.id, "expires_in": expires_in}
