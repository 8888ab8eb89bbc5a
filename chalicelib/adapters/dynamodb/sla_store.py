"""SLA clocks on ticket items, and the sparse index the minute tick reads.

A ticket carries ``timer_pk``/``timer_at`` only while a warning or breach is still to come,
so ``tickets_by_timer`` holds just those tickets, ordered by when they are next due; a tick
reads the due ones and stops. Escalations are marked in ``sla_fired`` with a conditional ADD:
two ticks that overlap, or a retried one, cannot run the same escalation twice.
"""

from __future__ import annotations

import json
from datetime import datetime

from pynamodb.exceptions import UpdateError
from pynamodb.expressions.update import Action

from ...domain import sla
from ...domain.clock import to_iso
from ...services.ports import SlaRecord
from . import models as m
from .repositories import _conditional_failure, _ticket_from_item


def _record(item: m.TicketItem) -> SlaRecord:
    ticket = _ticket_from_item(item)
    return SlaRecord(ticket, ticket.sla, int(item.sla_rev or 0), frozenset(item.sla_fired or ()))


class DynamoSlaStore:
    def load(self, ticket_id: str) -> SlaRecord | None:
        """The ticket with its clocks (one GetItem)."""
        try:
            return _record(m.TicketItem.get(m.ticket_pk(ticket_id), m.TICKET_SK))
        except m.TicketItem.DoesNotExist:
            return None

    def save(self, record: SlaRecord, state: sla.SlaState | None) -> bool:
        """Store new clocks if nobody stored others since ``record`` was read (False: reload)."""
        item = m.TicketItem(m.ticket_pk(record.ticket.id), m.TICKET_SK)
        timer = sla.next_timer(state, record.fired) if state is not None else None
        actions: list[Action] = [
            m.TicketItem.sla_rev.set(record.rev + 1),
            m.TicketItem.sla.set(json.dumps(sla.to_dict(state), separators=(",", ":")))
            if state is not None else m.TicketItem.sla.remove(),
        ]
        actions += self._timer_actions(timer)
        condition = m.TicketItem.pk.exists() & (
            m.TicketItem.sla_rev.does_not_exist() if record.rev == 0 else m.TicketItem.sla_rev == record.rev
        )
        try:
            item.update(actions=actions, condition=condition)
        except UpdateError as error:
            if _conditional_failure(error):
                return False
            raise
        return True

    @staticmethod
    def _timer_actions(timer: datetime | None) -> list[Action]:
        if timer is None:
            return [m.TicketItem.timer_pk.remove(), m.TicketItem.timer_at.remove()]
        return [m.TicketItem.timer_pk.set(m.TIMER_PK), m.TicketItem.timer_at.set(to_iso(timer))]

    def fire(self, ticket_id: str, mark: str) -> bool:
        """Record that an escalation ran; False when it already had (run nothing then)."""
        item = m.TicketItem(m.ticket_pk(ticket_id), m.TICKET_SK)
        try:
            item.update(
                actions=[m.TicketItem.sla_fired.add({mark})],
                condition=m.TicketItem.pk.exists()
                & (m.TicketItem.sla_fired.does_not_exist() | ~m.TicketItem.sla_fired.contains(mark)),
            )
        except UpdateError as error:
            if _conditional_failure(error):
                return False
            raise
        return True

    def due(self, now: datetime, limit: int) -> list[SlaRecord]:
        """Tickets whose next warning or breach is at or before ``now``, soonest first."""
        query = m.TicketItem.tickets_by_timer.query(
            m.TIMER_PK, m.TicketItem.timer_at <= to_iso(now), limit=limit, page_size=limit
        )
        return [_record(item) for item in query]

    def claim_out_of_hours(self, ticket_id: str, period: str, claimant: str | None = None) -> bool:
        """One out-of-hours reply per conversation per closed period: True for the first
        (and for the same claimant again, so that a retried reaction can finish its work)."""
        T = m.TicketItem
        item = T(m.ticket_pk(ticket_id), m.TICKET_SK)
        free = T.ooh_period.does_not_exist() | (T.ooh_period != period)
        if claimant:
            free = free | (T.ooh_claimant == claimant)
        try:
            item.update(
                actions=[T.ooh_period.set(period), T.ooh_claimant.set(claimant) if claimant else T.ooh_claimant.remove()],
                condition=T.pk.exists() & free,
            )
        except UpdateError as error:
            if _conditional_failure(error):
                return False
            raise
        return True
