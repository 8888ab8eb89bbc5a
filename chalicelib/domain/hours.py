"""Business hours: when the desk is open, and arithmetic in open time.

A ``Calendar`` is a weekly pattern of opening ``Slot``s in local wall-clock time, minus local
holidays (whole dates) and one-off closures (absolute periods). Business time is real elapsed
time while open: a 02:00-03:00 slot lasts 0 minutes on a spring-forward night and 120 on a
fall-back night, while 09:00-17:00 is 8 real hours on both.

Wall times become instants with ``zoneinfo``: a time skipped by a spring-forward gap maps to the
transition instant; a time that occurs twice maps to its first occurrence when it opens a slot
and to its second when it closes one, so an ambiguous slot is as long as the clock allows.

Every instant taken must be timezone-aware; every instant returned is in UTC. Searches that
walk through closed time give up with ``SearchHorizonError`` after ``SEARCH_HORIZON_DAYS``
days without a change, so a misconfigured calendar fails loudly instead of looping.
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "SEARCH_HORIZON_DAYS",
    "Calendar",
    "CalendarError",
    "SearchHorizonError",
    "Slot",
]

MINUTES_PER_DAY = 24 * 60
SEARCH_HORIZON_DAYS = 3 * 366
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_ONE_DAY = timedelta(days=1)
_ONE_MINUTE = timedelta(minutes=1)
_SLOT_TEXT = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")

Interval = tuple[datetime, datetime]


class CalendarError(ValueError):
    """A calendar that cannot be built, or an argument it cannot work with."""


class SearchHorizonError(CalendarError):
    """A search went through more than ``SEARCH_HORIZON_DAYS`` days without an answer."""


@dataclass(frozen=True)
class Slot:
    """Opening hours on one weekday, in minutes after local midnight.

    ``end`` may be 1440 (24:00). A slot with ``end <= start`` runs overnight into the next day;
    it belongs to the day it starts on (that day's holiday removes it, the next day's does not).
    """

    start: int
    end: int

    def __post_init__(self) -> None:
        for name, value in (("start", self.start), ("end", self.end)):
            if not isinstance(value, int) or isinstance(value, bool):
                raise CalendarError(f"slot {name} must be a whole number of minutes, got {value!r}")
        if not 0 <= self.start < MINUTES_PER_DAY:
            raise CalendarError(f"slot start must be in 0..1439 minutes, got {self.start}")
        if not 0 < self.end <= MINUTES_PER_DAY:
            raise CalendarError(f"slot end must be in 1..1440 minutes, got {self.end}")

    @classmethod
    def parse(cls, text: str) -> Slot:
        """Build a slot from ``"HH:MM-HH:MM"``; ``24:00`` is allowed as the end."""
        match = _SLOT_TEXT.match(text)
        if match is None:
            raise CalendarError(f"slot must look like 09:00-17:00, got {text!r}")
        sh, sm, eh, em = (int(g) for g in match.groups())
        if sm > 59 or em > 59:
            raise CalendarError(f"slot minutes must be 00..59, got {text!r}")
        return cls(sh * 60 + sm, eh * 60 + em)

    @property
    def overnight(self) -> bool:
        return self.end <= self.start

    @property
    def length(self) -> int:
        """Nominal length in wall-clock minutes (real length differs on DST days)."""
        return self.end - self.start + (MINUTES_PER_DAY if self.overnight else 0)

    def __str__(self) -> str:
        return f"{_hhmm(self.start)}-{_hhmm(self.end)}"


@dataclass(frozen=True)
class Calendar:
    """When a desk is open: weekly slots in ``timezone``, minus holidays and closures.

    ``week`` maps a weekday (0 = Monday) to its slots; missing days are closed. ``holidays`` are
    local dates on which no slot starts. ``closures`` are ``(start, end)`` aware instants, closed
    from start (inclusive) to end (exclusive). An empty week is a desk that never opens.
    """

    timezone: str
    week: Mapping[int, tuple[Slot, ...]]
    holidays: frozenset[date] = frozenset()
    closures: tuple[Interval, ...] = ()
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _closed: tuple[Interval, ...] = field(init=False, repr=False, compare=False)
    _closed_ends: tuple[datetime, ...] = field(init=False, repr=False, compare=False)
    _has_slots: bool = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__  # frozen: normalise once, here
        set_(self, "_zone", _zone(self.timezone))
        set_(self, "week", MappingProxyType(_normalise_week(self.week)))
        set_(self, "holidays", _normalise_holidays(self.holidays))
        closures = _normalise_closures(self.closures)
        set_(self, "closures", closures)
        closed = _merge(closures)
        set_(self, "_closed", closed)
        set_(self, "_closed_ends", tuple(end for _, end in closed))
        set_(self, "_has_slots", any(self.week.values()))

    def __hash__(self) -> int:
        return hash((self.timezone, tuple(self.week.items()), self.holidays, self.closures))

    @classmethod
    def always_open(cls, timezone: str = "UTC") -> Calendar:
        """A 24/7 desk (no holidays, no closures)."""
        return cls(timezone, {day: (Slot(0, MINUTES_PER_DAY),) for day in range(7)})

    # -- questions about one instant -------------------------------------------------------

    def is_open(self, t: datetime) -> bool:
        """Whether the desk is open at ``t``."""
        t = _utc(t, "t")
        return next(self._open_pieces(t, t + timedelta(microseconds=1)), None) is not None

    def next_opening(self, t: datetime) -> datetime | None:
        """The first open instant at or after ``t`` (``t`` itself when open).

        None when the calendar has no slots at all; ``SearchHorizonError`` when holidays or
        closures keep it shut for longer than the search horizon.
        """
        t = _utc(t, "t")
        if not self._has_slots:
            return None
        for start, _ in self._open_pieces(t, None):
            return start
        raise AssertionError("unreachable: the search either finds a piece or gives up")

    def next_closing(self, t: datetime) -> datetime | None:
        """The end of the open interval containing ``t``, or None when closed at ``t``.

        ``SearchHorizonError`` when the desk stays open for longer than the search horizon
        (a 24/7 desk never closes).
        """
        t = _utc(t, "t")
        if not self.is_open(t):
            return None
        limit = t + timedelta(days=SEARCH_HORIZON_DAYS)  # bounded, so a long closed stretch after is fine
        for _, end in self._merged(t, limit):
            if end < limit:
                return end
        raise SearchHorizonError(
            f"the desk stays open for more than {SEARCH_HORIZON_DAYS} days after {t.isoformat()}"
        )

    # -- arithmetic --------------------------------------------------------------------------

    def open_intervals(self, start: datetime, end: datetime) -> Iterator[Interval]:
        """The open intervals ``(a, b)`` within ``[start, end)``, in order, touching ones merged."""
        start, end = _utc(start, "start"), _utc(end, "end")
        return self._merged(start, end)

    def add_business_minutes(self, t: datetime, minutes: float) -> datetime:
        """The instant at which ``minutes`` of open time have passed since ``t``.

        Adding 0 returns ``t`` unchanged, open or not. A positive amount counts from the next
        opening when ``t`` is closed, and an amount used up exactly at a closing time returns
        that closing time (not the next opening).
        """
        t = _utc(t, "t")
        if isinstance(minutes, bool) or not isinstance(minutes, int | float):
            raise CalendarError(f"minutes must be a number, got {minutes!r}")
        if not math.isfinite(minutes) or minutes < 0:
            raise CalendarError(f"minutes must be finite and not negative, got {minutes!r}")
        if minutes == 0:
            return t
        if not self._has_slots:
            raise SearchHorizonError("the calendar has no opening hours: business time never passes")
        remaining = timedelta(minutes=minutes)
        for start, stop in self._open_pieces(t, None):
            if remaining <= stop - start:
                return start + remaining
            remaining -= stop - start
        raise AssertionError("unreachable: the search either finds a piece or gives up")

    def business_minutes_between(self, a: datetime, b: datetime) -> float:
        """Open minutes in ``[a, b)``; 0 when ``b <= a``."""
        a, b = _utc(a, "a"), _utc(b, "b")
        total = sum((stop - start for start, stop in self._open_pieces(a, b)), timedelta())
        return total / _ONE_MINUTE

    # -- the walk ------------------------------------------------------------------------------

    def _merged(self, start: datetime, end: datetime) -> Iterator[Interval]:
        current: Interval | None = None
        for a, b in self._open_pieces(start, end):
            if current is not None and a == current[1]:
                current = (current[0], b)
                continue
            if current is not None:
                yield current
            current = (a, b)
        if current is not None:
            yield current

    def _open_pieces(self, start: datetime, stop: datetime | None) -> Iterator[Interval]:
        """Disjoint open pieces within ``[start, stop)`` in order; touching pieces may stay apart.

        With ``stop`` None the walk is endless, so it gives up after a horizon of closed days.
        """
        if not self._has_slots or (stop is not None and stop <= start):
            return
        day = start.astimezone(self._zone).date() - _ONE_DAY  # yesterday's overnight slot
        last_day = None if stop is None else stop.astimezone(self._zone).date() + _ONE_DAY
        give_up = day + timedelta(days=SEARCH_HORIZON_DAYS)
        covered = start  # nothing before this is reported again (ambiguous ends may overlap)
        while last_day is None or day <= last_day:
            if last_day is None and day > give_up:
                raise SearchHorizonError(
                    f"no opening within {SEARCH_HORIZON_DAYS} days after {start.isoformat()}"
                )
            for a, b in self._slot_instants(day):
                a = max(a, covered)
                if stop is not None:
                    b = min(b, stop)
                if a >= b:
                    continue
                covered = b
                for piece in self._without_closures(a, b):
                    give_up = day + timedelta(days=SEARCH_HORIZON_DAYS)
                    yield piece
            day += _ONE_DAY

    def _slot_instants(self, day: date) -> list[Interval]:
        """The slots starting on local ``day`` as UTC intervals, empty ones dropped."""
        if day in self.holidays:
            return []
        intervals = []
        for slot in self.week[day.weekday()]:
            a = self._instant(day, slot.start, late=False)
            b = self._instant(day + _ONE_DAY if slot.overnight else day, slot.end, late=True)
            if a < b:
                intervals.append((a, b))
        return intervals

    def _without_closures(self, a: datetime, b: datetime) -> Iterator[Interval]:
        i = bisect_right(self._closed_ends, a)  # the first closure still running after a
        while i < len(self._closed) and self._closed[i][0] < b:
            closed_from, closed_until = self._closed[i]
            if closed_from > a:
                yield (a, closed_from)
            a = max(a, closed_until)
            i += 1
        if a < b:
            yield (a, b)

    def _instant(self, day: date, minute: int, *, late: bool) -> datetime:
        """Local wall time ``minute`` on ``day`` as a UTC instant (see the module docstring)."""
        if minute == MINUTES_PER_DAY:
            day, minute = day + _ONE_DAY, 0
        wall = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self._zone)
        first = wall.replace(fold=0).astimezone(UTC)
        second = wall.replace(fold=1).astimezone(UTC)
        if first == second:
            return first
        if first < second:  # the clock went back: this wall time happened twice
            return second if late else first
        return self._transition(second, first)  # the clock jumped over this wall time

    def _transition(self, before: datetime, after: datetime) -> datetime:
        """The instant in ``(before, after]`` at which the UTC offset changes; tz data uses seconds."""
        offset = before.astimezone(self._zone).utcoffset()
        low, high = before, after
        while high - low > timedelta(seconds=1):
            middle = low + timedelta(seconds=(high - low) // timedelta(seconds=2))
            if middle.astimezone(self._zone).utcoffset() == offset:
                low = middle
            else:
                high = middle
        return high


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _utc(value: datetime, name: str) -> datetime:
    if not isinstance(value, datetime):
        raise CalendarError(f"{name} must be a datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise CalendarError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(UTC)


def _zone(key: str) -> ZoneInfo:
    if not isinstance(key, str) or not key:
        raise CalendarError(f"timezone must be an IANA name such as Europe/Berlin, got {key!r}")
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError) as error:  # ValueError: a malformed key
        raise CalendarError(f"unknown timezone {key!r}") from error


def _normalise_week(week: Mapping[int, Iterable[Slot]]) -> dict[int, tuple[Slot, ...]]:
    if not isinstance(week, Mapping):
        raise CalendarError("week must map weekdays (0 = Monday) to slots")
    unknown = [day for day in week if day not in range(7)]
    if unknown:
        raise CalendarError(f"weekdays are 0 (Monday) to 6 (Sunday), got {unknown!r}")
    normalised: dict[int, tuple[Slot, ...]] = {}
    for day in range(7):
        slots = tuple(week.get(day, ()))
        for slot in slots:
            if not isinstance(slot, Slot):
                raise CalendarError(f"{WEEKDAY_NAMES[day]}: expected Slot, got {slot!r}")
        normalised[day] = tuple(sorted(slots, key=lambda s: s.start))
    _check_no_overlap(normalised)
    return normalised


def _check_no_overlap(week: Mapping[int, tuple[Slot, ...]]) -> None:
    """Slots may not overlap anywhere on the weekly clock, overnight tails included."""
    week_minutes = 7 * MINUTES_PER_DAY
    spans = sorted(
        (day * MINUTES_PER_DAY + slot.start, day * MINUTES_PER_DAY + slot.start + slot.length, day, slot)
        for day, slots in week.items()
        for slot in slots
    )
    # The first slot again, a week later, catches a Sunday night slot running into Monday's.
    wrapped = [*spans, *((s + week_minutes, e + week_minutes, d, slot) for s, e, d, slot in spans[:1])]
    for (_, end, day, slot), (start, _, next_day, next_slot) in zip(wrapped, wrapped[1:], strict=False):
        if start < end:
            raise CalendarError(f"{WEEKDAY_NAMES[day]} {slot} overlaps {WEEKDAY_NAMES[next_day]} {next_slot}")


def _normalise_holidays(holidays: Iterable[date]) -> frozenset[date]:
    days = frozenset(holidays)
    for day in days:
        # A datetime is a date too, but would never equal the local date it is compared with.
        if not isinstance(day, date) or isinstance(day, datetime):
            raise CalendarError(f"holidays must be dates, got {day!r}")
    return days


def _normalise_closures(closures: Iterable[Interval]) -> tuple[Interval, ...]:
    normalised = []
    for pair in closures:
        try:
            start, end = pair
        except (TypeError, ValueError) as error:
            raise CalendarError(f"a closure is a (start, end) pair, got {pair!r}") from error
        start, end = _utc(start, "closure start"), _utc(end, "closure end")
        if end < start:
            raise CalendarError(f"closure ends before it starts: {start.isoformat()} > {end.isoformat()}")
        normalised.append((start, end))
    return tuple(sorted(normalised))


def _merge(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    merged: list[Interval] = []
    for start, end in intervals:
        if start == end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)
