"""Tokens made by the tests: correctly signed where it matters, so that a refusal proves the
one check under test (expiry, issuer, audience, signature ...) and not another."""

from __future__ import annotations

import json
import os
import time
from typing import Any

import jwt


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def moto_signing_key() -> bytes:
    # The emulator signs with a key published in moto's package; use it to forge tokens whose
    # signature is right so that each other check is proven on its own.
    from joserfc.jwk import RSAKey
    from moto.utilities.utils import load_resource

    return RSAKey.import_key(load_resource("cognitoidp/resources/jwks-private.json")).as_pem(private=True)


def forge(claims: dict[str, Any], key: Any = None, kid: str = "dummy", alg: str = "RS256") -> str:
    return jwt.encode(claims, key or moto_signing_key(), algorithm=alg, headers={"kid": kid})


def tampered(token: str, **changes: Any) -> str:
    """``token`` with its payload changed and its signature kept."""
    header, _, signature = token.split(".")
    payload = jwt.utils.base64url_encode(json.dumps({**claims_of(token), **changes}).encode()).decode()
    return f"{header}.{payload}.{signature}"


def agent_tokens(good: str) -> dict[str, str]:
    """Bad variants of a good agent ID token, by what is wrong with them."""
    from cryptography.hazmat.primitives.asymmetric import rsa

    claims = claims_of(good)
    fresh = {**claims, "iat": int(time.time()), "exp": int(time.time()) + 600}
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return {
        "expired": forge({**fresh, "iat": int(time.time()) - 7200, "exp": int(time.time()) - 60}),
        "tampered": tampered(good, **{"cognito:groups": ["admin", "agent"], "sub": "someone-else"}),
        "another-key": forge(fresh, key=stranger),
        "another-pool": forge({**fresh, "iss": claims["iss"].rsplit("/", 1)[0] + "/us-east-1_AnotherPool"}),
        "another-audience": forge({**fresh, "aud": "another-app-client"}),
        "access-token": forge({**fresh, "token_use": "access"}),
        "unsigned": jwt.encode(fresh, key=None, algorithm="none", headers={"kid": "dummy"}),
        "visitor-token": visitor_token("cus_probe"),
    }


def visitor_token(customer_id: str, secret: str | None = None, **changes: Any) -> str:
    """A visitor token as the desk issues them (HS256 with the widget secret)."""
    now = int(time.time())
    claims = {"sub": customer_id, "iss": "desk-widget", "typ": "visitor", "iat": now, "exp": now + 3600, **changes}
    return jwt.encode(claims, secret or os.environ["DESK_WIDGET_SECRET"], algorithm="HS256")
