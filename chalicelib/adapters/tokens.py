"""Verification of agents' tokens against the user pool's published signing keys."""

from __future__ import annotations

from typing import Any

from ..domain.errors import AuthenticationError, ServiceUnavailableError


class JwksTokenVerifier:
    """Checks a Cognito ID token: RS256 signature by a key in the pool's JWKS, issuer,
    audience (the app client), expiry, and that it is an ID token."""

    def __init__(self, *, jwks_url: str, issuer: str, audience: str, leeway_seconds: int = 0) -> None:
        self.jwks_url = jwks_url
        self.issuer = issuer
        self.audience = audience
        self.leeway_seconds = leeway_seconds
        self._jwks_client: Any = None

    def verify(self, token: str) -> dict[str, Any]:
        # PyJWT and cryptography cost ~100 ms to import: load them on the first request only.
        import jwt

        if self._jwks_client is None:
            self._jwks_client = jwt.PyJWKClient(self.jwks_url, cache_keys=True, lifespan=3600)
        try:
            key = self._jwks_client.get_signing_key_from_jwt(token)
        except jwt.PyJWKClientConnectionError:
            raise ServiceUnavailableError(
                "The sign-in service cannot be reached; try again shortly.",
                code="auth_unavailable",
            ) from None
        except (jwt.PyJWKClientError, jwt.InvalidTokenError):
            raise AuthenticationError("The token is not valid.", code="invalid_token") from None
        claims = decode_or_refuse(
            token,
            key.key,
            algorithms=["RS256"],
            audience=self.audience,
            issuer=self.issuer,
            leeway=self.leeway_seconds,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "token_use"]},
        )
        if claims.get("token_use") != "id":
            raise AuthenticationError("An ID token is required.", code="invalid_token")
        return claims


def decode_or_refuse(token: str, key: Any, **checks: Any) -> dict[str, Any]:
    """PyJWT's decode with the desk's answers: an expired token and an invalid one are told
    apart (the client signs in again, or gives up), and nothing else is said."""
    import jwt

    try:
        return jwt.decode(token, key, **checks)
    except jwt.ExpiredSignatureError:
        raise AuthenticationError("The token has expired; sign in again.", code="token_expired") from None
    except jwt.InvalidTokenError:
        raise AuthenticationError("The token is not valid.", code="invalid_token") from None
