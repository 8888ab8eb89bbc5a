"""A value read from the table and kept by this function instance for a short while: what
every page view asks for (the widget's settings, its campaigns) costs one read per instance
per period instead of one per view. A change made through this instance clears it at once;
one made through another instance shows here within ``seconds``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Generic, TypeVar

T = TypeVar("T")


class Kept(Generic[T]):
    def __init__(self, load: Callable[[], T], seconds: float, clock: Callable[[], datetime]) -> None:
        self.load = load
        self.period = timedelta(seconds=seconds)
        self.clock = clock
        self._value: T | None = None
        self._read_at: datetime | None = None

    def get(self) -> T:
        """The value, read again if it is older than the period (or the clock went back)."""
        now = self.clock()
        if self._read_at is None or not self._read_at <= now < self._read_at + self.period or self._value is None:
            self._value, self._read_at = self.load(), now
        return self._value

    def clear(self) -> None:
        self._value = self._read_at = None
