"""Sessions of the customer portal: HS256 JWTs naming the address a customer proved, with a
key of their own derived from the desk's widget secret."""

from __future__ import annotations

import hashlib
import hmac

from ..domain.errors import AuthenticationError
from ..domain.keys import signing_key
from .tokens import decode_or_refuse

ISSUER = "desk-portal"


class PortalSessions:
    def __init__(self, secret: str) -> None:
        self.secret = secret

    def issue(self, email: str, now: int, seconds: int) -> str:
        import jwt

        claims = {"sub": email, "iss": ISSUER, "typ": "portal", "iat": now, "exp": now + seconds}
        return jwt.encode(claims, self._key(), algorithm="HS256")

    def verify(self, token: str, now: int) -> str:
        """The address a session speaks for. Expiry is checked against ``now``, the desk's
        clock, which issued it."""
        claims = decode_or_refuse(
            token, self._key(), algorithms=["HS256"], issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss"], "verify_exp": False},
        )
        if claims.get("typ") != "portal":
            raise AuthenticationError("The token is not valid.", code="invalid_token")
        if int(claims["exp"]) <= now:
            raise AuthenticationError("Your session has ended; sign in again.", code="token_expired")
        return str(claims["sub"])

    def _key(self) -> bytes:
        return hmac.new(signing_key(self.secret, "widget"), b"desk portal sessions", hashlib.sha256).digest()
