"""Business hours: the calendars admins keep (the desk's, and a team's own), turned into
``domain.hours.Calendar`` objects that the SLA clocks and the out-of-hours replies count with.

A calendar is stored as the admin wrote it; public holidays of a country (the ``holidays``
package) are added when it is built, for the years around the instant in question.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from datetime import time as dtime
from typing import Any
from zoneinfo import ZoneInfo

from ..domain.clock import to_iso, utcnow
from ..domain.errors import NotFoundError, UnprocessableError
from ..domain.hours import Calendar, CalendarError, Slot
from ..domain.tickets import Ticket
from .ports import CalendarStore

DESK_CALENDAR = "desk"
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
OWN_HOLIDAY = "Closed (the business's own holiday)"
CACHE_SECONDS = 30  # other function instances see an edit within this long


def build_calendar(data: dict[str, Any], around: datetime) -> Calendar:
    """A Calendar from its stored form; country holidays for the year before ``around`` to
    two years after (timers and promises never reach further)."""
    week = {
        day: tuple(Slot.parse(text) for text in (data.get("hours") or {}).get(name, ()))
        for day, name in enumerate(WEEKDAYS)
    }
    holidays = set(holiday_names(data, range(around.year - 1, around.year + 3)))
    zone = ZoneInfo(data["timezone"])
    closures = tuple(closure_span(c, zone) for c in data.get("closures", ()))
    return Calendar(data["timezone"], week, frozenset(holidays), closures)


def closure_span(closure: dict[str, Any], zone: ZoneInfo) -> tuple[datetime, datetime]:
    """When a stored closure keeps the desk shut: its period, or its whole local ``date`` in
    the calendar's zone (so that it follows a change of time zone, as holidays do)."""
    if "date" in closure:
        day = date.fromisoformat(closure["date"])
        return (datetime.combine(day, dtime(0), tzinfo=zone),
                datetime.combine(day + timedelta(days=1), dtime(0), tzinfo=zone))
    return datetime.fromisoformat(closure["start"]), datetime.fromisoformat(closure["end"])


def _closure_problems(data: dict[str, Any]) -> list[dict[str, str]]:
    """Closed dates that are not dates, or that are closed twice (two closures, or a closure
    and one of the own holidays): field-level details for the console."""
    problems = []
    seen = set(data.get("holidays", ()))
    for i, closure in enumerate(data.get("closures", ())):
        if "date" not in closure:
            continue
        try:
            date.fromisoformat(closure["date"])
        except ValueError:
            problems.append({"field": f"closures/{i}/date", "message": "is not a date"})
            continue
        if closure["date"] in seen:
            problems.append({"field": f"closures/{i}/date", "message": f"{closure['date']} is already closed"})
        seen.add(closure["date"])
    return problems


def holiday_names(data: dict[str, Any], years: range) -> dict[date, str]:
    """The calendar's closed dates with what they are: the business's own ("Closed") and its
    country's public holidays in ``years`` (named by the ``holidays`` package)."""
    names: dict[date, str] = {}
    if data.get("country"):
        import holidays as public_holidays  # only where a calendar names a country

        found = public_holidays.country_holidays(data["country"], subdiv=data.get("subdivision"), years=years)
        names.update({day: str(name) for day, name in found.items()})
    names.update({date.fromisoformat(d): OWN_HOLIDAY for d in data.get("holidays", ())})
    return names


class CalendarService:
    """Reads and keeps calendars; answers 'which calendar counts for this ticket'."""

    def __init__(self, store: CalendarStore, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.clock = clock
        self._cache: dict[str, tuple[float, Calendar | None]] = {}

    def put(self, calendar_id: str, data: dict[str, Any]) -> dict[str, Any]:
        """Validate a calendar fully (it must build) and store it."""
        data = {k: v for k, v in data.items() if v is not None}
        problems = _closure_problems(data)
        if problems:
            raise UnprocessableError("Some closed days are not valid.", code="invalid_closure", details=problems)
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

    def week(self, calendar_id: str, days: int = 7) -> dict[str, Any]:
        """The coming ``days`` days (today first) as the desk counts them: each local date in
        the calendar's time zone, its holiday if any, and its open intervals (UTC instants and
        local wall times). Built from the stored calendar exactly as the SLA clocks and the
        out-of-hours notices build it."""
        data = self.get(calendar_id)
        now = self.clock()
        calendar = build_calendar(data, now)
        zone = ZoneInfo(data["timezone"])
        today = now.astimezone(zone).date()
        names = holiday_names(data, range(today.year, today.year + 2))
        out = []
        for offset in range(days):
            day = today + timedelta(days=offset)
            start = datetime.combine(day, dtime(0), tzinfo=zone)
            end = datetime.combine(day + timedelta(days=1), dtime(0), tzinfo=zone)
            intervals = [
                {"start": to_iso(a), "end": to_iso(b), "local_start": a.astimezone(zone).strftime("%H:%M"),
                 "local_end": "24:00" if b >= end else b.astimezone(zone).strftime("%H:%M")}
                for a, b in calendar.open_intervals(start, end)
            ]
            closures = [
                c.get("reason") or "Closed" for c in data.get("closures", ())
                if (span := closure_span(c, zone))[0] < end and span[1] > start
            ]
            out.append({"date": day.isoformat(), "weekday": WEEKDAYS[day.weekday()], "holiday": names.get(day),
                        "closures": closures, "open": intervals})
        try:
            opening = calendar.next_opening(now)
        except CalendarError:  # shut for longer than the search looks
            opening = None
        return {"calendar_id": calendar_id, "timezone": data["timezone"], "now": to_iso(now),
                "open_now": calendar.is_open(now), "next_opening": to_iso(opening) if opening else None, "days": out}

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
