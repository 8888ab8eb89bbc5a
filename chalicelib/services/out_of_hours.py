"""Telling customers honestly when someone will answer: while the team's calendar is
closed, a conversation gets one notice per closed period naming the next opening, in the
customer's language and, when known, their own time zone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain import phrases
from ..domain.clock import to_iso, utcnow
from ..domain.tickets import Ticket
from .hours import DESK_CALENDAR, CalendarService, local
from .ports import OutOfHoursClaims


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
        self, calendars: CalendarService, claims: OutOfHoursClaims, clock: Callable[[], datetime] = utcnow,
        post_notice: Callable[[Ticket, str], Any] | None = None,
    ) -> None:
        self.calendars = calendars
        self.claims = claims
        self.clock = clock
        self.post_notice = post_notice  # posts a system message in a conversation

    def notice(
        self, ticket: Ticket, customer_zone: str | None = None, *, at: datetime | None = None,
        claimant: str | None = None,
    ) -> Notice | None:
        """The notice for something that arrived ``at`` (default: now), or None: open, no
        calendar, or this conversation was already told during this closed period (a
        conditional write decides, so two messages arriving together still get one notice;
        the same ``claimant`` - an event id - asking again gets it again, so a reaction
        retried after a failure still sends its notice)."""
        calendar = self.calendars.for_ticket(ticket)
        opens = self.calendars.closed_period(calendar, at or self.clock())
        if calendar is None or opens is None:
            return None
        if not self.claims.claim_out_of_hours(ticket.id, to_iso(opens), claimant):
            return None
        when, zone = local(opens, customer_zone, calendar.timezone)
        return Notice(opens, phrases.out_of_hours(ticket.language, opens=when, zone=zone, ticket_number=ticket.number))

    def closed_until(self, ticket: Ticket, at: datetime) -> datetime | None:
        """When the ticket's team opens next, if it is closed ``at`` (nothing claimed)."""
        calendar = self.calendars.for_ticket(ticket)
        return self.calendars.closed_period(calendar, at) if calendar is not None else None

    def on_chat_opened(self, event: Any) -> None:
        """A visitor started a chat while the team is away: tell them when it is back."""
        self._chat_notice(event.ticket, event.ticket.created_at, event.event_id)

    def on_chat_message(self, event: Any) -> None:
        """A visitor wrote while the team is away (once per closed period)."""
        self._chat_notice(event.ticket, event.message.created_at, event.event_id)

    def _chat_notice(self, ticket: Ticket, at: datetime, claimant: str | None) -> None:
        notice = self.notice(ticket, ticket.customer_timezone, at=at, claimant=claimant)
        if notice is not None and self.post_notice is not None:
            self.post_notice(ticket, notice.text)

    def availability(self, calendar_id: str = DESK_CALENDAR) -> Availability:
        """Open now or not, and when next (what the widget shows before a chat starts)."""
        calendar = self.calendars.calendar(calendar_id)
        if calendar is None:
            return Availability(True, None, None)
        opens = self.calendars.closed_period(calendar, self.clock())
        return Availability(opens is None, opens, calendar.timezone)
