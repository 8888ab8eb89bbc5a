"""Events from the table's DynamoDB stream, and the bookkeeping of the reactions to them.

A stream record carries an item's old and new images; the event is the difference (see the
models' docstring for which change is which event). The record's ``eventID`` is the event's
id: Lambda may deliver a record more than once, always with the same id.
"""

from __future__ import annotations

import json
import time
from dataclasses import replace
from datetime import datetime
from typing import Any

from pynamodb.exceptions import PutError

from ...domain import ids, sla
from ...domain.campaigns import CAMPAIGN_EVENTS, CampaignReplied, CampaignShown
from ...domain.clock import from_iso, to_iso
from ...domain.events import (
    AgentDeparted,
    AgentInvited,
    KnowledgeBaseChanged,
    MessageCreated,
    PortalLinkRequested,
    SlaEscalated,
    TicketChanged,
    TicketOpened,
)
from ...domain.tickets import Ticket
from ...services.events import FailedReaction, LedgerEntry
from . import models as m
from .campaigns import CAMPAIGN_PREFIX, campaign_events
from .portal import LINK_PREFIX, DynamoPortalLinks, link_events
from .repositories import (
    Page,
    _conditional_failure,
    _decode_cursor,
    _encode_cursor,
    _message_from_item,
    _ticket_from_item,
)
from .team import invite_from_item

# The fields whose change is a ticket.changed (the rest are bookkeeping: counters, clocks,
# index keys, read receipts).
CHANGED_FIELDS = ("subject", "status", "priority", "assignee_id", "team", "tags", "csat", "bot")
LEDGER_DAYS = 3  # the stream keeps a record 24 hours: a redelivery comes well before this


def _plain(value: Any) -> Any:
    if hasattr(value, "as_dict"):
        return value.as_dict()
    if isinstance(value, tuple):
        return list(value)
    if hasattr(value, "value"):  # an enum
        return value.value
    return value


def ticket_changes(before: Ticket, after: Ticket) -> dict[str, list[Any]]:
    """``{field: [old, new]}`` for the fields a person changes, as clients see them."""
    return {
        name: [_plain(getattr(before, name)), _plain(getattr(after, name))]
        for name in CHANGED_FIELDS
        if getattr(before, name) != getattr(after, name)
    }


class DynamoEventSource:
    """Derives events from stream records (and again from a parked event's envelope)."""

    def events(self, record: dict[str, Any]) -> list[Any]:
        change = record.get("dynamodb") or {}
        keys = change.get("Keys") or {}
        pk, sk = (keys.get("pk") or {}).get("S", ""), (keys.get("sk") or {}).get("S", "")
        if pk.startswith(CAMPAIGN_PREFIX):
            return campaign_events(record)
        kind, event_id = record.get("eventName"), str(record.get("eventID"))
        new, old = change.get("NewImage"), change.get("OldImage")
        if pk in (m.INVITES_PK, m.AGENTS_PK):
            return _team_events(pk, kind, event_id, new, old)
        if pk.startswith(LINK_PREFIX):
            return link_events(kind, event_id, new)
        if pk == m.KB_PK:
            return _kb_events(sk, event_id, new, old)
        if not pk.startswith("TICKET#"):
            return []
        if sk == m.TICKET_SK and kind == "INSERT" and new:
            item = m.TicketItem.from_raw_data(new)
            return [TicketOpened(_ticket_from_item(item), None, by=item.changed_by, event_id=event_id)]
        if sk == m.TICKET_SK and kind == "MODIFY" and new and old:
            return self._ticket_modified(event_id, m.TicketItem.from_raw_data(old), m.TicketItem.from_raw_data(new))
        if sk.startswith(m.MESSAGE_SK_PREFIX) and kind == "INSERT" and new:
            message = _message_from_item(m.MessageItem.from_raw_data(new))
            if message.opening:
                return []  # part of its ticket's ticket.opened
            ticket = _ticket(message.ticket_id)
            return [] if ticket is None else [MessageCreated(ticket, message, event_id=event_id)]
        return []

    @staticmethod
    def _ticket_modified(event_id: str, old: m.TicketItem, new: m.TicketItem) -> list[Any]:
        before, after = _ticket_from_item(old), _ticket_from_item(new)
        found: list[Any] = []
        changes = ticket_changes(before, after)
        if changes:
            found.append(TicketChanged(after, changes, by=new.changed_by, event_id=event_id))
        for mark in sorted(set(new.sla_fired or ()) - set(old.sla_fired or ())):
            metric, level = sla.parse_mark(mark)
            clock = after.sla.clocks.get(sla.Metric(metric)) if after.sla is not None else None
            due_at = clock.due_at if clock is not None and clock.due_at is not None else after.updated_at
            found.append(SlaEscalated(after, metric, level, due_at, mark, event_id=f"{event_id}:{mark}"))
        return found

    # ------------------------------------------------------------------ envelopes

    @staticmethod
    def envelope(event: Any) -> dict[str, Any]:
        """What a parked reaction keeps of its event: ids and the change, no content (the
        ticket and message are read again when it is replayed)."""
        if isinstance(event, AgentInvited):
            return {"event": event.name, "event_id": event.event_id, "invite_id": event.invite.id,
                    "rev": event.invite.rev}
        if isinstance(event, AgentDeparted):
            return {"event": event.name, "event_id": event.event_id, "agent_id": event.agent_id,
                    "status": event.status, "by": event.by}
        if isinstance(event, (CampaignShown, CampaignReplied)):
            return {"event": event.name, "event_id": event.event_id, "campaign_id": event.campaign_id,
                    "customer_id": event.customer_id}
        if isinstance(event, KnowledgeBaseChanged):  # the build reads everything again
            return {"event": event.name, "event_id": event.event_id, "what": event.what, "key": event.key}
        if isinstance(event, PortalLinkRequested):  # the link's key; its address is read again
            return {"event": event.name, "event_id": event.event_id, "digest": event.digest}
        data: dict[str, Any] = {"event": event.name, "event_id": event.event_id, "ticket_id": event.ticket.id}
        if isinstance(event, MessageCreated):
            data["seq"] = event.message.seq
        elif isinstance(event, TicketChanged):
            data.update(changes=event.changes, by=event.by)
        elif isinstance(event, TicketOpened):
            data["by"] = event.by
        elif isinstance(event, SlaEscalated):
            data.update(metric=event.metric, level=event.level, due_at=to_iso(event.due_at), mark=event.mark)
        return data

    @staticmethod
    def event(envelope: dict[str, Any]) -> Any | None:
        """The event again, on the ticket (and message) as they are now; None if gone."""
        if envelope.get("event") == AgentInvited.name:
            try:
                invite = m.InviteItem.get(m.INVITES_PK, m.INVITE_SK_PREFIX + str(envelope.get("invite_id")))
            except m.InviteItem.DoesNotExist:
                return None  # used or withdrawn: nothing to mail
            return AgentInvited(invite_from_item(invite), event_id=envelope.get("event_id"))
        if envelope.get("event") == AgentDeparted.name:
            return AgentDeparted(str(envelope.get("agent_id")), str(envelope.get("status")), by=envelope.get("by"),
                                 event_id=envelope.get("event_id"))
        if envelope.get("event") == KnowledgeBaseChanged.name:
            return KnowledgeBaseChanged(str(envelope.get("what")), str(envelope.get("key")),
                                        event_id=envelope.get("event_id"))
        if envelope.get("event") == PortalLinkRequested.name:
            found = DynamoPortalLinks().requested(str(envelope.get("digest")))
            return None if found is None else replace(found, event_id=envelope.get("event_id"))
        if envelope.get("event") in CAMPAIGN_EVENTS:
            return CAMPAIGN_EVENTS[envelope["event"]](
                str(envelope["campaign_id"]), str(envelope["customer_id"]), event_id=envelope.get("event_id"))
        ticket = _ticket(str(envelope.get("ticket_id")))
        if ticket is None:
            return None
        name, event_id = envelope.get("event"), envelope.get("event_id")
        if name == MessageCreated.name:
            try:
                item = m.MessageItem.get(m.ticket_pk(ticket.id), m.message_sk(int(envelope["seq"])))
            except m.MessageItem.DoesNotExist:
                return None
            return MessageCreated(ticket, _message_from_item(item), event_id=event_id)
        if name == TicketChanged.name:
            return TicketChanged(ticket, envelope.get("changes") or {}, by=envelope.get("by"), event_id=event_id)
        if name == TicketOpened.name:
            return TicketOpened(ticket, None, by=envelope.get("by"), event_id=event_id)
        if name == SlaEscalated.name:
            return SlaEscalated(ticket, envelope["metric"], envelope["level"], from_iso(envelope["due_at"]),
                                envelope["mark"], event_id=event_id)
        return None


def _team_events(pk: str, kind: Any, event_id: str, new: Any, old: Any) -> list[Any]:
    """An invitation written with a new revision is ``agent.invited`` (its mail); an agent
    whose status left ``active`` is ``agent.departed`` (their open tickets)."""
    if pk == m.INVITES_PK:
        if kind not in ("INSERT", "MODIFY") or not new or "rev" not in new:
            return []  # (the emulator reports an UpdateItem of a new item as its bare keys first)
        item = m.InviteItem.from_raw_data(new)
        if old and int(m.InviteItem.from_raw_data(old).rev or 0) == int(item.rev or 0):
            return []
        return [AgentInvited(invite_from_item(item), event_id=event_id)]
    if kind != "MODIFY" or not new or not old:
        return []
    before, after = m.AgentItem.from_raw_data(old), m.AgentItem.from_raw_data(new)
    was, now = before.status or "active", after.status or "active"
    if was == now or now == "active" or (was, now) == ("deactivated", "removed"):
        return []  # a removal after a deactivation: the tickets went back to the queue then
    return [AgentDeparted(after.id, now, by=after.changed_by, event_id=event_id)]


KB_SETTING_SK = "SETTING#kb"  # the knowledge base's settings, in its own partition


def _kb_events(sk: str, event_id: str, new: Any, old: Any) -> list[Any]:
    """A change readers would see: an article published, changed while published, or taken
    down (a draft's saves are not); any category or knowledge-base setting change."""
    if sk == KB_SETTING_SK:
        return [KnowledgeBaseChanged("settings", "kb", event_id=event_id)]
    if sk.startswith(m.CATEGORY_SK_PREFIX):
        return [KnowledgeBaseChanged("category", sk[len(m.CATEGORY_SK_PREFIX):], event_id=event_id)]
    if not sk.startswith(m.ARTICLE_SK_PREFIX):
        return []
    published = [bool(image) and (image.get("status") or {}).get("S") == "published" for image in (old, new)]
    if not any(published):
        return []
    slug, _, locale = sk[len(m.ARTICLE_SK_PREFIX):].rpartition("#")
    return [KnowledgeBaseChanged("article", f"{slug}/{locale}", event_id=event_id)]


def _ticket(ticket_id: str) -> Ticket | None:
    try:
        return _ticket_from_item(m.TicketItem.get(m.ticket_pk(ticket_id), m.TICKET_SK))
    except m.TicketItem.DoesNotExist:
        return None


class DynamoReactionLedger:
    """What became of each reaction to a stream event: one item per event
    (``EVENT#<id>`` / ``#REACTIONS``), read once and written once per delivery. Only the
    stream function writes it (one invocation at a time per shard, and an item's records all
    in one shard), and an admin's replay of a reaction already given up on."""

    def entries(self, event_id: str) -> dict[str, LedgerEntry]:
        try:
            item = m.ReactionItem.get(f"{m.EVENT_PK_PREFIX}{event_id}", m.REACTIONS_SK, consistent_read=True)
        except m.ReactionItem.DoesNotExist:
            return {}
        return {
            name: LedgerEntry(entry["state"], int(entry.get("attempts", 0)), entry.get("error"))
            for name, entry in json.loads(item.reactions).items()
        }

    def write(self, event_id: str, entries: dict[str, LedgerEntry]) -> None:
        item = m.ReactionItem(f"{m.EVENT_PK_PREFIX}{event_id}", m.REACTIONS_SK)
        item.reactions = json.dumps(
            {name: {"state": e.state, "attempts": e.attempts, **({"error": e.error} if e.error else {})}
             for name, e in sorted(entries.items())},
            separators=(",", ":"),
        )
        item.expires_at = int(time.time()) + LEDGER_DAYS * 86400
        item.save()


class DynamoFailedReactions:
    """Parked reactions in the table (``FAILED`` / ``<failure id>``): the admins' list."""

    def add(self, reaction: str, envelope: dict[str, Any], error: str, attempts: int, at: datetime) -> str:
        # Sorted by when it was parked, so the list reads newest first.
        failure_id = f"evf_{at.strftime('%Y%m%d%H%M%S')}{ids.new_id('')[-10:]}"
        item = m.FailedReactionItem(m.FAILED_PK, failure_id)
        item.reaction, item.error, item.attempts = reaction, error, attempts
        item.event = json.dumps(envelope, separators=(",", ":"))
        item.parked_at = to_iso(at)
        try:
            item.save(condition=m.FailedReactionItem.pk.does_not_exist())
        except PutError as error:
            if _conditional_failure(error):
                raise RuntimeError("failure id taken") from None
            raise
        return failure_id

    def list(self, *, limit: int, cursor: str | None) -> Page:
        start = _decode_cursor(cursor, "failed", ("pk", m.FAILED_PK)) if cursor else None
        results = m.FailedReactionItem.query(
            m.FAILED_PK, scan_index_forward=False, limit=limit, page_size=limit, last_evaluated_key=start
        )
        items = [_failure(item) for item in results]
        lek = results.last_evaluated_key
        return Page(items, _encode_cursor("failed", lek) if lek and len(items) == limit else None)

    def get(self, failure_id: str) -> FailedReaction | None:
        try:
            return _failure(m.FailedReactionItem.get(m.FAILED_PK, failure_id))
        except m.FailedReactionItem.DoesNotExist:
            return None

    def update(self, failure_id: str, error: str, attempts: int) -> None:
        F = m.FailedReactionItem
        F(m.FAILED_PK, failure_id).update(actions=[F.error.set(error), F.attempts.set(attempts)])

    def remove(self, failure_id: str) -> None:
        m.FailedReactionItem(m.FAILED_PK, failure_id).delete()


def _failure(item: m.FailedReactionItem) -> FailedReaction:
    return FailedReaction(
        item.sk, item.reaction, json.loads(item.event), item.error, int(item.attempts), from_iso(item.parked_at)
    )
