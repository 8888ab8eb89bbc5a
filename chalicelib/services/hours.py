"""Business hours: the calendars admins keep (the desk's, and a team's own), turned into
``domain.hours.Calendar`` objects that the SLA clocks and the out-of-hours replies count with.

A calendar is stored as the admin wrote it; public holidays of a country (the ``holidays``
package) are added when it is built, for the years around the instant in question.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from ..domain.clock import utcnow
from ..domain.errors import NotFoundError, UnprocessableError
from ..domain.hours import Calendar, CalendarError, Slot
from ..domain.tickets import Ticket
from .ports import CalendarStore

DESK_CALENDAR = "desk"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CACHE_SECONDS = 30  # other function instances see an edit within this long


def build_calendar(data: dict[str, Any], around: datetime) -> Calendar:
    """A Calendar from its stored form; country holidays for the year before ``around`` to
    two years after (timers and promises never reach further)."""
    week = {
        day: tuple(Slot.parse(text) for text in (data.get("hours") or {}).get(name, ()))
        for day, name in enumerate(WEEKDAYS)
    }
    holidays = {date.fromisoformat(d) for d in data.get("holidays", ())}
    if data.get("country"):
        import holidays as public_holidays  # only where a calendar names a country

        years = range(around.year - 1, around.year + 3)
        holidays |= set(public_holidays.country_holidays(data["country"], subdiv=data.get("subdivision"), years=years))
    closures = tuple(
        (datetime.fromisoformat(c["start"]), datetime.fromisoformat(c["end"])) for c in data.get("closures", ())
    )
    return Calendar(data["timezone"], week, frozenset(holidays), closures)


class CalendarService:
    """Reads and keeps calendars; answers 'which calendar counts for this ticket'."""

    def __init__(self, store: CalendarStore, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.clock = clock
        self._cache: dict[str, tuple[float, Calendar | None]] = {}

    def put(self, calendar_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """Validate a calendar fully (it must build) and store it."""
        data = {k: v for k, v in data.items() if v is not None}
        try:
            build_calendar(data, self.clock())
        except (CalendarError, ValueError, KeyError, NotImplementedError) as error:
            raise UnprocessableError(str(error) or type(error).__name__, code="invalid_calendar") from None
        self.store.put_calendar(calendar_id, data)
        self._cache.pop(calendar_id, None)
        return data

    def get(self, calendar_id: str) -> dict[str, Any]:
        data = self.store.calendar(calendar_id)
        if data is None:
            raise NotFoundError(f"No calendar {calendar_id!r}.", code="calendar_not_found")
        return data

    def delete(self, calendar_id: str) -> None:
        if not self.store.delete_calendar(calendar_id):
            raise NotFoundError(f"No calendar {calendar_id!r}.", code="calendar_not_found")
        self._cache.pop(calendar_id, None)

    def all(self) -> dict[str, dict[str, Any]]:
        return self.store.calendars()

    def calendar(self, calendar_id: str) -> Calendar | None:
        """The built calendar, or None when there is none by that id (cached briefly)."""
        cached = self._cache.get(calendar_id)
        if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
            return cached[1]
        data = self.store.calendar(calendar_id)
        built = build_calendar(data, self.clock()) if data is not None else None
        self._cache[calendar_id] = (time.monotonic(), built)
        return built

    def for_ticket(self, ticket: Ticket) -> Calendar | None:
        """The team's calendar when it has one, else the desk's; None: always open."""
        if ticket.team:
            team = self.calendar(f"team-{ticket.team}")
            if team is not None:
                return team
        return self.calendar(DESK_CALENDAR)

    def closed_period(self, calendar: Calendar | None, now: datetime) -> datetime | None:
        """When closed at ``now``: the next opening (which names this closed period)."""
        if calendar is None or calendar.is_open(now):
            return None
        return calendar.next_opening(now)


def local(instant: datetime, zone: str | None, fallback: str) -> tuple[datetime, str]:
    """An instant in the customer's zone when we know a valid one, else the calendar's."""
    for candidate in (zone, fallback):
        if candidate:
            try:
                return instant.astimezone(ZoneInfo(candidate)), candidate
            except (ValueError, KeyError, OSError):  # an unknown or malformed zone name
                continue
    return instant, "UTC"
