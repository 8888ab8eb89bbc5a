"""Telling customers honestly when someone will answer: while the team's calendar is
closed, a conversation gets one notice per closed period naming the next opening, in the
customer's language and, when known, their own time zone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..domain import phrases
from ..domain.clock import to_iso, utcnow
from ..domain.tickets import Ticket
from .hours import DESK_CALENDAR, CalendarService, local


class OutOfHoursClaims(Protocol):
    def claim_out_of_hours(self, ticket_id: str, period: str) -> bool: ...


@dataclass(frozen=True)
class Notice:
    opens_at: datetime
    text: str


@dataclass(frozen=True)
class Availability:
    open: bool
    next_opening: datetime | None
    timezone: str | None


class OutOfHoursService:
    def __init__(
        self, calendars: CalendarService, claims: OutOfHoursClaims, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self.calendars = calendars
        self.claims = claims
        self.clock = clock

    def notice(self, ticket: Ticket, customer_zone: str | None = None) -> Notice | None:
        """The notice to send now, or None: open, no calendar, or this conversation was
        already told during this closed period (a conditional write decides, so two
        messages arriving together still get one notice)."""
        calendar = self.calendars.for_ticket(ticket)
        opens = self.calendars.closed_period(calendar, self.clock())
        if calendar is None or opens is None:
            return None
        if not self.claims.claim_out_of_hours(ticket.id, to_iso(opens)):
            return None
        when, zone = local(opens, customer_zone, calendar.timezone)
        return Notice(opens, phrases.out_of_hours(ticket.language, opens=when, zone=zone, ticket_number=ticket.number))

    def availability(self, calendar_id: str = DESK_CALENDAR) -> Availability:
        """Open now or not, and when next (what the widget shows before a chat starts)."""
        calendar = self.calendars.calendar(calendar_id)
        if calendar is None:
            return Availability(True, None, None)
        opens = self.calendars.closed_period(calendar, self.clock())
        return Availability(opens is None, opens, calendar.timezone)
