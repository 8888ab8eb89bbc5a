"""Rate limits of the public endpoints (widget sessions, sign-in, token refresh): a fixed
window per limit and client, counted in DynamoDB so that every Lambda instance shares it."""

from __future__ import annotations

import hashlib
import ipaddress
import math
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Protocol

from ..config import RateLimit
from ..domain.clock import utcnow
from ..domain.errors import RateLimitedError

# A counter outlives its window by this much before TTL may remove it (TTL is lazy anyway).
EXPIRY_MARGIN_SECONDS = 300


class RateCounters(Protocol):
    def increment(self, key: str, expires_at: int) -> int: ...
    def current(self, key: str) -> int: ...


class RateLimiter:
    def __init__(
        self,
        counters: RateCounters,
        limits: Mapping[str, RateLimit],
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.counters = counters
        self.limits = limits
        self.clock = clock

    def hit(self, name: str, client: str) -> None:
        """Count one request of ``client`` (an IP address, an e-mail address) against the
        limit ``name``; raises ``RateLimitedError`` (429, with ``retry_after_seconds``) once
        the client is over it. A limit that is not configured, or 'off', counts nothing."""
        window = self._window(name, client)
        if window is None:
            return
        limit, key, now, window_end = window
        if self.counters.increment(key, expires_at=window_end + EXPIRY_MARGIN_SECONDS) > limit.requests:
            raise _refusal(limit, now, window_end)

    def check(self, name: str, client: str) -> None:
        """Refuse (``RateLimitedError``) if ``client`` has used up the limit ``name`` in this
        window, without counting anything: for limits that count only failures."""
        window = self._window(name, client)
        if window is None:
            return
        limit, key, now, window_end = window
        if self.counters.current(key) >= limit.requests:
            raise _refusal(limit, now, window_end)

    def count(self, name: str, client: str) -> None:
        """Count one (failed) request of ``client`` against the limit ``name``."""
        window = self._window(name, client)
        if window is not None:
            self.counters.increment(window[1], expires_at=window[3] + EXPIRY_MARGIN_SECONDS)

    def _window(self, name: str, client: str) -> tuple[RateLimit, str, float, int] | None:
        limit = self.limits.get(name)
        if limit is None or limit.requests <= 0:
            return None
        now = self.clock().timestamp()
        window = int(now // limit.seconds)
        return limit, f"{name}#{_key_part(client)}#{window}", now, (window + 1) * limit.seconds


def _refusal(limit: RateLimit, now: float, window_end: int) -> RateLimitedError:
    return RateLimitedError(
        "Too many requests; try again later.",
        code="rate_limited",
        details={
            "limit": limit.requests, "window_seconds": limit.seconds,
            "retry_after_seconds": max(1, math.ceil(window_end - now)),
        },
    )


def _key_part(client: str) -> str:
    # An IP address stays readable; anything else (an e-mail address) is stored as a hash,
    # so that no counter holds a person's address.
    try:
        return str(ipaddress.ip_address(client))
    except ValueError:
        return "h:" + hashlib.sha256(client.encode()).hexdigest()[:32]
