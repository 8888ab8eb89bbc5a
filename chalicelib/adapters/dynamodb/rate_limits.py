"""Fixed-window request counters for the public endpoints' rate limits (see ``models.py``
for the key): one UpdateItem per request counted, one GetItem per check, no scan."""

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

    def current(self, key: str) -> int:
        """The count so far under ``key`` (0 if nothing was counted in its window)."""
        try:
            counter = m.CounterItem.get(f"RATE#{key}", RATE_SK, consistent_read=True)
        except m.CounterItem.DoesNotExist:
            return 0
        return int(counter.value or 0)
