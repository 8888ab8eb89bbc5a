"""Tokens of website visitors: HS256 JWTs signed with the desk's widget secret."""

from __future__ import annotations

import time

from ..domain.errors import AuthenticationError
from ..domain.keys import signing_key
from .tokens import decode_or_refuse

VISITOR_TOKEN_SECONDS = 30 * 24 * 3600  # the widget keeps its visitor for a month


class VisitorTokens:
    def __init__(self, secret: str, issuer: str = "desk-widget") -> None:
        self.secret = secret
        self.issuer = issuer

    def issue(self, customer_id: str, now: float | None = None) -> tuple[str, int]:
        import jwt

        issued = int(now if now is not None else time.time())
        claims = {"sub": customer_id, "iss": self.issuer, "typ": "visitor", "iat": issued,
                  "exp": issued + VISITOR_TOKEN_SECONDS}
        return jwt.encode(claims, self._key(), algorithm="HS256"), VISITOR_TOKEN_SECONDS

    def verify(self, token: str) -> str:
        """The customer id a visitor token speaks for."""
        claims = decode_or_refuse(
            token, self._key(), algorithms=["HS256"], issuer=self.issuer,
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
        if claims.get("typ") != "visitor":
            raise AuthenticationError("The visitor token is not valid.", code="invalid_token")
        return str(claims["sub"])

    def _key(self) -> bytes:
        # Refuse to sign with a missing or toy secret rather than issue forgeable tokens.
        return signing_key(self.secret, "widget")
