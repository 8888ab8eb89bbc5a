"""Fixed-window request counters for the public endpoints' rate limits (see ``models.py``
for the key): one UpdateItem per request, no read, no scan."""

from __future__ import annotations

from . import models as m

RATE_SK = "#RATE"


class DynamoRateCounters:
    def increment(self, key: str, expires_at: int) -> int:
        """Count one request under ``key`` (``<limit>#<client>#<window>``) and return the
        count so far; DynamoDB's TTL removes the counter after ``expires_at``."""
        counter = m.CounterItem(f"RATE#{key}", RATE_SK)
        counter.update(actions=[m.CounterItem.value.add(1), m.CounterItem.expires_at.set(expires_at)])
        return int(counter.value)
