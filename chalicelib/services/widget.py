"""The chat widget's visitor sessions: who a browser speaks for."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..domain.campaigns import origin_allowed, widget_settings
from ..domain.chat import verify_email_hash, verify_user_hash
from ..domain.clock import utcnow
from ..domain.errors import AuthenticationError, PermissionDeniedError
from .cache import Kept
from .customers import CustomerService
from .ports import VisitorTokenIssuer, WidgetSettingsStore

CACHE_SECONDS = 30  # how long a function instance keeps the settings for page views


class WidgetService:
    def __init__(
        self, customers: CustomerService, visitor_tokens: VisitorTokenIssuer, identity_secret: str, widget_key: str = "",
        store: WidgetSettingsStore | None = None, clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.store = store
        # what every page view reads (the config, the allowed sites): once per instance a while
        self._kept = Kept(self.settings, CACHE_SECONDS, clock)
        self.customers = customers
        self.visitor_tokens = visitor_tokens
        self.identity_secret = identity_secret
        self.widget_key = widget_key

    def key_valid(self, key: str | None) -> bool:
        """Is ``key`` the desk's public widget key (any key is, while the desk has none)."""
        if not self.widget_key:
            return True
        return key is not None and hmac.compare_digest(key.encode(), self.widget_key.encode())

    def settings(self, *, kept: bool = False) -> dict[str, Any]:
        """The widget's settings in force (the defaults until an admin saves some); ``kept``:
        as this instance read them up to ``CACHE_SECONDS`` ago (for page views; admins read
        them fresh)."""
        if kept:
            return self._kept.get()
        return widget_settings(self.store.widget_settings() if self.store is not None else None)

    def put_settings(self, body: dict[str, Any]) -> dict[str, Any]:
        assert self.store is not None
        self.store.put_widget_settings(body)
        self._kept.clear()
        return self.settings()

    def check_origin(self, origin: str | None) -> None:
        """Refuse a page whose origin is not among the allowed sites (when there is a list)."""
        if not origin_allowed(self.settings(kept=True)["allowed_origins"], origin):
            raise PermissionDeniedError(
                "This site may not use the desk's chat widget: add it to the widget's allowed sites.",
                code="origin_not_allowed", details={"origin": origin},
            )

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
