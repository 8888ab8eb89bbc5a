"""Message-IDs of the desk's mail, in and out: how replies find their ticket, and how a mail
delivered twice is stored once (see ``models.py`` for the keys)."""

from __future__ import annotations

import time

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from . import models as m

# A claim left 'pending' longer than this belongs to an invocation that died: take it over.
STALE_CLAIM_SECONDS = 300


def _key(ref: str) -> tuple[str, str]:
    return f"MAILREF#{ref}", "#MAILREF"


class DynamoMailRefs:
    def claim(self, ref: str) -> bool:
        """Claim an inbound reference for processing; False if it is (being) stored already."""
        item = m.MailRefItem(*_key(ref))
        item.direction, item.state, item.claimed_at = "in", "pending", int(time.time())
        try:
            item.save(condition=m.MailRefItem.pk.does_not_exist())
            return True
        except PutError as error:
            if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise
        try:  # a stale pending claim: its invocation died before storing the mail
            m.MailRefItem(*_key(ref)).update(
                actions=[m.MailRefItem.claimed_at.set(int(time.time()))],
                condition=(m.MailRefItem.state == "pending")
                & (m.MailRefItem.claimed_at < int(time.time()) - STALE_CLAIM_SECONDS),
            )
            return True
        except UpdateError:
            return False

    def release(self, ref: str) -> None:
        m.MailRefItem(*_key(ref)).delete()

    def record(self, ref: str, ticket_id: str, seq: int | None, direction: str) -> None:
        """Point ``ref`` at the ticket, and note the ref on the ticket: erasing or expiring
        the ticket then reaches its references by key."""
        item = m.MailRefItem(*_key(ref))
        item.ticket_id, item.seq, item.direction = ticket_id, seq, direction
        item.state, item.claimed_at = "done", int(time.time())
        item.save()
        try:
            m.TicketItem(m.ticket_pk(ticket_id), m.TICKET_SK).update(
                actions=[m.TicketItem.mailref_keys.add({ref})], condition=m.TicketItem.pk.exists()
            )
        except UpdateError as error:
            if getattr(error, "cause_response_code", None) != "ConditionalCheckFailedException":
                raise

    def ticket_for(self, ref: str) -> str | None:
        try:
            item = m.MailRefItem.get(*_key(ref))
        except DoesNotExist:
            return None
        return item.ticket_id if item.state == "done" else None


class DynamoMailLimits:
    """The suppression list and the per-sender acknowledgement cap."""

    def suppress(self, address: str, reason: str, at: str) -> None:
        item = m.SuppressionItem(f"SUPPRESS#{address.lower()}", "#SUPPRESS")
        item.reason, item.at = reason, at
        item.save()

    def is_suppressed(self, address: str) -> bool:
        try:
            m.SuppressionItem.get(f"SUPPRESS#{address.lower()}", "#SUPPRESS")
            return True
        except DoesNotExist:
            return False

    def count_ack(self, address: str, hour: str) -> int:
        """Count an acknowledgement to ``address`` in ``hour``; returns the count so far."""
        counter = m.CounterItem(f"COUNTER#ack#{address.lower()}#{hour}", m.COUNTER_SK)
        counter.update(actions=[
            m.CounterItem.value.add(1),
            m.CounterItem.expires_at.set(int(time.time()) + 2 * 3600),
        ])
        return int(counter.value)
