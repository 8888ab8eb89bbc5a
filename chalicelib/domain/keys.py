"""The desk's HMAC keys: it never signs or verifies with a missing or toy key.

Each secret (visitor tokens, the identity hash, reply addresses, webhooks) comes from the
environment; in AWS the template generates it in Secrets Manager and injects it. An empty
value must not silently become an empty key that anyone can sign with, so the first use of
such a key fails loudly instead.
"""

from __future__ import annotations

MIN_SECRET_CHARS = 32


class MissingSecretError(RuntimeError):
    """A secret the desk signs with is not configured: a deployment fault, not the caller's."""


def signing_key(secret: str, name: str) -> bytes:
    """``secret`` as an HMAC key, or ``MissingSecretError`` naming the variable to set.
    ``name`` is the secret's short name: ``widget``, ``identity``, ``mail``, ``webhook``."""
    if len(secret) < MIN_SECRET_CHARS:
        variable = f"DESK_{name.upper()}_SECRET"
        raise MissingSecretError(
            f"{variable} is {'empty' if not secret else 'too short'}: refusing to sign or verify with "
            f"it. Set it to at least {MIN_SECRET_CHARS} random characters (in AWS the stack's "
            f"template generates it in Secrets Manager and injects it)."
        )
    return secret.encode()
