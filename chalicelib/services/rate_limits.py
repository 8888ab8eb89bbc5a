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
        limit = self.limits.get(name)
        if limit is None or limit.requests <= 0:
            return
        now = self.clock().timestamp()
        window = int(now // limit.seconds)
        window_end = (window + 1) * limit.seconds
        count = self.counters.increment(
            f"{name}#{_key_part(client)}#{window}", expires_at=window_end + EXPIRY_MARGIN_SECONDS
        )
        if count > limit.requests:
            raise RateLimitedError(
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
