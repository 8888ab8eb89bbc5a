"""Slowing password guessing without letting a stranger lock an agent out.

Guesses are limited three ways, and only failed sign-ins count against an account:

- per client IP (``login``), every attempt, as for the other public endpoints;
- per e-mail address, failures from devices that never signed in to it (``login_email``):
  a botnet guessing one agent's password gets a few tries per window between all of it;
- per known device (``login_device``), failures from a browser that signed in to that
  address before (it holds a *device token* the desk issued at that sign-in).

So a stranger who exhausts the address's budget refuses only unknown devices: the agent,
signing in from the browser they used before, is not locked out. (A new device of theirs
waits for the window, as the 429 says.) The address's budget is kept under Cognito's own
protection (a user's sign-in is refused for seconds, doubling, after five failures in a
row), so strangers cannot push the account into that either.

A device token names a random device id and the address, signed with a key derived from
the desk's widget secret; it is not a credential (a password is still needed), only a
reason to count failures under the device instead of the address.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import TypeVar

from ..domain.errors import AuthenticationError
from ..domain.people import normalise_email
from .rate_limits import RateLimiter

T = TypeVar("T")
VERSION = "dv1"


class SignInGuard:
    def __init__(self, limiter: RateLimiter, secret: str) -> None:
        self.limiter = limiter
        self._key = hmac.new(secret.encode(), b"desk sign-in device tokens", hashlib.sha256).digest()

    def sign_in(self, email: str, device: str | None, attempt: Callable[[], T]) -> tuple[T, str]:
        """Run ``attempt`` (the sign-in) unless this address, from this device, is over its
        failure budget; a failure is counted, a success is not. Returns the result and the
        device token to keep (the same one, or a new one for an unknown device)."""
        address = normalise_email(email)
        device_id = self.device_id(address, device) if device else None
        limit, client = ("login_device", device_id) if device_id else ("login_email", address)
        self.limiter.check(limit, client)
        try:
            result = attempt()
        except AuthenticationError:
            self.limiter.count(limit, client)
            raise
        return result, device if device_id and device else self.issue(address)

    def issue(self, address: str) -> str:
        device_id = secrets.token_urlsafe(12)
        return f"{VERSION}.{device_id}.{self._mac(device_id, address)}"

    def device_id(self, address: str, token: str) -> str | None:
        """The device id a token names, if the desk issued it for this address."""
        parts = token.split(".")
        if len(parts) != 3 or parts[0] != VERSION or not parts[1]:
            return None
        if not hmac.compare_digest(parts[2], self._mac(parts[1], address)):
            return None
        return parts[1]

    def _mac(self, device_id: str, address: str) -> str:
        digest = hmac.new(self._key, f"{device_id}\n{address}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:18]).decode()
